/* jsonb_fields.c: read a model's fields from a jsonb object in one pass */
#include "mission_audit.h"

#include "port/pg_bswap.h"

/*
 * getKeyJsonValueFromContainer() binary-searches the keys, and each probe
 * recomputes an offset by walking back up to JB_OFFSET_STRIDE entries; for
 * the dozen keys of an envelope that was the largest cost of validation.
 * Here the object's entries are walked once, front to back, keeping the
 * running offset, and the sorted keys are merged with the model's field
 * names sorted the same way.
 */

/* A JsonbValue for the child spanning [start, end) of base, with entry e. */
static void
fill_value(JEntry e, const char *base, uint32 start, uint32 end, JsonbValue *out)
{
	if (JBE_ISNULL(e))
		out->type = jbvNull;
	else if (JBE_ISSTRING(e))
	{
		out->type = jbvString;
		out->val.string.val = (char *) base + start;
		out->val.string.len = end - start;
	}
	else if (JBE_ISNUMERIC(e))
	{
		out->type = jbvNumeric;
		out->val.numeric = (Numeric) (base + INTALIGN(start));
	}
	else if (JBE_ISBOOL_TRUE(e) || JBE_ISBOOL_FALSE(e))
	{
		out->type = jbvBool;
		out->val.boolean = JBE_ISBOOL_TRUE(e);
	}
	else
	{
		Assert(JBE_ISCONTAINER(e));
		out->type = jbvBinary;
		out->val.binary.data = (JsonbContainer *) (base + INTALIGN(start));
		out->val.binary.len = end - INTALIGN(start);
	}
}

/*
 * jsonb's key order: shorter first, then bytewise.  Keys of 8 bytes or more
 * are compared a word at a time, in network byte order so that word order
 * is byte order; a final overlapping word covers the tail.
 */
static inline int
key_cmp(const char *a, uint32 alen, const char *b, uint32 blen)
{
	uint64		x,
				y;
	uint32		i;

	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (alen < sizeof(uint64))
	{
		for (i = 0; i < alen; i++)
			if (a[i] != b[i])
				return (unsigned char) a[i] < (unsigned char) b[i] ? -1 : 1;
		return 0;
	}
	for (i = 0;; i += sizeof(uint64))
	{
		if (i + sizeof(uint64) > alen)
			i = alen - sizeof(uint64);
		memcpy(&x, a + i, sizeof(uint64));
		memcpy(&y, b + i, sizeof(uint64));
		if (x != y)
			return pg_hton64(x) < pg_hton64(y) ? -1 : 1;
		if (i + sizeof(uint64) == alen)
			return 0;
	}
}

/*
 * Per model and backend: its field positions in jsonb key order, so that
 * fields and keys merge like two sorted lists; and the last key layout seen,
 * because consecutive rows of a table nearly always spell the same keys.  An
 * object's keys are stored together ahead of its values, so comparing that
 * area and the keys' entries (their boundaries: "run_id","mission_id" and
 * "run_idm","ission_id" share their bytes) tells whether the last match
 * applies again.
 */
#define LAYOUT_MAX_BYTES 512
#define LAYOUT_MAX_KEYS 64

typedef struct ModelCache
{
	const MaModel *model;
	int			order[MA_MAX_FIELDS];
	bool		layout_valid;
	uint32		nkeys;
	uint32		keys_len;
	int			nmatched;
	int			matched_key[MA_MAX_FIELDS];
	int			matched_field[MA_MAX_FIELDS];
	JEntry		key_entries[LAYOUT_MAX_KEYS];	/* where each key ends */
	char		keys[LAYOUT_MAX_BYTES];
} ModelCache;

static ModelCache model_caches[32];	/* every model of every contract */
static int	nmodel_caches = 0;

static ModelCache *
model_cache(const MaModel *model)
{
	ModelCache *mc;

	for (int i = 0; i < nmodel_caches; i++)
		if (model_caches[i].model == model)
			return &model_caches[i];

	if (nmodel_caches == lengthof(model_caches))
		elog(ERROR, "too many mission_audit models");
	mc = &model_caches[nmodel_caches];
	mc->model = model;
	mc->layout_valid = false;
	for (int i = 0; i < model->nfields; i++)
	{
		int			j = i;

		/* insertion sort: a dozen fields at most */
		for (; j > 0; j--)
		{
			const MaField *prev = &model->fields[mc->order[j - 1]];
			const MaField *cur = &model->fields[i];

			if (key_cmp(prev->name, prev->name_len, cur->name, cur->name_len) < 0)
				break;
			mc->order[j] = mc->order[j - 1];
		}
		mc->order[j] = i;
	}
	nmodel_caches++;
	return mc;
}

/* A model's field positions in jsonb key order. */
const int *
ma_model_key_order(const MaModel *model)
{
	return model_cache(model)->order;
}

/*
 * Merge the n sorted keys at children/base with the model's sorted field
 * names: matched_key[k] is the key index of the k-th match, matched_field[k]
 * its field.  Returns the number of matches.
 */
static int
match_keys(const ModelCache *mc, const JEntry *children, const char *base, uint32 n,
		   int *matched_key, int *matched_field)
{
	const MaModel *model = mc->model;
	uint32		offset = 0;
	int			nmatched = 0;
	int			f = 0;			/* next field, in key order */

	for (uint32 i = 0; i < n && f < model->nfields; i++)
	{
		JEntry		e = children[i];
		uint32		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);
		int			cmp = -1;

		while (f < model->nfields)
		{
			const MaField *field = &model->fields[mc->order[f]];

			cmp = key_cmp(base + offset, end - offset, field->name, field->name_len);
			if (cmp <= 0)
				break;
			f++;
		}
		if (cmp == 0)
		{
			matched_key[nmatched] = i;
			matched_field[nmatched++] = mc->order[f++];
		}
		offset = end;
	}
	return nmatched;
}

/*
 * Fill found[f] for every field f of model from object container c (an
 * object).  Unknown keys are skipped; the number of keys that matched a
 * field is returned, so fewer than the object's size means unknown keys.
 */
int
ma_read_fields(const MaModel *model, JsonbContainer *c, MaFound *found)
{
	uint32		n = JsonContainerSize(c);
	const JEntry *children = c->children;
	const char *base = (const char *) (children + 2 * n);
	ModelCache *mc = model_cache(model);
	uint32		keys_len = 0;
	int			local_key[MA_MAX_FIELDS];
	int			local_field[MA_MAX_FIELDS];
	const int  *matched_key = mc->matched_key;
	const int  *matched_field = mc->matched_field;
	int			nmatched;
	int			next = 0;
	uint32		offset;

	for (int i = 0; i < model->nfields; i++)
		found[i].present = false;

	/* the keys' area ends where the last key ends */
	for (uint32 i = 0; i < n; i++)
		keys_len = JBE_HAS_OFF(children[i]) ? JBE_OFFLENFLD(children[i]) :
			keys_len + JBE_OFFLENFLD(children[i]);

	if (mc->layout_valid && mc->nkeys == n && mc->keys_len == keys_len &&
		memcmp(mc->key_entries, children, n * sizeof(JEntry)) == 0 &&
		memcmp(mc->keys, base, keys_len) == 0)
		nmatched = mc->nmatched;
	else if (keys_len <= LAYOUT_MAX_BYTES && n <= LAYOUT_MAX_KEYS)
	{
		mc->nmatched = nmatched = match_keys(mc, children, base, n,
											 mc->matched_key, mc->matched_field);
		mc->nkeys = n;
		mc->keys_len = keys_len;
		memcpy(mc->key_entries, children, n * sizeof(JEntry));
		memcpy(mc->keys, base, keys_len);
		mc->layout_valid = true;
	}
	else
	{
		nmatched = match_keys(mc, children, base, n, local_key, local_field);
		matched_key = local_key;
		matched_field = local_field;
	}

	/* the values follow in their keys' order */
	offset = keys_len;
	for (uint32 i = n; i < 2 * n && next < nmatched; i++)
	{
		JEntry		e = children[i];
		uint32		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);

		if (matched_key[next] == i - n)
		{
			MaFound    *dst = &found[matched_field[next++]];

			dst->present = true;
			fill_value(e, base, offset, end, &dst->value);
		}
		offset = end;
	}
	return nmatched;
}
