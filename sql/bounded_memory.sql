-- bounded_memory: the error paths answer a huge invalid event in bounded memory.
-- The event: only event_type and an unknown key holding 4,000,000 zeros (0.9 MB stored, 48 MB
-- as a jsonb value).  Each query runs in a fresh backend, whose peak resident set (VmHWM, read
-- from /proc: this test needs Linux and a superuser) must stay under 300 MB; before the bound
-- validate_event reached 1.1 GB and failed with 54000, normalize_event's error 0.9 GB.
SELECT current_database() AS db \gset
CREATE TABLE huge_invalid AS
SELECT ('{"event_type": "MissionAuditStarted", "junk": [' || repeat('0,', 3999999) || '0]}')::jsonb AS e;
SELECT pg_column_size(e) < 1000000 AS stored_under_1mb, jsonb_array_length(e->'junk') AS zeros FROM huge_invalid;
CREATE FUNCTION peak_mb() RETURNS int
	LANGUAGE sql
	RETURN substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*(\d+) kB')::int / 1024;

\c :db
SELECT jsonb_array_length(v->'violations') AS violations, v->'violations'->0->'input' AS first_input
FROM huge_invalid, mission_audit_validate_event(e) v;
SELECT peak_mb() < 300 AS validate_event_under_300mb;

\c :db
SELECT mission_audit_normalize_event(e) FROM huge_invalid; -- error
SELECT peak_mb() < 300 AS normalize_event_error_under_300mb;

\c :db
SELECT mission_audit_reduce(e) FROM huge_invalid; -- error
SELECT peak_mb() < 300 AS reduce_error_under_300mb;

DROP FUNCTION peak_mb();
DROP TABLE huge_invalid;
