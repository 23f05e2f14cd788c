-- 0017: the monthly recap counts each person's reports by status, rejection and minutes from the index of their days alone, not a lookup of every report's row.

-- The same index as before (a person's days and their status: compliance, reminders, the digest
-- read it alone), with the two columns the recap adds: a year of a city's recap read 4.5 million
-- rows one lookup each without them. The entries grow by two bytes when minutes are NULL.
DROP INDEX reports_employee_date;
CREATE INDEX reports_employee_date ON reports(nip, local_date, status, rejected, minutes);
