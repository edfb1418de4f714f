/* reduce.h: the reducer's per-event record and state, shared by its files */
#ifndef MISSION_AUDIT_REDUCE_H
#define MISSION_AUDIT_REDUCE_H

#include "mission_audit.h"

#include "fmgr.h"

/*
 * One event as the aggregate keeps it: the sort key (lamport clock, rendered
 * timestamp, normalized id) and the payload values the fold reads, packed
 * into one pointer-free chunk so it serializes by memcpy.  Values follow the
 * header as MaPacked entries; a lamport clock beyond int64 is stored as the
 * first value (slot SLOT_NONE) and flagged.
 */
typedef struct MaRecord
{
	uint32		size;			/* whole record, MAXALIGNed */
	uint8		kind;			/* MaEventKind */
	uint8		id_len;
	uint8		ts_len;
	uint8		big_lamport;	/* lamport clock is the first value */
	int64		lamport;
	int64		ts_prefix;		/* the timestamp key as a number, see below */
	char		id[MA_EVENT_ID_MAXLEN];
	char		ts[MA_TS_KEY_MAXLEN];
	uint32		id_hash;		/* hash_bytes() of id, for deduplication */
} MaRecord;

typedef struct MaPacked
{
	uint8		slot;			/* MaSlot */
	uint8		type;			/* jbvString, jbvNumeric, jbvBinary or jbvNull */
	uint16		unused;
	uint32		len;			/* bytes of data that follow */
} MaPacked;

/* A hint to fetch memory that a loop will read a few iterations later. */
#if defined(__GNUC__) || defined(__clang__)
#define ma_prefetch(p) __builtin_prefetch(p)
#else
#define ma_prefetch(p) ((void) 0)
#endif

#define MA_RECORD_VALUES(rec) ((const char *) (rec) + MAXALIGN(sizeof(MaRecord)))
#define MA_PACKED_DATA(p) ((const char *) (p) + sizeof(MaPacked))
#define MA_PACKED_NEXT(p) \
	((const MaPacked *) (MA_PACKED_DATA(p) + INTALIGN((p)->len)))
#define MA_RECORD_END(rec) ((const char *) (rec) + (rec)->size)

struct MaReduceState
{
	MemoryContext cxt;			/* the aggregate's context: everything lives here */
	MaContractId contract;		/* what every added event was checked against */
	int64		nevents;
	int64		capacity;
	MaRecord  **events;
	char	   *block;			/* bump allocation for records */
	Size		block_free;
	Size		next_block_size;
	Size		record_bytes;	/* sum of the records' sizes */
};

/*
 * mission_audit_state as a flat varlena (in tables, tuple queues, between
 * aggregate phases): this header, then the records back to back.  It is
 * never read from a client: the text and binary input rebuild every record
 * from events (state_type.c), so a flat value is one this code wrote.
 */
typedef struct MaStateFlat
{
	int32		vl_len_;
	uint8		version;		/* MA_STATE_FLAT_VERSION */
	uint8		contract;		/* MaContractId */
	uint16		flags;			/* 0 */
	uint32		unused;
	int64		nevents;
} MaStateFlat;

#define MA_STATE_FLAT_VERSION 1
#define MA_STATE_FLAT_HDRSZ MAXALIGN(sizeof(MaStateFlat))

extern Size ma_state_flat_size(const MaReduceState *state);
extern void ma_state_flatten_into(const MaReduceState *state, MaStateFlat *flat, Size size);
extern void ma_state_merge_flat(MaReduceState *into, const MaStateFlat *flat);
extern void ma_state_view_flat(MaReduceState *state, MemoryContext cxt, const MaStateFlat *flat);
extern void ma_state_check_contract(const MaReduceState *state, MaContractId contract);

/* the mission_audit_state type (state_type.c) */
extern MaReduceState *ma_state_for_update(FunctionCallInfo fcinfo, int argno, Datum *result);
extern MaReduceState *ma_state_for_read(FunctionCallInfo fcinfo, int argno);
extern void ma_state_merge_arg(MaReduceState *into, FunctionCallInfo fcinfo, int argno);

extern void ma_packed_to_jsonb_value(const MaPacked *p, JsonbValue *out);
extern int	ma_record_compare(const MaRecord *a, const MaRecord *b);

#endif							/* MISSION_AUDIT_REDUCE_H */
