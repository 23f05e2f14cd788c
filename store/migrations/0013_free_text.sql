-- 0013: free-text reports: a report dated before the day it was sent is marked late, and the last small-talk reply to each chat is remembered so that greetings are answered once, not in a row.

-- late is 1 when the report is for an earlier day than the one its author sent it on (within
-- [reports] backdate_days working days): it counts for its own day, and shows as late.
ALTER TABLE reports ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));

-- One row per chat: when Lapkin last answered a greeting or a thanks there.
CREATE TABLE small_talk (
    net     TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    last_at TIMESTAMP NOT NULL,
    PRIMARY KEY (net, chat_id)
) WITHOUT ROWID;

