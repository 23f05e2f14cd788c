-- 0018: transfers (mutasi): each post a person left is kept with its last day, and the signed contract the transfer ended.

-- A past post of nip: OPD, position, eselon, supervisor and start (mulai) as they were, the last
-- day there, and the first day of the next post. contract_id is the signed contract the transfer
-- ended (it stays signed and evaluable up to last_day; the person writes a new one for the new
-- post). The current post is the employees row. Rows are never changed or removed.
CREATE TABLE postings (
    id             INTEGER PRIMARY KEY,
    nip            TEXT NOT NULL REFERENCES employees(nip),
    opd_code       TEXT NOT NULL,
    position       TEXT NOT NULL DEFAULT '',
    eselon         TEXT NOT NULL DEFAULT '',
    supervisor_nip TEXT NOT NULL DEFAULT '',
    start_date     TEXT NOT NULL DEFAULT '',
    last_day       TEXT NOT NULL CHECK (length(last_day) = 10),
    transfer_date  TEXT NOT NULL CHECK (length(transfer_date) = 10 AND transfer_date > last_day),
    contract_id    INTEGER REFERENCES contracts(id),
    recorded_at    TIMESTAMP NOT NULL
);
CREATE INDEX postings_nip ON postings(nip, last_day);
CREATE INDEX postings_opd ON postings(opd_code, last_day);
CREATE INDEX postings_contract ON postings(contract_id) WHERE contract_id IS NOT NULL;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'a past post is kept as recorded'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'a past post is kept as recorded'); END;

-- A transfer changes what evaluations of the person count (the contract and the days).
CREATE TRIGGER input_gen_postings_insert AFTER INSERT ON postings BEGIN UPDATE input_generation SET n = n + 1; END;
