-- 0008: a message whose attempts ran out is parked (kept to be sent again with `lapkin outbox retry`), apart from one refused for good; processed-inbound ids can be pruned by age.

-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the new status.
-- 'failed' stays for what no retry can fix (the platform refused the message, the recipient
-- blocked the bot, the row does not decode); 'parked' is what ran out of attempts, usually during
-- an outage, and waits for the operator.
CREATE TABLE outbox_new (
    id         INTEGER PRIMARY KEY,
    chat_net   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    photo      BLOB,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'parked')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before TIMESTAMP NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP,
    msg_id     TEXT NOT NULL DEFAULT ''
);
INSERT INTO outbox_new(id, chat_net, chat_id, payload, photo, status, attempts, not_before, last_error, created_at, sent_at, msg_id)
    SELECT id, chat_net, chat_id, payload, photo, status, attempts, not_before, last_error, created_at, sent_at, msg_id FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(status, not_before, id);
CREATE INDEX outbox_heads ON outbox(chat_net, chat_id, id) WHERE status = 'pending';
CREATE INDEX outbox_parked ON outbox(id) WHERE status = 'parked';

-- The daily maintenance prunes ids older than the platforms' redelivery window.
CREATE INDEX processed_inbound_at ON processed_inbound(processed_at);
