-- 0008: one chat account per person per network; a link remembers how it was made; a language for accounts not linked yet.

-- How the account was linked: 'phone' (the Telegram contact button, or WhatsApp's own number),
-- 'code' (/daftar <NIP> <KODE>), or '' (seeded, or made before this version). linked_phone is the
-- roster number a 'phone' link was made by: when the roster gives the person another number, the
-- link goes with the old one (a recycled number must not keep its old owner's access).
ALTER TABLE identities ADD COLUMN linked_via TEXT NOT NULL DEFAULT '';
ALTER TABLE identities ADD COLUMN linked_phone TEXT NOT NULL DEFAULT '';

-- A WhatsApp account is its number: one that is the person's roster number was linked by it.
UPDATE identities SET linked_via = 'phone', linked_phone = external_id
 WHERE net = 'wa' AND external_id = (SELECT phone FROM employees WHERE nip = identities.employee_nip);

-- Before this version a person could have several accounts on one network (two Telegram accounts
-- by two codes): keep the one used last, as notices already did.
DELETE FROM identities WHERE rowid IN (
    SELECT rowid FROM (
        SELECT rowid, ROW_NUMBER() OVER (PARTITION BY employee_nip, net
            ORDER BY max(linked_at, COALESCE(last_seen_at, linked_at)) DESC, external_id) AS n
        FROM identities)
    WHERE n > 1);
CREATE UNIQUE INDEX identities_one_per_net ON identities(employee_nip, net);

-- The reply language chosen with /bahasa by someone not registered yet (SPEC: /bahasa is for all).
CREATE TABLE account_languages (
    net         TEXT NOT NULL,
    external_id TEXT NOT NULL,
    language    TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (net, external_id)
);
