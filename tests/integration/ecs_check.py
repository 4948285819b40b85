#!/usr/bin/env python3
# ecs_check.py - check event log lines against the ECS 8.11 facts below.
#
# Usage: ecs_check.py [--expect KIND,...] [--psl FILE] LOG...
#
# Every line must be one JSON object whose every leaf field is either an
# ECS 8.11 field of the right type (keyword, date, ip, long, text) with an
# allowed value where ECS lists allowed or expected values, or lives under
# the custom "unbound_sinkhole" namespace.  event.category / event.type
# must be pairs ECS expects.  The dns.question split (registered_domain,
# top_level_domain, subdomain) is recomputed here from the public suffix
# list file (an implementation of the list's rules of our own, independent
# of libpsl).  --expect names the event kinds (alert, note, reload,
# reload_failed, indicator_expired, stats, events_dropped) that must all
# occur.  Prints one line per problem; exit 0 when there is none.
#
# The facts are written here from the ECS 8.11 field reference (field
# names, types, allowed and expected values); no file of Elastic's is
# copied.

import ipaddress
import json
import re
import sys

KEYWORD, DATE, IP, LONG, TEXT = "keyword", "date", "ip", "long", "match_only_text"

# ECS 8.11 fields this log may use: name -> type.  Only leaf fields.
FIELDS = {
    "@timestamp": DATE, "message": TEXT, "tags": KEYWORD,
    "ecs.version": KEYWORD,
    "event.kind": KEYWORD, "event.category": KEYWORD, "event.type": KEYWORD,
    "event.outcome": KEYWORD, "event.action": KEYWORD, "event.reason": KEYWORD,
    "event.dataset": KEYWORD, "event.module": KEYWORD, "event.provider": KEYWORD,
    "event.id": KEYWORD, "event.code": KEYWORD, "event.created": DATE,
    "event.start": DATE, "event.end": DATE, "event.duration": LONG,
    "event.sequence": LONG, "event.severity": LONG,
    "client.ip": IP, "client.port": LONG, "client.address": KEYWORD,
    "source.ip": IP, "source.port": LONG, "source.address": KEYWORD,
    "network.transport": KEYWORD, "network.protocol": KEYWORD,
    "network.type": KEYWORD, "network.direction": KEYWORD,
    "network.iana_number": KEYWORD,
    "dns.id": KEYWORD, "dns.type": KEYWORD, "dns.op_code": KEYWORD,
    "dns.header_flags": KEYWORD, "dns.response_code": KEYWORD,
    "dns.question.name": KEYWORD, "dns.question.type": KEYWORD,
    "dns.question.class": KEYWORD, "dns.question.registered_domain": KEYWORD,
    "dns.question.top_level_domain": KEYWORD, "dns.question.subdomain": KEYWORD,
    "dns.resolved_ip": IP,
    "rule.name": KEYWORD, "rule.ruleset": KEYWORD, "rule.reference": KEYWORD,
    "rule.uuid": KEYWORD, "rule.id": KEYWORD, "rule.description": KEYWORD,
    "rule.category": KEYWORD, "rule.version": KEYWORD, "rule.author": KEYWORD,
    "rule.license": KEYWORD,
    "threat.indicator.type": KEYWORD, "threat.indicator.name": KEYWORD,
    "threat.indicator.confidence": KEYWORD, "threat.indicator.provider": KEYWORD,
    "threat.indicator.description": KEYWORD, "threat.indicator.first_seen": DATE,
    "threat.indicator.last_seen": DATE, "threat.feed.name": KEYWORD,
    "observer.name": KEYWORD, "observer.type": KEYWORD,
    "observer.product": KEYWORD, "observer.vendor": KEYWORD,
    "observer.version": KEYWORD, "observer.hostname": KEYWORD,
    "error.message": TEXT, "error.type": KEYWORD, "error.code": KEYWORD,
    "error.id": KEYWORD,
    "file.path": KEYWORD, "file.name": KEYWORD, "file.hash.sha256": KEYWORD,
    "log.level": KEYWORD, "log.logger": KEYWORD, "log.file.path": KEYWORD,
    "host.name": KEYWORD,
}
# Fields ECS defines as arrays (we require the array form for them).
ARRAYS = {"event.category", "event.type", "tags", "dns.header_flags"}
CUSTOM = "unbound_sinkhole"

# Allowed values (event.*: the categorization fields) and the values ECS's
# descriptions name for the others.
ALLOWED = {
    "event.kind": {"alert", "enrichment", "event", "metric", "state",
                   "pipeline_error", "signal"},
    "event.outcome": {"failure", "success", "unknown"},
    "event.category": {"api", "authentication", "configuration", "database",
                       "driver", "email", "file", "host", "iam",
                       "intrusion_detection", "library", "malware", "network",
                       "package", "process", "registry", "session", "threat",
                       "vulnerability", "web"},
    "event.type": {"access", "admin", "allowed", "change", "connection",
                   "creation", "deletion", "denied", "end", "error", "group",
                   "indicator", "info", "installation", "protocol", "start",
                   "user"},
    "dns.type": {"query", "answer"},
    "network.type": {"ipv4", "ipv6", "ipsec", "pim"},
    "threat.indicator.type": {"autonomous-system", "artifact", "directory",
                              "domain-name", "email-addr", "file", "ipv4-addr",
                              "ipv6-addr", "mac-addr", "mutex", "port",
                              "process", "software", "url", "user-account",
                              "windows-registry-key", "x509-certificate"},
    "threat.indicator.confidence": {"Not Specified", "None", "Low", "Medium",
                                    "High"},
}
# event.type values ECS expects with each event.category.
EXPECTED_TYPES = {
    "authentication": {"start", "end", "info"},
    "configuration": {"access", "change", "creation", "deletion", "info"},
    "database": {"access", "change", "info", "error"},
    "driver": {"change", "end", "info", "start"},
    "file": {"access", "change", "creation", "deletion", "info"},
    "host": {"access", "change", "end", "info", "start"},
    "iam": {"admin", "change", "creation", "deletion", "group", "info", "user"},
    "intrusion_detection": {"allowed", "denied", "info"},
    "malware": {"info"},
    "network": {"access", "allowed", "connection", "denied", "end", "info",
                "protocol", "start"},
    "package": {"access", "change", "deletion", "info", "installation", "start"},
    "process": {"access", "change", "end", "info", "start"},
    "registry": {"access", "change", "creation", "deletion"},
    "session": {"start", "end", "info"},
    "threat": {"indicator"},
    "web": {"access", "error", "info"},
}
# DNS mnemonics: dns.question.type / class / response_code.
RR_TYPE = re.compile(r"^([A-Z][A-Z0-9-]*|TYPE[0-9]+)$")
RR_CLASS = {"IN", "CH", "HS", "CS", "NONE", "ANY"}
RCODE = re.compile(r"^(NOERROR|FORMERR|SERVFAIL|NXDOMAIN|NOTIMP|REFUSED|YXDOMAIN|YXRRSET|NXRRSET|NOTAUTH|NOTZONE|RCODE[0-9]+)$")
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")

# What every kind of event must carry, besides the base fields.
BASE = ["@timestamp", "ecs.version", "event.kind", "event.action",
        "event.dataset", "event.module", "observer.name"]
REQUIRED = {
    "alert": ["event.category", "event.type", "event.reason", "dns.id",
              "dns.type", "dns.question.name", "dns.question.type",
              "dns.question.class", "dns.question.top_level_domain",
              "dns.response_code", "rule.name", "rule.ruleset",
              "threat.indicator.type", "threat.indicator.name"],
    "note": ["event.category", "event.type", "event.reason", "dns.question.name",
             "rule.name"],
    "reload": ["event.category", "event.type", "event.outcome"],
    "reload_failed": ["event.category", "event.type", "event.outcome",
                      "error.message"],
    "indicator_expired": ["event.category", "event.type", "message"],
    "stats": [],
    "events_dropped": [],
}


def flatten(obj, prefix=""):
    """Yield (dotted name, value) for every leaf; arrays are leaves."""
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict) and v:
            yield from flatten(v, name + ".")
        else:
            yield name, v


class Psl:
    """The public suffix list's rules, read from its .dat file."""

    def __init__(self, path):
        self.rules, self.wild, self.exc = set(), set(), set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = line.strip().split()[0] if line.strip() else ""
                if not r or r.startswith("//"):
                    continue
                r = r.encode("idna").decode() if not r.isascii() else r
                if r.startswith("!"):
                    self.exc.add(r[1:])
                elif r.startswith("*."):
                    self.wild.add(r[2:])
                else:
                    self.rules.add(r)

    def suffix_labels(self, labels):
        """Number of labels of the public suffix of a lower-case name."""
        n, best = len(labels), 1
        for i in range(n):
            cand = ".".join(labels[i:])
            parent = ".".join(labels[i + 1:])
            if cand in self.exc:
                return n - i - 1
            if cand in self.rules or (parent and parent in self.wild):
                best = max(best, n - i)
        return best


def split_labels(name):
    """Labels of an escaped presentation name (\\. inside a label kept)."""
    out, cur, i = [], "", 0
    while i < len(name):
        c = name[i]
        if c == "\\":
            j = i + 4 if name[i + 1:i + 2].isdigit() else i + 2
            cur += name[i:j]
            i = j
            continue
        if c == ".":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    return out


def kind_of(ev):
    """Our event kind: alert, note, or the event.action."""
    e = ev.get("event", {})
    if e.get("kind") == "alert":
        return "alert"
    if e.get("dataset") == "unbound_sinkhole.query":
        return "note"
    return e.get("action", "?")


def check_value(name, t, v, problems):
    if name in ARRAYS:
        if not isinstance(v, list) or not v:
            problems.append(f"{name}: expected a non-empty array, got {v!r}")
            return
        values = v
    else:
        values = [v]
    for x in values:
        if t in (KEYWORD, TEXT):
            if not isinstance(x, str):
                problems.append(f"{name}: {t} must be a string, got {x!r}")
        elif t == DATE:
            if not isinstance(x, str) or not DATE_RE.match(x):
                problems.append(f"{name}: not an RFC 3339 date: {x!r}")
        elif t == IP:
            try:
                ipaddress.ip_address(x)
            except (ValueError, TypeError):
                problems.append(f"{name}: not an IP address: {x!r}")
        elif t == LONG:
            if isinstance(x, bool) or not isinstance(x, int) or not -2**63 <= x < 2**63:
                problems.append(f"{name}: long must be an integer, got {x!r}")
        if name in ALLOWED and x not in ALLOWED[name]:
            problems.append(f"{name}: {x!r} is not an allowed value")


def check_dns(ev, psl, problems):
    q = ev.get("dns", {}).get("question", {})
    name = q.get("name")
    if name is None:
        return
    if "type" in q and not RR_TYPE.match(q["type"]):
        problems.append(f"dns.question.type: {q['type']!r} is not a mnemonic")
    if "class" in q and q["class"] not in RR_CLASS and not q["class"].startswith("CLASS"):
        problems.append(f"dns.question.class: {q['class']!r} is not a mnemonic")
    rc = ev.get("dns", {}).get("response_code")
    if rc is not None and not RCODE.match(rc):
        problems.append(f"dns.response_code: {rc!r} is not a mnemonic")
    if psl is None:
        return
    labels = split_labels(name)
    plain = [l.lower() if re.match(r"^[A-Za-z0-9_-]+$", l) else "x" for l in labels]
    k = psl.suffix_labels(plain)
    want_tld = ".".join(labels[-k:])
    want_reg = ".".join(labels[-k - 1:]) if len(labels) > k else None
    want_sub = ".".join(labels[:-k - 1]) if len(labels) > k + 1 else None
    for field, want in (("top_level_domain", want_tld),
                        ("registered_domain", want_reg),
                        ("subdomain", want_sub)):
        if q.get(field) != want:
            problems.append(f"dns.question.{field}: {q.get(field)!r}, the public suffix list gives {want!r} for {name!r}")


def check_line(line, psl):
    problems = []
    try:
        ev = json.loads(line)
    except ValueError as e:
        return "?", [f"not JSON: {e}"]
    if not isinstance(ev, dict):
        return "?", ["not a JSON object"]
    kind = kind_of(ev)
    fields = dict(flatten(ev))
    for name, v in fields.items():
        if name == CUSTOM or name.startswith(CUSTOM + "."):
            continue
        if name not in FIELDS:
            problems.append(f"{name}: not an ECS 8.11 field (custom fields go under {CUSTOM}.)")
            continue
        check_value(name, FIELDS[name], v, problems)
    for name in BASE + REQUIRED.get(kind, []):
        if name not in fields:
            problems.append(f"{name}: missing in a {kind} event")
    cats = fields.get("event.category") or []
    for t in fields.get("event.type") or []:
        for c in cats:
            if c in EXPECTED_TYPES and t not in EXPECTED_TYPES[c]:
                problems.append(f"event.type {t!r} is not expected with event.category {c!r}")
    if "event.type" in fields and "event.category" not in fields:
        problems.append("event.type without event.category")
    if fields.get("ecs.version") != "8.11.0":
        problems.append(f"ecs.version: {fields.get('ecs.version')!r}, expected '8.11.0'")
    check_dns(ev, psl, problems)
    return kind, problems


def main(argv):
    expect, psl_path, files = set(), "/usr/share/publicsuffix/public_suffix_list.dat", []
    i = 0
    while i < len(argv):
        if argv[i] == "--expect":
            expect = set(argv[i + 1].split(","))
            i += 2
        elif argv[i] == "--psl":
            psl_path = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    psl = Psl(psl_path) if psl_path != "none" else None
    seen, bad, n = {}, 0, 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                n += 1
                kind, problems = check_line(line, psl)
                seen[kind] = seen.get(kind, 0) + 1
                for p in problems:
                    print(f"{path}:{lineno}: {kind}: {p}")
                bad += bool(problems)
    for k in sorted(expect - set(seen)):
        print(f"no {k} event in the input")
        bad += 1
    print(f"checked {n} lines: " + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
