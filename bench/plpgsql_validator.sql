-- plpgsql_validator.sql: the Mission Audit payload check (contract 2.5.0) in plain PL/pgSQL.
--
-- The validator a user would write without the extension, used by bench/run.sh as the peer
-- of mission_audit_is_valid(event_type, payload). It returns the same verdict (no violation
-- list): required keys, JSON types, non-empty strings, allowed literals, non-negative
-- integers (integer-valued numbers such as 3.0 count as integers, as in the contract), and
-- the nested artifact_ref / content_hash / provenance objects. Unknown keys are allowed.

-- plpgsql_is_nonempty_string(v): v is a JSON string of at least one character.
CREATE OR REPLACE FUNCTION plpgsql_is_nonempty_string(v jsonb) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
	RETURN v IS NOT NULL AND jsonb_typeof(v) = 'string' AND (v #>> '{}') <> '';
END;
$$;

-- plpgsql_is_count(v): v is a JSON number with no fractional part and not negative.
CREATE OR REPLACE FUNCTION plpgsql_is_count(v jsonb) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
	n numeric;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) <> 'number' THEN
		RETURN false;
	END IF;
	n := v::numeric;
	RETURN n = trunc(n) AND n >= 0;
END;
$$;

-- plpgsql_is_string_array(v, min_items): v is a JSON array of strings, at least min_items long.
CREATE OR REPLACE FUNCTION plpgsql_is_string_array(v jsonb, min_items int) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
	item jsonb;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) <> 'array' OR jsonb_array_length(v) < min_items THEN
		RETURN false;
	END IF;
	FOR item IN SELECT * FROM jsonb_array_elements(v) LOOP
		IF jsonb_typeof(item) <> 'string' THEN
			RETURN false;
		END IF;
	END LOOP;
	RETURN true;
END;
$$;

-- plpgsql_artifact_ref_is_valid(ref): ref is a valid AuditArtifactRef object.
CREATE OR REPLACE FUNCTION plpgsql_artifact_ref_is_valid(ref jsonb) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
	ch jsonb;
	prov jsonb;
	v jsonb;
BEGIN
	IF ref IS NULL OR jsonb_typeof(ref) <> 'object' THEN
		RETURN false;
	END IF;
	IF NOT plpgsql_is_nonempty_string(ref -> 'report_path') THEN
		RETURN false;
	END IF;

	-- content_hash: required object
	ch := ref -> 'content_hash';
	IF ch IS NULL OR jsonb_typeof(ch) <> 'object'
		OR NOT plpgsql_is_nonempty_string(ch -> 'hash')
		OR jsonb_typeof(ch -> 'algorithm') IS DISTINCT FROM 'string'
		OR (ch ->> 'algorithm') NOT IN ('sha256', 'sha512', 'md5') THEN
		RETURN false;
	END IF;
	v := ch -> 'size_bytes';
	IF v IS NOT NULL AND jsonb_typeof(v) <> 'null' AND NOT plpgsql_is_count(v) THEN
		RETURN false;
	END IF;
	IF coalesce(jsonb_typeof(ch -> 'encoding'), 'null') NOT IN ('string', 'null') THEN
		RETURN false;
	END IF;

	-- provenance: required object, every field optional and nullable
	prov := ref -> 'provenance';
	IF prov IS NULL OR jsonb_typeof(prov) <> 'object' THEN
		RETURN false;
	END IF;
	v := prov -> 'source_event_ids';
	IF v IS NOT NULL AND jsonb_typeof(v) <> 'null' AND NOT plpgsql_is_string_array(v, 0) THEN
		RETURN false;
	END IF;
	IF coalesce(jsonb_typeof(prov -> 'git_sha'), 'null') NOT IN ('string', 'null')
		OR coalesce(jsonb_typeof(prov -> 'git_ref'), 'null') NOT IN ('string', 'null')
		OR coalesce(jsonb_typeof(prov -> 'actor_id'), 'null') NOT IN ('string', 'null')
		OR coalesce(jsonb_typeof(prov -> 'revised_at'), 'null') NOT IN ('string', 'null') THEN
		RETURN false;
	END IF;
	v := prov -> 'actor_kind';
	IF v IS NOT NULL AND jsonb_typeof(v) <> 'null'
		AND (jsonb_typeof(v) <> 'string' OR (v #>> '{}') NOT IN ('human', 'llm', 'system')) THEN
		RETURN false;
	END IF;
	RETURN true;
END;
$$;

-- plpgsql_is_valid(event_type, payload): true when payload is a valid payload of event_type.
CREATE OR REPLACE FUNCTION plpgsql_is_valid(event_type text, payload jsonb) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	v jsonb;
BEGIN
	IF event_type NOT IN ('MissionAuditRequested', 'MissionAuditStarted',
						  'MissionAuditDecisionRequested', 'MissionAuditCompleted',
						  'MissionAuditFailed') THEN
		RAISE EXCEPTION 'unknown mission audit event type "%"', event_type
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF jsonb_typeof(payload) <> 'object' THEN
		RETURN false;
	END IF;

	-- fields common to every payload
	IF NOT (plpgsql_is_nonempty_string(payload -> 'mission_id')
			AND plpgsql_is_nonempty_string(payload -> 'run_id')
			AND plpgsql_is_nonempty_string(payload -> 'feature_slug')
			AND plpgsql_is_nonempty_string(payload -> 'actor')) THEN
		RETURN false;
	END IF;

	-- a missing key yields NULL from jsonb_typeof, hence the coalesce around each verdict
	CASE event_type
	WHEN 'MissionAuditRequested' THEN
		RETURN coalesce(jsonb_typeof(payload -> 'trigger_mode') = 'string'
			AND (payload ->> 'trigger_mode') IN ('manual', 'post_merge')
			AND plpgsql_is_string_array(payload -> 'audit_scope', 1)
			AND jsonb_typeof(payload -> 'enforcement_mode') = 'string'
			AND (payload ->> 'enforcement_mode') IN ('advisory', 'blocking'), false);

	WHEN 'MissionAuditStarted' THEN
		RETURN coalesce(plpgsql_is_nonempty_string(payload -> 'audit_scope_hash'), false);

	WHEN 'MissionAuditDecisionRequested' THEN
		RETURN coalesce(plpgsql_is_nonempty_string(payload -> 'decision_id')
			AND jsonb_typeof(payload -> 'question') = 'string'
			AND jsonb_typeof(payload -> 'context_summary') = 'string'
			AND jsonb_typeof(payload -> 'severity') = 'string'
			AND (payload ->> 'severity') IN ('info', 'warning', 'error', 'critical'), false);

	WHEN 'MissionAuditCompleted' THEN
		RETURN coalesce(jsonb_typeof(payload -> 'verdict') = 'string'
			AND (payload ->> 'verdict') IN ('pass', 'pass_with_warnings', 'fail',
											'blocked_decision_required')
			AND jsonb_typeof(payload -> 'severity') = 'string'
			AND (payload ->> 'severity') IN ('info', 'warning', 'error', 'critical')
			AND plpgsql_is_count(payload -> 'findings_count')
			AND plpgsql_artifact_ref_is_valid(payload -> 'artifact_ref')
			AND jsonb_typeof(payload -> 'summary') = 'string', false);

	ELSE	-- MissionAuditFailed
		v := payload -> 'partial_artifact_ref';
		RETURN coalesce(plpgsql_is_nonempty_string(payload -> 'error_code')
			AND jsonb_typeof(payload -> 'error_message') = 'string'
			AND (v IS NULL OR jsonb_typeof(v) = 'null' OR plpgsql_artifact_ref_is_valid(v)), false);
	END CASE;
END;
$$;
