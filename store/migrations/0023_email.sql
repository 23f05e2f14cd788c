-- 0023: the roster's optional column email (issue 23): the address a person writes from, lower-cased,
-- which the e-mail network names them by; '' when the roster does not say. One person per address.

ALTER TABLE employees ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX employees_email ON employees(email) WHERE email <> '';
