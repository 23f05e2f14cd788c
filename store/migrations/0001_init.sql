-- 0001: the first schema: roster, identities, contracts, reports, evidence, leave, holidays, evaluations, flow state, outbox, inbound ids, job ledger.

CREATE TABLE opds (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    work_days  INTEGER NOT NULL DEFAULT 5 CHECK (work_days IN (5, 6)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE employees (
    nip            TEXT PRIMARY KEY CHECK (length(nip) = 18),
    name           TEXT NOT NULL,
    position       TEXT NOT NULL DEFAULT '',
    eselon         TEXT NOT NULL DEFAULT '',
    opd_code       TEXT NOT NULL REFERENCES opds(code),
    phone          TEXT,
    role           TEXT NOT NULL DEFAULT 'asn' CHECK (role IN ('asn', 'kepala', 'admin')),
    supervisor_nip TEXT REFERENCES employees(nip) DEFERRABLE INITIALLY DEFERRED,
    language       TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX employees_phone ON employees(phone) WHERE phone IS NOT NULL AND phone <> '';
CREATE INDEX employees_opd ON employees(opd_code);
CREATE INDEX employees_supervisor ON employees(supervisor_nip);

-- A chat identity (a Telegram user id, a WhatsApp number, a console name) linked to an employee.
CREATE TABLE identities (
    net          TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    employee_nip TEXT NOT NULL REFERENCES employees(nip) ON DELETE CASCADE,
    unreachable  INTEGER NOT NULL DEFAULT 0,
    linked_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (net, external_id)
);
CREATE INDEX identities_employee ON identities(employee_nip);

-- A group chat that receives one OPD's digests.
CREATE TABLE group_bindings (
    net      TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    opd_code TEXT NOT NULL REFERENCES opds(code),
    bound_by TEXT NOT NULL DEFAULT '',
    bound_at TIMESTAMP NOT NULL,
    PRIMARY KEY (net, chat_id)
);
CREATE INDEX group_bindings_opd ON group_bindings(opd_code);

CREATE TABLE registration_codes (
    code       TEXT PRIMARY KEY,
    nip        TEXT NOT NULL REFERENCES employees(nip) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX registration_codes_nip ON registration_codes(nip);

-- Failed registration attempts per chat identity, to slow down code guessing.
CREATE TABLE registration_failures (
    net         TEXT NOT NULL,
    external_id TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX registration_failures_who ON registration_failures(net, external_id, at);

-- A contract version. A signed contract is never changed: a revision is a new version.
CREATE TABLE contracts (
    id            INTEGER PRIMARY KEY,
    nip           TEXT NOT NULL REFERENCES employees(nip),
    year          INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'signed', 'superseded')),
    supervisor_nip TEXT,
    submitted_at  TIMESTAMP,
    decided_at    TIMESTAMP,
    decided_by    TEXT,
    reject_reason TEXT NOT NULL DEFAULT '',
    signed_at     TIMESTAMP,
    sha256        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (nip, year, version)
);
CREATE INDEX contracts_status ON contracts(status, nip);

CREATE TABLE targets (
    id          INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity    REAL NOT NULL CHECK (quantity > 0),
    unit        TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    weight      REAL NOT NULL DEFAULT 1 CHECK (weight > 0),
    UNIQUE (contract_id, n)
);

CREATE TABLE evidence (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    path       TEXT NOT NULL,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- A daily report. Never deleted: /hapus marks it deleted so that what was received is never lost.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    nip           TEXT NOT NULL REFERENCES employees(nip),
    opd_code      TEXT NOT NULL REFERENCES opds(code),
    local_date    TEXT NOT NULL,
    text          TEXT NOT NULL,
    quantity      REAL,
    target_id     INTEGER REFERENCES targets(id),
    minutes       INTEGER,
    evidence_id   INTEGER REFERENCES evidence(id),
    created_at    TIMESTAMP NOT NULL,
    source_net    TEXT NOT NULL DEFAULT '',
    source_msg_id TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'submitted'
                  CHECK (status IN ('submitted', 'approved', 'returned', 'deleted')),
    review_note   TEXT NOT NULL DEFAULT '',
    reviewed_by   TEXT,
    reviewed_at   TIMESTAMP,
    deleted_at    TIMESTAMP
);
CREATE INDEX reports_employee_date ON reports(nip, local_date);
CREATE INDEX reports_opd_date ON reports(opd_code, local_date);
CREATE INDEX reports_target ON reports(target_id);

CREATE TABLE leave (
    id         INTEGER PRIMARY KEY,
    nip        TEXT NOT NULL REFERENCES employees(nip),
    kind       TEXT NOT NULL CHECK (kind IN ('cuti', 'sakit', 'dl')),
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL CHECK (end_date >= start_date),
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX leave_employee ON leave(nip, start_date);

CREATE TABLE holidays (
    date       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

-- An evaluation result, immutable once written (see the triggers).
CREATE TABLE evaluations (
    id            INTEGER PRIMARY KEY,
    nip           TEXT NOT NULL REFERENCES employees(nip),
    contract_id   INTEGER REFERENCES contracts(id),
    period_key    TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    checkpoint    TEXT NOT NULL DEFAULT '',
    inputs        TEXT NOT NULL,
    outputs       TEXT NOT NULL,
    score         REAL NOT NULL,
    predicate     TEXT NOT NULL,
    standard_met  INTEGER NOT NULL,
    parameters    TEXT NOT NULL,
    evaluator_nip TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX evaluations_employee ON evaluations(nip, created_at);
CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
BEGIN SELECT RAISE(ABORT, 'evaluations are immutable'); END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN SELECT RAISE(ABORT, 'evaluations are immutable'); END;

-- The step a chat is at in a multi-step conversation.
CREATE TABLE flow_state (
    chat_net   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    flow       TEXT NOT NULL,
    step       TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (chat_net, chat_id)
);

-- Everything to send. A row is written in the same transaction as the effects that caused it.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    chat_net   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    photo      BLOB,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before TIMESTAMP NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
CREATE INDEX outbox_pending ON outbox(status, not_before, id);

-- Inbound message ids already handled, so that a redelivery is recognised and ignored.
CREATE TABLE processed_inbound (
    net          TEXT NOT NULL,
    msg_id       TEXT NOT NULL,
    processed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (net, msg_id)
);

-- One row per job, period and recipient: a scheduled notice is sent at most once.
CREATE TABLE job_ledger (
    job        TEXT NOT NULL,
    period_key TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (job, period_key, recipient)
);

-- Small named values a transport keeps across restarts (the Telegram update offset).
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
