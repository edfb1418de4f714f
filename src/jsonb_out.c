/* jsonb_out.c: small helpers for building jsonb output with pushJsonbValue */
#include "mission_audit.h"

/*
 * pushJsonbValue keeps pointers to the strings it is given until the whole
 * value is converted: pass strings that live that long.
 */

void
ma_push_key(JsonbParseState **ps, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(ps, WJB_KEY, &k);
}

void
ma_push_string(JsonbParseState **ps, const char *s, int len)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = len;
	pushJsonbValue(ps, WJB_VALUE, &v);
}

void
ma_push_null(JsonbParseState **ps)
{
	JsonbValue	v;

	v.type = jbvNull;
	pushJsonbValue(ps, WJB_VALUE, &v);
}
