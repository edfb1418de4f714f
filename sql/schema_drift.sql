-- schema_drift: mission_audit_payload_schema() returns exactly the JSON Schemas shipped in fixtures/schemas
SELECT setting || '/extension/mission_audit/schemas/' AS schemas FROM pg_config WHERE name = 'SHAREDIR' \gset
-- the function and the installed files agree, type by type
SELECT t AS event_type,
       mission_audit_payload_schema(t) = pg_read_file(:'schemas' || t || '.schema.json')::jsonb AS same_as_file
  FROM unnest(mission_audit_event_types()) t;
-- each is a Draft 2020-12 object schema titled for its type
SELECT t AS event_type, s->>'$schema' AS dialect, s->>'type' AS type, s->>'title' AS title,
       (SELECT array_agg(r ORDER BY r) FROM jsonb_array_elements_text(s->'required') r) AS required
  FROM unnest(mission_audit_event_types()) t, mission_audit_payload_schema(t) s;
-- the nested references are $defs of the types that carry artifacts
SELECT t AS event_type, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(s->'$defs') k) AS defs
  FROM unnest(mission_audit_event_types()) t, mission_audit_payload_schema(t) s;
-- an unknown type is an error that lists the five
SELECT mission_audit_payload_schema('MissionAuditCancelled');
-- NULL in, NULL out
SELECT mission_audit_payload_schema(NULL) IS NULL AS strict;
