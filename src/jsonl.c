/* jsonl.c: mission_audit_read_jsonl, one jsonb row per non-blank JSONL line */
#include "mission_audit.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(mission_audit_read_jsonl);

static bool
is_blank(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (!isspace((unsigned char) s[i]))
			return false;
	return true;
}

/* Parse one line as jsonb; a malformed line's error names its line number. */
static Datum
parse_line(const char *line, int len, int line_number)
{
	char	   *cstr = pnstrdup(line, len);
	MemoryContext cxt = CurrentMemoryContext;
	Datum		result = (Datum) 0;

	PG_TRY();
	{
		result = DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(edata->sqlerrcode),
				 errmsg("invalid JSON on line %d of JSONL input", line_number),
				 edata->detail ? errdetail("%s: %s", edata->message, edata->detail) :
				 errdetail("%s.", edata->message),
				 edata->context ? errcontext("%s", edata->context) : 0));
	}
	PG_END_TRY();
	pfree(cstr);
	return result;
}

/* mission_audit_read_jsonl(text): (line_number, event) per non-blank line */
Datum
mission_audit_read_jsonl(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *input = PG_GETARG_TEXT_PP(0);
	const char *p = VARDATA_ANY(input);
	const char *end = p + VARSIZE_ANY_EXHDR(input);
	int			line_number = 0;
	MemoryContext per_line;

	InitMaterializedSRF(fcinfo, 0);
	per_line = AllocSetContextCreate(CurrentMemoryContext, "mission_audit_read_jsonl line",
									 ALLOCSET_DEFAULT_SIZES);
	while (p < end)
	{
		const char *nl = memchr(p, '\n', end - p);
		const char *line_end = nl ? nl : end;
		int			len = line_end - p;
		MemoryContext old;

		line_number++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		CHECK_FOR_INTERRUPTS();
		if (!is_blank(p, len))
		{
			Datum		values[2];
			bool		nulls[2] = {false, false};

			old = MemoryContextSwitchTo(per_line);
			values[0] = Int32GetDatum(line_number);
			values[1] = parse_line(p, len, line_number);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			MemoryContextSwitchTo(old);
			MemoryContextReset(per_line);
		}
		p = nl ? nl + 1 : end;
	}
	MemoryContextDelete(per_line);
	return (Datum) 0;
}
