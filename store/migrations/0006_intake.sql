-- 0006: intake: dead letters for updates that cannot be handled, who sent each inbound message (flood limit), when a chat account was last used (one account per notice).

-- An update that failed for good (a photo that cannot be downloaded, an update that cannot be
-- decoded, a handler that keeps failing): kept with its raw content for the operator
-- (`lapkin inbox --failed`), while the platform is told it was received so intake moves on.
CREATE TABLE dead_letters (
    id         INTEGER PRIMARY KEY,
    net        TEXT NOT NULL,
    msg_id     TEXT NOT NULL,
    chat_id    TEXT NOT NULL DEFAULT '',
    sender_id  TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    raw        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retried_at TIMESTAMP
);
CREATE INDEX dead_letters_created ON dead_letters(created_at);

-- Who sent each inbound message, so that the messages of one sender in a window can be counted.
ALTER TABLE processed_inbound ADD COLUMN sender TEXT NOT NULL DEFAULT '';
CREATE INDEX processed_inbound_sender ON processed_inbound(net, sender, processed_at);

-- When a sender over the flood limit was last told that their replies are paused: once per burst.
CREATE TABLE flood_notices (
    net         TEXT NOT NULL,
    sender      TEXT NOT NULL,
    noticed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (net, sender)
);

-- The last time a message came from a chat account: notices go to the account last used.
ALTER TABLE identities ADD COLUMN last_seen_at TIMESTAMP;
