-- 0005: leave has a status. Leave recorded after it started waits for the supervisor ('pending') and excuses nothing until approved; leave recorded ahead counts at once ('approved', decided_by empty) and may still be rejected. Leave recorded before this version counted at once and stays approved.

ALTER TABLE leave ADD COLUMN status TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'rejected'));
ALTER TABLE leave ADD COLUMN decided_by TEXT;
ALTER TABLE leave ADD COLUMN decided_at TIMESTAMP;
ALTER TABLE leave ADD COLUMN decision_note TEXT NOT NULL DEFAULT '';
