-- 0003: leave is cancelled by marking it, never deleted, so its id is never reused and nothing recorded is lost.

ALTER TABLE leave ADD COLUMN cancelled_at TIMESTAMP;
