-- 0004: evaluation integrity: the roster's start date (mulai) and superseded evaluations, marked beside the immutable rows.

-- TMT: the date (YYYY-MM-DD) the person started in this position, from the roster's optional
-- column mulai; '' when not given. Compliance counts from it.
ALTER TABLE employees ADD COLUMN start_date TEXT NOT NULL DEFAULT '';

-- An evaluation replaced by a later one of the same person and period. The evaluations table
-- stays immutable (its triggers are untouched): supersession is a fact recorded beside it, and
-- it is itself never changed or removed.
CREATE TABLE evaluation_supersessions (
    evaluation_id INTEGER PRIMARY KEY REFERENCES evaluations(id),
    superseded_by INTEGER NOT NULL REFERENCES evaluations(id),
    created_at    TIMESTAMP NOT NULL,
    CHECK (superseded_by <> evaluation_id)
);
CREATE INDEX evaluation_supersessions_by ON evaluation_supersessions(superseded_by);
CREATE TRIGGER evaluation_supersessions_no_update BEFORE UPDATE ON evaluation_supersessions
BEGIN SELECT RAISE(ABORT, 'evaluation supersessions are immutable'); END;
CREATE TRIGGER evaluation_supersessions_no_delete BEFORE DELETE ON evaluation_supersessions
BEGIN SELECT RAISE(ABORT, 'evaluation supersessions are immutable'); END;

CREATE INDEX evaluations_period ON evaluations(nip, period_start, period_end);
