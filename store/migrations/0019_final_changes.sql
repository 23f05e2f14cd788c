-- 0019: changes made after a final evaluation to what it counted (leave decided, reports validated or returned), with who made them and why, kept for the re-evaluation to say what changed.

-- One row per change and per final result it touches. Like evaluations, the rows are never
-- changed or removed: they are the record of who bent what, after the result, and why.
CREATE TABLE final_changes (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
    nip           TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('leave', 'report')),
    ref_id        INTEGER NOT NULL,
    action        TEXT NOT NULL,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    actor_nip     TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason <> ''),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX final_changes_evaluation ON final_changes(evaluation_id);
CREATE TRIGGER final_changes_no_update BEFORE UPDATE ON final_changes
BEGIN SELECT RAISE(ABORT, 'final changes are immutable'); END;
CREATE TRIGGER final_changes_no_delete BEFORE DELETE ON final_changes
BEGIN SELECT RAISE(ABORT, 'final changes are immutable'); END;
