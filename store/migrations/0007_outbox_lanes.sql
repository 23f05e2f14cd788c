-- 0007: the sender's lanes read the oldest pending message of each chat of one network; a message keeps the platform id chosen before its first attempt.

-- The platform message id the sender chose before the first attempt (WhatsApp), so every attempt
-- and a recipient's retry request after a restart name the same message; '' where the platform
-- chooses (Telegram).
ALTER TABLE outbox ADD COLUMN msg_id TEXT NOT NULL DEFAULT '';

-- Pending messages only, by network and chat in queue order: the oldest of each chat (its head)
-- is the first entry of its group, so a lane finds every head without touching sent rows.
CREATE INDEX outbox_heads ON outbox(chat_net, chat_id, id) WHERE status = 'pending';
