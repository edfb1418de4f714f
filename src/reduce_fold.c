/* reduce_fold.c: sort, deduplicate and fold event records into the reduced state */
#include "reduce.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

/* Compare two records by text, code point order (UTF-8 bytes sort the same). */
static inline int
compare_text(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

static Numeric
record_big_lamport(const MaRecord *rec)
{
	return (Numeric) MA_PACKED_DATA((const MaPacked *) MA_RECORD_VALUES(rec));
}

/*
 * The reducer's total order: lamport clock, rendered timestamp, normalized
 * id, and then content, so that equal keys never depend on input order.
 */
int
ma_record_compare(const MaRecord *a, const MaRecord *b)
{
	int			c;

	if (a->big_lamport || b->big_lamport)
	{
		/* clocks are >= 0, so one beyond int64 is larger than any within */
		if (!b->big_lamport)
			return 1;
		if (!a->big_lamport)
			return -1;
		c = DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											  NumericGetDatum(record_big_lamport(a)),
											  NumericGetDatum(record_big_lamport(b))));
		if (c != 0)
			return c;
	}
	else if (a->lamport != b->lamport)
		return a->lamport < b->lamport ? -1 : 1;

	if ((c = compare_text(a->ts, a->ts_len, b->ts, b->ts_len)) != 0)
		return c;
	if ((c = compare_text(a->id, a->id_len, b->id, b->id_len)) != 0)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return compare_text(MA_RECORD_VALUES(a), a->size - MAXALIGN(sizeof(MaRecord)),
						MA_RECORD_VALUES(b), b->size - MAXALIGN(sizeof(MaRecord)));
}

/*
 * Sorting millions of records takes seconds: let a cancel or a timeout in
 * every so many comparisons (leaving qsort by longjmp holds nothing).
 */
static inline void
comparison_done(void)
{
	static uint32 comparisons = 0;

	if ((++comparisons & 0xFFFF) == 0)
		CHECK_FOR_INTERRUPTS();
}

/*
 * What the sort moves: the leading key parts inline, so that comparisons
 * read the array and not the records scattered over the state's memory.
 */
typedef struct SortItem
{
	uint64		lamport;		/* the clock, or LAMPORT_BEYOND_INT64 */
	int64		ts_prefix;
	MaRecord   *rec;
	uint32		id_hash;
} SortItem;

/*
 * Clocks are >= 0, so one within int64 is at most 2^63 - 1 and this key,
 * above all of them, stands for every clock beyond: those tie on the key and
 * are ordered by their numeric value before anything else is compared.
 */
#define LAMPORT_BEYOND_INT64 PG_UINT64_MAX

static int
sort_item_cmp(const void *a, const void *b)
{
	const SortItem *x = a;
	const SortItem *y = b;

	comparison_done();
	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	if (unlikely(x->lamport == LAMPORT_BEYOND_INT64))
		return ma_record_compare(x->rec, y->rec);	/* the clock first */
	if (x->ts_prefix != y->ts_prefix)
		return x->ts_prefix < y->ts_prefix ? -1 : 1;
	return ma_record_compare(x->rec, y->rec);
}

/* The state's records as sort items, in the reducer's order. */
static SortItem *
sort_records(MaRecord **recs, int64 n)
{
	SortItem   *items = palloc_extended(n * sizeof(SortItem), MCXT_ALLOC_HUGE);

	for (int64 i = 0; i < n; i++)
	{
		Assert(recs[i]->big_lamport || recs[i]->lamport >= 0);
		items[i].lamport = recs[i]->big_lamport ? LAMPORT_BEYOND_INT64 : (uint64) recs[i]->lamport;
		items[i].ts_prefix = recs[i]->ts_prefix;
		items[i].rec = recs[i];
		items[i].id_hash = recs[i]->id_hash;
	}
	qsort(items, n, sizeof(SortItem), sort_item_cmp);
	for (int64 i = 0; i < n; i++)
		recs[i] = items[i].rec;	/* the state keeps the sorted order */
	return items;
}

static inline bool
same_id(const MaRecord *a, const MaRecord *b)
{
	return a->id_hash == b->id_hash && a->id_len == b->id_len &&
		memcmp(a->id, b->id, a->id_len) == 0;
}

/*
 * Mark in keep[] the first item of each id in sorted order.  Small inputs
 * scan; larger ones use an open-addressing set of the ids seen so far, keyed
 * by the hash kept in each item so that records are read only on a match.
 */
static int64
mark_first_of_each_id(const SortItem *items, int64 n, bool *keep)
{
	int64		kept = 0;

	if (n <= 16)
	{
		for (int64 i = 0; i < n; i++)
		{
			keep[i] = true;
			for (int64 j = 0; j < i && keep[i]; j++)
				keep[i] = !(keep[j] && same_id(items[i].rec, items[j].rec));
			kept += keep[i];
		}
	}
	else
	{
		uint64		size = 32;
		const SortItem **seen;

		while (size < (uint64) n * 2)
			size *= 2;
		seen = palloc_extended(size * sizeof(SortItem *), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		for (int64 i = 0; i < n; i++)
		{
			uint64		h = items[i].id_hash & (size - 1);

			/* the table is far bigger than the cache: ask for a slot ahead */
			if (i + 8 < n)
				ma_prefetch(&seen[items[i + 8].id_hash & (size - 1)]);
			for (; seen[h]; h = (h + 1) & (size - 1))
				if (seen[h]->id_hash == items[i].id_hash && same_id(seen[h]->rec, items[i].rec))
					break;
			keep[i] = (seen[h] == NULL);
			if (keep[i])
			{
				seen[h] = &items[i];
				kept++;
			}
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		pfree(seen);
	}
	return kept;
}

/* ---------------------------------------------------------------------
 * The fold
 * ---------------------------------------------------------------------
 */

typedef enum AnomalyKind
{
	ANOMALY_UNRECOGNIZED,
	ANOMALY_AFTER_TERMINAL,
	ANOMALY_BEFORE_REQUESTED,
	ANOMALY_DUPLICATE_DECISION
} AnomalyKind;

static const char *const anomaly_names[] = {
	[ANOMALY_UNRECOGNIZED] = "unrecognized_event_type",
	[ANOMALY_AFTER_TERMINAL] = "event_after_terminal",
	[ANOMALY_BEFORE_REQUESTED] = "event_before_requested",
	[ANOMALY_DUPLICATE_DECISION] = "duplicate_decision_id",
};

typedef struct Anomaly
{
	AnomalyKind kind;
	char	   *event_id;		/* a copy: output then reads no record */
	int			event_id_len;
	char	   *message;
	int			message_len;
} Anomaly;

/* A record's values by slot (NULL: absent). */
typedef const MaPacked *SlotValues[SLOT_COUNT];

/* A small open-addressing set of pending decision ids. */
typedef struct DecisionSet
{
	int			size;			/* power of two */
	int			used;
	const MaPacked **slots;
} DecisionSet;

typedef struct Fold
{
	const MaContract *contract;
	const char *status;
	bool		requested_seen;
	bool		terminal;
	SlotValues	state;			/* current value of each output slot */
	const MaRecord **pending;	/* DecisionRequested records, in order */
	int			npending;
	int			pending_cap;
	DecisionSet decisions;
	Anomaly    *anomalies;
	int			nanomalies;
	int			anomaly_cap;
	StringInfoData scratch;		/* for building anomaly messages */
} Fold;

static void
decode_slots(const MaRecord *rec, SlotValues values)
{
	const char *end = MA_RECORD_END(rec);
	const MaPacked *p = (const MaPacked *) MA_RECORD_VALUES(rec);

	memset(values, 0, sizeof(SlotValues));
	while ((const char *) p + sizeof(MaPacked) <= end &&
		   !(p->slot == SLOT_NONE && p->type == 0 && p->len == 0))
	{
		if (p->slot != SLOT_NONE)
			values[p->slot] = p;
		p = MA_PACKED_NEXT(p);
	}
}

static const char *
event_type_name(const MaRecord *rec, const SlotValues values, int *len)
{
	if (rec->kind < MA_NUM_AUDIT_TYPES)
	{
		*len = strlen(ma_event_type_names[rec->kind]);
		return ma_event_type_names[rec->kind];
	}
	*len = values[SLOT_TYPE_NAME]->len;
	return MA_PACKED_DATA(values[SLOT_TYPE_NAME]);
}

static void
add_anomaly(Fold *fold, AnomalyKind kind, const MaRecord *rec, const char *quoted,
			int quoted_len)
{
	StringInfo	msg = &fold->scratch;
	Anomaly    *a;

	/* one scratch buffer, then an exact copy: a stream can raise millions */
	resetStringInfo(msg);
	switch (kind)
	{
		case ANOMALY_UNRECOGNIZED:
			appendStringInfoString(msg, "Unrecognized event type in audit family: ");
			ma_append_pyrepr(msg, quoted, quoted_len);
			break;
		case ANOMALY_AFTER_TERMINAL:
			appendStringInfoString(msg, "Event ");
			ma_append_pyrepr(msg, quoted, quoted_len);
			appendStringInfoString(msg, " arrived after terminal state");
			break;
		case ANOMALY_BEFORE_REQUESTED:
			appendStringInfoString(msg, "Event ");
			ma_append_pyrepr(msg, quoted, quoted_len);
			appendStringInfoString(msg, " arrived before MissionAuditRequested");
			break;
		case ANOMALY_DUPLICATE_DECISION:
			appendStringInfoString(msg, "Duplicate decision_id: ");
			ma_append_pyrepr(msg, quoted, quoted_len);
			break;
	}
	if (fold->nanomalies == fold->anomaly_cap)
	{
		fold->anomaly_cap = Max(8, fold->anomaly_cap * 2);
		fold->anomalies = fold->anomalies ?
			repalloc_huge(fold->anomalies, fold->anomaly_cap * sizeof(Anomaly)) :
			palloc(fold->anomaly_cap * sizeof(Anomaly));
	}
	a = &fold->anomalies[fold->nanomalies++];
	a->kind = kind;
	a->event_id = palloc(rec->id_len + msg->len);
	memcpy(a->event_id, rec->id, rec->id_len);
	a->event_id_len = rec->id_len;
	a->message = a->event_id + rec->id_len;
	memcpy(a->message, msg->data, msg->len);
	a->message_len = msg->len;
}

static uint32
decision_hash(const MaPacked *p)
{
	return hash_bytes((const unsigned char *) MA_PACKED_DATA(p), p->len);
}

static bool
decision_equal(const MaPacked *a, const MaPacked *b)
{
	return a->len == b->len && memcmp(MA_PACKED_DATA(a), MA_PACKED_DATA(b), a->len) == 0;
}

/* Add id to the set; false when it was already there. */
static bool
decision_set_add(DecisionSet *set, const MaPacked *id)
{
	uint32		h;

	if (set->used * 2 >= set->size)
	{
		DecisionSet bigger = {Max(16, set->size * 2), 0, NULL};

		bigger.slots = palloc_extended(bigger.size * sizeof(MaPacked *), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		for (int i = 0; i < set->size; i++)
			if (set->slots[i])
				decision_set_add(&bigger, set->slots[i]);
		if (set->slots)
			pfree(set->slots);
		*set = bigger;
	}
	for (h = decision_hash(id) & (set->size - 1);; h = (h + 1) & (set->size - 1))
	{
		if (set->slots[h] == NULL)
		{
			set->slots[h] = id;
			set->used++;
			return true;
		}
		if (decision_equal(set->slots[h], id))
			return false;
	}
}

static void
clear_pending(Fold *fold)
{
	fold->npending = 0;
	if (fold->decisions.slots)
		memset(fold->decisions.slots, 0, fold->decisions.size * sizeof(MaPacked *));
	fold->decisions.used = 0;
}

/* Copy the listed slots of an event into the state (absent ones become null). */
static void
set_slots(Fold *fold, const SlotValues values, const MaSlot *slots, int n)
{
	for (int i = 0; i < n; i++)
	{
		fold->state[slots[i]] = values[slots[i]];
	}
}

/* What each kind sets besides identity, the contract's identity_slots. */
static const MaSlot requested_sets[] = {
	SLOT_TRIGGER_MODE, SLOT_ENFORCEMENT_MODE, SLOT_AUDIT_SCOPE
};
static const MaSlot started_sets[] = {SLOT_AUDIT_SCOPE_HASH};
static const MaSlot completed_sets[] = {
	SLOT_VERDICT, SLOT_SEVERITY, SLOT_FINDINGS_COUNT, SLOT_ARTIFACT_REF, SLOT_SUMMARY
};
static const MaSlot failed_sets[] = {
	SLOT_ERROR_CODE, SLOT_ERROR_MESSAGE, SLOT_PARTIAL_ARTIFACT_REF
};

/* Apply one deduplicated event, in order, as the contract's reducer does. */
static void
fold_event(Fold *fold, const MaRecord *rec)
{
	SlotValues	values;
	const char *type;
	int			type_len;

	if (rec->kind == EK_FOREIGN)
		return;
	decode_slots(rec, values);
	type = event_type_name(rec, values, &type_len);

	if (rec->kind == EK_UNRECOGNIZED)
	{
		add_anomaly(fold, ANOMALY_UNRECOGNIZED, rec, type, type_len);
		return;
	}
	if (fold->terminal)
	{
		add_anomaly(fold, ANOMALY_AFTER_TERMINAL, rec, type, type_len);
		return;
	}
	if (rec->kind != EK_REQUESTED && !fold->requested_seen)
		add_anomaly(fold, ANOMALY_BEFORE_REQUESTED, rec, type, type_len);

	/* identity: Requested overwrites it, the contract's backfill kinds fill it */
	if (rec->kind == EK_REQUESTED ||
		((fold->contract->backfill_kinds & MA_KIND_BIT(rec->kind)) &&
		 fold->state[SLOT_MISSION_ID] == NULL))
		set_slots(fold, values, fold->contract->identity_slots,
				  fold->contract->nidentity_slots);

	switch ((MaEventKind) rec->kind)
	{
		case EK_REQUESTED:
			fold->requested_seen = true;
			set_slots(fold, values, requested_sets, lengthof(requested_sets));
			break;
		case EK_STARTED:
			set_slots(fold, values, started_sets, lengthof(started_sets));
			fold->status = "running";
			break;
		case EK_DECISION_REQUESTED:
			if (!decision_set_add(&fold->decisions, values[SLOT_DECISION_ID]))
				add_anomaly(fold, ANOMALY_DUPLICATE_DECISION, rec,
							MA_PACKED_DATA(values[SLOT_DECISION_ID]),
							values[SLOT_DECISION_ID]->len);
			else
			{
				if (fold->npending == fold->pending_cap)
				{
					fold->pending_cap = Max(8, fold->pending_cap * 2);
					fold->pending = fold->pending ?
						repalloc_huge(fold->pending, fold->pending_cap * sizeof(MaRecord *)) :
						palloc(fold->pending_cap * sizeof(MaRecord *));
				}
				fold->pending[fold->npending++] = rec;
			}
			fold->status = "awaiting_decision";
			break;
		case EK_COMPLETED:
			set_slots(fold, values, completed_sets, lengthof(completed_sets));
			clear_pending(fold);
			fold->status = "completed";
			fold->terminal = true;
			break;
		case EK_FAILED:
			set_slots(fold, values, failed_sets, lengthof(failed_sets));
			clear_pending(fold);
			fold->status = "failed";
			fold->terminal = true;
			break;
		default:
			break;
	}
}

/* ---------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------
 */

/*
 * Push an object in its normalized form: every declared field of the model
 * (absent ones null), nested models recursively, integers as integers, and
 * unknown keys dropped.
 */
static void
push_normalized(JsonbParseState **ps, const MaModel *model, const JsonbValue *value)
{
	const int  *order = ma_model_key_order(model);
	MaFound		found[MA_MAX_FIELDS];

	ma_read_fields(model, value->val.binary.data, found);
	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < model->nfields; i++)
	{
		const MaField *f = &model->fields[order[i]];	/* jsonb order, as above */
		JsonbValue *v = &found[order[i]].value;

		ma_push_key(ps, f->name);
		if (!found[order[i]].present || v->type == jbvNull)
			ma_push_null(ps);
		else if (f->kind == MA_MODEL)
			push_normalized(ps, f->model, v);
		else
		{
			if (v->type == jbvNumeric)
				v->val.numeric = ma_integral_numeric(v->val.numeric);
			pushJsonbValue(ps, WJB_VALUE, v);
		}
	}
	pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

static void
push_slot(JsonbParseState **ps, const MaPacked *p, const MaModel *artifact)
{
	JsonbValue	v;

	if (p == NULL)
	{
		ma_push_null(ps);
		return;
	}
	ma_packed_to_jsonb_value(p, &v);
	if (artifact && v.type == jbvBinary)
		push_normalized(ps, artifact, &v);
	else
		pushJsonbValue(ps, WJB_VALUE, &v);
}

/* A pending decision's keys (jsonb order) and the slots feeding them. */
static const struct
{
	const char *key;
	MaSlot		slot;
}			pending_keys[] = {
	{"question", SLOT_QUESTION},
	{"severity", SLOT_SEVERITY},
	{"decision_id", SLOT_DECISION_ID},
	{"context_summary", SLOT_CONTEXT_SUMMARY},
};

static void
push_pending(JsonbParseState **ps, const Fold *fold)
{
	pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < fold->npending; i++)
	{
		SlotValues	values;

		decode_slots(fold->pending[i], values);
		pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
		for (int k = 0; k < lengthof(pending_keys); k++)
		{
			ma_push_key(ps, pending_keys[k].key);
			push_slot(ps, values[pending_keys[k].slot], NULL);
		}
		pushJsonbValue(ps, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(ps, WJB_END_ARRAY, NULL);
}

static void
push_anomalies(JsonbParseState **ps, const Fold *fold)
{
	pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < fold->nanomalies; i++)
	{
		const Anomaly *a = &fold->anomalies[i];

		/* keys in jsonb order */
		pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
		ma_push_key(ps, "kind");
		ma_push_string(ps, anomaly_names[a->kind], strlen(anomaly_names[a->kind]));
		ma_push_key(ps, "message");
		ma_push_string(ps, a->message, a->message_len);
		ma_push_key(ps, "event_id");
		ma_push_string(ps, a->event_id, a->event_id_len);
		pushJsonbValue(ps, WJB_END_OBJECT, NULL);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pushJsonbValue(ps, WJB_END_ARRAY, NULL);
}

static Jsonb *
fold_to_jsonb(const Fold *fold, int64 event_count)
{
	JsonbParseState *ps = NULL;
	JsonbValue	v;

	/*
	 * The contract's state keys are in jsonb's key order (shorter first, then
	 * bytewise): JsonbValueToJsonb sorts an object's pairs, and pairs pushed
	 * already sorted cost it one pass instead of a sort per group.
	 */
	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < fold->contract->nstate_keys; i++)
	{
		const MaStateKey *sk = &fold->contract->state_keys[i];

		ma_push_key(&ps, sk->key);
		switch (sk->source)
		{
			case FROM_SLOT:
				push_slot(&ps, fold->state[sk->slot], NULL);
				break;
			case FROM_ARTIFACT_SLOT:
				push_slot(&ps, fold->state[sk->slot], fold->contract->artifact_ref_model);
				break;
			case FROM_STATUS:
				ma_push_string(&ps, fold->status, strlen(fold->status));
				break;
			case FROM_PENDING:
				push_pending(&ps, fold);
				break;
			case FROM_ANOMALIES:
				push_anomalies(&ps, fold);
				break;
			case FROM_EVENT_COUNT:
				v.type = jbvNumeric;
				v.val.numeric = int64_to_numeric(event_count);
				pushJsonbValue(&ps, WJB_VALUE, &v);
				break;
		}
	}
	return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/*
 * The reduced state of everything added so far.  Sorting permutes the
 * state's record array in place, which leaves it meaning the same, so a
 * window aggregate may go on adding to it.
 */
Jsonb *
ma_state_finish(MaReduceState *state)
{
	Fold		fold;
	bool	   *keep = NULL;
	int64		n = state ? state->nevents : 0;
	int64		kept = 0;

	memset(&fold, 0, sizeof(fold));
	fold.contract = ma_contract(state ? state->contract : MA_CONTRACT_2_5_0);
	fold.status = "pending";
	initStringInfo(&fold.scratch);

	if (n > 0)
	{
		SortItem   *items = sort_records(state->events, n);

		keep = palloc_extended(n * sizeof(bool), MCXT_ALLOC_HUGE);
		kept = mark_first_of_each_id(items, n, keep);
		for (int64 i = 0; i < n; i++)
		{
			/* records lie in arrival order, the fold reads them sorted */
			if (i + 8 < n)
				ma_prefetch(items[i + 8].rec);
			if (keep[i])
				fold_event(&fold, items[i].rec);
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		pfree(items);
	}
	return fold_to_jsonb(&fold, kept);
}
