-- 0021: outbox messages have a priority: replies to a registered person's own message first, then notices (reminders, digests, what others caused), then replies to strangers; and the replies to strangers of the last hour can be counted.

-- 0: a reply to a registered person's own message; 1: a notice; 2: a reply to a stranger. A
-- chat's head is its pending message of the lowest priority, then the oldest: a person's reply
-- overtakes the notices queued for them, and strangers wait for everyone else.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;

DROP INDEX outbox_heads;
CREATE INDEX outbox_heads ON outbox(chat_net, chat_id, priority, id) WHERE status = 'pending';

-- The [intake] cap on replies to strangers counts those of the last hour.
CREATE INDEX outbox_strangers ON outbox(created_at) WHERE priority = 2;
