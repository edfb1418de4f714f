/* reduce_state.c: the aggregate's state: compact event records, merge, (de)serialize */
#include "reduce.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#define FIRST_BLOCK_SIZE 512
#define MAX_BLOCK_SIZE (64 * 1024)
#define SERIAL_MAGIC 0x4D415331	/* "MAS1" */

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

/* Append copies of from's records to into (from may live in a shorter context). */
void
ma_state_merge(MaReduceState *into, const MaReduceState *from)
{
	for (int64 i = 0; i < from->nevents; i++)
	{
		const MaRecord *src = from->events[i];
		MaRecord   *rec = state_alloc_record(into, src->size);

		memcpy(rec, src, src->size);
		state_append(into, rec);
		CHECK_FOR_INTERRUPTS();
	}
}

/* bytea: magic, contract id, count, then the records back to back. */
bytea *
ma_state_serialize(const MaReduceState *state)
{
	Size		size = VARHDRSZ + 2 * sizeof(uint32) + sizeof(int64);
	bytea	   *out;
	char	   *p;
	uint32		magic = SERIAL_MAGIC;
	uint32		contract = state->contract;

	for (int64 i = 0; i < state->nevents; i++)
		size += state->events[i]->size;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("mission_audit_reduce state of %lld events is too large to pass to a parallel leader",
						(long long) state->nevents),
				 errhint("Reduce per run (GROUP BY) or disable parallel aggregation for this query.")));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &magic, sizeof(uint32));
	memcpy(p + sizeof(uint32), &contract, sizeof(uint32));
	memcpy(p + 2 * sizeof(uint32), &state->nevents, sizeof(int64));
	p += 2 * sizeof(uint32) + sizeof(int64);
	for (int64 i = 0; i < state->nevents; i++)
	{
		memcpy(p, state->events[i], state->events[i]->size);
		p += state->events[i]->size;
	}
	return out;
}

/* Does a record read back from bytes hold together? */
static bool
record_is_sane(const MaRecord *rec, Size avail)
{
	const char *end;
	const char *p;
	bool		first = true;

	if (avail < MAXALIGN(sizeof(MaRecord)) || rec->size < MAXALIGN(sizeof(MaRecord)) ||
		rec->size > avail || rec->size != MAXALIGN(rec->size) ||
		rec->kind > EK_FOREIGN || rec->id_len > MA_EVENT_ID_MAXLEN ||
		rec->ts_len > MA_TS_KEY_MAXLEN || rec->big_lamport > 1 ||
		rec->ts_prefix != ma_ts_prefix(rec->ts, rec->ts_len) ||
		rec->id_hash != hash_bytes((const unsigned char *) rec->id, rec->id_len))
		return false;
	end = MA_RECORD_END(rec);
	p = MA_RECORD_VALUES(rec);
	while (p + sizeof(MaPacked) <= end)
	{
		MaPacked	head;

		memcpy(&head, p, sizeof(head));
		if (head.type == 0 && head.slot == 0 && head.len == 0 && !(first && rec->big_lamport))
			break;				/* zero padding */
		if (head.slot >= SLOT_COUNT || head.len > (Size) (end - p) - sizeof(MaPacked))
			return false;
		if (head.type != jbvString && head.type != jbvNumeric &&
			head.type != jbvBinary && head.type != jbvNull)
			return false;
		if (head.type == jbvNumeric &&
			(head.len < VARHDRSZ + sizeof(uint16) ||
			 VARSIZE_ANY(MA_PACKED_DATA((const MaPacked *) p)) != head.len))
			return false;
		if (first && rec->big_lamport && head.type != jbvNumeric)
			return false;
		if (head.type == jbvBinary && head.len < sizeof(uint32))
			return false;
		first = false;
		p = (const char *) MA_PACKED_NEXT((const MaPacked *) p);
	}
	return !(first && rec->big_lamport);
}

MaReduceState *
ma_state_deserialize(MemoryContext cxt, bytea *data)
{
	MaReduceState *state = ma_state_create(cxt);
	Size		len = VARSIZE_ANY_EXHDR(data);
	const char *src = VARDATA_ANY(data);
	char	   *copy;
	uint32		magic;
	uint32		contract;
	int64		n;
	Size		off;

	if (len < 2 * sizeof(uint32) + sizeof(int64))
		goto corrupt;
	memcpy(&magic, src, sizeof(uint32));
	memcpy(&contract, src + sizeof(uint32), sizeof(uint32));
	memcpy(&n, src + 2 * sizeof(uint32), sizeof(int64));
	if (magic != SERIAL_MAGIC || contract >= MA_NUM_CONTRACTS || n < 0)
		goto corrupt;
	state->contract = (MaContractId) contract;
	len -= 2 * sizeof(uint32) + sizeof(int64);
	src += 2 * sizeof(uint32) + sizeof(int64);

	/* one aligned copy; records then point into it */
	copy = MemoryContextAllocHuge(cxt, Max(len, 1));
	memcpy(copy, src, len);
	for (off = 0; off < len;)
	{
		MaRecord   *rec = (MaRecord *) (copy + off);

		if (!record_is_sane(rec, len - off))
			goto corrupt;
		state_append(state, rec);
		off += rec->size;
	}
	if (state->nevents != n)
		goto corrupt;
	return state;

corrupt:
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid serialized mission_audit_reduce state")));
	return NULL;				/* keep compiler quiet */
}
