-- 0022: how a person is addressed: the roster's optional column sapaan, '' when the roster does not say (the greeting is then made from the name).

ALTER TABLE employees ADD COLUMN call_name TEXT NOT NULL DEFAULT '';
