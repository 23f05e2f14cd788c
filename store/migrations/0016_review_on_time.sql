-- 0016: validation on time: a report may be rejected (Ditolak) as well as returned for revision (Dikembalikan); an acting supervisor (Plh) stands in for a supervisor for a period.

-- A rejected report has status 'returned' (it counts nowhere and leaves the queue, as a returned
-- one does: every running total and trigger stays as it was) and rejected = 1: its author is not
-- asked to revise it, and the monthly recap counts it apart.
ALTER TABLE reports ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0 CHECK (rejected IN (0, 1));

-- An acting supervisor (Pelaksana Harian): acting_nip validates the reports of supervisor_nip's
-- team, and is told what the supervisor would be told about them, from start_date to end_date
-- (YYYY-MM-DD, inclusive). Cancelled by marking, never deleted.
CREATE TABLE acting_supervisors (
    id             INTEGER PRIMARY KEY,
    supervisor_nip TEXT NOT NULL REFERENCES employees(nip),
    acting_nip     TEXT NOT NULL REFERENCES employees(nip),
    start_date     TEXT NOT NULL CHECK (length(start_date) = 10),
    end_date       TEXT NOT NULL CHECK (length(end_date) = 10 AND end_date >= start_date),
    named_by       TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    cancelled_at   TIMESTAMP,
    CHECK (acting_nip <> supervisor_nip)
);
CREATE INDEX acting_supervisors_supervisor ON acting_supervisors(supervisor_nip, end_date);
CREATE INDEX acting_supervisors_acting ON acting_supervisors(acting_nip, end_date);
