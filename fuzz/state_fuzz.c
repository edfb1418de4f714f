/*
 * state_fuzz.c: fuzz mission_audit_state's text and binary input with inputs mutated from
 * real states.
 *
 * Usage: state_fuzz INPUTS SEED   (connection from the PG* environment)
 *
 * Reads seed states from fuzz_state_seed (fuzz/state.sql), then sends INPUTS mutated copies,
 * half as text parameters and half as binary ones, to a statement that reads the value,
 * finishes it, round-trips it through its text form and merges it with itself.  An accepted
 * input must give the same result after the round trip (else: a wrong answer); a rejected one
 * must be a clean error.  Prints the count of each outcome; exits 1 on a lost connection
 * (a crash), an SQLSTATE of class XX or 58, or a wrong answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

#define MAX_SEEDS 256
#define MAX_OUTCOMES 64

typedef struct Buf
{
	char	   *data;
	size_t		len;
} Buf;

static Buf	seeds[2][MAX_SEEDS];	/* [0] text, [1] binary */
static int	nseeds;
static unsigned long long rng_state;

static struct
{
	char		code[16];
	long		n;
}			outcomes[MAX_OUTCOMES];
static int	noutcomes;

static unsigned long long
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t
below(size_t n)
{
	return n ? (size_t) (rng() % n) : 0;
}

static void
count(const char *code)
{
	for (int i = 0; i < noutcomes; i++)
		if (strcmp(outcomes[i].code, code) == 0)
		{
			outcomes[i].n++;
			return;
		}
	if (noutcomes < MAX_OUTCOMES)
	{
		snprintf(outcomes[noutcomes].code, sizeof(outcomes[noutcomes].code), "%s", code);
		outcomes[noutcomes++].n = 1;
	}
}

/* Tokens worth splicing into JSON text. */
static const char *const tokens[] = {
	"\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "false", "0", "-1", "1e400",
	"3.5", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
	"100000000000000000000000000000000000000000", "\"\"", "\"x\"", "\\u0000", "\\ud800",
	"\\udfff\\ud800", "\xff", "\xc3", "\xe2\x82", "\xf4\x90\x80\x80", "\xed\xa0\x80",
	"\"MissionAuditFoo\"", "\"MissionAuditRequested\"", "\"MissionAuditCompleted\"",
	"\"MissionAuditDecisionRequested\"", "\"MissionAuditFailed\"", "\"ForeignEvent\"",
	"\"2026-02-30T10:00:00\"", "\"2026-03-01T24:00:00+00:00\"", "\"9999-12-31T23:59:59.999999+23:59\"",
	"\"00000000000000000000000000\"", "\"ZZZZZZZZZZZZZZZZZZZZZZZZZZ\"", "\"01HQ0000000000000000000001\"",
	"\"3.0.0\"", "\"2.5.0\"", "\"mission_audit_state\"", "\"events\"", "\"contract\"",
	"\"lamport_clock\"", "\"payload\"", "\"artifact_ref\"", "\"decision_id\"", "\"event_id\"",
	"{\"report_path\": \"r\", \"content_hash\": {}, \"provenance\": {}}", "[[[[[[[[", "]]]]]]]]",
};

static size_t span_len(size_t n);

static void
put(Buf *out, size_t *cap, const char *s, size_t n)
{
	if (out->len + n + 1 > *cap)
	{
		while (out->len + n + 1 > *cap)
			*cap *= 2;
		out->data = realloc(out->data, *cap);
	}
	memcpy(out->data + out->len, s, n);
	out->len += n;
}

/* One mutation of in into out. */
static void
mutate_once(const Buf *in, Buf *out)
{
	size_t		cap = in->len * 2 + 64;
	size_t		a = below(in->len + 1);
	size_t		b = a + below(span_len(in->len - a));

	out->data = malloc(cap);
	out->len = 0;
	switch (below(9))
	{
		case 0:					/* replace a byte */
			put(out, &cap, in->data, in->len);
			if (out->len)
				out->data[below(out->len)] = (char) below(256);
			break;
		case 1:					/* delete a span */
			put(out, &cap, in->data, a);
			put(out, &cap, in->data + b, in->len - b);
			break;
		case 2:					/* duplicate a span */
			put(out, &cap, in->data, b);
			put(out, &cap, in->data + a, b - a);
			put(out, &cap, in->data + b, in->len - b);
			break;
		case 3:					/* insert a token */
		case 4:
			{
				const char *t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];

				put(out, &cap, in->data, a);
				put(out, &cap, t, strlen(t));
				put(out, &cap, in->data + a, in->len - a);
				break;
			}
		case 5:					/* replace a span by a token */
			{
				const char *t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];

				put(out, &cap, in->data, a);
				put(out, &cap, t, strlen(t));
				put(out, &cap, in->data + b, in->len - b);
				break;
			}
		case 6:					/* truncate */
			put(out, &cap, in->data, a);
			break;
		case 7:					/* splice with another seed */
			{
				const Buf  *o = &seeds[0][below(nseeds)];
				size_t		c = below(o->len + 1);

				put(out, &cap, in->data, a);
				put(out, &cap, o->data + c, o->len - c);
				break;
			}
		default:				/* change a digit */
			put(out, &cap, in->data, in->len);
			for (int tries = 0; tries < 16 && out->len; tries++)
			{
				size_t		i = below(out->len);

				if (out->data[i] >= '0' && out->data[i] <= '9')
				{
					out->data[i] = (char) ('0' + below(10));
					break;
				}
			}
			break;
	}
	out->data[out->len] = '\0';
}

static size_t
span_len(size_t n)
{
	return n < 64 ? n + 1 : (below(8) == 0 ? n + 1 : 64);
}

static PGconn *
connect_db(void)
{
	PGconn	   *conn = PQconnectdb("");
	PGresult   *res;

	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "state_fuzz: %s", PQerrorMessage(conn));
		exit(2);
	}
	res = PQprepare(conn, "q",
					"SELECT mission_audit_result(s)::text, "
					"mission_audit_result(s::text::mission_audit_state) = mission_audit_result(s) "
					"AND mission_audit_result(mission_audit_state_merge(s, s)) = mission_audit_result(s) "
					"FROM (SELECT $1::mission_audit_state s) x",
					1, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		fprintf(stderr, "state_fuzz: prepare: %s", PQerrorMessage(conn));
		exit(2);
	}
	PQclear(res);
	return conn;
}

int
main(int argc, char **argv)
{
	long		inputs = argc > 1 ? atol(argv[1]) : 1000;
	PGconn	   *conn;
	PGresult   *res;
	long		crashes = 0;
	long		bad = 0;
	long		wrong = 0;

	rng_state = (argc > 2 ? strtoull(argv[2], NULL, 10) : 1) * 0x9E3779B97F4A7C15ULL + 1;
	conn = connect_db();
	res = PQexecParams(conn, "SELECT state::text, mission_audit_state_send(state) FROM fuzz_state_seed ORDER BY id",
					   0, NULL, NULL, NULL, NULL, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) == 0)
	{
		fprintf(stderr, "state_fuzz: no seeds: %s", PQerrorMessage(conn));
		return 2;
	}
	for (int i = 0; i < PQntuples(res) && i < MAX_SEEDS; i++)
	{
		for (int f = 0; f < 2; f++)
		{
			seeds[f][i].len = PQgetlength(res, i, f);
			seeds[f][i].data = malloc(seeds[f][i].len + 1);
			memcpy(seeds[f][i].data, PQgetvalue(res, i, f), seeds[f][i].len);
			seeds[f][i].data[seeds[f][i].len] = '\0';
		}
		nseeds = i + 1;
	}
	PQclear(res);

	for (long n = 0; n < inputs; n++)
	{
		int			binary = n & 1;
		Buf			cur = seeds[binary][below(nseeds)];
		Buf			next;
		int			rounds = 1 + below(4);
		const char *values[1];
		int			lengths[1];
		int			formats[1];
		const char *state;

		/* the unmutated seeds first, then 1..4 mutations of one */
		next.data = malloc(cur.len + 1);
		memcpy(next.data, cur.data, cur.len + 1);
		next.len = cur.len;
		if (n >= 2 * nseeds)
			for (int r = 0; r < rounds; r++)
			{
				Buf			m;

				mutate_once(&next, &m);
				free(next.data);
				next = m;
			}
		values[0] = next.data;
		lengths[0] = (int) next.len;
		formats[0] = binary;
		res = PQexecPrepared(conn, "q", 1, values, lengths, formats, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
		{
			count(binary ? "ok (binary)" : "ok (text)");
			if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
			{
				wrong++;
				fprintf(stderr, "wrong answer for input %ld: %.300s\n", n, next.data);
			}
		}
		else if (PQstatus(conn) != CONNECTION_OK)
		{
			crashes++;
			fprintf(stderr, "connection lost on input %ld (%s): %.300s\n", n,
					binary ? "binary" : "text", next.data);
			PQfinish(conn);
			conn = connect_db();
		}
		else
		{
			state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			count(state ? state : "?");
			if (state == NULL || strncmp(state, "XX", 2) == 0 || strncmp(state, "58", 2) == 0)
			{
				bad++;
				fprintf(stderr, "internal error on input %ld: %s", n, PQresultErrorMessage(res));
			}
		}
		PQclear(res);
		free(next.data);
	}
	PQfinish(conn);

	printf("state input fuzz: %ld inputs from %d seed states\n", inputs, nseeds);
	for (int i = 0; i < noutcomes; i++)
		printf("  %-14s %ld\n", outcomes[i].code, outcomes[i].n);
	printf("crashes: %ld    internal errors: %ld    wrong answers: %ld\n", crashes, bad, wrong);
	return (crashes || bad || wrong) ? 1 : 0;
}
