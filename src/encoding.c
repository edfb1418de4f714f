/* encoding.c: the one server encoding this extension works in, checked when it is loaded */
#include "mission_audit.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"

void		_PG_init(void);

/*
 * Lengths are counted, and repr() quoting classifies characters, in Unicode
 * code points of UTF-8 text: in another server encoding both would be wrong
 * (a LATIN1 byte 0x85 would pass unescaped, SQL_ASCII would count bytes), so
 * the extension refuses to work there.  CREATE EXTENSION and ALTER EXTENSION
 * UPDATE refuse first, in the scripts; this covers a library that reaches a
 * non-UTF8 database another way (an older version's functions updated in
 * place by a new library, functions created by hand).  A failed _PG_init
 * leaves the library unregistered, so every later call fails the same way.
 * A library preloaded into the postmaster has no database yet to check.
 */
void
_PG_init(void)
{
	if (!OidIsValid(MyDatabaseId) || GetDatabaseEncoding() == PG_UTF8)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("mission_audit requires a UTF8 database"),
			 errdetail("The database encoding is %s; mission_audit counts and quotes strings as Unicode code points of UTF-8 text.",
					   GetDatabaseEncodingName()),
			 errhint("Use mission_audit in a database created with ENCODING 'UTF8'.")));
}
