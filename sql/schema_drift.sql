-- schema_drift: mission_audit_payload_schema(type, contract) returns exactly the JSON Schemas shipped in fixtures/<contract>/schemas
SELECT setting || '/extension/mission_audit/' AS share FROM pg_config WHERE name = 'SHAREDIR' \gset
CREATE FUNCTION pg_temp.file_of(t text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT 'mission_audit_' || lower(regexp_replace(substr(t, 13), '([a-z])([A-Z])', '\1_\2', 'g')) || '_payload.schema.json' $$;
-- the function and the installed files agree, type by type and contract by contract
SELECT c AS contract, t AS event_type,
       mission_audit_payload_schema(t, c) = pg_read_file(:'share' || c || '/schemas/' || pg_temp.file_of(t))::jsonb AS same_as_file
  FROM unnest(mission_audit_contracts()) c, unnest(mission_audit_event_types()) t ORDER BY 1, 2;
-- the signature without a contract is 2.5.0's
SELECT bool_and(mission_audit_payload_schema(t) = mission_audit_payload_schema(t, '2.5.0')) AS old_signature_is_2_5_0
  FROM unnest(mission_audit_event_types()) t;
-- each is a Draft 2020-12 object schema titled for its type; 3.0.0 forbids unknown keys and requires the mission identity
SELECT c AS contract, t AS event_type, s->>'$schema' AS dialect, s->>'type' AS type, s->>'title' AS title,
       s->'additionalProperties' AS additional,
       (SELECT array_agg(r ORDER BY r) FROM jsonb_array_elements_text(s->'required') r) AS required
  FROM unnest(mission_audit_contracts()) c, unnest(mission_audit_event_types()) t, mission_audit_payload_schema(t, c) s
 ORDER BY 1, 2;
-- mission_number: integer, at least 1
SELECT (mission_audit_payload_schema('MissionAuditStarted', '3.0.0')->'properties'->'mission_number') - 'description' AS mission_number;
-- the nested references are $defs of the types that carry artifacts, closed in 3.0.0
SELECT c AS contract, t AS event_type,
       (SELECT jsonb_object_agg(k, d->'additionalProperties') FROM jsonb_each(s->'$defs') x(k, d)) AS defs_additional
  FROM unnest(mission_audit_contracts()) c, unnest(mission_audit_event_types()) t, mission_audit_payload_schema(t, c) s
 WHERE s ? '$defs' ORDER BY 1, 2;
-- an unknown type is an error that lists the five
SELECT mission_audit_payload_schema('MissionAuditCancelled');
SELECT mission_audit_payload_schema('MissionAuditCancelled', '3.0.0');
-- an unknown contract is an error that lists the contracts
SELECT mission_audit_payload_schema('MissionAuditStarted', '3.0');
-- NULL in, NULL out
SELECT mission_audit_payload_schema(NULL) IS NULL AS strict, mission_audit_payload_schema('MissionAuditStarted', NULL) IS NULL AS strict_contract;
