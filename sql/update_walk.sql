-- update_walk: installing 2.5.0 and walking ALTER EXTENSION ... UPDATE to the
-- default version gives exactly the objects a fresh install of that version
-- gives.  Each install is flattened into (object, attribute, value) rows that
-- name no OID, and the two sets are compared with EXCEPT both ways, so the
-- expected output is "no differences" whatever the scripts contain: a function,
-- type, aggregate, operator, cast or comment the update script misses or gets
-- wrong shows up as a row naming the object and the attribute.
--
-- The walk runs in a database of its own, so the extension in this one (and
-- anything other tests built on it) is left alone.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS regress_db \gset
DROP DATABASE IF EXISTS mission_audit_update_walk;
CREATE DATABASE mission_audit_update_walk TEMPLATE template0;
\c mission_audit_update_walk
SET client_min_messages = warning;

-- Every member of the extension (pg_depend deptype 'e'), by its OID-free identity.
CREATE VIEW walk_members AS
SELECT d.classid, d.objid, d.objsubid, o.type AS kind, o.identity
  FROM pg_depend d
  JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
 CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o
 WHERE e.extname = 'mission_audit' AND d.deptype = 'e';

-- walk_attrs(jsonb): a catalog row as (attribute, value) pairs.
CREATE FUNCTION walk_attrs(r jsonb) RETURNS TABLE (attr text, value text)
LANGUAGE sql IMMUTABLE AS $$
	SELECT key, value::text FROM jsonb_each(r - 'oid')
$$;

-- Each member's catalog row, every column, with OIDs replaced by what they
-- name (regtype, regprocedure, ...); columns the generic row cannot compare
-- (node trees) are replaced by their deparsed form.
CREATE VIEW walk_objects AS
SELECT m.kind, m.identity, a.attr, a.value
  FROM walk_members m
 CROSS JOIN LATERAL (
	SELECT to_jsonb(p) || jsonb_build_object(
			'pronamespace', p.pronamespace::regnamespace::text,
			'proowner', p.proowner::regrole::text,
			'prolang', (SELECT lanname FROM pg_language WHERE oid = p.prolang),
			'prorettype', p.prorettype::regtype::text,
			'proargtypes', (SELECT array_agg(t::regtype::text ORDER BY n)
							  FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, n)),
			'proallargtypes', (SELECT array_agg(t::regtype::text ORDER BY n)
								 FROM unnest(p.proallargtypes) WITH ORDINALITY u(t, n)),
			'provariadic', p.provariadic::regtype::text,
			'protrftypes', (SELECT array_agg(t::regtype::text ORDER BY n)
							  FROM unnest(p.protrftypes) WITH ORDINALITY u(t, n)),
			'proargdefaults', pg_get_expr(p.proargdefaults, 0),
			'prosqlbody', pg_get_function_sqlbody(p.oid))
		   AS row
	  FROM pg_proc p WHERE m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	UNION ALL
	SELECT to_jsonb(g) || jsonb_build_object(
			'aggsortop', g.aggsortop::regoperator::text,
			'aggtranstype', g.aggtranstype::regtype::text,
			'aggmtranstype', g.aggmtranstype::regtype::text)
	  FROM pg_aggregate g WHERE m.classid = 'pg_proc'::regclass AND g.aggfnoid = m.objid
	UNION ALL
	SELECT to_jsonb(t) || jsonb_build_object(
			'typnamespace', t.typnamespace::regnamespace::text,
			'typowner', t.typowner::regrole::text,
			'typrelid', CASE WHEN t.typrelid <> 0 THEN
				(SELECT jsonb_agg(jsonb_build_array(attname, atttypid::regtype::text, attnotnull) ORDER BY attnum)
				   FROM pg_attribute WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped)::text END,
			'typelem', t.typelem::regtype::text,
			'typarray', t.typarray::regtype::text,
			'typbasetype', t.typbasetype::regtype::text,
			'typcollation', t.typcollation::regcollation::text,
			'typdefaultbin', pg_get_expr(t.typdefaultbin, 0),
			'enum_labels', (SELECT array_agg(enumlabel ORDER BY enumsortorder)
							  FROM pg_enum WHERE enumtypid = t.oid),
			'domain_checks', (SELECT array_agg(pg_get_constraintdef(c.oid) ORDER BY conname)
								FROM pg_constraint c WHERE c.contypid = t.oid))
	  FROM pg_type t WHERE m.classid = 'pg_type'::regclass AND t.oid = m.objid
	UNION ALL
	SELECT to_jsonb(o) || jsonb_build_object(
			'oprnamespace', o.oprnamespace::regnamespace::text,
			'oprowner', o.oprowner::regrole::text,
			'oprleft', o.oprleft::regtype::text,
			'oprright', o.oprright::regtype::text,
			'oprresult', o.oprresult::regtype::text,
			'oprcom', o.oprcom::regoperator::text,
			'oprnegate', o.oprnegate::regoperator::text)
	  FROM pg_operator o WHERE m.classid = 'pg_operator'::regclass AND o.oid = m.objid
	UNION ALL
	SELECT to_jsonb(c) || jsonb_build_object(
			'castsource', c.castsource::regtype::text,
			'casttarget', c.casttarget::regtype::text,
			'castfunc', c.castfunc::regprocedure::text)
	  FROM pg_cast c WHERE m.classid = 'pg_cast'::regclass AND c.oid = m.objid
	UNION ALL
	SELECT jsonb_build_object('relkind', r.relkind, 'columns',
			(SELECT jsonb_agg(jsonb_build_array(attname, atttypid::regtype::text, attnotnull,
												pg_get_expr(ad.adbin, ad.adrelid)) ORDER BY attnum)
			   FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
			  WHERE attrelid = r.oid AND attnum > 0 AND NOT attisdropped),
			'definition', CASE WHEN r.relkind IN ('v', 'm') THEN pg_get_viewdef(r.oid) END)
	  FROM pg_class r WHERE m.classid = 'pg_class'::regclass AND r.oid = m.objid
	UNION ALL
	-- every member, whatever its catalog: that it is one, and its comment
	SELECT jsonb_build_object('member', true, 'comment',
			(SELECT description FROM pg_description
			  WHERE classoid = m.classid AND objoid = m.objid AND objsubid = m.objsubid))
 ) x
 CROSS JOIN LATERAL walk_attrs(x.row) a
UNION ALL
-- the extension itself
SELECT 'extension', extname, a.attr, a.value
  FROM pg_extension e
 CROSS JOIN LATERAL walk_attrs(to_jsonb(e) - 'extowner' - 'extnamespace'
	|| jsonb_build_object('extnamespace', e.extnamespace::regnamespace::text,
		'extconfig', (SELECT array_agg(c::regclass::text) FROM unnest(e.extconfig) c))) a
 WHERE e.extname = 'mission_audit';

-- a fresh install of the default version
CREATE EXTENSION mission_audit;
CREATE TABLE walk_fresh AS SELECT * FROM walk_objects;
DROP EXTENSION mission_audit;

-- 2.5.0 from its own install script, then every update step to the default
CREATE EXTENSION mission_audit VERSION '2.5.0';
ALTER EXTENSION mission_audit UPDATE;
CREATE TABLE walk_updated AS SELECT * FROM walk_objects;

-- the walk reached the default version, and the snapshots are not empty
SELECT (SELECT extversion FROM pg_extension WHERE extname = 'mission_audit')
	 = (SELECT default_version FROM pg_available_extensions WHERE name = 'mission_audit') AS at_default_version,
	   (SELECT count(DISTINCT identity) FROM walk_fresh WHERE kind = 'function') > 10 AS has_functions,
	   (SELECT count(DISTINCT identity) FROM walk_fresh WHERE kind = 'aggregate') > 0 AS has_aggregates,
	   (SELECT count(DISTINCT identity) FROM walk_fresh WHERE kind = 'type') > 0 AS has_types;

-- the differences: none
(SELECT 'fresh only' AS side, * FROM walk_fresh EXCEPT SELECT 'fresh only', * FROM walk_updated)
UNION ALL
(SELECT 'updated only', * FROM walk_updated EXCEPT SELECT 'updated only', * FROM walk_fresh)
ORDER BY kind, identity, attr, side;

\c :regress_db
DROP DATABASE mission_audit_update_walk;
