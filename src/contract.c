/* contract.c: what the contracts share: event types, literal lists, nested refs, lookup by name */
#include "contract_tables.h"

#include "fmgr.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"

const char *const ma_trigger_modes[] = {"manual", "post_merge", NULL};
const char *const ma_enforcement_modes[] = {"advisory", "blocking", NULL};
const char *const ma_severities[] = {"info", "warning", "error", "critical", NULL};
const char *const ma_verdicts[] = {"pass", "pass_with_warnings", "fail",
"blocked_decision_required", NULL};
const char *const ma_hash_algorithms[] = {"sha256", "sha512", "md5", NULL};
const char *const ma_actor_kinds[] = {"human", "llm", "system", NULL};

/* ContentHashRef and ProvenanceRef: the same fields in every contract */

const MaField ma_content_hash_fields[4] = {
	STR("hash", true, false, 1, SLOT_NONE),
	CHOICE("algorithm", MA_LITERAL, ma_hash_algorithms, true, false, SLOT_NONE),
	INT_MIN0("size_bytes", false, true, SLOT_NONE),
	STR("encoding", false, true, 0, SLOT_NONE),
};

const MaField ma_provenance_fields[6] = {
	OF_KIND("source_event_ids", MA_STRING_TUPLE, false, true),
	STR("git_sha", false, true, 0, SLOT_NONE),
	STR("git_ref", false, true, 0, SLOT_NONE),
	STR("actor_id", false, true, 0, SLOT_NONE),
	CHOICE("actor_kind", MA_LITERAL, ma_actor_kinds, false, true, SLOT_NONE),
	STR("revised_at", false, true, 0, SLOT_NONE),
};

const char *const ma_event_type_names[MA_NUM_AUDIT_TYPES] = {
	[EK_REQUESTED] = "MissionAuditRequested",
	[EK_STARTED] = "MissionAuditStarted",
	[EK_DECISION_REQUESTED] = "MissionAuditDecisionRequested",
	[EK_COMPLETED] = "MissionAuditCompleted",
	[EK_FAILED] = "MissionAuditFailed",
};

/* The audit kind of an event_type string. */
MaEventKind
ma_event_kind(const char *type, int len)
{
	static const char family[] = "MissionAudit";

	const int	prefix = sizeof(family) - 1;

	if (len < prefix || memcmp(type, family, prefix) != 0)
		return EK_FOREIGN;
	if (len == prefix)
		return EK_UNRECOGNIZED;
	for (int i = 0; i < MA_NUM_AUDIT_TYPES; i++)
	{
		const char *name = ma_event_type_names[i];

		if (name[prefix] == type[prefix] && strlen(name) == len &&
			memcmp(name + prefix, type + prefix, len - prefix) == 0)
			return (MaEventKind) i;
	}
	return EK_UNRECOGNIZED;
}

/* The kind of a payload function's event_type argument; ERROR unless audit. */
MaEventKind
ma_event_kind_or_error(text *event_type)
{
	MaEventKind kind = ma_event_kind(VARDATA_ANY(event_type),
									 VARSIZE_ANY_EXHDR(event_type));

	if (kind >= MA_NUM_AUDIT_TYPES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown mission audit event type \"%s\"",
						text_to_cstring(event_type)),
				 errhint("Use one of MissionAuditRequested, MissionAuditStarted, "
						 "MissionAuditDecisionRequested, MissionAuditCompleted, "
						 "MissionAuditFailed.")));
	return kind;
}

const char *const ma_contract_names[MA_NUM_CONTRACTS] = {
	[MA_CONTRACT_2_5_0] = "2.5.0",
	[MA_CONTRACT_3_0_0] = "3.0.0",
};

/* The id of a contract named by a SQL argument; ERROR for any other text. */
MaContractId
ma_contract_from_text(text *name)
{
	const char *s = VARDATA_ANY(name);
	int			len = VARSIZE_ANY_EXHDR(name);

	/* called per row: the first byte rules out the other names */
	for (int i = 0; i < MA_NUM_CONTRACTS; i++)
		if (len > 0 && ma_contract_names[i][0] == s[0] &&
			strlen(ma_contract_names[i]) == len &&
			memcmp(ma_contract_names[i], s, len) == 0)
			return (MaContractId) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown mission audit contract \"%s\"", text_to_cstring(name)),
			 errhint("Use one of 2.5.0, 3.0.0 (see mission_audit_contracts()).")));
	return MA_CONTRACT_2_5_0;	/* keep compiler quiet */
}

/* A contract's tables by id. */
const MaContract *
ma_contract(MaContractId id)
{
	static const MaContract *const contracts[MA_NUM_CONTRACTS] = {
		[MA_CONTRACT_2_5_0] = &ma_contract_2_5_0,
		[MA_CONTRACT_3_0_0] = &ma_contract_3_0_0,
	};

	if ((int) id < 0 || id >= MA_NUM_CONTRACTS)
		elog(ERROR, "invalid mission audit contract id %d", (int) id);
	return contracts[id];
}

/* A contract's tables by a SQL argument's name; ERROR for any other text. */
const MaContract *
ma_contract_of_text(text *name)
{
	return ma_contract(ma_contract_from_text(name));
}

StaticAssertDecl(ENV_NFIELDS <= MA_MAX_FIELDS, "MA_MAX_FIELDS must hold the envelope");

/* Is argument argno of the function call flinfo evaluates a Const node? */
static bool
arg_is_const(FmgrInfo *flinfo, int argno)
{
	Node	   *expr = flinfo ? flinfo->fn_expr : NULL;
	List	   *args;

	if (expr == NULL || !IsA(expr, FuncExpr))
		return false;
	args = ((FuncExpr *) expr)->args;
	return argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

/*
 * The contract a SQL function's optional final argument names: 2.5.0 for
 * the signatures without it.  A constant argument (the usual case) is
 * looked up once per call site and kept in fn_extra; any other, a Param
 * included (PL/pgSQL re-evaluates one expression with new values), per row.
 */
const MaContract *
ma_contract_arg(FunctionCallInfo fcinfo, int argno)
{
	const MaContract *contract;

	if (PG_NARGS() <= argno)
		return &ma_contract_2_5_0;
	if (fcinfo->flinfo && fcinfo->flinfo->fn_extra)
		return (const MaContract *) fcinfo->flinfo->fn_extra;
	contract = ma_contract_of_text(PG_GETARG_TEXT_PP(argno));
	if (arg_is_const(fcinfo->flinfo, argno))
		fcinfo->flinfo->fn_extra = (void *) contract;
	return contract;
}
