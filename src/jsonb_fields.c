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
 * A model's field positions in jsonb key order, so that fields and keys can
 * be merged like two sorted lists.  Computed once per model per backend.
 */
typedef struct KeyOrder
{
	const MaModel *model;
	int			order[MA_MAX_FIELDS];
} KeyOrder;

static KeyOrder key_orders[16];
static int	nkey_orders = 0;

static const int *
model_key_order(const MaModel *model)
{
	KeyOrder   *ko;

	for (int i = 0; i < nkey_orders; i++)
		if (key_orders[i].model == model)
			return key_orders[i].order;

	if (nkey_orders == lengthof(key_orders))
		elog(ERROR, "too many mission_audit models");
	ko = &key_orders[nkey_orders];
	ko->model = model;
	for (int i = 0; i < model->nfields; i++)
	{
		int			j = i;

		/* insertion sort: a dozen fields at most */
		for (; j > 0; j--)
		{
			const MaField *prev = &model->fields[ko->order[j - 1]];
			const MaField *cur = &model->fields[i];

			if (key_cmp(prev->name, prev->name_len, cur->name, cur->name_len) < 0)
				break;
			ko->order[j] = ko->order[j - 1];
		}
		ko->order[j] = i;
	}
	nkey_orders++;
	return ko->order;
}

/*
 * Fill found[f] for every field f of model from object container c (an
 * object).  Unknown keys are skipped.
 */
void
ma_read_fields(const MaModel *model, JsonbContainer *c, MaFound *found)
{
	uint32		n = JsonContainerSize(c);
	const JEntry *children = c->children;
	const char *base = (const char *) (children + 2 * n);
	const int  *order = model_key_order(model);
	uint32		offset = 0;
	int			matched_key[MA_MAX_FIELDS];
	int			matched_field[MA_MAX_FIELDS];
	int			nmatched = 0;
	int			next = 0;
	int			f = 0;			/* next field, in key order */

	for (int i = 0; i < model->nfields; i++)
		found[i].present = false;

	/*
	 * Keys come first, sorted; merge them with the sorted field names.  Then
	 * the values follow in the same order as their keys.
	 */
	for (uint32 i = 0; i < 2 * n; i++)
	{
		JEntry		e = children[i];
		uint32		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);

		if (i < n && f < model->nfields)
		{
			int			cmp = -1;

			while (f < model->nfields)
			{
				const MaField *field = &model->fields[order[f]];

				cmp = key_cmp(base + offset, end - offset, field->name, field->name_len);
				if (cmp <= 0)
					break;
				f++;
			}
			if (cmp == 0)
			{
				matched_key[nmatched] = i;
				matched_field[nmatched++] = order[f++];
			}
		}
		else if (i < n)
			 /* no field left to match; keep the running offset */ ;
		else if (next < nmatched && matched_key[next] == i - n)
		{
			MaFound    *dst = &found[matched_field[next++]];

			dst->present = true;
			fill_value(e, base, offset, end, &dst->value);
			if (next == nmatched)
				break;
		}
		else if (nmatched == 0)
			break;
		offset = end;
	}
}
