/* state_type.c: the mission_audit_state type: expanded form, text and binary I/O */
#include "reduce.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(mission_audit_state_in);
PG_FUNCTION_INFO_V1(mission_audit_state_out);
PG_FUNCTION_INFO_V1(mission_audit_state_recv);
PG_FUNCTION_INFO_V1(mission_audit_state_send);

/* The version of the text form (its "mission_audit_state" key) and of the binary one. */
#define MA_STATE_IO_VERSION 1

/* ---------------------------------------------------------------------
 * The expanded form: a state a transition function appends to in place
 * ---------------------------------------------------------------------
 */

typedef struct MaStateExpanded
{
	ExpandedObjectHeader hdr;
	MaReduceState *state;
} MaStateExpanded;

static Size
expanded_get_flat_size(ExpandedObjectHeader *eohptr)
{
	return ma_state_flat_size(((MaStateExpanded *) eohptr)->state);
}

static void
expanded_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ma_state_flatten_into(((MaStateExpanded *) eohptr)->state, result, allocated_size);
}

static const ExpandedObjectMethods expanded_methods = {
	expanded_get_flat_size,
	expanded_flatten_into
};

/* Our expanded object behind a datum, or NULL for a flat value. */
static MaStateExpanded *
datum_expanded(Datum d)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	if (eoh->eoh_methods != &expanded_methods)
		elog(ERROR, "expanded object is not a mission_audit_state");
	return (MaStateExpanded *) eoh;
}

static MaStateExpanded *
expanded_create(MemoryContext cxt)
{
	MaStateExpanded *eos = MemoryContextAlloc(cxt, sizeof(MaStateExpanded));

	EOH_init_header(&eos->hdr, &expanded_methods, cxt);
	eos->state = ma_state_create(cxt);
	return eos;
}

/*
 * Where an aggregate's states live.  An expanded object normally owns a
 * memory context, and nodeAgg keeps a returned one without copying it only
 * when that context is a child of the aggregate context.  One child per
 * group would make hash aggregation quadratic (it sums the memory of every
 * child context each time it adds a group), so all of an aggregate
 * context's states share one child.  It is found among the aggregate
 * context's children by its name, not cached in fn_extra: callers such as
 * Citus' coord_combine_agg call us through a short-lived FmgrInfo, so
 * nothing kept there may outlive a call.  The context goes when the
 * aggregate context is reset or deleted.  nodeAgg (and Citus) never delete
 * these objects one by one, because the transition and combine functions
 * hand back the read-write object they were given.
 */
static const char shared_context_name[] = "mission_audit_state";

static MemoryContext
shared_state_context(MemoryContext aggcxt)
{
	for (MemoryContext c = aggcxt->firstchild; c != NULL; c = c->nextchild)
		if (c->name == shared_context_name)
			return c;
	return AllocSetContextCreateInternal(aggcxt, shared_context_name,
										 ALLOCSET_START_SMALL_SIZES);
}

/*
 * The state an adding function may change, and the datum it then returns:
 * argument argno itself when it is one of our read-write expanded objects
 * (an aggregate's transition value, or a temporary), else a new expanded
 * object holding a copy of the argument (empty when it is NULL).
 */
MaReduceState *
ma_state_for_update(FunctionCallInfo fcinfo, int argno, Datum *result)
{
	MemoryContext aggcxt;
	MemoryContext cxt;
	MaStateExpanded *eos;

	if (!PG_ARGISNULL(argno) &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(argno))))
	{
		eos = datum_expanded(PG_GETARG_DATUM(argno));
		*result = PG_GETARG_DATUM(argno);
		return eos->state;
	}

	if (AggCheckCallContext(fcinfo, &aggcxt))
		cxt = shared_state_context(aggcxt);
	else
		cxt = AllocSetContextCreate(CurrentMemoryContext, "mission_audit_state",
									ALLOCSET_SMALL_SIZES);
	eos = expanded_create(cxt);
	if (!PG_ARGISNULL(argno))
	{
		MaStateExpanded *src = datum_expanded(PG_GETARG_DATUM(argno));

		if (src)
		{
			eos->state->contract = src->state->contract;
			ma_state_merge(eos->state, src->state);
		}
		else
		{
			MaStateFlat *flat = (MaStateFlat *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

			eos->state->contract = flat->contract < MA_NUM_CONTRACTS ? flat->contract : 0;
			ma_state_merge_flat(eos->state, flat);
		}
	}
	*result = EOHPGetRWDatum(&eos->hdr);
	return eos->state;
}

/*
 * Argument argno's state, to read (or, for a final function, to permute):
 * the expanded object itself, or a view of the flat value's records.
 */
MaReduceState *
ma_state_for_read(FunctionCallInfo fcinfo, int argno)
{
	MaStateExpanded *eos = datum_expanded(PG_GETARG_DATUM(argno));
	MaReduceState *state;

	if (eos)
		return eos->state;
	state = ma_state_create(CurrentMemoryContext);
	ma_state_view_flat(state, CurrentMemoryContext,
					   (MaStateFlat *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)));
	return state;
}

/* Append argument argno's records to into. */
void
ma_state_merge_arg(MaReduceState *into, FunctionCallInfo fcinfo, int argno)
{
	MaStateExpanded *eos = datum_expanded(PG_GETARG_DATUM(argno));

	if (eos)
		ma_state_merge(into, eos->state);
	else
		ma_state_merge_flat(into, (MaStateFlat *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)));
}

static bytea *
state_flatten(const MaReduceState *state)
{
	Size		size = ma_state_flat_size(state);
	MaStateFlat *flat = palloc(size);

	ma_state_flatten_into(state, flat, size);
	return (bytea *) flat;
}

/* ---------------------------------------------------------------------
 * Text and binary forms
 *
 * The external form of a state is the events that rebuild it: for each
 * record, a minimal envelope carrying exactly the values the record keeps
 * (id, timestamp key, lamport clock, event type, kept payload values), and
 * for every other required field a fixed valid filler.  Input adds these
 * events through the same check and packing as the aggregate, so lengths,
 * offsets, hashes, sort keys, slots, numerics, strings and containers of an
 * input state are never read from the client: an accepted state is exactly
 * one that the aggregate builds from valid events.
 *
 *   text:   {"events": [envelope, ...], "contract": "2.5.0", "mission_audit_state": 1}
 *   binary: one byte 1, then that text (as jsonb's binary form is a version and text)
 * ---------------------------------------------------------------------
 */

static const char filler_event_id[] = "00000000000000000000000000";
static const char filler_timestamp[] = "2000-01-01T00:00:00";
static const char filler_uuid[] = "00000000-0000-0000-0000-000000000000";

static void
push_cstring(JsonbParseState **ps, const char *s)
{
	ma_push_string(ps, s, strlen(s));
}

static void push_filler_model(JsonbParseState **ps, const MaModel *model, MaContractId contract);

/* A valid value for a required field whose value no record keeps. */
static void
push_filler(JsonbParseState **ps, const MaField *f, MaContractId contract)
{
	JsonbValue	v;

	switch (f->kind)
	{
		case MA_STRING:
			{
				int			n = Max(f->min_length, 1);
				char	   *s = palloc(n);

				memset(s, 'x', n);
				ma_push_string(ps, s, n);
				break;
			}
		case MA_INTEGER:
			v.type = jbvNumeric;
			v.val.numeric = int64_to_numeric(f->has_minimum ? f->minimum :
											 f->has_maximum ? Min(f->maximum, 0) : 0);
			pushJsonbValue(ps, WJB_VALUE, &v);
			break;
		case MA_LITERAL:
		case MA_ENUM:
			push_cstring(ps, f->literals[0]);
			break;
		case MA_STRING_LIST:
		case MA_STRING_TUPLE:
			pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
			for (int i = 0; i < Max(f->min_length, 1); i++)
			{
				v.type = jbvString;
				v.val.string.val = "x";
				v.val.string.len = 1;
				pushJsonbValue(ps, WJB_ELEM, &v);
			}
			pushJsonbValue(ps, WJB_END_ARRAY, NULL);
			break;
		case MA_MODEL:
			push_filler_model(ps, f->model, contract);
			break;
		case MA_DICT:
			pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
			pushJsonbValue(ps, WJB_END_OBJECT, NULL);
			break;
		case MA_EVENT_ID:
			push_cstring(ps, filler_event_id);
			break;
		case MA_TIMESTAMP:
			push_cstring(ps, filler_timestamp);
			break;
		case MA_UUID:
			push_cstring(ps, filler_uuid);
			break;
		case MA_VERSION:
			push_cstring(ps, ma_contract_names[contract]);
			break;
	}
}

static void
push_filler_model(JsonbParseState **ps, const MaModel *model, MaContractId contract)
{
	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < model->nfields; i++)
	{
		if (!model->fields[i].required)
			continue;
		ma_push_key(ps, model->fields[i].name);
		push_filler(ps, &model->fields[i], contract);
	}
	pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

static void
push_packed(JsonbParseState **ps, const MaPacked *p)
{
	JsonbValue	v;

	ma_packed_to_jsonb_value(p, &v);
	pushJsonbValue(ps, WJB_VALUE, &v);
}

/* Push the minimal envelope that rebuilds rec. */
static void
push_record_event(JsonbParseState **ps, const MaRecord *rec, MaContractId contract)
{
	const MaPacked *values[SLOT_COUNT];
	const MaPacked *big_lamport = NULL;
	const MaPacked *p = (const MaPacked *) MA_RECORD_VALUES(rec);
	const char *end = MA_RECORD_END(rec);
	bool		first = true;
	JsonbValue	v;
	const MaContract *c = ma_contract(contract);
	const MaModel *envelope = c->envelope_model;

	memset(values, 0, sizeof(values));
	while ((const char *) p + sizeof(MaPacked) <= end &&
		   !(p->slot == SLOT_NONE && p->type == 0 && p->len == 0 && !(first && rec->big_lamport)))
	{
		if (first && rec->big_lamport)
			big_lamport = p;
		else if (p->slot < SLOT_COUNT)
			values[p->slot] = p;
		first = false;
		p = MA_PACKED_NEXT(p);
	}

	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < envelope->nfields; i++)
	{
		const MaField *f = &envelope->fields[i];

		switch ((MaEnvelopeField) i)
		{
			case ENV_EVENT_ID:
				ma_push_key(ps, f->name);
				ma_push_string(ps, rec->id, rec->id_len);
				break;
			case ENV_EVENT_TYPE:
				ma_push_key(ps, f->name);
				if (rec->kind < MA_NUM_AUDIT_TYPES)
					push_cstring(ps, ma_event_type_names[rec->kind]);
				else if (rec->kind == EK_UNRECOGNIZED && values[SLOT_TYPE_NAME])
					push_packed(ps, values[SLOT_TYPE_NAME]);
				else
					push_cstring(ps, "ForeignEvent");
				break;
			case ENV_TIMESTAMP:
				ma_push_key(ps, f->name);
				ma_push_string(ps, rec->ts, rec->ts_len);
				break;
			case ENV_LAMPORT_CLOCK:
				ma_push_key(ps, f->name);
				if (big_lamport)
					push_packed(ps, big_lamport);
				else
				{
					v.type = jbvNumeric;
					v.val.numeric = int64_to_numeric(rec->lamport);
					pushJsonbValue(ps, WJB_VALUE, &v);
				}
				break;
			case ENV_PAYLOAD:
				ma_push_key(ps, f->name);
				pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
				if (rec->kind < MA_NUM_AUDIT_TYPES)
				{
					const MaModel *model = c->payload_models[rec->kind];

					for (int j = 0; j < model->nfields; j++)
					{
						const MaField *pf = &model->fields[j];

						if (pf->slot != SLOT_NONE && values[pf->slot])
						{
							ma_push_key(ps, pf->name);
							push_packed(ps, values[pf->slot]);
						}
						else if (pf->required)
						{
							ma_push_key(ps, pf->name);
							push_filler(ps, pf, contract);
						}
					}
				}
				pushJsonbValue(ps, WJB_END_OBJECT, NULL);
				break;
			case ENV_SCHEMA_VERSION:
				/* the contract's own version: what a cutover gate asks for */
				ma_push_key(ps, f->name);
				push_cstring(ps, ma_contract_names[contract]);
				break;
			default:
				if (f->required)
				{
					ma_push_key(ps, f->name);
					push_filler(ps, f, contract);
				}
				break;
		}
	}
	pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

static char *
state_to_cstring(const MaReduceState *state)
{
	JsonbParseState *ps = NULL;
	JsonbValue	v;
	JsonbValue *root;
	Jsonb	   *doc;

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	ma_push_key(&ps, "events");
	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (int64 i = 0; i < state->nevents; i++)
	{
		push_record_event(&ps, state->events[i], state->contract);
		if ((i & 0x3FFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
	ma_push_key(&ps, "contract");
	push_cstring(&ps, ma_contract_names[state->contract]);
	ma_push_key(&ps, "mission_audit_state");
	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(MA_STATE_IO_VERSION);
	pushJsonbValue(&ps, WJB_VALUE, &v);
	root = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	doc = JsonbValueToJsonb(root);
	return JsonbToCString(NULL, &doc->root, VARSIZE(doc));
}

pg_noreturn static void
bad_state(int code, const char *why)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid input syntax for type mission_audit_state"),
			 errdetail("%s", why)));
}

static JsonbValue *
get_key(Jsonb *doc, const char *key, JsonbValue *out)
{
	return getKeyJsonValueFromContainer(&doc->root, key, strlen(key), out);
}

/* Build a state from its text form; errors carry SQLSTATE code. */
static MaReduceState *
state_from_cstring(char *str, int code)
{
	MaReduceState *state = ma_state_create(CurrentMemoryContext);
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		Jsonb	   *doc = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
		JsonbValue	version;
		JsonbValue	contract;
		JsonbValue	events;
		MaNumberShape shape;
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;

		if (!JB_ROOT_IS_OBJECT(doc) || JB_ROOT_COUNT(doc) != 3 ||
			!get_key(doc, "mission_audit_state", &version) ||
			!get_key(doc, "contract", &contract) ||
			!get_key(doc, "events", &events))
			bad_state(code, "A mission_audit_state is a JSON object with exactly the keys \"mission_audit_state\", \"contract\" and \"events\".");
		if (version.type != jbvNumeric)
			bad_state(code, "\"mission_audit_state\" must be the format version 1.");
		ma_number_shape(version.val.numeric, &shape);
		if (!shape.integral || !shape.fits_int64 || shape.value != MA_STATE_IO_VERSION)
			bad_state(code, "\"mission_audit_state\" must be the format version 1.");
		if (contract.type != jbvString)
			bad_state(code, "\"contract\" must be a string naming a contract.");
		state->contract = ma_contract_from_text(cstring_to_text_with_len(contract.val.string.val,
																		 contract.val.string.len));
		if (events.type != jbvBinary || !JsonContainerIsArray(events.val.binary.data))
			bad_state(code, "\"events\" must be an array of event envelopes.");

		it = JsonbIteratorInit(events.val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok != WJB_ELEM)
				continue;
			CHECK_FOR_INTERRUPTS();
			if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
				bad_state(code, "Every element of \"events\" must be an event envelope (a JSON object).");
			ma_state_add_event(state, JsonbValueToJsonb(&v));
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE &&
			edata->sqlerrcode != ERRCODE_INVALID_TEXT_REPRESENTATION)
			PG_RE_THROW();
		FlushErrorState();
		edata->sqlerrcode = code;
		ReThrowError(edata);
	}
	PG_END_TRY();
	return state;
}

/* text input: the JSON document above */
Datum
mission_audit_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(state_flatten(state_from_cstring(str, ERRCODE_INVALID_TEXT_REPRESENTATION)));
}

/* text output: the JSON document above */
Datum
mission_audit_state_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(state_to_cstring(ma_state_for_read(fcinfo, 0)));
}

/* binary input: a version byte, then the text form */
Datum
mission_audit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = buf->cursor < buf->len ? pq_getmsgint(buf, 1) : -1;
	char	   *str;
	int			nbytes;

	if (version != MA_STATE_IO_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported mission_audit_state binary format version %d", version)));
	str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_POINTER(state_flatten(state_from_cstring(str, ERRCODE_INVALID_BINARY_REPRESENTATION)));
}

/* binary output: a version byte, then the text form */
Datum
mission_audit_state_send(PG_FUNCTION_ARGS)
{
	char	   *str = state_to_cstring(ma_state_for_read(fcinfo, 0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, MA_STATE_IO_VERSION);
	pq_sendtext(&buf, str, strlen(str));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
