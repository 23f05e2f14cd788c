-- 0012: changes to reports, leave and holidays are logged with the days they touch, so that a confirmed /evaluate keeps its preview's results when every change since falls outside the days those results count (a holiday of another year, the validation of a report newer than every period); the opds table moves the counter of 0011 too.

-- One row per change, with the first and last day it touches (YYYY-MM-DD). kind 'report': a
-- report's status, quantity or target changed (what counts is the report's day: anything up to
-- the last day a result counts may change it, even before its period, through the realisation of
-- a target); kind 'calendar': leave or a holiday (only the days of a period count). A change that
-- can move a person's first report (a report deleted, undeleted, moved to another day or person)
-- moves the counter of 0011 instead: that date counts for any period. The log keeps its last
-- 10,000 rows at most; a mark older than the oldest row left is a change (InputsChangedSince).
-- A new report writes nothing here (reports only grow by id: the caller compares MAX(id)).
CREATE TABLE input_changes (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('report', 'calendar')),
    first TEXT NOT NULL,
    last  TEXT NOT NULL
);

CREATE TRIGGER input_changes_prune AFTER INSERT ON input_changes WHEN NEW.id % 1000 = 0
BEGIN DELETE FROM input_changes WHERE id <= NEW.id - 10000; END;

DROP TRIGGER input_gen_reports_update;
DROP TRIGGER input_gen_reports_delete;
DROP TRIGGER input_gen_leave_insert;
DROP TRIGGER input_gen_leave_update;
DROP TRIGGER input_gen_leave_delete;
DROP TRIGGER input_gen_holidays_insert;
DROP TRIGGER input_gen_holidays_update;
DROP TRIGGER input_gen_holidays_delete;

CREATE TRIGGER input_gen_reports_update AFTER UPDATE ON reports BEGIN
    UPDATE input_generation SET n = n + 1
     WHERE OLD.nip IS NOT NEW.nip OR OLD.local_date IS NOT NEW.local_date
        OR (OLD.status = 'deleted') IS NOT (NEW.status = 'deleted');
    INSERT INTO input_changes(kind, first, last)
    SELECT 'report', OLD.local_date, OLD.local_date
     WHERE OLD.nip IS NEW.nip AND OLD.local_date IS NEW.local_date
       AND (OLD.status = 'deleted') IS (NEW.status = 'deleted');
END;
CREATE TRIGGER input_gen_reports_delete AFTER DELETE ON reports BEGIN UPDATE input_generation SET n = n + 1; END;

CREATE TRIGGER input_gen_leave_insert AFTER INSERT ON leave BEGIN
    INSERT INTO input_changes(kind, first, last) VALUES ('calendar', NEW.start_date, NEW.end_date);
END;
CREATE TRIGGER input_gen_leave_update AFTER UPDATE ON leave BEGIN
    INSERT INTO input_changes(kind, first, last)
    VALUES ('calendar', min(OLD.start_date, NEW.start_date), max(OLD.end_date, NEW.end_date));
END;
CREATE TRIGGER input_gen_leave_delete AFTER DELETE ON leave BEGIN
    INSERT INTO input_changes(kind, first, last) VALUES ('calendar', OLD.start_date, OLD.end_date);
END;
CREATE TRIGGER input_gen_holidays_insert AFTER INSERT ON holidays BEGIN
    INSERT INTO input_changes(kind, first, last) VALUES ('calendar', NEW.date, NEW.date);
END;
CREATE TRIGGER input_gen_holidays_update AFTER UPDATE ON holidays BEGIN
    INSERT INTO input_changes(kind, first, last) VALUES ('calendar', min(OLD.date, NEW.date), max(OLD.date, NEW.date));
END;
CREATE TRIGGER input_gen_holidays_delete AFTER DELETE ON holidays BEGIN
    INSERT INTO input_changes(kind, first, last) VALUES ('calendar', OLD.date, OLD.date);
END;

-- An OPD's working days (five or six a week) are read by every evaluation of its people.
CREATE TRIGGER input_gen_opds_insert AFTER INSERT ON opds BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_opds_update AFTER UPDATE ON opds BEGIN UPDATE input_generation SET n = n + 1; END;
CREATE TRIGGER input_gen_opds_delete AFTER DELETE ON opds BEGIN UPDATE input_generation SET n = n + 1; END;
