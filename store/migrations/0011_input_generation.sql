-- 0011: a counter that moves whenever something an evaluation is computed from changes, except a new report (whose id tells), so that a confirmed /evaluate can keep the results its preview computed moments before.

-- One row. Bumped by triggers in the changing transaction itself: a report changed or removed
-- (validated, returned, deleted, its quantity or target edited), leave, holidays, contracts and
-- their targets, the roster. A new report is not counted here (the hot path of every quick report
-- stays one insert): reports only grow by id, and the caller compares MAX(id) instead.
CREATE TABLE input_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO input_generation(id, n) VALUES (1, 0);

CREATE TRIGGER input_gen_reports_update AFTER UPDATE ON reports BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_reports_delete AFTER DELETE ON reports BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_leave_insert AFTER INSERT ON leave BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_leave_update AFTER UPDATE ON leave BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_leave_delete AFTER DELETE ON leave BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_holidays_insert AFTER INSERT ON holidays BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_holidays_update AFTER UPDATE ON holidays BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_holidays_delete AFTER DELETE ON holidays BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_contracts_insert AFTER INSERT ON contracts BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_contracts_update AFTER UPDATE ON contracts BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_contracts_delete AFTER DELETE ON contracts BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_targets_insert AFTER INSERT ON targets BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_targets_update AFTER UPDATE ON targets BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_targets_delete AFTER DELETE ON targets BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_employees_insert AFTER INSERT ON employees BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_employees_update AFTER UPDATE ON employees BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_employees_delete AFTER DELETE ON employees BEGIN UPDATE input_generation SET n = n + 1; END;
