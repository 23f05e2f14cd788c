-- 0002: contract revisions: a target carried into a new version keeps its history; signed contracts become read-only.

ALTER TABLE targets ADD COLUMN carried_from INTEGER REFERENCES targets(id);

-- A signed contract is never changed in place: its content stays as signed, and only its status may
-- move on to 'superseded' when a revision is signed.
CREATE TRIGGER contracts_signed_frozen BEFORE UPDATE ON contracts
WHEN OLD.status IN ('signed', 'superseded')
 AND NOT (OLD.status = 'signed' AND NEW.status = 'superseded'
          AND NEW.nip = OLD.nip AND NEW.year = OLD.year AND NEW.version = OLD.version
          AND NEW.signed_at IS OLD.signed_at AND NEW.sha256 = OLD.sha256)
BEGIN SELECT RAISE(ABORT, 'a signed contract cannot be changed'); END;

CREATE TRIGGER targets_signed_frozen_update BEFORE UPDATE ON targets
WHEN (SELECT status FROM contracts WHERE id = OLD.contract_id) IN ('signed', 'superseded')
BEGIN SELECT RAISE(ABORT, 'the targets of a signed contract cannot be changed'); END;

CREATE TRIGGER targets_signed_frozen_delete BEFORE DELETE ON targets
WHEN (SELECT status FROM contracts WHERE id = OLD.contract_id) IN ('signed', 'superseded')
BEGIN SELECT RAISE(ABORT, 'the targets of a signed contract cannot be changed'); END;

CREATE TRIGGER targets_signed_frozen_insert BEFORE INSERT ON targets
WHEN (SELECT status FROM contracts WHERE id = NEW.contract_id) IN ('signed', 'superseded')
BEGIN SELECT RAISE(ABORT, 'the targets of a signed contract cannot be changed'); END;
