-- encodings: mission_audit works in UTF8 databases only, and refuses any other clearly.
-- Lengths and repr() quoting are Unicode code points of UTF-8 text; in LATIN1 a byte such
-- as 0x85 would pass unescaped and in SQL_ASCII lengths would count bytes.
\set SHOW_CONTEXT never
SELECT current_database() AS home \gset
SELECT getdatabaseencoding() AS here;
CREATE DATABASE mission_audit_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE mission_audit_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;

\c mission_audit_latin1
-- CREATE EXTENSION refuses, with the reason and what to do
CREATE EXTENSION mission_audit; -- error
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mission_audit';
-- the released 2.5.0 script did not check, but its functions load the library, which refuses
CREATE EXTENSION mission_audit VERSION '2.5.0'; -- error
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mission_audit';
-- nor can a function be created by hand: creating a C function loads the library
CREATE FUNCTION validate_event(jsonb) RETURNS jsonb
	AS 'mission_audit', 'mission_audit_validate_event' LANGUAGE C STRICT; -- error

\c mission_audit_sql_ascii
CREATE EXTENSION mission_audit; -- error
CREATE EXTENSION mission_audit VERSION '2.5.0'; -- error
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mission_audit';

\c :home
DROP DATABASE mission_audit_latin1;
DROP DATABASE mission_audit_sql_ascii;
-- here, in UTF8, everything works
SELECT mission_audit_event_is_valid('{}') AS valid;
