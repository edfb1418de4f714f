/* reduce_sql.c: SQL functions on reduce states: add, merge, result; reduce an array */
#include "reduce.h"

#include "fmgr.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
#include "nodes/primnodes.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(mission_audit_state_add);
PG_FUNCTION_INFO_V1(mission_audit_state_merge);
PG_FUNCTION_INFO_V1(mission_audit_result);
PG_FUNCTION_INFO_V1(mission_audit_reduce_contract_finalfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_events);

/*
 * mission_audit_state_add(state, event [, contract]): the state with one
 * more event; also the transition function of mission_audit_reduce and
 * mission_audit_reduce_state, where it appends to its expanded transition
 * value in place.  A NULL state is the empty state (of the contract named,
 * else 2.5.0); a NULL event leaves the state as it is; an event checked
 * under another contract than the state's is an error.
 */
Datum
mission_audit_state_add(PG_FUNCTION_ARGS)
{
	bool		has_contract = PG_NARGS() > 2;
	bool		was_null = PG_ARGISNULL(0);
	MaContractId contract = MA_CONTRACT_2_5_0;
	MaReduceState *state;
	Datum		result;

	if (has_contract)
	{
		if (PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("mission audit contract must not be null")));
		contract = ma_contract_from_text(PG_GETARG_TEXT_PP(2));
	}
	else if (PG_ARGISNULL(1))
	{
		if (was_null)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	state = ma_state_for_update(fcinfo, 0, &result);
	if (was_null)
		state->contract = contract;
	else if (has_contract && state->contract != contract)
	{
		if (AggCheckCallContext(fcinfo, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mission_audit_reduce rows name different contracts"),
					 errdetail("The aggregate began with contract %s; a later row names %s.",
							   ma_contract_names[state->contract], ma_contract_names[contract]),
					 errhint("Reduce each contract's events in a group of its own, for example GROUP BY the contract.")));
		ma_state_check_contract(state, contract);
	}
	if (!PG_ARGISNULL(1))
		ma_state_add_event(state, PG_GETARG_JSONB_P(1));
	PG_RETURN_DATUM(result);
}

/*
 * mission_audit_state_merge(a, b): the state of both states' events; also
 * the combine function of the aggregates and the transition function of
 * mission_audit_merge.  NULL is the empty state (NULL and NULL give NULL);
 * states of different contracts do not merge.
 */
Datum
mission_audit_state_merge(PG_FUNCTION_ARGS)
{
	MaReduceState *state;
	Datum		result;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		(void) ma_state_for_update(fcinfo, 1, &result);
		PG_RETURN_DATUM(result);
	}
	state = ma_state_for_update(fcinfo, 0, &result);
	ma_state_merge_arg(state, fcinfo, 1);
	PG_RETURN_DATUM(result);
}

/*
 * mission_audit_result(state): the reduced state as jsonb, what
 * mission_audit_reduce returns for the same events; NULL (the empty state)
 * gives the initial state.  Also mission_audit_reduce's final function: it
 * permutes only the state's array of record pointers, so the state means
 * the same afterwards and a window frame may go on adding to it.
 */
Datum
mission_audit_result(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_JSONB_P(ma_state_finish(NULL));
	PG_RETURN_JSONB_P(ma_state_finish(ma_state_for_read(fcinfo, 0)));
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
 * final function of mission_audit_reduce(event, contract): mission_audit_result,
 * except with no rows (no state), where the initial state is that of the
 * contract the call names as a constant, and NULL when the contract is not a
 * constant (no row named one).
 */
Datum
mission_audit_reduce_contract_finalfn(PG_FUNCTION_ARGS)
{
	Node	   *arg;

	if (!PG_ARGISNULL(0))
		PG_RETURN_JSONB_P(ma_state_finish(ma_state_for_read(fcinfo, 0)));
	arg = contract_arg_expr(fcinfo);
	if (arg && IsA(arg, Const) && !((Const *) arg)->constisnull)
	{
		MaReduceState empty;

		memset(&empty, 0, sizeof(empty));
		empty.contract = ma_contract_from_text(DatumGetTextPP(((Const *) arg)->constvalue));
		PG_RETURN_JSONB_P(ma_state_finish(&empty));
	}
	PG_RETURN_NULL();
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


/*
 * mission_audit 2.5.0's internal-state aggregate support functions.  Their
 * symbols stay so that a 2.5.0 install script still loads against this
 * library, as ALTER EXTENSION ... UPDATE needs; the update script drops them.
 */
PG_FUNCTION_INFO_V1(mission_audit_reduce_transfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_combinefn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_serialfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_deserialfn);
PG_FUNCTION_INFO_V1(mission_audit_reduce_finalfn);

pg_noreturn static void
superseded(const char *fn)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s belongs to mission_audit 2.5.0, whose SQL objects do not match this library", fn),
			 errhint("Run ALTER EXTENSION mission_audit UPDATE.")));
}

Datum
mission_audit_reduce_transfn(PG_FUNCTION_ARGS)
{
	superseded("mission_audit_reduce_transfn");
}

Datum
mission_audit_reduce_combinefn(PG_FUNCTION_ARGS)
{
	superseded("mission_audit_reduce_combinefn");
}

Datum
mission_audit_reduce_serialfn(PG_FUNCTION_ARGS)
{
	superseded("mission_audit_reduce_serialfn");
}

Datum
mission_audit_reduce_deserialfn(PG_FUNCTION_ARGS)
{
	superseded("mission_audit_reduce_deserialfn");
}

Datum
mission_audit_reduce_finalfn(PG_FUNCTION_ARGS)
{
	superseded("mission_audit_reduce_finalfn");
}
