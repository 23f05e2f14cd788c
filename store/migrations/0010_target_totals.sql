-- 0010: running totals of each target's realisation, kept by triggers in each report's own transaction, so that sums cost the same after a year as after a week.

-- What has been reported towards one target (not its carried-over predecessors: those have rows of
-- their own, and TargetRealisation adds the chain up). counted: reports submitted or approved (C
-- without [reports] require_approval); approved: validated reports only (C with it). Returned and
-- deleted reports count in neither. Compliance (K) counts report days, not quantities: not here.
CREATE TABLE target_totals (
    target_id INTEGER PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
    counted   REAL NOT NULL DEFAULT 0,
    approved  REAL NOT NULL DEFAULT 0
);

INSERT INTO target_totals(target_id, counted, approved)
SELECT target_id,
       SUM(CASE WHEN status IN ('submitted', 'approved') THEN quantity ELSE 0 END),
       SUM(CASE WHEN status = 'approved' THEN quantity ELSE 0 END)
FROM reports WHERE target_id IS NOT NULL AND quantity IS NOT NULL
GROUP BY target_id;

-- Every path that changes what a report contributes goes through one of these: a new report, a
-- status change (/hapus, validation, return) or an edited quantity or target, and a deleted row.
CREATE TRIGGER reports_totals_insert AFTER INSERT ON reports
WHEN NEW.target_id IS NOT NULL AND NEW.quantity IS NOT NULL AND NEW.status IN ('submitted', 'approved')
BEGIN
    INSERT INTO target_totals(target_id, counted, approved)
    VALUES (NEW.target_id, NEW.quantity, CASE WHEN NEW.status = 'approved' THEN NEW.quantity ELSE 0 END)
    ON CONFLICT(target_id) DO UPDATE SET counted = counted + excluded.counted, approved = approved + excluded.approved;
END;

CREATE TRIGGER reports_totals_update AFTER UPDATE OF status, quantity, target_id ON reports
WHEN (OLD.target_id IS NOT NULL AND OLD.quantity IS NOT NULL AND OLD.status IN ('submitted', 'approved'))
  OR (NEW.target_id IS NOT NULL AND NEW.quantity IS NOT NULL AND NEW.status IN ('submitted', 'approved'))
BEGIN
    UPDATE target_totals
       SET counted = counted - OLD.quantity,
           approved = approved - CASE WHEN OLD.status = 'approved' THEN OLD.quantity ELSE 0 END
     WHERE target_id = OLD.target_id AND OLD.quantity IS NOT NULL AND OLD.status IN ('submitted', 'approved');
    INSERT INTO target_totals(target_id, counted, approved)
    SELECT NEW.target_id, NEW.quantity, CASE WHEN NEW.status = 'approved' THEN NEW.quantity ELSE 0 END
     WHERE NEW.target_id IS NOT NULL AND NEW.quantity IS NOT NULL AND NEW.status IN ('submitted', 'approved')
    ON CONFLICT(target_id) DO UPDATE SET counted = counted + excluded.counted, approved = approved + excluded.approved;
END;

CREATE TRIGGER reports_totals_delete AFTER DELETE ON reports
WHEN OLD.target_id IS NOT NULL AND OLD.quantity IS NOT NULL AND OLD.status IN ('submitted', 'approved')
BEGIN
    UPDATE target_totals
       SET counted = counted - OLD.quantity,
           approved = approved - CASE WHEN OLD.status = 'approved' THEN OLD.quantity ELSE 0 END
     WHERE target_id = OLD.target_id;
END;

-- The realisation at a past date is the total less the reports dated after it: this index finds
-- those few without reading the target's history.
DROP INDEX reports_target;
CREATE INDEX reports_target_date ON reports(target_id, local_date);

-- Which days a person reported on (compliance, reminders, the digest) is answered from the index
-- alone when it holds the status too: without it, each of a city's millions of report days costs
-- a lookup of its row.
DROP INDEX reports_employee_date;
CREATE INDEX reports_employee_date ON reports(nip, local_date, status);
