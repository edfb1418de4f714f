/* reduce_state.c: the reduction's state: compact event records, merge, flat form */
#include "reduce.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#define FIRST_BLOCK_SIZE 512
#define MAX_BLOCK_SIZE (64 * 1024)

/*
 * Slots each event kind's fold reads.  Other values are not kept: the
 * identity slots matter only to Requested and the kinds that backfill
 * identity (contract data).
 */
static bool
kind_keeps_slot(const MaContract *contract, MaEventKind kind, MaSlot slot)
{
	if (slot == SLOT_NONE)
		return false;
	if (contract->identity_mask & MA_SLOT_BIT(slot))
		return kind == EK_REQUESTED || (contract->backfill_kinds & MA_KIND_BIT(kind)) != 0;
	return true;
}

MaReduceState *
ma_state_create(MemoryContext cxt)
{
	MaReduceState *state = MemoryContextAllocZero(cxt, sizeof(MaReduceState));

	state->cxt = cxt;
	state->next_block_size = FIRST_BLOCK_SIZE;
	return state;
}

/* Room for one record, bump-allocated so small groups stay small. */
static MaRecord *
state_alloc_record(MaReduceState *state, Size size)
{
	char	   *p;

	Assert(size == MAXALIGN(size));
	if (size > state->block_free)
	{
		Size		block_size = state->next_block_size;

		if (size > block_size / 2)
			return (MaRecord *) MemoryContextAlloc(state->cxt, size);
		state->block = MemoryContextAlloc(state->cxt, block_size);
		state->block_free = block_size;
		state->next_block_size = Min(block_size * 2, MAX_BLOCK_SIZE);
	}
	p = state->block;
	state->block += size;
	state->block_free -= size;
	return (MaRecord *) p;
}

static void
state_append(MaReduceState *state, MaRecord *rec)
{
	if (state->nevents == state->capacity)
	{
		int64		cap = Max(4, state->capacity * 2);
		Size		bytes = cap * sizeof(MaRecord *);

		if (state->events == NULL)
			state->events = MemoryContextAlloc(state->cxt, bytes);
		else
			state->events = repalloc_huge(state->events, bytes);
		state->capacity = cap;
	}
	state->events[state->nevents++] = rec;
	state->record_bytes += rec->size;
}

/* Bytes a JsonbValue needs as packed data. */
static uint32
packed_data_len(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return v->val.string.len;
		case jbvNumeric:
			return VARSIZE_ANY(v->val.numeric);
		case jbvBinary:
			return v->val.binary.len;
		default:
			return 0;
	}
}

static char *
write_packed(char *p, MaSlot slot, const JsonbValue *v)
{
	MaPacked	head;
	uint32		len = packed_data_len(v);

	head.slot = slot;
	head.type = v->type;
	head.unused = 0;
	head.len = len;
	memcpy(p, &head, sizeof(head));
	p += sizeof(head);
	switch (v->type)
	{
		case jbvString:
			memcpy(p, v->val.string.val, len);
			break;
		case jbvNumeric:
			memcpy(p, v->val.numeric, len);
			break;
		case jbvBinary:
			memcpy(p, v->val.binary.data, len);
			break;
		default:
			break;
	}
	memset(p + len, 0, INTALIGN(len) - len);
	return p + INTALIGN(len);
}

/* The value a packed entry holds, pointing into the record. */
void
ma_packed_to_jsonb_value(const MaPacked *p, JsonbValue *out)
{
	out->type = p->type;
	switch (p->type)
	{
		case jbvString:
			out->val.string.val = (char *) MA_PACKED_DATA(p);
			out->val.string.len = p->len;
			break;
		case jbvNumeric:
			out->val.numeric = (Numeric) MA_PACKED_DATA(p);
			break;
		case jbvBinary:
			out->val.binary.data = (JsonbContainer *) MA_PACKED_DATA(p);
			out->val.binary.len = p->len;
			break;
		default:
			out->type = jbvNull;
			break;
	}
}

/*
 * Check one envelope against the state's contract (an invalid one is an
 * ERROR) and keep its record.  Per-row garbage goes to the caller's
 * short-lived context.
 */
void
ma_state_add_event(MaReduceState *state, Jsonb *event)
{
	const MaContract *contract = ma_contract(state->contract);
	MaReport	report;
	MaEnvelope	env;
	const MaEventId *id = &env.fields[ENV_EVENT_ID].parsed.id;
	const MaTimestamp *ts = &env.fields[ENV_TIMESTAMP].parsed.ts;
	MaSlot		slots[16 + 2];
	JsonbValue	values[16 + 2];
	int			nvalues = 0;
	MaNumberShape lamport;
	Size		size;
	MaRecord   *rec;
	char	   *p;

	ma_report_init(&report, false);
	if (!ma_check_envelope(contract, event, &report, &env))
		ma_report_envelope_error(contract, event);

	ma_number_shape(env.fields[ENV_LAMPORT_CLOCK].value.val.numeric, &lamport);
	if (!lamport.fits_int64)
	{
		slots[nvalues] = SLOT_NONE;
		values[nvalues].type = jbvNumeric;
		values[nvalues++].val.numeric =
			ma_integral_numeric(env.fields[ENV_LAMPORT_CLOCK].value.val.numeric);
	}

	if (env.kind < MA_NUM_AUDIT_TYPES)
	{
		const MaModel *model = contract->payload_models[env.kind];

		for (int i = 0; i < model->nfields; i++)
		{
			const MaField *f = &model->fields[i];
			JsonbValue *v = &values[nvalues];

			if (!kind_keeps_slot(contract, env.kind, f->slot) || !env.payload_fields[i].present)
				continue;
			*v = env.payload_fields[i].value;
			if (v->type == jbvNumeric)
				v->val.numeric = ma_integral_numeric(v->val.numeric);
			slots[nvalues++] = f->slot;
		}
	}
	else if (env.kind == EK_UNRECOGNIZED)
	{
		slots[nvalues] = SLOT_TYPE_NAME;
		values[nvalues++] = env.fields[ENV_EVENT_TYPE].value;
	}

	size = MAXALIGN(sizeof(MaRecord));
	for (int i = 0; i < nvalues; i++)
		size += sizeof(MaPacked) + INTALIGN(packed_data_len(&values[i]));
	size = MAXALIGN(size);
	if (size > MaxAllocSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("mission audit event %s is too large to reduce", id->text)));

	rec = state_alloc_record(state, size);
	memset(rec, 0, MAXALIGN(sizeof(MaRecord)));
	rec->size = size;
	rec->kind = env.kind;
	rec->id_len = id->len;
	memcpy(rec->id, id->text, id->len);
	rec->ts_len = ts->len;
	memcpy(rec->ts, ts->text, ts->len);
	rec->ts_prefix = ts->prefix;
	rec->id_hash = hash_bytes((const unsigned char *) id->text, id->len);
	rec->big_lamport = !lamport.fits_int64;
	rec->lamport = lamport.fits_int64 ? lamport.value : 0;
	p = (char *) MA_RECORD_VALUES(rec);
	for (int i = 0; i < nvalues; i++)
		p = write_packed(p, slots[i], &values[i]);
	memset(p, 0, (char *) rec + size - p);

	state_append(state, rec);
}

/* ERROR unless a state of contract may take part in state's reduction. */
void
ma_state_check_contract(const MaReduceState *state, MaContractId contract)
{
	if (state->contract != contract)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine mission audit events of contract %s with a state of contract %s",
						ma_contract_names[contract], ma_contract_names[state->contract]),
				 errdetail("A reduction reads every event under one contract.")));
}

/* Append copies of from's records to into (from may live in a shorter context). */
void
ma_state_merge(MaReduceState *into, const MaReduceState *from)
{
	int64		n = from->nevents;	/* into may be from */

	ma_state_check_contract(into, from->contract);
	for (int64 i = 0; i < n; i++)
	{
		const MaRecord *src = from->events[i];
		MaRecord   *rec = state_alloc_record(into, src->size);

		memcpy(rec, src, src->size);
		state_append(into, rec);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Bytes of the flat form of state. */
Size
ma_state_flat_size(const MaReduceState *state)
{
	Size		size = MA_STATE_FLAT_HDRSZ + state->record_bytes;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("mission_audit_state of %lld events is too large to store",
						(long long) state->nevents),
				 errdetail("A mission_audit_state value is limited to 1 GB."),
				 errhint("Reduce per run (GROUP BY) or disable parallel aggregation for this query.")));
	return size;
}

/* Write the flat form of state into size bytes at flat. */
void
ma_state_flatten_into(const MaReduceState *state, MaStateFlat *flat, Size size)
{
	char	   *p;

	Assert(size == ma_state_flat_size(state));
	memset(flat, 0, MA_STATE_FLAT_HDRSZ);
	SET_VARSIZE(flat, size);
	flat->version = MA_STATE_FLAT_VERSION;
	flat->contract = state->contract;
	flat->nevents = state->nevents;
	p = (char *) flat + MA_STATE_FLAT_HDRSZ;
	for (int64 i = 0; i < state->nevents; i++)
	{
		memcpy(p, state->events[i], state->events[i]->size);
		p += state->events[i]->size;
	}
}

/*
 * The records of a flat state, walked with the checks that keep a damaged
 * value from being read out of bounds (flat values come from this code, so
 * a failure is corruption on disk); calls fn for each record.
 */
static void
walk_flat(const MaStateFlat *flat, void (*fn) (MaReduceState *, const MaRecord *),
		  MaReduceState *state)
{
	Size		len = VARSIZE(flat);
	Size		off = MA_STATE_FLAT_HDRSZ;
	int64		n = 0;

	if (len < MA_STATE_FLAT_HDRSZ || flat->version != MA_STATE_FLAT_VERSION ||
		flat->contract >= MA_NUM_CONTRACTS || flat->flags != 0 || flat->nevents < 0)
		goto corrupt;
	while (off < len)
	{
		const MaRecord *rec = (const MaRecord *) ((const char *) flat + off);

		if (len - off < MAXALIGN(sizeof(MaRecord)) || rec->size < MAXALIGN(sizeof(MaRecord)) ||
			rec->size > len - off || rec->size != MAXALIGN(rec->size) ||
			rec->kind > EK_FOREIGN || rec->id_len > MA_EVENT_ID_MAXLEN ||
			rec->ts_len > MA_TS_KEY_MAXLEN)
			goto corrupt;
		fn(state, rec);
		off += rec->size;
		if ((++n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (n != flat->nevents)
		goto corrupt;
	return;

corrupt:
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupted mission_audit_state value")));
}

static void
append_copy(MaReduceState *state, const MaRecord *src)
{
	MaRecord   *rec = state_alloc_record(state, src->size);

	memcpy(rec, src, src->size);
	state_append(state, rec);
}

static void
append_in_place(MaReduceState *state, const MaRecord *rec)
{
	state_append(state, (MaRecord *) rec);
}

/* Append copies of a flat state's records to into. */
void
ma_state_merge_flat(MaReduceState *into, const MaStateFlat *flat)
{
	ma_state_check_contract(into, flat->contract);
	walk_flat(flat, append_copy, into);
}

/*
 * Make state (fresh from ma_state_create) read a flat value's records where
 * they lie, for a final function: finishing permutes only the pointer array.
 * A value not MAXALIGNed is copied first.
 */
void
ma_state_view_flat(MaReduceState *state, MemoryContext cxt, const MaStateFlat *flat)
{
	if ((uintptr_t) flat != MAXALIGN((uintptr_t) flat))
	{
		MaStateFlat *copy = MemoryContextAllocHuge(cxt, VARSIZE(flat));

		memcpy(copy, flat, VARSIZE(flat));
		flat = copy;
	}
	if (VARSIZE(flat) >= MA_STATE_FLAT_HDRSZ && flat->contract < MA_NUM_CONTRACTS)
		state->contract = flat->contract;
	walk_flat(flat, append_in_place, state);
}
