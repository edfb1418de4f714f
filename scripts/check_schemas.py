#!/usr/bin/python3
"""check_schemas.py: cross-check fixtures/<contract>/ against the shipped JSON Schemas.

Independent of the extension: uses Debian's python3-jsonschema
(Draft202012Validator) and a small Python model of the reducer written from
the conformance READMEs and the 3.0.0 rule book.  For each contract (2.5.0,
3.0.0), checks in order:

  1. each fixtures/<contract>/schemas/mission_audit_<type>_payload.schema.json
     is a valid Draft 2020-12
     schema, pretty-printed (2-space indent, trailing newline), with the
     expected $schema/$id, and free of the "$schema$" dollar-quote tag that
     scripts/splice_schemas.sh wraps it in;
     (content_hash_ref and provenance_ref are the $defs the payloads use);
  2. fixtures/<contract>/manifest.json in the reference's format: 17 entries
     (7 valid, 4 invalid, 3 replay_stream, 3 reducer_output) with exactly the
     reference's keys, unique kebab-case ids, every path exists;
  3. every valid fixture (a bare payload) passes and every invalid one fails,
     the latter with exactly one schema error matching its named reason; then
     each schema is probed with single-field mutations of a valid fixture,
     derived from a table of the contract kept here (so a schema that drifts
     from the contract fails even where the corpus has no case for it);
  4. every replay line is a compact, well-formed envelope (uppercase ULIDs,
     one aggregate and correlation id per stream, rising lamport_clock,
     causation_id naming the previous event) whose payload passes;
  5. every reducer golden output equals the Python reducer model's state for
     its stream (compared as JSON values);
  6. with the contract's conformance corpus (defaults /work/shared/conformance
     and /work/shared/conformance-3.0.0, or the directories given):
     for every payload case the schema verdict equals "expected
     schema_violations is empty", and the (json_path, validator) multiset of
     schema errors equals the reference's; the reducer model reproduces every
     case of reduce_cases.jsonl.

Prints one line per failure, then "N passed, N failed"; exits 1 on any
failure.

Usage: /usr/bin/python3 scripts/check_schemas.py [CORPUS_2_5_0 [CORPUS_3_0_0]]
"""

import collections
import copy
import json
import os
import re
import sys

from jsonschema import Draft202012Validator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTRACTS = ["2.5.0", "3.0.0"]
DEFAULT_CORPORA = ["/work/shared/conformance", "/work/shared/conformance-3.0.0"]
MANIFEST_VERSIONS = {"2.5.0": "2.0.0", "3.0.0": "3.0.0"}
# Set per contract by use_contract().
VERSION = FIXTURES = None
EXTRA_OK = True
EVENT_TYPES = [
    "MissionAuditRequested",
    "MissionAuditStarted",
    "MissionAuditDecisionRequested",
    "MissionAuditCompleted",
    "MissionAuditFailed",
]
FIXTURE_COUNTS = {"valid": 7, "invalid": 4, "replay_stream": 3, "reducer_output": 3}
MANIFEST_KEYS = {"id", "path", "event_type", "expected_result", "notes", "min_version"}
SCHEMA_NAMES = {"MissionAuditRequested": "requested", "MissionAuditStarted": "started",
                "MissionAuditDecisionRequested": "decision_requested",
                "MissionAuditCompleted": "completed", "MissionAuditFailed": "failed"}
# The reason each invalid fixture fails for, the same in both suites.
INVALID_REASONS = {
    "mission-audit-completed-missing-verdict": {"field": "verdict", "type": "missing"},
    "mission-audit-completed-missing-artifact-ref": {"field": "artifact_ref", "type": "missing"},
    "mission-audit-requested-bad-trigger": {"field": "trigger_mode", "type": "literal_error"},
    "mission-audit-decision-missing-id": {"field": "decision_id", "type": "missing"},
}

ULID_RE = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KEBAB_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")

passed = 0
failed = 0


def check(ok, what, detail=""):
    """Count one check; print it when it fails."""
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s%s" % (what, (": " + detail) if detail else ""))
    return ok


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def schema_errors(validator, instance):
    """Top-level schema errors as (json_path, validator) pairs, sorted."""
    return sorted((e.json_path, e.validator) for e in validator.iter_errors(instance))


def fmt_errors(validator, instance):
    return "; ".join("%s: %s" % (e.json_path, e.message)
                     for e in validator.iter_errors(instance))


# -- 1. schemas -------------------------------------------------------------

def check_schemas():
    validators = {}
    for et in EVENT_TYPES:
        path = os.path.join(FIXTURES, "schemas", "mission_audit_%s_payload.schema.json" % SCHEMA_NAMES[et])
        rel = os.path.relpath(path, ROOT)
        if not check(os.path.isfile(path), rel + " exists"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        schema = json.loads(text)
        check("$schema$" not in text, rel + " has no $schema$ dollar-quote tag")
        check(text == json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
              rel + " is pretty-printed with 2-space indent and a trailing newline")
        check(schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema",
              rel + " declares Draft 2020-12")
        check(schema.get("$id") == "urn:mission-audit:%s:%s" % (VERSION, et),
              rel + " $id", repr(schema.get("$id")))
        try:
            Draft202012Validator.check_schema(schema)
            ok, msg = True, ""
        except Exception as exc:  # SchemaError
            ok, msg = False, str(exc).splitlines()[0]
        if check(ok, rel + " is a valid Draft 2020-12 schema", msg):
            validators[et] = Draft202012Validator(schema)
        if et == "MissionAuditCompleted":
            for name, ref in (("content_hash_ref", "ContentHashRef"), ("provenance_ref", "ProvenanceRef")):
                path = os.path.join(FIXTURES, "schemas", name + ".schema.json")
                want = {"$schema": schema.get("$schema"), "$id": "urn:mission-audit:%s:%s" % (VERSION, ref)}
                want.update(schema.get("$defs", {}).get(ref, {}))
                check(os.path.isfile(path) and load_json(path) == want,
                      "%s is the payloads' %s" % (os.path.relpath(path, ROOT), ref))
    return validators


# -- 2. manifest ------------------------------------------------------------

def kind_of(e):
    return e.get("fixture_type") or e.get("expected_result")


def check_manifest():
    path = os.path.join(FIXTURES, "manifest.json")
    rel = os.path.relpath(path, ROOT)
    if not check(os.path.isfile(path), rel + " exists"):
        return []
    manifest = load_json(path)
    check(manifest.get("version") == MANIFEST_VERSIONS[VERSION],
          "%s version is %s" % (rel, MANIFEST_VERSIONS[VERSION]))
    check(set(manifest) == {"version", "fixtures"}, rel + " has the keys version, fixtures")
    entries = manifest.get("fixtures", [])
    check(len(entries) == 17, rel + " has 17 entries", str(len(entries)))
    counts = collections.Counter(kind_of(e) for e in entries)
    check(dict(counts) == FIXTURE_COUNTS, rel + " fixture kinds", str(dict(counts)))
    ids = [e.get("id") for e in entries]
    check(len(ids) == len(set(ids)), rel + " ids are unique")
    for e in entries:
        eid = e.get("id")
        ft = e.get("fixture_type")
        keys = MANIFEST_KEYS | ({"fixture_type"} if ft else set())
        check(set(e) == keys, "%s %s has exactly the keys %s" % (rel, eid, sorted(keys)), str(sorted(e)))
        check(isinstance(eid, str) and KEBAB_RE.match(eid), "manifest id %r is kebab-case" % eid)
        check(os.path.isfile(os.path.join(FIXTURES, e.get("path", ""))),
              "manifest %s path exists" % eid, e.get("path"))
        check(e.get("min_version") == "2.5.0", "manifest %s min_version is 2.5.0, as the reference's" % eid)
        if ft is None:
            check(e.get("event_type") in EVENT_TYPES, "manifest %s event_type" % eid)
            check(e.get("expected_result") in ("valid", "invalid"), "manifest %s expected_result" % eid)
        else:
            check(ft in ("replay_stream", "reducer_output"), "manifest %s fixture_type" % eid)
            check(e.get("event_type") == ("mixed" if ft == "replay_stream" else "MissionAuditState"),
                  "manifest %s event_type" % eid)
            check(e.get("expected_result") == "valid", "manifest %s expected_result" % eid)
        if kind_of(e) == "invalid":
            check(eid in INVALID_REASONS, "manifest %s has a named reason" % eid)
        if ft == "reducer_output":
            stream = re.sub(r"_output\.json$", ".jsonl", e.get("path", ""))
            check(any(x.get("path") == stream for x in entries), "manifest %s names its stream" % eid)
    return entries


# -- 3. payload fixtures ----------------------------------------------------

def violation_matches(error, expected):
    """Does one jsonschema error express one pydantic-style violation?"""
    field, kind = expected["field"], expected["type"]
    parent, _, leaf = field.rpartition(".")
    parent_path = "$" + "".join("." + p for p in parent.split(".") if p)
    if kind == "missing":
        return (error.validator == "required" and error.json_path == parent_path
                and error.message == "%r is a required property" % leaf)
    if kind in ("literal_error", "enum"):
        return error.validator == "enum" and error.json_path == "$." + field
    return False


def check_payload_fixtures(entries, validators):
    for e in entries:
        ft = kind_of(e)
        path = os.path.join(FIXTURES, e.get("path", ""))
        if ft not in ("valid", "invalid") or e.get("fixture_type") or not os.path.isfile(path):
            continue
        payload = load_json(path)
        eid = e["id"]
        check(isinstance(payload, dict) and not {"event_type", "payload"} <= set(payload),
              "%s is a bare payload" % eid, str(sorted(payload)))
        et = e.get("event_type")
        v = validators.get(et)
        if v is None:
            check(False, "%s has a schema for %r" % (eid, et))
            continue
        errors = list(v.iter_errors(payload))
        if ft == "valid":
            check(not errors, "%s passes %s" % (eid, et), fmt_errors(v, payload))
        else:
            want = INVALID_REASONS.get(eid, {})
            check(len(errors) == 1 and violation_matches(errors[0], want),
                  "%s fails %s with exactly %s" % (eid, et, want),
                  fmt_errors(v, payload) or "no errors")


# -- 3b. contract probes ----------------------------------------------------

# The contract as data: (field, kind, required, nullable, extra).  kind is
# "str" (extra: minLength), "lit" (extra: allowed values), "int0" (integer
# >= 0), "strs" (array of strings, extra: minItems) or "ref" (extra: table).
PROVENANCE = [("source_event_ids", "strs", False, True, 0),
              ("git_sha", "str", False, True, 0),
              ("git_ref", "str", False, True, 0),
              ("actor_id", "str", False, True, 0),
              ("actor_kind", "lit", False, True, ["human", "llm", "system"]),
              ("revised_at", "str", False, True, 0)]
CONTENT_HASH = [("hash", "str", True, False, 1),
                ("algorithm", "lit", True, False, ["sha256", "sha512", "md5"]),
                ("size_bytes", "int0", False, True, None),
                ("encoding", "str", False, True, 0)]
ARTIFACT = [("report_path", "str", True, False, 1),
            ("content_hash", "ref", True, False, CONTENT_HASH),
            ("provenance", "ref", True, False, PROVENANCE)]
SEVERITY = ["info", "warning", "error", "critical"]
COMMON_BY_CONTRACT = {
    "2.5.0": [(k, "str", True, False, 1) for k in ("mission_id", "run_id", "feature_slug", "actor")],
    "3.0.0": [("mission_id", "str", True, False, 1), ("run_id", "str", True, False, 1),
              ("mission_slug", "str", True, False, 1), ("mission_number", "int1", True, False, None),
              ("mission_type", "str", True, False, 1), ("actor", "str", True, False, 1)],
}


def contract_tables(COMMON):
    return {
    "MissionAuditRequested": COMMON + [
        ("trigger_mode", "lit", True, False, ["manual", "post_merge"]),
        ("audit_scope", "strs", True, False, 1),
        ("enforcement_mode", "lit", True, False, ["advisory", "blocking"])],
    "MissionAuditStarted": COMMON + [("audit_scope_hash", "str", True, False, 1)],
    "MissionAuditDecisionRequested": COMMON + [
        ("decision_id", "str", True, False, 1), ("question", "str", True, False, 0),
        ("context_summary", "str", True, False, 0), ("severity", "lit", True, False, SEVERITY)],
    "MissionAuditCompleted": COMMON + [
        ("verdict", "lit", True, False, ["pass", "pass_with_warnings", "fail",
                                         "blocked_decision_required"]),
        ("severity", "lit", True, False, SEVERITY), ("findings_count", "int0", True, False, None),
        ("artifact_ref", "ref", True, False, ARTIFACT), ("summary", "str", True, False, 0)],
    "MissionAuditFailed": COMMON + [
        ("error_code", "str", True, False, 1), ("error_message", "str", True, False, 0),
        ("partial_artifact_ref", "ref", False, True, ARTIFACT)],
    }
# One valid fixture per type that carries every optional field.
PROBE_BASES = {
    "MissionAuditRequested": "mission_audit/valid/mission_audit_requested_manual.json",
    "MissionAuditStarted": "mission_audit/valid/mission_audit_started_valid.json",
    "MissionAuditDecisionRequested": "mission_audit/valid/mission_audit_decision_requested_valid.json",
    "MissionAuditCompleted": "mission_audit/valid/mission_audit_completed_pass.json",
    "MissionAuditFailed": "mission_audit/valid/mission_audit_failed_valid.json",
}
DROP = object()


def probes(table):
    """Yield (description, path, value or DROP, expected validity) for a field table."""
    yield ("unknown key", ["x_unknown_key"], {"any": [1]}, EXTRA_OK)
    for name, kind, required, nullable, extra in table:
        at = [name]
        yield ("absent", at, DROP, not required)
        yield ("null", at, None, nullable)
        yield ("boolean", at, True, False)
        if kind == "str":
            yield ("number", at, 7, False)
            yield ("empty string", at, "", extra == 0)
            yield ("blank string", at, " ", True)
        elif kind == "lit":
            for value in extra:
                yield ("%r" % value, at, value, True)
            yield ("upper case", at, extra[0].upper(), False)
            yield ("unknown literal", at, "x-" + extra[0], False)
        elif kind == "int0":
            for value, ok in ((0, True), (3.0, True), (10 ** 30, True), (-1, False),
                              (3.5, False), ("3", False)):
                yield (repr(value), at, value, ok)
        elif kind == "int1":
            for value, ok in ((1, True), (10.0, True), (2 ** 64, True), (0, False), (-1, False),
                              (1.5, False), ("10", False), (False, False), ([1], False)):
                yield (repr(value), at, value, ok)
        elif kind == "strs":
            yield ("empty array", at, [], not extra)
            yield ("string", at, "spec.md", False)
            yield ("number item", at, ["spec.md", 7], False)
            yield ("empty-string item", at, [""], True)
        elif kind == "ref":
            yield ("array", at, [], False)
            yield ("string", at, "x", False)
            for desc, sub, value, ok in probes(extra):
                yield (desc, at + sub, value, ok)


def mutate(payload, path, value):
    """A deep copy of payload with the field at path set to value (or dropped)."""
    out = copy.deepcopy(payload)
    node = out
    for k in path[:-1]:
        node = node[k]
    if value is DROP:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return out


def check_contract_probes(validators):
    """Probe each schema with single-field mutations of a valid fixture."""
    for et, table in contract_tables(COMMON_BY_CONTRACT[VERSION]).items():
        v = validators.get(et)
        path = os.path.join(FIXTURES, PROBE_BASES[et])
        if v is None or not os.path.isfile(path):
            continue
        base = load_json(path)
        for desc, at, value, ok in probes(table):
            node = base
            for k in at[:-1]:
                node = node.get(k) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                check(False, "probe base %s carries %s" % (PROBE_BASES[et], ".".join(at[:-1])))
                continue
            got = v.is_valid(mutate(base, at, value))
            check(got == ok, "contract probe %s.%s = %s is %s" % (
                et, ".".join(at), desc, "valid" if ok else "invalid"),
                "schema says " + ("valid" if got else "invalid"))


# -- 4. replay streams ------------------------------------------------------

ENVELOPE_KEYS_BY_CONTRACT = {
    "2.5.0": ["event_id", "event_type", "aggregate_id", "timestamp", "node_id",
              "lamport_clock", "project_uuid", "correlation_id", "causation_id",
              "schema_version", "data_tier", "payload"],
    "3.0.0": ["event_id", "event_type", "aggregate_id", "timestamp", "build_id", "node_id",
              "lamport_clock", "project_uuid", "correlation_id", "causation_id",
              "schema_version", "data_tier", "payload"],
}


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def check_streams(entries, validators):
    streams = {}
    for e in entries:
        path = os.path.join(FIXTURES, e.get("path", ""))
        if e.get("fixture_type") != "replay_stream" or not os.path.isfile(path):
            continue
        eid = e["id"]
        with open(path, "rb") as f:
            raw = f.read()
        check(b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n"),
              "%s has LF line endings and ends with one newline" % eid)
        lines = raw.decode("utf-8").split("\n")[:-1]
        events = []
        for n, line in enumerate(lines, 1):
            where = "%s line %d" % (eid, n)
            ev = json.loads(line)
            events.append(ev)
            check(line == json.dumps(ev, ensure_ascii=False, separators=(",", ":")),
                  where + " is compact JSON")
            check(list(ev) == ENVELOPE_KEYS_BY_CONTRACT[VERSION], where + " has the full envelope",
                  str(list(ev)))
            check(isinstance(ev.get("event_id"), str) and ULID_RE.match(ev["event_id"]),
                  where + " event_id is an uppercase ULID")
            check(isinstance(ev.get("correlation_id"), str) and ULID_RE.match(ev["correlation_id"]),
                  where + " correlation_id is an uppercase ULID")
            check(ev.get("event_type") in EVENT_TYPES, where + " event_type is an audit type")
            check(isinstance(ev.get("timestamp"), str) and ISO_RE.match(ev["timestamp"]),
                  where + " timestamp is ISO 8601")
            check(isinstance(ev.get("project_uuid"), str) and UUID_RE.match(ev["project_uuid"]),
                  where + " project_uuid is a UUID")
            check(isinstance(ev.get("node_id"), str) and ev["node_id"] != "", where + " node_id")
            check(ev.get("schema_version") == VERSION, where + " schema_version is " + VERSION)
            check(is_int(ev.get("data_tier")) and 0 <= ev["data_tier"] <= 4, where + " data_tier")
            check(is_int(ev.get("lamport_clock")) and ev["lamport_clock"] >= 0,
                  where + " lamport_clock")
            prev = events[-2] if len(events) > 1 else None
            check(ev.get("causation_id") == (prev["event_id"] if prev else None),
                  where + " causation_id names the previous event")
            if prev:
                check(ev.get("lamport_clock", -1) > prev.get("lamport_clock", 0),
                      where + " lamport_clock increases")
                check(ev.get("timestamp", "") > prev.get("timestamp", ""),
                      where + " timestamp increases")
                for k in ("aggregate_id", "correlation_id", "project_uuid"):
                    check(ev.get(k) == prev.get(k), where + " same %s as the stream" % k)
            v = validators.get(ev.get("event_type"))
            if v is not None:
                check(v.is_valid(ev.get("payload")), where + " payload passes " + ev["event_type"],
                      fmt_errors(v, ev.get("payload")))
        ids = [ev.get("event_id") for ev in events]
        check(len(ids) == len(set(ids)), eid + " event ids are unique")
        check(events and events[0].get("event_type") == "MissionAuditRequested",
              eid + " starts with MissionAuditRequested")
        streams[e["path"]] = events
    return streams


# -- 5. reducer model -------------------------------------------------------

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
HEX = set("0123456789abcdef")
TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$")
IDENTITY_BY_CONTRACT = {
    "2.5.0": ["mission_id", "run_id", "feature_slug"],
    "3.0.0": ["mission_id", "run_id", "mission_slug", "mission_number", "mission_type"],
}
# Kinds that fill identity while mission_id is null (Requested always overwrites).
BACKFILL_BY_CONTRACT = {
    "2.5.0": {"MissionAuditStarted"},
    "3.0.0": {"MissionAuditStarted", "MissionAuditDecisionRequested", "MissionAuditCompleted",
              "MissionAuditFailed"},
}


def state_keys():
    return (["audit_status", "verdict", "severity", "findings_count", "artifact_ref",
             "partial_artifact_ref", "summary", "error_code", "error_message",
             "pending_decisions"] + IDENTITY_BY_CONTRACT[VERSION] +
            ["trigger_mode", "enforcement_mode", "audit_scope", "audit_scope_hash", "anomalies",
             "event_count"])


def normalize_id(s):
    """Event id normalization of the conformance README (valid ids only)."""
    if s is None:
        return None
    if len(s) == 26 and set(s.upper()) <= CROCKFORD:
        return s.upper()
    if len(s) == 36:
        return s.lower()
    if len(s) == 32 and set(s.lower()) <= HEX:
        h = s.lower()
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    return s


def render_ts(ts):
    """The README's rendered timestamp: the second component of the sort key."""
    m = TS_RE.match(ts)
    if not m:
        return ts
    y, mo, d, hh, mi, ss, frac, z, sign, oh, om = m.groups()
    out = "%s-%s-%sT%s:%s:%s" % (y, mo, d, hh or "00", mi or "00", ss or "00")
    if frac and int(frac):
        out += "." + frac.ljust(6, "0")
    if z or (sign == "-" and oh == "00" and om == "00"):
        out += "+00:00"
    elif sign:
        out += "%s%s:%s" % (sign, oh, om)
    return out


def as_int(x):
    return int(x) if isinstance(x, float) else x


def dump_artifact(a):
    """AuditArtifactRef as the payload model dumps it (unknown keys dropped)."""
    if a is None:
        return None
    ch, pv = a["content_hash"], a["provenance"]
    return {
        "report_path": a["report_path"],
        "content_hash": {"hash": ch["hash"], "algorithm": ch["algorithm"],
                         "size_bytes": as_int(ch.get("size_bytes")),
                         "encoding": ch.get("encoding")},
        "provenance": {k: pv.get(k) for k in ("source_event_ids", "git_sha", "git_ref",
                                              "actor_id", "actor_kind", "revised_at")},
    }


def reduce_model(events):
    """Fold event envelopes into the reduced state, per the conformance README."""
    keyed = sorted(events, key=lambda ev: (ev["lamport_clock"], render_ts(ev["timestamp"]),
                                           normalize_id(ev["event_id"])))
    seen, kept = set(), []
    for ev in keyed:
        nid = normalize_id(ev["event_id"])
        if nid not in seen:
            seen.add(nid)
            kept.append(ev)
    st = dict.fromkeys(state_keys())
    identity = IDENTITY_BY_CONTRACT[VERSION]
    st.update(audit_status="pending", pending_decisions=[], anomalies=[], event_count=len(kept))
    requested = False

    def anomaly(kind, ev, message):
        st["anomalies"].append({"kind": kind, "event_id": normalize_id(ev["event_id"]),
                                "message": message})

    for ev in kept:
        et = ev["event_type"]
        if et not in EVENT_TYPES:
            if et.startswith("MissionAudit"):
                anomaly("unrecognized_event_type", ev,
                        "Unrecognized event type in audit family: %r" % et)
            continue
        if st["audit_status"] in ("completed", "failed"):
            anomaly("event_after_terminal", ev, "Event %r arrived after terminal state" % et)
            continue
        p = ev.get("payload", {})
        if et == "MissionAuditRequested":
            requested = True
            for k in identity + ["trigger_mode", "enforcement_mode", "audit_scope"]:
                st[k] = as_int(p[k])
            continue
        if not requested:
            anomaly("event_before_requested", ev,
                    "Event %r arrived before MissionAuditRequested" % et)
        if et in BACKFILL_BY_CONTRACT[VERSION] and st["mission_id"] is None:
            for k in identity:
                st[k] = as_int(p[k])
        if et == "MissionAuditStarted":
            st["audit_scope_hash"] = p["audit_scope_hash"]
            st["audit_status"] = "running"
        elif et == "MissionAuditDecisionRequested":
            if any(d["decision_id"] == p["decision_id"] for d in st["pending_decisions"]):
                anomaly("duplicate_decision_id", ev,
                        "Duplicate decision_id: %r" % p["decision_id"])
            else:
                st["pending_decisions"].append(
                    {k: p[k] for k in ("decision_id", "question", "context_summary", "severity")})
            st["audit_status"] = "awaiting_decision"
        elif et == "MissionAuditCompleted":
            st.update(verdict=p["verdict"], severity=p["severity"],
                      findings_count=as_int(p["findings_count"]),
                      artifact_ref=dump_artifact(p["artifact_ref"]), summary=p["summary"],
                      pending_decisions=[], audit_status="completed")
        elif et == "MissionAuditFailed":
            st.update(error_code=p["error_code"], error_message=p["error_message"],
                      partial_artifact_ref=dump_artifact(p.get("partial_artifact_ref")),
                      pending_decisions=[], audit_status="failed")
    return st


def json_equal(a, b):
    """Compare JSON values: key order ignored, numbers by value, bool is not a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def check_outputs(entries, streams):
    for e in entries:
        path = os.path.join(FIXTURES, e.get("path", ""))
        if e.get("fixture_type") != "reducer_output" or not os.path.isfile(path):
            continue
        stream = re.sub(r"_output\.json$", ".jsonl", e.get("path", ""))
        events = streams.get(stream)
        if events is None:
            continue
        got = load_json(path)
        want = reduce_model(events)
        keys = sorted(set(got) | set(want)) if isinstance(got, dict) else []
        diff = [k for k in keys if k not in got or k not in want or not json_equal(got[k], want[k])]
        check(json_equal(got, want), "%s equals the reducer model's state for %s"
              % (e["id"], stream),
              "differs at %s; model: %s" % (diff or "top level", json.dumps(want, sort_keys=True)))


# -- 6. conformance corpus --------------------------------------------------

def check_corpus(corpus, validators):
    if os.path.isdir(corpus):
        payload_cases = os.path.join(corpus, "payload_cases.jsonl")
    else:
        payload_cases, corpus = corpus, os.path.dirname(corpus)
    reduce_cases = os.path.join(corpus, "reduce_cases.jsonl")
    if os.path.isfile(payload_cases):
        verdicts = details = 0
        with open(payload_cases, encoding="utf-8") as f:
            for line in f:
                case = json.loads(line)
                v = validators.get(case["event_type"])
                if v is None:
                    check(False, "payload case %s: no schema for %s" % (case["id"], case["event_type"]))
                    continue
                want = sorted((x["json_path"], x["validator"])
                              for x in case["expected"]["schema_violations"])
                got = schema_errors(v, case["payload"])
                verdicts += 1
                if check(bool(got) == bool(want), "payload case %s schema verdict" % case["id"],
                         "schema says %s, reference %s; %s" % (
                             "invalid" if got else "valid", "invalid" if want else "valid",
                             fmt_errors(v, case["payload"]))):
                    details += 1
                    check(got == want, "payload case %s schema errors" % case["id"],
                          "got %s, reference %s" % (got, want))
        print("payload cases: %d checked against %s" % (verdicts, payload_cases))
    else:
        print("payload cases: %s not found, skipped" % payload_cases)
    if os.path.isfile(reduce_cases):
        n = 0
        with open(reduce_cases, encoding="utf-8") as f:
            for line in f:
                case = json.loads(line)
                n += 1
                got = reduce_model(case["events"])
                check(json_equal(got, case["expected"]), "reduce case %s: reducer model" % case["id"],
                      "got %s" % json.dumps(got, sort_keys=True)[:400])
        print("reduce cases: %d checked against %s" % (n, reduce_cases))


def use_contract(contract):
    global VERSION, FIXTURES, EXTRA_OK
    VERSION = contract
    FIXTURES = os.path.join(ROOT, "fixtures", contract)
    EXTRA_OK = contract == "2.5.0"


def main(argv):
    corpora = argv[1:] + DEFAULT_CORPORA[len(argv) - 1:]
    for contract, corpus in zip(CONTRACTS, corpora):
        print("contract %s: fixtures/%s" % (contract, contract))
        use_contract(contract)
        validators = check_schemas()
        entries = check_manifest()
        check_payload_fixtures(entries, validators)
        check_contract_probes(validators)
        streams = check_streams(entries, validators)
        check_outputs(entries, streams)
        if os.path.exists(corpus):
            check_corpus(corpus, validators)
        else:
            print("conformance corpus: %s not found, skipped" % corpus)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
