/* reduce_sql.c: the mission_audit_reduce aggregate's support functions */
#include "reduce.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(mission_audit_reduce_transfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_combinefn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_serialfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_deserialfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_finalfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_events);

static MemoryContext
aggregate_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggcxt;
}

/* transition: keep one event's record; NULL events are skipped */
Datum
mission_audit_reduce_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "mission_audit_reduce_transfn");
	MaReduceState *state = PG_ARGISNULL(0) ? NULL : (MaReduceState *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (state == NULL)
		state = ma_state_create(aggcxt);
	ma_state_add_event(state, PG_GETARG_JSONB_P(1));
	PG_RETURN_POINTER(state);
}

/* combine: append state2's records to state1, copied into our context */
Datum
mission_audit_reduce_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "mission_audit_reduce_combinefn");
	MaReduceState *state1 = PG_ARGISNULL(0) ? NULL : (MaReduceState *) PG_GETARG_POINTER(0);
	MaReduceState *state2 = PG_ARGISNULL(1) ? NULL : (MaReduceState *) PG_GETARG_POINTER(1);

	if (state2 == NULL)
	{
		if (state1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state1);
	}
	if (state1 == NULL)
		state1 = ma_state_create(aggcxt);
	ma_state_merge(state1, state2);
	PG_RETURN_POINTER(state1);
}

Datum
mission_audit_reduce_serialfn(PG_FUNCTION_ARGS)
{
	(void) aggregate_context(fcinfo, "mission_audit_reduce_serialfn");
	PG_RETURN_BYTEA_P(ma_state_serialize((MaReduceState *) PG_GETARG_POINTER(0)));
}

Datum
mission_audit_reduce_deserialfn(PG_FUNCTION_ARGS)
{
	(void) aggregate_context(fcinfo, "mission_audit_reduce_deserialfn");
	PG_RETURN_POINTER(ma_state_deserialize(CurrentMemoryContext, PG_GETARG_BYTEA_PP(0)));
}

/* final: the reduced state; zero rows give the initial state, not NULL */
Datum
mission_audit_reduce_finalfn(PG_FUNCTION_ARGS)
{
	MaReduceState *state;

	(void) aggregate_context(fcinfo, "mission_audit_reduce_finalfn");
	state = PG_ARGISNULL(0) ? NULL : (MaReduceState *) PG_GETARG_POINTER(0);
	PG_RETURN_JSONB_P(ma_state_finish(state));
}

/* mission_audit_reduce_events(jsonb array): the aggregate over an array */
Datum
mission_audit_reduce_events(PG_FUNCTION_ARGS)
{
	Jsonb	   *events = PG_GETARG_JSONB_P(0);
	MaReduceState *state = ma_state_create(CurrentMemoryContext);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_ARRAY(events) || JB_ROOT_IS_SCALAR(events))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mission_audit_reduce_events expects a JSON array of events")));

	it = JsonbIteratorInit(&events->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (v.type == jbvNull)
			continue;			/* as the aggregate skips NULL rows */
		ma_state_add_event(state, JsonbValueToJsonb(&v));
	}
	PG_RETURN_JSONB_P(ma_state_finish(state));
}
