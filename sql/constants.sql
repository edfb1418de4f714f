-- constants: the contract's version, event types and enum types, and how the extension installs, relocates and labels its functions
\pset null '(null)'
\set SHOW_CONTEXT never

-- contract version and event types
SELECT mission_audit_schema_version();
SELECT mission_audit_event_types();
SELECT array_length(mission_audit_event_types(), 1) AS n_event_types;
SELECT n, event_type FROM unnest(mission_audit_event_types()) WITH ORDINALITY AS t(event_type, n) ORDER BY n;

-- enum labels, in declaration order
SELECT enum_range(NULL::mission_audit_verdict);
SELECT enum_range(NULL::mission_audit_severity);
SELECT enum_range(NULL::mission_audit_status);
SELECT mission_audit_terminal_statuses();
SELECT pg_typeof(mission_audit_terminal_statuses());

-- labels are case-sensitive: anything else is an error naming the type and the value
SELECT 'pass'::mission_audit_verdict;
SELECT 'PASS'::mission_audit_verdict; -- error
SELECT 'fatal'::mission_audit_severity; -- error
SELECT 'done'::mission_audit_status; -- error
SELECT ''::mission_audit_severity; -- error

-- enums compare in declaration order
SELECT 'info'::mission_audit_severity < 'warning' AND 'warning'::mission_audit_severity < 'error' AND 'error'::mission_audit_severity < 'critical' AS severity_ascends;
SELECT max(s) AS worst_severity FROM unnest(enum_range(NULL::mission_audit_severity)) s;
SELECT min(v) AS best_verdict, max(v) AS worst_verdict FROM unnest(enum_range(NULL::mission_audit_verdict)) v;
SELECT 'pending'::mission_audit_status < 'running' AND 'running'::mission_audit_status < 'awaiting_decision' AND 'awaiting_decision'::mission_audit_status < 'completed' AND 'completed'::mission_audit_status < 'failed' AS status_ascends;
SELECT s, s = ANY (mission_audit_terminal_statuses()) AS terminal FROM unnest(enum_range(NULL::mission_audit_status)) s ORDER BY s;

-- every function is IMMUTABLE and PARALLEL SAFE, none is SECURITY DEFINER or pins a setting; those taking arguments a caller passes are STRICT except the aggregate's support functions
SELECT p.oid::regprocedure AS function, p.prokind AS kind, p.provolatile AS volatility, p.proparallel AS parallel, p.proisstrict AS strict, p.prosecdef AS security_definer, p.proconfig AS config FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mission_audit' ORDER BY p.oid::regprocedure::text;
SELECT count(*) AS functions, count(*) FILTER (WHERE p.provolatile <> 'i') AS not_immutable, count(*) FILTER (WHERE p.proparallel <> 's') AS not_parallel_safe, count(*) FILTER (WHERE p.prosecdef) AS security_definer FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mission_audit';

-- every function a user calls has a comment; the aggregate's support functions need none
SELECT p.oid::regprocedure AS uncommented FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mission_audit' WHERE obj_description(p.oid, 'pg_proc') IS NULL ORDER BY p.oid::regprocedure::text;

-- the extension's own entry
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace FROM pg_extension WHERE extname = 'mission_audit';
SELECT name, default_version, installed_version FROM pg_available_extensions WHERE name = 'mission_audit';

-- dropping and re-creating the extension leaves it as it was
DROP EXTENSION mission_audit;
SELECT count(*) AS leftover_functions FROM pg_proc WHERE proname LIKE 'mission\_audit\_%';
SELECT count(*) AS leftover_types FROM pg_type WHERE typname LIKE 'mission\_audit\_%';
CREATE EXTENSION mission_audit;
SELECT mission_audit_schema_version();

-- the extension is relocatable: it installs into another schema and works there, whatever the search_path
DROP EXTENSION mission_audit;
CREATE SCHEMA audit;
CREATE EXTENSION mission_audit SCHEMA audit;
SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'mission_audit';
SELECT audit.mission_audit_schema_version();
SELECT audit.mission_audit_event_types();
SELECT audit.mission_audit_terminal_statuses();
SELECT mission_audit_schema_version(); -- error: audit is not on the search_path
SELECT audit.mission_audit_is_valid('MissionAuditStarted', '{"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "audit_scope_hash": "h"}');
SELECT audit.mission_audit_payload_schema('MissionAuditStarted') ? 'properties' AS schema_has_properties;
SELECT 'fail'::audit.mission_audit_verdict;

-- ALTER EXTENSION ... SET SCHEMA moves every object with it
ALTER EXTENSION mission_audit SET SCHEMA public;
SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'mission_audit';
SELECT mission_audit_schema_version();
SELECT count(*) AS left_in_audit FROM pg_proc WHERE pronamespace = 'audit'::regnamespace;

-- back to a plain install in public for the suites that follow
DROP EXTENSION mission_audit;
DROP SCHEMA audit;
CREATE EXTENSION mission_audit;
SELECT extname, extversion, extnamespace::regnamespace FROM pg_extension WHERE extname = 'mission_audit';
