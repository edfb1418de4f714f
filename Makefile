# Makefile: PGXS build of the mission_audit extension.

EXTENSION = mission_audit
EXTVERSION = 2.6.0
MODULE_big = mission_audit
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

# The install script and the update script into it are built from templates
# so the shipped JSON Schemas are spliced in verbatim from fixtures (one source
# of truth).  Older install scripts are kept as released, so ALTER EXTENSION
# UPDATE can be walked from them.
DATA = $(EXTENSION)--2.5.0.sql
DATA_built = $(EXTENSION)--$(EXTVERSION).sql $(EXTENSION)--2.5.0--$(EXTVERSION).sql
EXTRA_CLEAN = $(DATA_built)

# pg_regress suites: sql/<name>.sql -> expected/<name>.out, run in this order.
REGRESS = constants validate_payload validate_envelope normalize reduce \
	reduce_agg read_jsonl conformance_fixtures schema_drift hostile \
	contract_3_0_0 cutover \
	lamport_clocks bounded_errors bounded_memory encodings uuid_messages \
	state state_acceptance \
	contract_3_0_0_edges
# update_walk: 2.5.0 updated to the default version equals a fresh install.
REGRESS += update_walk
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

# Debian's pg_config wrapper picks the newest postgresql-server-dev-NN installed;
# PG_CONFIG=/usr/lib/postgresql/NN/bin/pg_config picks a major.
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies unless PostgreSQL was built with them.
$(OBJS): $(wildcard src/*.h)

SCHEMA_FILES = $(wildcard fixtures/*/schemas/*.json)

$(EXTENSION)--$(EXTVERSION).sql: src/$(EXTENSION).sql.in $(SCHEMA_FILES) scripts/splice_schemas.sh
	sh scripts/splice_schemas.sh $< fixtures > $@

$(EXTENSION)--2.5.0--$(EXTVERSION).sql: src/$(EXTENSION)--2.5.0--$(EXTVERSION).sql.in $(SCHEMA_FILES) scripts/splice_schemas.sh
	sh scripts/splice_schemas.sh $< fixtures > $@

# The conformance suite (fixtures, manifest, schemas) ships with the extension
# so `make installcheck` and users can replay it against an installed server.
FIXTURE_DIR = $(DESTDIR)$(datadir)/extension/$(EXTENSION)
install: install-fixtures
install-fixtures:
	@set -e; for f in $$(cd fixtures && find . -type f \( -name '*.json' -o -name '*.jsonl' \) | sort); do \
		$(MKDIR_P) "$(FIXTURE_DIR)/$$(dirname $$f)"; \
		$(INSTALL_DATA) "fixtures/$$f" "$(FIXTURE_DIR)/$$f"; \
	done
uninstall: uninstall-fixtures
uninstall-fixtures:
	rm -rf "$(FIXTURE_DIR)"
.PHONY: install-fixtures uninstall-fixtures

# PGXN release archive (git archive of HEAD): mission_audit-$(EXTVERSION).zip
dist:
	bash scripts/dist.sh
.PHONY: dist
