#!/usr/bin/python3
"""gen.py: hostile inputs for the mission_audit fuzz harness (Python 3 stdlib only).

Writes rows for COPY ... FROM STDIN (text format) to stdout, one input a row:

    id  fam  grp  base  arg  doc  expect

fam p  payload: arg is the event_type, doc the payload JSON.
fam e  event envelope: doc is the event JSON; rows sharing grp are also fed
       together to the mission_audit_reduce aggregate.
fam j  JSONL text: doc is the raw text; expect is {"rows": n} or {"error_line": n}.
fam a  JSON array of events for mission_audit_reduce_events and the aggregate:
       expect is the reduced state when known (conformance corpus); base names
       another a-row whose reduced state this one must reproduce (arg "same")
       or reproduce with event_count raised by n (arg "count+n"); arg
       "invalid" marks arrays holding an invalid event (must ERROR 22023).

Every row also names its contract (last column), 2.5.0 or 3.0.0; each contract
has its own seeds, and 3.0.0 rows get the cutover's own mutations as well
(schema_version variants, legacy keys, names and aggregates, unknown keys at
every level, mission_number edges, build_id).  Seeds are the valid cases of
the shared conformance corpus of each contract (or the repo's fixtures/ when
the corpus is absent); most rows are those seeds mutated:
keys dropped, values of the wrong type at every position, values swapped,
edge numbers, every Unicode plane, escapes, bad timestamps and ids of every
length and character class.  A fixed set of giant rows (deep nesting, 10 MB
strings, 1,000,000-item arrays) is mixed in; --quick shrinks them.

Usage: gen.py --inputs N [--seed S] [--quick] [--corpus DIR] [--fixtures DIR]
"""

import argparse
import json
import os
import random
import re
import sys

AUDIT_TYPES = ["MissionAuditRequested", "MissionAuditStarted",
               "MissionAuditDecisionRequested", "MissionAuditCompleted",
               "MissionAuditFailed"]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
HEX = "0123456789abcdef"

# ---------------------------------------------------------------------------
# Raw JSON tokens: numbers and nested texts json.dumps cannot spell.  A Raw is
# dumped as a placeholder string and swapped for its text afterwards.
# ---------------------------------------------------------------------------


class Raw:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


RAW_TAG = "\u0001RAW%d\u0001"
RAW_RE = re.compile(r'"\\u0001RAW(\d+)\\u0001"')


def dumps(value, rng):
    """JSON text of value with Raw tokens spliced in; random escaping style."""
    raws = []

    def strip(v):
        if isinstance(v, Raw):
            raws.append(v.text)
            return RAW_TAG % (len(raws) - 1)
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items()}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    text = json.dumps(strip(value), ensure_ascii=rng.random() < 0.2,
                      separators=(",", ":") if rng.random() < 0.7 else (", ", ": "))
    if raws:
        text = RAW_RE.sub(lambda m: raws[int(m.group(1))], text)
    return text


def clone(v):
    """A deep copy of a JSON tree (Raw tokens are shared: they are never changed)."""
    if isinstance(v, dict):
        return {k: clone(x) for k, x in v.items()}
    if isinstance(v, list):
        return [clone(x) for x in v]
    return v


# ---------------------------------------------------------------------------
# Value pools
# ---------------------------------------------------------------------------

BIG40 = "1234567890123456789012345678901234567890"
EDGE_NUMBERS = [
    "0", "-0", "0.0", "-0.0", "0e0", "0e-400", "-0e-400", "1e-400", "-1e-400",
    "1e400", "-1e400", "1e1000", "-1e1000", "1E+2", "1e2", "3.0", "3.00000",
    "0.0000001", "-0.0000001", "4.0000000000000000000001", "0.5", "1.5", "-1",
    "-1.0", "4", "4.0", "5", "1", "2", "3", "9999999999999999", "10000000000000000",
    "1e16", "1e17", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", BIG40, "-" + BIG40, BIG40 + ".0", BIG40 + ".5",
    "123456789012345678901234567890", "2147483647", "2147483648", "-2147483649",
    "1.7976931348623157e308", "5e-324", "4.9e-324", "0.1e1", "10e-1", "30e-1",
]
NUMERIC_STRINGS = ["3", " 3 ", "3.0", "3.5", "+3", "-0", "-1", "1e2", "", " ",
                   "0x10", "٣", "３", "3\n", "\t4\t", "00", "007", "1_000",
                   "Infinity", "NaN", BIG40]

# code points from every Unicode plane (no surrogates, no U+0000)
PLANE_SAMPLES = [0x41, 0xE9, 0x3B1, 0x416, 0x5D0, 0x627, 0x915, 0xE01, 0x4E2D,
                 0xAC00, 0xFB01, 0xFFFD, 0x1F600, 0x1D11E, 0x10348, 0x20000,
                 0x2A6D6, 0x30000, 0x3134A, 0x40000, 0x50000, 0x60000, 0x70000,
                 0x80000, 0x90000, 0xA0000, 0xB0000, 0xC0000, 0xD0000, 0xE0001,
                 0xE0100, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD]
# characters Python's repr() escapes, and other awkward ones
AWKWARD = [0x01, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F,
           0x80, 0x85, 0x9F, 0xA0, 0xAD, 0x300, 0x301, 0x378, 0x61C, 0x200B,
           0x200D, 0x200E, 0x2028, 0x2029, 0x202E, 0x2060, 0x2066, 0x3000,
           0xD7FF, 0xE000, 0xF8FF, 0xFDD0, 0xFEFF, 0xFFF9, 0xFFFE, 0xFFFF,
           0x1FFFE, 0x1FFFF, 0xE0001, 0xE007F, 0xEFFFF, 0xFFFFF, 0x10FFFF,
           0x27, 0x22, 0x5C]

STRINGS = ["", " ", "  ", "\t", "\n", "\r\n", "x", "x\n", "a'b", 'a"b', "a'\"b",
           "'", '"', "\\", "\\\\", '\\"', "\\'", "C:\\Users\\audit\\x.json",
           "\\u0000", "\\n", "%s%d%n", "{}", "[]", "null", "true", "0", "-0",
           "MissionAuditRequested", "’quoted’", "ǅ", "ß", "İ", "ﬀ", "e\u0301",
           "\u202eevil", "a\u2028b", "\u00a0", "\u200b", "\ufeff", "😀", "👩‍👩‍👧",
           "\U0010ffff", "\ue000", "审计任务", "projet-é", "x" * 64, "é" * 64,
           "\x01\x02\x7f\x80\x9f", "sha256:" + "0" * 64, "${jndi:x}",
           "'; DROP TABLE x; --", "\ud7ff", "\U000e0041"]

TIMESTAMPS_GOOD = [
    "2024-01-01T00:00:00Z", "2024-01-01T00:00:00", "2024-02-29T12:30:45+05:30",
    "2024-02-29t12:30:45z", "2024-02-29 12:30:45-08:00", "2024-02-29T12:30",
    "2024-02-29", "2024-02-29T12:30:45.5Z", "2024-02-29T12:30:45,123456+0530",
    "2024-02-29T12:30:45.000000Z", "2024-02-29T12:30:45-00:00",
    "0001-01-01T00:00:00", "9999-12-31T23:59:59.999999+23:59",
    "9999-12-31T23:59:59.999999-23:59", "2000-02-29T00:00:00+00:00",
    "2024-12-31T23:59:59.1234567Z", "1970-01-01T00:00:00Z",
]
TIMESTAMPS_BAD = [
    "", " ", "2024", "2024-1-1", "2024-01-01T", "2024-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10",
    "2024-01-00", "2024-01-32", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
    "2024-06-30T23:59:60Z", "2016-12-31T23:59:60Z", "2024-01-01T23:59:61",
    "0000-01-01T00:00:00Z", "0000-00-00", "10000-01-01T00:00:00Z",
    "-2024-01-01T00:00:00Z", "+2024-01-01", "2024-01-01T00:00:00+24:00",
    "2024-01-01T00:00:00-24:00", "2024-01-01T00:00:00+23:60", "2024-01-01T00:00:00+5:30",
    "2024-01-01T00:00:00+05", "2024-01-01T00:00:00+05:30:00", "2024-01-01T00:00:00 Z",
    "2024-01-01T00:00:00UTC", "2024-01-01T00:00:00ZZ", "2024-01-01_00:00:00",
    "2024-01-01T00:00:00\u221205:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.",
    "2024-01-01T0:00:00", "2024-01-01T00:0:00", "2024-01-01T00:00:0",
    "2024-01-01T00:00:00Z\n", "\n2024-01-01", "2024-01-01T00:00:00Z ",
    "２０２４-01-01", "٢٠٢٤-01-01", "2024/01/01", "2024-01-01T00:00:00.-5Z",
    "1700000000", "1700000000.5", "now", "Tue, 01 Jan 2024 00:00:00 GMT",
    "2024-W01-1", "2024-001", "20240101T000000Z", "2024-01-01T00:00:00+0000Z",
    "2024-01-01T00:00:00.123456789012345678901234567890Z",
]
TS_PARTS = {
    "year": ["0000", "0001", "1970", "2000", "2023", "2024", "2100", "9999", "999", "10000", "20x4"],
    "month": ["00", "01", "02", "04", "12", "13", "1", "99"],
    "day": ["00", "01", "28", "29", "30", "31", "32", "3"],
    "sep": ["T", "t", " ", "_", "", "TT", "x"],
    "hour": ["00", "12", "23", "24", "25", "99", "1"],
    "minute": ["00", "30", "59", "60", "5"],
    "second": ["", ":00", ":59", ":60", ":61", ":5", ":"],
    "frac": ["", ".0", ".5", ".000000", ".123456", ".1234567", ",5", ".", ".x", ".0000000001"],
    "offset": ["", "Z", "z", "+00:00", "-00:00", "+05:30", "+0530", "-0800", "+24:00",
               "-24:00", "+23:59", "+23:60", "+5:30", "+05", "+05:30:00", " Z", "UTC", "+00:00Z"],
}

UUIDS_GOOD = ["12345678-1234-5678-1234-567812345678", "0f8fad5b-d9cb-469f-a165-70867728950e",
              "0F8FAD5BD9CB469FA16570867728950E", "{12345678-1234-5678-1234-567812345678}",
              "urn:uuid:12345678-1234-5678-1234-567812345678",
              "URN:UUID:12345678-1234-5678-1234-567812345678"]
UUIDS_BAD = ["", "x", "12345678-1234-5678-1234-56781234567", "12345678-1234-5678-1234-5678123456789",
             "12345678123456781234567812345678a", "1234567-81234-5678-1234-567812345678",
             "12345678-1234-5678-1234-56781234567g", "{12345678-1234-5678-1234-567812345678",
             "urn:uuid:", "urn:uuid:{12345678-1234-5678-1234-567812345678}",
             "12345678-1234-5678-1234-567812345678-", "----", "-" * 36, "1-2-3-4-5",
             "12345678-1234-5678-1234-5678123456é8", "１２345678-1234-5678-1234-567812345678",
             "12345678--1234-5678-1234-56781234567", "12345678-1234-5678-1234-567812345678\n"]

EVENT_TYPES_ODD = ["MissionAudit", "MissionAuditX", "MissionAuditCancelled",
                   "missionauditrequested", " MissionAuditRequested", "MissionAuditRequested ",
                   "MissionAuditRequested\n", "MissionAuditRequeste", "MissionAuditRequestedd",
                   "MissionAudi", "Mission", "", "M", "MissionAuditRequested\u0301",
                   "MissionAudit\u200bRequested", "MissionAuditÉvénement", "MissionAudit'\"\\",
                   "MissionAudit\t\r\n\x01\x7f\u2028\ue000\U0010ffff", "GatePassed",
                   "MissionCompleted", "Événement", "Back\\slash", "MISSIONAUDITCOMPLETED"]

FIELD_NAMES = ["mission_id", "run_id", "feature_slug", "actor", "trigger_mode", "audit_scope",
               "enforcement_mode", "audit_scope_hash", "decision_id", "question",
               "context_summary", "severity", "verdict", "findings_count", "artifact_ref",
               "summary", "error_code", "error_message", "partial_artifact_ref", "report_path",
               "content_hash", "provenance", "hash", "algorithm", "size_bytes", "encoding",
               "source_event_ids", "git_sha", "git_ref", "actor_id", "actor_kind", "revised_at",
               "event_id", "event_type", "aggregate_id", "payload", "timestamp", "node_id",
               "lamport_clock", "causation_id", "project_uuid", "project_slug",
               "correlation_id", "schema_version", "data_tier",
               # contract 3.0.0's identity and envelope fields, and its forbidden legacy keys
               "mission_slug", "mission_number", "mission_type", "build_id",
               "feature_number", "mission_key", "legacy_aggregate_id"]
LEGACY_KEYS = ["feature_slug", "feature_number", "mission_key", "legacy_aggregate_id"]
SCHEMA_VERSIONS_3 = ["3.0.0", "3.0.0", "3.0.1", "3.1.0", "03.0.0", "3.0.0 ", " 3.0.0", "3.0",
                     "3", "v3.0.0", "", ".3.0.0", "4.0.0", "2.5.0", "1.0.0", "\uff13.0.0",
                     "\u0663.0.0", "3.0.0\n", "3.0.0.0", "30.0.0", "9" * 40 + ".0.0"]
ID_FIELDS = ("event_id", "correlation_id", "causation_id")


class Gen:
    def __init__(self, rng, quick):
        self.rng = rng
        self.quick = quick
        self.contract = "2.5.0"     # the contract of the rows being generated

    # -- scalars --------------------------------------------------------------

    def unicode_char(self):
        r = self.rng.random()
        if r < 0.35:
            return chr(self.rng.choice(PLANE_SAMPLES))
        if r < 0.6:
            return chr(self.rng.choice(AWKWARD))
        # any scalar value of any plane, surrogates and NUL excluded
        while True:
            cp = self.rng.randrange(1, 0x110000)
            if not 0xD800 <= cp <= 0xDFFF:
                return chr(cp)

    def string(self):
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(STRINGS)
        if r < 0.8:
            n = self.rng.choice([1, 2, 3, 5, 8, 26, 36, 64, 200])
            return "".join(self.unicode_char() for _ in range(n))
        if r < 0.985:
            return "".join(self.rng.choice("'\"\\ \t\n") for _ in range(self.rng.randrange(1, 20)))
        if r < 0.998:
            return self.rng.choice(["a", "é", "\\", "'", "😀", "\x01"]) * self.rng.choice([100, 300, 1000])
        return "x" * self.rng.choice([5000, 20000, 100000])

    def number(self):
        if self.rng.random() < 0.75:
            return Raw(self.rng.choice(EDGE_NUMBERS))
        return self.rng.choice([0, 1, 2, 4, 5, -1, self.rng.randrange(-10**6, 10**6),
                                self.rng.random() * 1e6, 10**self.rng.randrange(1, 45)])

    def event_id(self):
        """An id of length 0..40 drawn from one character class (often valid)."""
        rng = self.rng
        r = rng.random()
        if r < 0.25:
            return "".join(rng.choice(CROCKFORD) for _ in range(26))
        if r < 0.35:
            return "".join(rng.choice(CROCKFORD.lower()) for _ in range(26))
        if r < 0.45:
            h = "".join(rng.choice(HEX + HEX.upper()) for _ in range(32))
            if rng.random() < 0.6:
                h = "-".join([h[:8], h[8:12], h[12:16], h[16:20], h[20:]])
            return h
        n = rng.randrange(0, 41)
        classes = [CROCKFORD, CROCKFORD.lower(), "ILOUilou", HEX, HEX.upper(), "-", "0",
                   "0123456789", "-" + HEX, " \t", "!@#$%^&*()", "éüß", "😀𝄞",
                   "\u00a0\u200b", "\\\"'"]
        chars = rng.choice(classes)
        if rng.random() < 0.3:
            chars = "".join(rng.sample(classes, 3))
        s = "".join(rng.choice(chars) for _ in range(n))
        if n == 36 and rng.random() < 0.5:
            s = list(s)
            for i in (8, 13, 18, 23):
                s[i] = "-"
            s = "".join(s)
        return s

    def timestamp(self):
        r = self.rng.random()
        if r < 0.25:
            return self.rng.choice(TIMESTAMPS_GOOD)
        if r < 0.55:
            return self.rng.choice(TIMESTAMPS_BAD)
        p = {k: self.rng.choice(v) for k, v in TS_PARTS.items()}
        s = "%s-%s-%s" % (p["year"], p["month"], p["day"])
        if self.rng.random() < 0.9:
            s += p["sep"] + p["hour"] + ":" + p["minute"] + p["second"]
            if p["second"] not in ("", ":"):
                s += p["frac"]
            s += p["offset"]
        return s

    def deep(self, depth, kind=None):
        kind = kind or self.rng.choice(["array", "object", "mixed"])
        if kind == "array":
            return Raw("[" * depth + "]" * depth)
        if kind == "object":
            return Raw('{"a":' * depth + "1" + "}" * depth)
        return Raw('[{"k":' * (depth // 2) + '"x"' + "}]" * (depth // 2))

    def wrong_value(self):
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return rng.choice([None, True, False, 0, -1, 1.5, "", "x", [], {}, [1], {"a": 1},
                               [None], [""], [[]], {"": ""}, [1, "a", None]])
        if r < 0.5:
            return self.number()
        if r < 0.75:
            return self.string()
        if r < 0.8:
            return rng.choice(NUMERIC_STRINGS)
        if r < 0.85:
            return self.deep(rng.choice([2, 10, 50, 200]))
        if r < 0.93:
            return self.random_json(3)
        return [self.string() for _ in range(rng.randrange(0, 8))]

    def random_json(self, depth):
        rng = self.rng
        if depth <= 0 or rng.random() < 0.4:
            return rng.choice([None, True, False, self.number(), self.string(), rng.randrange(100)])
        if rng.random() < 0.5:
            return [self.random_json(depth - 1) for _ in range(rng.randrange(0, 5))]
        return {rng.choice(FIELD_NAMES + [self.string()[:20]]): self.random_json(depth - 1)
                for _ in range(rng.randrange(0, 6))}

    # -- mutation -------------------------------------------------------------

    def slots(self, doc):
        """Every (container, key) of doc, objects and arrays alike."""
        out = []
        stack = [doc]
        while stack:
            c = stack.pop()
            if isinstance(c, dict):
                for k, v in c.items():
                    out.append((c, k))
                    if isinstance(v, (dict, list)):
                        stack.append(v)
            elif isinstance(c, list):
                for i, v in enumerate(c):
                    out.append((c, i))
                    if isinstance(v, (dict, list)):
                        stack.append(v)
        return out

    def objects(self, doc):
        out = []
        stack = [doc]
        while stack:
            c = stack.pop()
            if isinstance(c, dict):
                out.append(c)
                stack.extend(v for v in c.values() if isinstance(v, (dict, list)))
            elif isinstance(c, list):
                stack.extend(v for v in c if isinstance(v, (dict, list)))
        return out

    def mutate_cutover(self, doc):
        """One of contract 3.0.0's own mutations: the cutover gate's rules and closed models."""
        rng = self.rng
        if not isinstance(doc, dict):
            return doc
        payload = doc.get("payload") if isinstance(doc.get("payload"), dict) else doc
        op = rng.random()
        if op < 0.2 and "event_id" in doc:
            doc["schema_version"] = rng.choice(SCHEMA_VERSIONS_3 + [None, 3, 3.0, True, ["3.0.0"], {}])
        elif op < 0.4:
            # a legacy key at any depth, arrays included (value irrelevant: keys only)
            obj = rng.choice(self.objects(doc))
            obj[rng.choice(LEGACY_KEYS)] = rng.choice([None, 1, "x", [], {}, self.wrong_value()])
        elif op < 0.5:
            # a legacy key's name as a value, or a near miss as a key: neither is forbidden
            obj = rng.choice(self.objects(doc))
            k = rng.choice(LEGACY_KEYS)
            obj[rng.choice(["x", k + "s", k[:-1], k.upper(), "_" + k])] = k
        elif op < 0.6 and "event_id" in doc:
            if rng.random() < 0.5:
                doc["event_type"] = rng.choice(["FeatureCreated", "FeatureClosed", "FeatureCreated ",
                                                "featurecreated", "FeatureClose"])
            else:
                doc["aggregate_id"] = rng.choice(["feature", "feature/1", "feature_catalog", "feature_catalog/x/y",
                                                  "features/1", "/feature", "feature\u0301/1", "audit/feature"])
        elif op < 0.75:
            # unknown keys at every level: forbidden in payloads and their references, allowed in the envelope
            obj = rng.choice(self.objects(doc))
            obj[rng.choice(["x", "zz", "", "é", "mission_slug ", "Mission_number", self.string()[:20]])] = self.wrong_value()
        elif op < 0.9:
            payload["mission_number"] = rng.choice([self.number(), Raw("10.0"), Raw("1e1"), "10", True, False,
                                                    0, 1, -1, 2**63, 2**64, 10**40, None, self.wrong_value()])
        elif "event_id" in doc:
            if rng.random() < 0.5:
                doc.pop("build_id", None)
            else:
                doc["build_id"] = self.wrong_value()
        return doc

    def mutate_once(self, doc):
        rng = self.rng
        if self.contract == "3.0.0" and rng.random() < 0.3:
            return self.mutate_cutover(doc)
        slots = self.slots(doc)
        op = rng.random()
        if not slots or op < 0.04:
            # replace the whole document
            return rng.choice([self.random_json(3), [], {}, None, "x", self.number(), [doc], {"payload": doc}])
        c, k = rng.choice(slots)
        key = k if isinstance(k, str) else None
        if op < 0.22:
            if isinstance(c, dict):
                del c[k]
            else:
                c.pop(k)
        elif op < 0.42:
            c[k] = self.wrong_value()
        elif op < 0.5:
            c2, k2 = rng.choice(slots)
            try:
                c[k], c2[k2] = c2[k2], c[k]
            except (KeyError, IndexError):
                pass
        elif op < 0.57:
            obj = rng.choice(self.objects(doc) or [{}])
            obj[rng.choice(FIELD_NAMES + ["", "x", "é", " event_id", "EVENT_ID", self.string()[:30]])] = self.wrong_value()
        elif op < 0.65:
            target = key if key in ID_FIELDS or key == "decision_id" else None
            c[k] = self.event_id()
            if target is None and isinstance(doc, dict) and rng.random() < 0.7:
                doc[rng.choice(ID_FIELDS)] = self.event_id()
        elif op < 0.72:
            if isinstance(doc, dict) and rng.random() < 0.8:
                doc["timestamp"] = self.timestamp() if rng.random() < 0.9 else self.number()
            else:
                c[k] = self.timestamp()
        elif op < 0.78:
            if isinstance(doc, dict) and "lamport_clock" in doc and rng.random() < 0.5:
                doc[rng.choice(["lamport_clock", "data_tier"])] = self.number()
            else:
                c[k] = self.number() if rng.random() < 0.8 else rng.choice(NUMERIC_STRINGS)
        elif op < 0.82:
            if isinstance(doc, dict):
                doc["event_type" if "event_id" in doc else rng.choice(FIELD_NAMES)] = \
                    rng.choice(AUDIT_TYPES + EVENT_TYPES_ODD)
        elif op < 0.86:
            if isinstance(doc, dict):
                doc["project_uuid"] = rng.choice(UUIDS_GOOD + UUIDS_BAD + [self.event_id()])
        elif op < 0.9:
            if isinstance(c[k], list):
                lst = c[k]
                r = rng.random()
                if r < 0.3:
                    lst.clear()
                elif r < 0.6:
                    lst.insert(rng.randrange(len(lst) + 1), self.wrong_value())
                else:
                    lst.extend(self.string() for _ in range(rng.randrange(1, 30)))
            else:
                c[k] = [c[k]]
        elif op < 0.94:
            if isinstance(c, dict):
                v = c.pop(k)
                c[rng.choice([k.upper(), k + " ", " " + k, k[:-1], k + "\u0301", k.replace("_", "-")])
                  if k else "x"] = v
        elif op < 0.97:
            if isinstance(c[k], str):
                s = c[k]
                ins = self.unicode_char() * rng.choice([1, 1, 2, 30])
                i = rng.randrange(len(s) + 1)
                c[k] = s[:i] + ins + s[i:]
            else:
                c[k] = self.string()
        else:
            c[k] = self.deep(rng.choice([5, 100, 1000]))
        return doc

    def mutate(self, doc, n=None):
        doc = clone(doc)
        if n is None:
            n = self.rng.choice([0, 1, 1, 1, 2, 2, 3, 5])
        for _ in range(n):
            doc = self.mutate_once(doc)
        return doc

    # -- keys re-split: other keys whose jsonb-ordered concatenation is the same --

    @staticmethod
    def jsonb_key_order(keys):
        return sorted(keys, key=lambda k: (len(k.encode()), k.encode()))

    def resplit_keys(self, obj):
        """obj with two adjacent keys (in jsonb order) re-split so that the sorted keys
        still concatenate to the same bytes; values keep their positions.  None when
        no such re-split is found."""
        if not isinstance(obj, dict) or len(obj) < 2:
            return None
        keys = self.jsonb_key_order(obj.keys())
        if not all(k.isascii() for k in keys):
            return None
        for _ in range(30):
            i = self.rng.randrange(len(keys) - 1)
            a, b = keys[i], keys[i + 1]
            shift = self.rng.choice([-3, -2, -1, 1, 2, 3])
            cut = len(a) + shift
            joined = a + b
            if cut <= 0 or cut >= len(joined):
                continue
            new = keys[:i] + [joined[:cut], joined[cut:]] + keys[i + 2:]
            if len(set(new)) != len(new) or self.jsonb_key_order(new) != new or new == keys:
                continue
            return {nk: obj[ok] for nk, ok in zip(new, keys)}
        return None

    # -- equivalent rewrites (must not change the reduced state) -------------

    TS_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:([Tt ])(\d{2}:\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?"
                       r"([Zz]|[+-]\d{2}:?\d{2})?)?$")

    def equivalent_timestamp(self, ts):
        m = self.TS_RE.match(ts) if isinstance(ts, str) else None
        if not m:
            return ts
        date, sep, hm, sec, frac, off = m.groups()
        rng = self.rng
        if sep is None:
            return date + rng.choice(["", "T00:00", "t00:00:00", " 00:00:00.000"])
        out = date + rng.choice("Tt ") + hm
        sec = sec or "00"
        fr = (frac or "").ljust(6, "0") if frac else ""
        if fr.strip("0") == "":
            fr = ""
        if sec == "00" and not fr and rng.random() < 0.3:
            pass
        else:
            out += ":" + sec
            if fr:
                out += rng.choice(".,") + (fr.rstrip("0") if rng.random() < 0.5 else fr)
            elif rng.random() < 0.3:
                out += ".000"
        if off:
            if off in ("Z", "z") or off.replace(":", "") in ("+0000", "-0000"):
                off = rng.choice(["Z", "z", "+00:00", "-00:00", "+0000", "-0000"])
            else:
                digits = off.replace(":", "")
                off = digits[:3] + ":" + digits[3:] if rng.random() < 0.5 else digits
            out += off
        return out

    def equivalent_id(self, s):
        if not isinstance(s, str):
            return s
        if len(s) == 26:
            return "".join(c.lower() if self.rng.random() < 0.5 else c.upper() for c in s)
        if len(s) == 36:
            h = s.replace("-", "")
            return h.upper() if self.rng.random() < 0.5 else s.upper()
        if len(s) == 32:
            h = s.lower()
            return "-".join([h[:8], h[8:12], h[12:16], h[16:20], h[20:]])
        return s

    def equivalent_number(self, v):
        if isinstance(v, bool) or not isinstance(v, int):
            return v
        return Raw(self.rng.choice(["%d.0" % v, "%de0" % v, "%d.000" % v,
                                    ("%d" % v) if v else "-0.0"]))

    def equivalent_event(self, ev):
        rng = self.rng
        ev = clone(ev)
        r = rng.random()
        if r < 0.25:
            ev["timestamp"] = self.equivalent_timestamp(ev.get("timestamp"))
        elif r < 0.45:
            for f in ID_FIELDS:
                if f in ev and rng.random() < 0.7:
                    ev[f] = self.equivalent_id(ev[f])
        elif r < 0.6:
            ev["lamport_clock"] = self.equivalent_number(ev.get("lamport_clock"))
            p = ev.get("payload")
            if isinstance(p, dict) and "findings_count" in p:
                p["findings_count"] = self.equivalent_number(p["findings_count"])
            if isinstance(p, dict) and "mission_number" in p:
                p["mission_number"] = self.equivalent_number(p["mission_number"])
        elif r < 0.8:
            # 3.0.0's payloads forbid unknown keys: there only the envelope takes them
            target = ev if self.contract == "3.0.0" else rng.choice(self.objects(ev))
            target["zz_extra_" + str(rng.randrange(100))] = self.wrong_value()
        else:
            ev["x_unknown"] = self.random_json(2)
        return ev

    # -- envelopes ---------------------------------------------------------------

    def ulid(self):
        return "".join(self.rng.choice(CROCKFORD) for _ in range(26))

    def foreign_event(self, lamport):
        ev = {"event_id": self.ulid(), "event_type": self.rng.choice(
                  ["GatePassed", "MissionCompleted", "x", "Événement", "Mission\nAudit", "missionAuditX"]),
              "aggregate_id": "agg", "payload": self.random_json(2) if self.rng.random() < 0.3 else {},
              "timestamp": self.rng.choice(TIMESTAMPS_GOOD), "node_id": "n",
              "lamport_clock": lamport, "project_uuid": UUIDS_GOOD[0],
              "correlation_id": self.ulid()}
        if self.contract == "3.0.0":
            ev.update(build_id="b", schema_version="3.0.0")
        return ev


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------

def load_seeds(corpus, fixtures):
    payloads, events, reduces = [], [], []
    if corpus and os.path.isdir(corpus):
        with open(os.path.join(corpus, "payload_cases.jsonl"), encoding="utf-8") as f:
            for line in f:
                c = json.loads(line)
                if c["expected"]["valid"]:
                    payloads.append((c["event_type"], c["payload"]))
        with open(os.path.join(corpus, "envelope_cases.jsonl"), encoding="utf-8") as f:
            for line in f:
                c = json.loads(line)
                if c["expected"]["valid"]:
                    events.append(c["event"])
        with open(os.path.join(corpus, "reduce_cases.jsonl"), encoding="utf-8") as f:
            for line in f:
                c = json.loads(line)
                reduces.append((c["events"], c["expected"]))
                events.extend(c["events"])
    if fixtures and os.path.isdir(fixtures):
        # a suite in the reference's layout: bare payloads, typed by the manifest
        base = os.path.join(fixtures, "mission_audit")
        manifest = os.path.join(fixtures, "manifest.json")
        if os.path.isfile(manifest):
            with open(manifest, encoding="utf-8") as f:
                for e in json.load(f).get("fixtures", []):
                    if e.get("fixture_type") or e.get("event_type") not in AUDIT_TYPES:
                        continue
                    with open(os.path.join(fixtures, e["path"]), encoding="utf-8") as g:
                        payloads.append((e["event_type"], json.load(g)))
        d = os.path.join(base, "replay")
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith(".jsonl"):
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    evs = [json.loads(l) for l in f if l.strip()]
                events.extend(evs)
                reduces.append((evs, None))
    for ev in events:
        if isinstance(ev.get("payload"), dict) and ev.get("event_type") in AUDIT_TYPES:
            payloads.append((ev["event_type"], ev["payload"]))
    if not payloads or not events or not reduces:
        sys.exit("gen.py: no seeds found (give --corpus or --fixtures)")
    return payloads, events, reduces


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def copy_field(v):
    if v is None:
        return "\\N"
    v = str(v)
    return (v.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


class Writer:
    def __init__(self, out):
        self.out = out
        self.next_id = 1
        self.count = 0
        self.contract = "2.5.0"

    def row(self, fam, doc, grp=None, base=None, arg=None, expect=None):
        rid = self.next_id
        self.next_id += 1
        self.count += 1
        self.out.write("\t".join([str(rid), fam, copy_field(grp), copy_field(base),
                                  copy_field(arg), copy_field(doc), copy_field(expect),
                                  self.contract]) + "\n")
        return rid


def giant_rows(w, g, seeds, quick):
    """The fixed hostile set: deep nesting, huge strings, huge arrays."""
    rng = g.rng
    payloads, events, reduces = seeds
    big_str = 200_000 if quick else 10 * 1024 * 1024
    big_arr = 50_000 if quick else 1_000_000
    depths = [10, 100, 1000, 5000, 10000, 20000] + ([] if quick else [100000])
    req = next(p for t, p in payloads if t == "MissionAuditRequested")
    dec_ev = next(e for e in events if e.get("event_type") == "MissionAuditDecisionRequested")
    req_ev = next(e for e in events if e.get("event_type") == "MissionAuditRequested")

    def d(v):
        return dumps(v, rng)

    for depth in depths:
        for kind in ("array", "object", "mixed"):
            deep = g.deep(depth, kind).text
            w.row("p", deep, arg="MissionAuditRequested")
            w.row("e", deep, grp=-1)
            w.row("a", "[" + deep + "]", arg="invalid")
            p = dict(req, mission_id=g.deep(depth, kind))
            w.row("p", d(p), arg="MissionAuditRequested")
            p = dict(req, unknown_deep=g.deep(depth, kind))
            w.row("p", d(p), arg="MissionAuditRequested")
            e = dict(req_ev, extra=g.deep(depth, kind))
            w.row("e", d(e), grp=-2)
            if w.contract == "3.0.0":
                # a legacy key at the bottom, below arrays and objects: found at any depth
                w.row("e", d(dict(req_ev, extra=Raw('[{"k":' * depth + '{"mission_key":1}' + "}]" * depth))),
                      grp=-2)
            w.row("a", d([e, e]), arg="valid")
            w.row("j", d(e) + "\n" + deep + "\n", expect=None)
    # huge strings: "x" at every position, each other character at two of them
    positions = ["mission_id", "event_type_arg", "event_id", "event_type", "timestamp",
                 "project_uuid", "decision_id", "jsonl"]
    for k, ch in enumerate(("x", "é", "\\", "'\"", "😀", "\x01", "\u2028")):
        s = ch * (big_str // len(ch.encode()))
        where = positions if ch == "x" else [positions[k % 8], positions[(k + 3) % 8]]
        if "mission_id" in where:
            w.row("p", d(dict(req, mission_id=s)), arg="MissionAuditRequested")
        if "event_type_arg" in where:
            w.row("p", d(req), arg=s)
        if "event_id" in where:
            w.row("e", d(dict(req_ev, event_id=s)), grp=-3)
        if "event_type" in where:
            w.row("e", d(dict(req_ev, event_type="MissionAudit" + s)), grp=-3)
        if "timestamp" in where:
            w.row("e", d(dict(req_ev, timestamp="2024-01-01T00:00:00" + s)), grp=-3)
        if "project_uuid" in where:
            w.row("e", d(dict(req_ev, project_uuid=s)), grp=-3)
        if "decision_id" in where:
            dec = clone(dec_ev)
            dec["payload"]["decision_id"] = s
            dec2 = clone(dec)
            dec2["event_id"] = g.ulid()
            dec2["lamport_clock"] = 99
            unrec = dict(req_ev, event_id=g.ulid(), event_type="MissionAudit" + s[:1000])
            w.row("a", d([req_ev, dec, dec2, unrec]), arg="valid")
        if "jsonl" in where:
            w.row("j", d(dict(req_ev, node_id=s)) + "\r\n\r\n" + d(req_ev), expect='{"rows": 2}')
    # huge arrays
    scope = ["f%d" % i for i in range(big_arr)]
    w.row("p", d(dict(req, audit_scope=scope)), arg="MissionAuditRequested")
    w.row("p", d(dict(req, audit_scope=list(range(big_arr // (1 if quick else 4))))),
          arg="MissionAuditRequested")
    w.row("p", d(dict(req, audit_scope=scope[:-1] + [None])), arg="MissionAuditRequested")
    big_req = clone(req_ev)
    big_req["payload"]["audit_scope"] = scope
    w.row("e", d(big_req), grp=-4)
    w.row("a", d([big_req, big_req]), arg="valid")
    comp = next((e for e in events if e.get("event_type") == "MissionAuditCompleted"), None)
    if comp:
        c = clone(comp)
        c["payload"]["artifact_ref"]["provenance"] = {"source_event_ids": scope}
        w.row("e", d(c), grp=-5)
        w.row("a", d([req_ev, c]), arg="valid")
        c["payload"]["artifact_ref"]["provenance"] = {"source_event_ids": list(range(big_arr // 10))}
        w.row("e", d(c), grp=-5)
    # many events in one array, many lines in one JSONL text
    n = 2000 if quick else 100_000
    evs = []
    for i in range(n):
        e = clone(rng.choice(events))
        e["event_id"] = g.ulid()
        e["lamport_clock"] = rng.randrange(1000)
        evs.append(e)
    w.row("a", d(evs), arg="valid")
    w.row("j", "\n".join(d(e) for e in evs[:n // 2]), expect=json.dumps({"rows": n // 2}))
    w.row("j", "\n" * (n * 10) + "{}", expect='{"rows": 1}')
    w.row("j", "{}\n" * (n * 10), expect=json.dumps({"rows": n * 10}))


def jsonl_row(w, g, events):
    rng = g.rng
    lines = []
    expect_rows = 0
    error_line = None
    for _ in range(rng.randrange(0, 8)):
        r = rng.random()
        if r < 0.15:
            lines.append(rng.choice(["", " ", "\t", "\r", "  \t "]))
            continue
        ev = g.mutate(rng.choice(events), rng.choice([0, 0, 1]))
        text = dumps(ev, rng)
        if r < 0.3:
            container = text.startswith(("{", "["))
            bad = rng.choice([
                text[:rng.randrange(len(text))] if container else "{",
                text.replace('"', "", 1) if container and '"' in text else "[",
                text + ",", "{'a': 1}", "NaN", "[1,]", '{"a":"\\u0000"}', '"\\ud800"',
                '{"a": 1} {"b": 2}', "\x01", "[" * 100000,
                '{"a":1e1000000}', "{\"a\": \"\\x\"}", "\ufeff{}", "tru", "-", "01",
            ])
            if bad.strip(" \t\r") == "":
                bad = "{"
            lines.append(bad)
            if error_line is None:
                error_line = len(lines)
            continue
        if rng.random() < 0.2:
            text = rng.choice(["  ", "\t", ""]) + text + rng.choice([" ", "\t", "", "\r"])
        lines.append(text)
        expect_rows += 1
    sep = rng.choice(["\n", "\n", "\r\n"])
    text = sep.join(lines) + rng.choice(["", sep, sep * 3])
    if error_line is not None:
        expect = json.dumps({"error_line": error_line})
    else:
        expect = json.dumps({"rows": expect_rows})
    w.row("j", text, expect=expect)


def array_rows(w, g, seeds, state):
    """A reduce case (or a synthesized lifecycle) and its metamorphic variants."""
    rng = g.rng
    payloads, events, reduces = seeds
    if rng.random() < 0.6:
        evs, expected = rng.choice(reduces)
    else:
        n = rng.randrange(0, 12)
        evs = []
        for i in range(n):
            e = clone(rng.choice(events))
            if rng.random() < 0.8:
                e["event_id"] = g.ulid()
            e["lamport_clock"] = rng.randrange(10)
            evs.append(e)
        expected = None
    base = w.row("a", dumps(evs, rng), arg="base",
                 expect=json.dumps(expected, ensure_ascii=False) if expected is not None else None)
    for _ in range(rng.randrange(1, 5)):
        r = rng.random()
        v = [clone(e) for e in evs]
        arg = "same"
        if r < 0.2:
            rng.shuffle(v)
        elif r < 0.35 and v:
            v.append(clone(rng.choice(v)))
            rng.shuffle(v)
        elif r < 0.6 and v:
            i = rng.randrange(len(v))
            v[i] = g.equivalent_event(v[i])
        elif r < 0.7:
            k = rng.randrange(1, 4)
            for _ in range(k):
                v.insert(rng.randrange(len(v) + 1), g.foreign_event(rng.randrange(20)))
            arg = "count+%d" % k
        elif r < 0.78 and v:
            # a later copy of an id: the earlier occurrence wins, nothing changes
            src = rng.choice(v)
            late = clone(rng.choice(events))
            late["event_id"] = g.equivalent_id(src["event_id"])
            lc = src["lamport_clock"]
            late["lamport_clock"] = (int(lc) if isinstance(lc, (int, float)) else 0) + 10**rng.randrange(1, 40)
            v.insert(rng.randrange(len(v) + 1), late)
        elif r < 0.83:
            v.insert(rng.randrange(len(v) + 1), None)
        elif v:
            i = rng.randrange(len(v))
            v[i] = g.mutate(v[i], rng.choice([1, 2]))
            arg = "mutated"
        w.row("a", dumps(v, rng), base=base, arg=arg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "conformance"))
    ap.add_argument("--fixtures", default=os.path.join(here, "..", "fixtures", "2.5.0"))
    ap.add_argument("--corpus3", default=os.path.join(here, "..", "..", "shared", "conformance-3.0.0"))
    ap.add_argument("--fixtures3", default=os.path.join(here, "..", "fixtures", "3.0.0"))
    args = ap.parse_args()

    rng = random.Random(args.seed)
    g = Gen(rng, args.quick)
    seeds_of = {"2.5.0": load_seeds(args.corpus, args.fixtures),
                "3.0.0": load_seeds(args.corpus3, args.fixtures3)}
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", buffering=1 << 20, newline="\n")
    w = Writer(out)
    for c in seeds_of:
        g.contract = w.contract = c
        giant_rows(w, g, seeds_of[c], args.quick)
    grp = 0
    grp_left = 0
    state = {}
    while w.count < args.inputs:
        # half the rows under each contract; an aggregate group keeps one contract
        if grp_left == 0:
            g.contract = w.contract = rng.choice(list(seeds_of))
        seeds = seeds_of[w.contract]
        payloads, events, reduces = seeds
        r = rng.random()
        if r < 0.42:
            t, p = rng.choice(payloads)
            if rng.random() < 0.1:
                t = rng.choice(AUDIT_TYPES)          # another type's payload
            elif rng.random() < 0.02:
                t = rng.choice(EVENT_TYPES_ODD)      # unknown type: ERROR 22023
            w.row("p", dumps(g.mutate(p), rng), arg=t)
        elif r < 0.87:
            if grp_left == 0:
                grp += 1
                grp_left = rng.choice([1, 2, 3, 5, 8, 13])
            grp_left -= 1
            ev = rng.choice(events)
            if rng.random() < 0.15:
                ev = g.equivalent_event(ev)
            w.row("e", dumps(g.mutate(ev), rng), grp=grp)
        elif r < 0.92:
            jsonl_row(w, g, events)
        elif r < 0.955:
            array_rows(w, g, seeds, state)
        elif r < 0.975:
            # a valid object, then one whose keys differ but concatenate (in jsonb
            # order) to the same bytes: each must be read by its own keys
            if rng.random() < 0.5:
                t, p = rng.choice(payloads)
                twin = g.resplit_keys(p)
                if twin is not None:
                    w.row("p", dumps(p, rng), arg=t)
                    w.row("p", dumps(twin, rng), arg=t)
            else:
                ev = rng.choice(events)
                if rng.random() < 0.5 or not isinstance(ev.get("payload"), dict):
                    twin = g.resplit_keys(ev)
                else:
                    pt = g.resplit_keys(ev["payload"])
                    twin = dict(ev, payload=pt) if pt is not None else None
                if twin is not None:
                    grp += 1
                    w.row("e", dumps(ev, rng), grp=grp)
                    w.row("e", dumps(twin, rng), grp=grp)
        else:
            t, p = rng.choice(payloads)
            w.row("p", dumps(g.mutate(p, rng.choice([1, 2])), rng), arg=t)
    out.flush()
    print("gen.py: %d rows" % w.count, file=sys.stderr)


if __name__ == "__main__":
    main()
