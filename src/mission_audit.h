/* mission_audit.h: what the contract tables, validator and reducer share */
#ifndef MISSION_AUDIT_H
#define MISSION_AUDIT_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/*
 * PostgreSQL 18 replaced pg_attribute_noreturn(), written after a
 * declaration, with pg_noreturn, written before it.  Declare every function
 * that does not return the 18 way, on every major:
 *
 *		pg_noreturn extern void ma_something_fatal(...);
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/* ---------------------------------------------------------------------
 * The contract as data (contract.c)
 * ---------------------------------------------------------------------
 */

/*
 * The contracts this extension implements, by id.  The id, not the name,
 * travels in reduce states; contract.c maps names to ids.
 */
typedef enum MaContractId
{
	MA_CONTRACT_2_5_0 = 0,		/* feature_slug; unknown keys ignored */
	MA_CONTRACT_3_0_0,			/* the mission contract cutover */
	MA_NUM_CONTRACTS
} MaContractId;

extern const char *const ma_contract_names[MA_NUM_CONTRACTS];
extern MaContractId ma_contract_from_text(text *name);

/* How a field's JSON value is checked. */
typedef enum MaKind
{
	MA_STRING,					/* JSON string, min_length code points */
	MA_INTEGER,					/* JSON number without fraction, bounds */
	MA_LITERAL,					/* one of literals; pydantic "literal_error" */
	MA_ENUM,					/* one of literals; pydantic "enum" */
	MA_STRING_LIST,				/* array of strings, min_length items */
	MA_STRING_TUPLE,			/* array of strings (variadic tuple) */
	MA_MODEL,					/* nested object, checked by its model */
	MA_DICT,					/* any JSON object (the envelope's payload) */
	MA_EVENT_ID,				/* ULID / UUID / 32-hex, normalized */
	MA_TIMESTAMP,				/* ISO 8601 date-time text */
	MA_UUID,					/* project_uuid spellings */
	MA_VERSION					/* ^[0-9]+\.[0-9]+\.[0-9]+$ */
} MaKind;

/*
 * Reduced-state slot a payload field feeds.  The reducer keeps, per event,
 * only the values of fields that have a slot.
 */
typedef enum MaSlot
{
	SLOT_NONE = 0,
	SLOT_MISSION_ID,
	SLOT_RUN_ID,
	SLOT_FEATURE_SLUG,
	SLOT_TRIGGER_MODE,
	SLOT_AUDIT_SCOPE,
	SLOT_ENFORCEMENT_MODE,
	SLOT_AUDIT_SCOPE_HASH,
	SLOT_DECISION_ID,
	SLOT_QUESTION,
	SLOT_CONTEXT_SUMMARY,
	SLOT_SEVERITY,
	SLOT_VERDICT,
	SLOT_FINDINGS_COUNT,
	SLOT_ARTIFACT_REF,
	SLOT_SUMMARY,
	SLOT_ERROR_CODE,
	SLOT_ERROR_MESSAGE,
	SLOT_PARTIAL_ARTIFACT_REF,
	SLOT_TYPE_NAME,				/* event_type of an unrecognized audit event */
	SLOT_MISSION_SLUG,			/* 3.0.0 identity */
	SLOT_MISSION_NUMBER,
	SLOT_MISSION_TYPE,
	SLOT_COUNT
} MaSlot;

#define MA_SLOT_BIT(s) (UINT64CONST(1) << (s))
StaticAssertDecl(SLOT_COUNT <= 64, "slot masks are 64 bits");

struct MaModel;

typedef struct MaField
{
	const char *name;
	int			name_len;
	MaKind		kind;
	bool		required;
	bool		nullable;
	int			min_length;		/* strings: code points; lists: items */
	bool		has_minimum;
	bool		has_maximum;
	int			minimum;
	int			maximum;
	const char *const *literals;	/* NULL-terminated, for LITERAL/ENUM */
	const struct MaModel *model;	/* for MA_MODEL */
	MaSlot		slot;
} MaField;

typedef struct MaModel
{
	const char *name;			/* pydantic class name, for model_type */
	const MaField *fields;
	int			nfields;
	bool		forbid_extra;	/* unknown keys are extra_forbidden violations */
	const int  *order;			/* declaration order of fields[], or NULL: as stored */
} MaModel;

/* The five audit event types, in contract order. */
typedef enum MaEventKind
{
	EK_REQUESTED = 0,
	EK_STARTED,
	EK_DECISION_REQUESTED,
	EK_COMPLETED,
	EK_FAILED,
	EK_UNRECOGNIZED,			/* MissionAudit* but not one of the five */
	EK_FOREIGN					/* any other family: counted, never folded */
} MaEventKind;

#define MA_NUM_AUDIT_TYPES 5

extern const char *const ma_event_type_names[MA_NUM_AUDIT_TYPES];

/*
 * Field positions in every contract's envelope model.  Fields a contract
 * added later come last (their declaration order is the model's order[]);
 * a model has only the first nfields of these.
 */
typedef enum MaEnvelopeField
{
	ENV_EVENT_ID = 0,
	ENV_EVENT_TYPE,
	ENV_AGGREGATE_ID,
	ENV_PAYLOAD,
	ENV_TIMESTAMP,
	ENV_NODE_ID,
	ENV_LAMPORT_CLOCK,
	ENV_CAUSATION_ID,
	ENV_PROJECT_UUID,
	ENV_PROJECT_SLUG,
	ENV_CORRELATION_ID,
	ENV_SCHEMA_VERSION,
	ENV_DATA_TIER,
	ENV_BUILD_ID,				/* 3.0.0 */
	ENV_NFIELDS
} MaEnvelopeField;

/* Where a reduced-state key's value comes from. */
typedef enum MaStateSource
{
	FROM_SLOT,					/* a value the fold set, or null */
	FROM_ARTIFACT_SLOT,			/* an artifact ref, normalized */
	FROM_STATUS,
	FROM_PENDING,
	FROM_ANOMALIES,
	FROM_EVENT_COUNT
} MaStateSource;

typedef struct MaStateKey
{
	const char *key;
	MaStateSource source;
	MaSlot		slot;
} MaStateKey;

#define MA_KIND_BIT(k) (1u << (k))

/*
 * One contract: its models, the reduced state's keys, and the few rules in
 * which contracts differ.  validate.c, envelope.c and the reducer read
 * whichever contract they are handed.
 */
typedef struct MaContract
{
	MaContractId id;
	const MaModel *const *payload_models;	/* by MaEventKind */
	const MaModel *envelope_model;
	const MaModel *artifact_ref_model;	/* output normalization of refs */
	const char *schema_version_default; /* normalize_event fills it in */
	bool		cutover_gate;	/* envelopes pass cutover.c's gate */
	const MaSlot *identity_slots;	/* Requested sets, backfills fill */
	int			nidentity_slots;
	uint64		identity_mask;	/* the same slots, as MA_SLOT_BIT()s */
	uint32		backfill_kinds; /* kinds filling identity while mission_id is null */
	const MaStateKey *state_keys;	/* the reduced state, in jsonb key order */
	int			nstate_keys;
} MaContract;

extern const MaContract ma_contract_2_5_0;
extern const MaContract ma_contract_3_0_0;
extern const MaContract *ma_contract(MaContractId id);
extern const MaContract *ma_contract_of_text(text *name);
struct FunctionCallInfoBaseData;
extern const MaContract *ma_contract_arg(struct FunctionCallInfoBaseData *fcinfo, int argno);

extern MaEventKind ma_event_kind(const char *type, int len);
extern MaEventKind ma_event_kind_or_error(text *event_type);

/* ---------------------------------------------------------------------
 * Scalars: ids, timestamps, UUIDs, numbers (scalars.c)
 * ---------------------------------------------------------------------
 */

#define MA_EVENT_ID_MAXLEN 36
#define MA_TS_KEY_MAXLEN 32

typedef struct MaEventId
{
	int			len;
	char		text[MA_EVENT_ID_MAXLEN + 1];
} MaEventId;

/*
 * A timestamp's sort key: the text Python's isoformat() gives the parsed
 * value, and the same key as a number for its fixed-width head (see
 * ma_ts_prefix) so that most comparisons need no text.
 */
typedef struct MaTimestamp
{
	int			len;
	char		text[MA_TS_KEY_MAXLEN + 1];
	int64		prefix;
} MaTimestamp;

/* Why an id or timestamp failed; NULL message when it parsed. */
extern bool ma_parse_event_id(const char *s, int len, MaEventId *out,
							  StringInfo why);
extern bool ma_parse_timestamp(const char *s, int len, MaTimestamp *out,
							   const char **why);
extern int64 ma_ts_prefix(const char *key, int len);
extern bool ma_parse_uuid(const char *s, int len, StringInfo why);
extern bool ma_is_version(const char *s, int len);
extern int	ma_utf8_length(const char *s, int len);

/* The shape of a JSON number, read from its numeric header. */
typedef struct MaNumberShape
{
	bool		integral;
	bool		fractional_text;	/* written with a fraction: 3.0, 3.5 */
	bool		negative;
	bool		fits_int64;
	int64		value;			/* valid when integral && fits_int64 */
} MaNumberShape;

extern void ma_number_shape(Numeric num, MaNumberShape *shape);
extern Numeric ma_integral_numeric(Numeric num);
extern bool ma_string_reads_as_int(const char *s, int len);

extern void ma_append_pyrepr(StringInfo buf, const char *s, int len);

/* ---------------------------------------------------------------------
 * Validation (validate.c)
 * ---------------------------------------------------------------------
 */

/*
 * Where violations go.  With collect == false the walk stops at the first
 * violation (the CHECK-constraint path); otherwise every violation is
 * pushed into pstate as {field, type, message, input}, or, for an error's
 * DETAIL (ma_report_init_detail), only the first max_detail are kept, as text.
 */
typedef struct MaReport
{
	bool		collect;
	int			count;
	StringInfoData path;		/* dotted path of the value being checked */
	StringInfoData scratch;		/* for building one violation's field */
	JsonbParseState *pstate;	/* open array of violations when collecting */
	int			max_detail;		/* for error details: how many to keep */
	StringInfoData detail;		/* "field: message" lines, when max_detail */
} MaReport;

/* What the walk found for one field, and what checking it parsed. */
typedef struct MaFound
{
	bool		present;
	JsonbValue	value;
	union
	{
		MaEventId	id;			/* MA_EVENT_ID, when valid */
		MaTimestamp ts;			/* MA_TIMESTAMP, when valid */
	}			parsed;
} MaFound;

#define MA_MAX_FIELDS 16		/* the widest model (the envelope) has 13 */

extern int	ma_read_fields(const MaModel *model, JsonbContainer *c, MaFound *found);
extern const char *ma_python_type_name(const JsonbValue *v);
extern const int *ma_model_key_order(const MaModel *model);
extern void ma_report_init(MaReport *report, bool collect);
extern void ma_report_init_detail(MaReport *report, int max_detail);
extern void ma_report_violation(MaReport *report, const char *field,
								const char *type, const char *message,
								const JsonbValue *input);
extern bool ma_check_model(const MaModel *model, const JsonbValue *value,
						   MaReport *report, MaFound *found);
extern Jsonb *ma_report_result(MaReport *report, const JsonbValue *event_type);

/* jsonb output (jsonb_out.c) */
extern void ma_push_key(JsonbParseState **ps, const char *key);
extern void ma_push_string(JsonbParseState **ps, const char *s, int len);
extern void ma_push_null(JsonbParseState **ps);

/* ---------------------------------------------------------------------
 * Envelopes (envelope.c)
 * ---------------------------------------------------------------------
 */

/* An envelope after a successful check, as the reducer needs it. */
typedef struct MaEnvelope
{
	MaFound		fields[ENV_NFIELDS];
	MaEventKind kind;
	MaFound		payload_fields[MA_MAX_FIELDS];	/* by position in the payload model */
} MaEnvelope;

extern bool ma_check_envelope(const MaContract *contract, Jsonb *event,
							  MaReport *report, MaEnvelope *env);
pg_noreturn extern void ma_report_envelope_error(const MaContract *contract, Jsonb *event);

/* The 3.0.0 cutover gate (cutover.c): NULL when it passes, else its message. */
extern char *ma_cutover_failure(const MaContract *contract, Jsonb *event,
								const MaEnvelope *env, bool validated, bool want_message);

/* ---------------------------------------------------------------------
 * Reducer (reduce_state.c, reduce_fold.c)
 * ---------------------------------------------------------------------
 */

typedef struct MaReduceState MaReduceState;

extern MaReduceState *ma_state_create(MemoryContext cxt);
extern void ma_state_add_event(MaReduceState *state, Jsonb *event);
extern void ma_state_merge(MaReduceState *into, const MaReduceState *from);
extern Jsonb *ma_state_finish(MaReduceState *state);

#endif							/* MISSION_AUDIT_H */
