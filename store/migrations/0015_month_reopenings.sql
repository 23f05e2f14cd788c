-- 0015: a month closes at [kinerja] close_day of the next month; an admin may reopen it for one person for a few days, with a reason kept for good.

-- One reopening: nip's month (YYYY-MM) is open again through open_until (YYYY-MM-DD). Rows are
-- never changed or removed: what BKPPD reopened, for whom, why and when is part of the record
-- payroll is paid from.
CREATE TABLE month_reopenings (
    id         INTEGER PRIMARY KEY,
    nip        TEXT NOT NULL REFERENCES employees(nip),
    month      TEXT NOT NULL CHECK (length(month) = 7),
    open_until TEXT NOT NULL CHECK (length(open_until) = 10),
    reason     TEXT NOT NULL CHECK (reason <> ''),
    opened_by  TEXT NOT NULL,
    opened_at  TIMESTAMP NOT NULL
);
CREATE INDEX month_reopenings_nip ON month_reopenings(nip, month);
CREATE INDEX month_reopenings_until ON month_reopenings(open_until);
CREATE TRIGGER month_reopenings_no_update BEFORE UPDATE ON month_reopenings
BEGIN SELECT RAISE(ABORT, 'month reopenings are kept as written'); END;
CREATE TRIGGER month_reopenings_no_delete BEFORE DELETE ON month_reopenings
BEGIN SELECT RAISE(ABORT, 'month reopenings are kept as written'); END;
