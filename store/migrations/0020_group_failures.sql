-- 0020: a bound group whose sends fail for good is marked (for /healthz and to tell its OPD's heads once), and the mark clears when a message reaches it again.

ALTER TABLE group_bindings ADD COLUMN failed_at TIMESTAMP;
ALTER TABLE group_bindings ADD COLUMN failed_reason TEXT NOT NULL DEFAULT '';

-- A message delivered to the group ends the episode: one primary-key probe per sent message.
CREATE TRIGGER group_bindings_delivered AFTER UPDATE OF status ON outbox WHEN NEW.status = 'sent' BEGIN
    UPDATE group_bindings SET failed_at = NULL, failed_reason = ''
     WHERE net = NEW.chat_net AND chat_id = NEW.chat_id AND failed_at IS NOT NULL;
END;
