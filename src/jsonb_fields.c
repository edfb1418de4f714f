/* jsonb_fields.c: read a model's fields from a jsonb object in one pass */
#include "mission_audit.h"

/*
 * getKeyJsonValueFromContainer() binary-searches the keys, and each probe
 * recomputes an offset by walking back up to JB_OFFSET_STRIDE entries; for
 * the dozen keys of an envelope that was the largest cost of validation.
 * Here the object's entries are walked once, front to back, keeping the
 * running offset, and each key is matched against the model's field names.
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

/* The field of model named by this key, or -1. */
static int
match_field(const MaModel *model, const char *key, uint32 len)
{
	for (int f = 0; f < model->nfields; f++)
	{
		const MaField *field = &model->fields[f];

		if (field->name_len == len && field->name[0] == key[0] &&
			memcmp(field->name, key, len) == 0)
			return f;
	}
	return -1;
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
	uint32		offset = 0;
	int			matched_key[MA_MAX_FIELDS];
	int			matched_field[MA_MAX_FIELDS];
	int			nmatched = 0;
	int			next = 0;

	for (int f = 0; f < model->nfields; f++)
		found[f].present = false;

	/* keys come first, in jsonb order; then the values in the same order */
	for (uint32 i = 0; i < 2 * n; i++)
	{
		JEntry		e = children[i];
		uint32		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);

		if (i < n)
		{
			int			f = (end > offset) ? match_field(model, base + offset, end - offset) : -1;

			if (f >= 0 && nmatched < MA_MAX_FIELDS)
			{
				matched_key[nmatched] = i;
				matched_field[nmatched++] = f;
			}
		}
		else if (next < nmatched && matched_key[next] == i - n)
		{
			MaFound    *dst = &found[matched_field[next++]];

			dst->present = true;
			fill_value(e, base, offset, end, &dst->value);
			if (next == nmatched)
				break;
		}
		else if (nmatched == 0 && i >= n)
			break;
		offset = end;
	}
}
