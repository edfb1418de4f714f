/* reduce_sql.c: the mission_audit_reduce aggregate's support functions */
#include "reduce.h"

#include "fmgr.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
#include "nodes/primnodes.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(mission_audit_reduce_transfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_contract_transfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_contract_finalfn);
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

/*
 * The contract a row of mission_audit_reduce(event, contract) names.  Every
 * row must name the same one: a state holds one contract's events.
 */
static MaContractId
row_contract(FunctionCallInfo fcinfo, const MaReduceState *state)
{
	text	   *name;
	const char *expected;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mission audit contract must not be null")));
	name = PG_GETARG_TEXT_PP(2);
	if (state == NULL)
		return ma_contract_from_text(name);
	expected = ma_contract_names[state->contract];
	if (VARSIZE_ANY_EXHDR(name) != strlen(expected) ||
		memcmp(VARDATA_ANY(name), expected, VARSIZE_ANY_EXHDR(name)) != 0)
	{
		MaContractId other = ma_contract_from_text(name);	/* unknown: its error */

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mission_audit_reduce rows name different contracts"),
				 errdetail("The aggregate began with contract %s; a later row names %s.",
						   expected, ma_contract_names[other]),
				 errhint("Reduce each contract's events in a group of its own, for example GROUP BY the contract.")));
	}
	return state->contract;
}

/* transition of mission_audit_reduce(event, contract): as above, under the rows' contract */
Datum
mission_audit_reduce_contract_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = aggregate_context(fcinfo, "mission_audit_reduce_contract_transfn");
	MaReduceState *state = PG_ARGISNULL(0) ? NULL : (MaReduceState *) PG_GETARG_POINTER(0);
	MaContractId contract = row_contract(fcinfo, state);

	if (state == NULL)
	{
		state = ma_state_create(aggcxt);
		state->contract = contract;
	}
	if (!PG_ARGISNULL(1))
		ma_state_add_event(state, PG_GETARG_JSONB_P(1));
	PG_RETURN_POINTER(state);
}

/*
 * The expression the call passes as its contract, or NULL when it cannot be
 * found.  The Aggref's arguments include ORDER BY expressions as resjunk
 * entries, which are skipped.  In a plan that finalizes partial states the
 * Aggref has one argument: the partial Aggref, which setrefs turned into a
 * Var on the child plan's output; that Var is followed down through the
 * plans that pass it on (Gather, Gather Merge, Sort) to the partial Aggref.
 */
static Node *
contract_arg_expr(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	Plan	   *plan = NULL;

	if (fcinfo->context && IsA(fcinfo->context, AggState))
		plan = ((AggState *) fcinfo->context)->ss.ps.plan;
	while (aggref != NULL)
	{
		Node	   *args[2];
		int			nargs = 0;
		ListCell   *lc;
		Node	   *arg;

		foreach(lc, aggref->args)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);

			if (tle->resjunk)
				continue;
			if (nargs == lengthof(args))
				return NULL;
			args[nargs++] = (Node *) tle->expr;
		}
		if (nargs == 2)
			return args[1];
		if (nargs != 1)
			return NULL;
		arg = args[0];
		while (IsA(arg, Var) && ((Var *) arg)->varno == OUTER_VAR &&
			   plan != NULL && outerPlan(plan) != NULL)
		{
			AttrNumber	attno = ((Var *) arg)->varattno;

			plan = outerPlan(plan);
			if (attno < 1 || attno > list_length(plan->targetlist))
				return NULL;
			arg = (Node *) list_nth_node(TargetEntry, plan->targetlist, attno - 1)->expr;
		}
		if (!IsA(arg, Aggref))
			return NULL;
		aggref = (Aggref *) arg;
	}
	return NULL;
}

/*
 * final of mission_audit_reduce(event, contract).  With no rows there is no
 * state; the initial state is then that of the contract the call names as a
 * constant, and NULL when the contract is not a constant (no row named one).
 */
Datum
mission_audit_reduce_contract_finalfn(PG_FUNCTION_ARGS)
{
	MaReduceState *state;
	Node	   *arg;

	(void) aggregate_context(fcinfo, "mission_audit_reduce_contract_finalfn");
	state = PG_ARGISNULL(0) ? NULL : (MaReduceState *) PG_GETARG_POINTER(0);
	if (state == NULL)
	{
		arg = contract_arg_expr(fcinfo);
		if (arg != NULL && IsA(arg, Const) && !((Const *) arg)->constisnull)
		{
			MaReduceState empty;

			memset(&empty, 0, sizeof(empty));
			empty.contract = ma_contract_from_text(DatumGetTextPP(((Const *) arg)->constvalue));
			PG_RETURN_JSONB_P(ma_state_finish(&empty));
		}
		PG_RETURN_NULL();
	}
	PG_RETURN_JSONB_P(ma_state_finish(state));
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
	{
		state1 = ma_state_create(aggcxt);
		state1->contract = state2->contract;
	}
	else if (state1->contract != state2->contract)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine mission_audit_reduce states of contracts %s and %s",
						ma_contract_names[state1->contract],
						ma_contract_names[state2->contract])));
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

/* mission_audit_reduce_events(jsonb array [, contract]): the aggregate over an array */
Datum
mission_audit_reduce_events(PG_FUNCTION_ARGS)
{
	Jsonb	   *events = PG_GETARG_JSONB_P(0);
	MaContractId contract = ma_contract_arg(fcinfo, 1)->id;
	MaReduceState *state = ma_state_create(CurrentMemoryContext);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_ARRAY(events) || JB_ROOT_IS_SCALAR(events))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mission_audit_reduce_events expects a JSON array of events")));
	state->contract = contract;

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
