-- projection.sql: the live projection recipe of README.md ("A live projection"), verbatim:
-- audit_events (append-only) and audit_runs (run, state) kept current by triggers.

CREATE TABLE audit_events (
	id    bigserial PRIMARY KEY,
	run   text NOT NULL,
	event jsonb NOT NULL CHECK (mission_audit_event_is_valid(event))
);

CREATE TABLE audit_runs (
	run   text PRIMARY KEY,
	state mission_audit_state NOT NULL
);

-- after each INSERT statement: one state per run of the new rows, merged into the run's row
CREATE FUNCTION audit_runs_add() RETURNS trigger
	LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO audit_runs AS p (run, state)
	SELECT run, mission_audit_reduce_state(event) FROM new_events GROUP BY run
	ORDER BY run	-- rows locked in one order: concurrent multi-run inserts cannot deadlock
	ON CONFLICT (run) DO UPDATE SET state = mission_audit_state_merge(p.state, excluded.state);
	RETURN NULL;
END $$;
CREATE TRIGGER audit_runs_add AFTER INSERT ON audit_events
	REFERENCING NEW TABLE AS new_events
	FOR EACH STATEMENT EXECUTE FUNCTION audit_runs_add();

-- the log is append-only: UPDATE and DELETE are refused ...
CREATE FUNCTION audit_events_append_only() RETURNS trigger
	LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_events is append-only'
		USING ERRCODE = 'feature_not_supported',
			  DETAIL = 'audit_runs holds the merged state of every event ever inserted.',
			  HINT = 'Record a correcting event instead.';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
	FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- ... and TRUNCATE empties the projection with the log
CREATE FUNCTION audit_runs_truncate() RETURNS trigger
	LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE audit_runs;
	RETURN NULL;
END $$;
CREATE TRIGGER audit_runs_truncate AFTER TRUNCATE ON audit_events
	FOR EACH STATEMENT EXECUTE FUNCTION audit_runs_truncate();
