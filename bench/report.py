#!/usr/bin/env python3
"""report.py - the table of a benchmark run (bench/run.sh), and its checks.

  report.py RESULTS.json [--markdown FILE] [--write-json FILE]
      Evaluate the goals, print the table (markdown) on stdout, write it
      with the machine description and the reading guide to FILE, and
      write the results with the evaluated goals added to --write-json.
  report.py RESULTS.json --check
      Exit 0 when the results hold every key the table needs (used by
      bench/smoke.test), else print the missing ones and exit 1.
"""

import json
import os
import sys

# Keys (dotted paths) every complete results file has.
REQUIRED = [
    "machine.nproc", "machine.cpu_model", "machine.kernel",
    "machine.unbound_version", "machine.date", "settings.mode",
    "settings.num_threads", "settings.duration_s", "settings.runs",
    "scale.baseline.sinkhole.rss_kb", "scale.baseline.localzone.rss_kb",
    "scale.baseline.rpz.rss_kb", "scale.rows",
    "lookup.n", "lookup.build_s", "lookup.parse_s", "lookup.hit.median_ns",
    "lookup.hit.p99_ns", "lookup.miss.median_ns", "lookup.miss.p99_ns",
    "lookup.deep.median_ns", "lookup.deep.p99_ns", "lookup.long.median_ns",
    "lookup.long.p99_ns",
    "cachehit.median_qps.plain", "cachehit.median_qps.sinkhole",
    "cachehit.ratio",
    "sinkholed.median_qps.sinkhole", "sinkholed.median_qps.localzone",
    "sinkholed.median_qps.rpz", "sinkholed.ratio_vs_localzone",
    "sinkholed.ratio_vs_rpz", "sinkholed.module_log.dropped",
    "cachemiss.median_qps.plain", "cachemiss.median_qps.sinkhole",
    "cachemiss.overhead_pct",
    "reload.lost", "reload.with_reloads.p99_ms",
    "reload.without_reloads.p99_ms", "reload.reload_ms_median",
    "log_writer.format_ns", "log_writer.saturated_rate",
    "log_writer.sustained_rate", "log_writer.overload.dropped",
    "cachehit.qps_spread.plain.min", "cachehit.qps_spread.sinkhole.max",
    "cachehit.run_ratio.min", "cachehit.median_resolver_cpu_us_per_query.sinkhole",
    "sinkholed.run_ratio_vs_localzone.min", "sinkholed.qps_spread.localzone.median",
    "cachemiss.run_overhead_pct.max",
    "huge.n", "huge.load_s", "huge.bytes_per_domain", "huge.base_rss_kb",
    "lookup_huge.n", "lookup_huge.hit.median_ns", "lookup_huge.miss.median_ns",
    "peak.steady_rss_kb", "peak.one_line.peak_ratio.max",
    "peak.whole_feed.peak_ratio.max", "peak.one_line.live_ms.median",
    "peak.whole_feed.live_ms.median", "peak.one_line.reload_thread_cpu_s.median",
    "peak.whole_feed.resolver_cpu_s.median",
]

VARIANTS = [("sinkhole", "module (feed YAML)"),
            ("localzone", "local-zone always_null"),
            ("rpz", "RPZ (CNAME .)")]


def get(d, path, default=None):
    """Value at a dotted path, or default."""
    cur = d
    for p in path.split("."):
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        else:
            return default
    return cur


def fnum(x, digits=0, unit=""):
    """A number for the table ('-' when missing)."""
    if x is None:
        return "-"
    if isinstance(x, (int, float)):
        if digits == 0:
            s = "{:,.0f}".format(x)
        else:
            s = "{:,.{}f}".format(x, digits)
        return s + unit
    return str(x)


def fratio(a, b):
    """a/b as '0.93x' ('-' when either is missing)."""
    if a is None or b is None or b == 0:
        return "-"
    return "%.2fx" % (a / b)


def scale_rows(res):
    """{n: {variant: row}} of the scale part."""
    out = {}
    for r in get(res, "scale.rows", []) or []:
        out.setdefault(r["n"], {})[r["variant"]] = r
    return out


def nshort(n):
    """10000000 -> '10M', 100000 -> '100k' (else the number)."""
    if n is None:
        return "-"
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return fnum(n)


def extrapolate(res):
    """Add huge.native_extrapolated: the native variants' load time and
    memory at the huge N, scaled linearly from the largest N they ran at
    (they are not run at 10M)."""
    hg = res.get("huge")
    if not isinstance(hg, dict) or hg.get("n") is None:
        return
    rows = scale_rows(res)
    out = {}
    for v in ("localzone", "rpz"):
        cand = [n for n, r in rows.items() if r.get(v, {}).get("load_s") is not None
                and r[v].get("rss_delta_bytes") is not None]
        if not cand:
            continue
        n0 = max(cand)
        r = rows[n0][v]
        f = hg["n"] / float(n0)
        out[v] = {"n": hg["n"], "extrapolated": True, "extrapolated_from_n": n0,
                  "factor": f, "load_s": r["load_s"] * f,
                  "rss_delta_bytes": r["rss_delta_bytes"] * f,
                  "bytes_per_domain": r.get("bytes_per_domain"),
                  "note": "extrapolated from %s (x%g), not run" % (nshort(n0), f)}
    hg["native_extrapolated"] = out


def goals(res):
    """Evaluate the goals: list of dicts (goal, target, value, measured,
    anchors: the native variants' / plain Unbound's figures of the same
    run, pass)."""
    g = []
    rows = scale_rows(res)
    nmax = max(rows) if rows else None
    r1 = rows.get(nmax, {}) if nmax else {}
    mod = r1.get("sinkhole", {})
    at = " (at N=%s)" % fnum(nmax) if nmax not in (None, 1000000) else ""
    hg = res.get("huge", {}) or {}
    hn = hg.get("n")
    at10 = " (at N=%s)" % fnum(hn) if hn not in (None, 10000000) else ""
    ext = hg.get("native_extrapolated", {}) or {}

    def add(name, target, value, text, ok, anchors="-"):
        g.append({"goal": name, "target": target, "value": value,
                  "measured": text, "anchors": anchors,
                  "pass": None if value is None else bool(ok)})

    def natives(key, digits, unit, src=None):
        """'local-zone X, RPZ Y' of a scale row (or the extrapolations)."""
        src = r1 if src is None else src
        parts = []
        for v, label in (("localzone", "local-zone"), ("rpz", "RPZ")):
            x = (src.get(v) or {}).get(key)
            parts.append("%s %s" % (label, fnum(x, digits, unit) if x is not None else "not run"))
        return ", ".join(parts)

    def ext_note():
        n0 = {x.get("extrapolated_from_n") for x in ext.values()}
        return " (extrapolated from %s, not run)" % "/".join(nshort(n) for n in sorted(n0)) if n0 else ""

    bpd = mod.get("bytes_per_domain")
    add("memory per indicator at 1M (module RSS increase / N)" + at,
        "<= 64 B", bpd, fnum(bpd, 1, " B"), bpd is not None and bpd <= 64,
        natives("bytes_per_domain", 1, " B"))
    hb = hg.get("bytes_per_domain")
    add("memory per indicator at 10M (module RSS increase / N)" + at10,
        "<= 64 B", hb, fnum(hb, 1, " B"), hb is not None and hb <= 64,
        (natives("bytes_per_domain", 1, " B", ext) + ext_note()) if ext else "not run")
    ld = mod.get("load_s")
    add("load 1M indicators (exec to first blocked answer)" + at,
        "<= 2 s", ld, fnum(ld, 2, " s"), ld is not None and ld <= 2.0,
        natives("load_s", 2, " s"))
    hl = hg.get("load_s")
    add("load 10M indicators (exec to first blocked answer)" + at10,
        "<= 10 s", hl, fnum(hl, 2, " s"), hl is not None and hl <= 10.0,
        (natives("load_s", 1, " s", ext) + ext_note()) if ext else "not run")
    for key, label in (("lookup", "lookup.n"), ("lookup_huge", "lookup_huge.n")):
        for kind, lim in (("hit", 200), ("miss", 150)):
            med = get(res, "%s.%s.median_ns" % (key, kind))
            err = get(res, "%s.error" % key)
            floor = get(res, "%s.latency.floor_%s_ns" % (key, kind))
            add("median match, %s at N=%s" % ({"hit": "hits", "miss": "misses"}[kind], fnum(get(res, label))),
                "<= %d ns" % lim, med, fnum(med, 1, " ns") if not err else "failed: " + err,
                med is not None and med <= lim,
                "no native counterpart; memory floor %s (%s)" % (
                    fnum(floor, 1, " ns"), "one cold read of the table, then one of the record"
                    if kind == "hit" else "one cold read of the filter")
                if floor is not None else "no native counterpart")
    for case, label, lim in (("one_line", "one line changed", 1.3),
                             ("whole_feed", "whole feed replaced", 2.1)):
        pr = get(res, "peak.%s.peak_ratio" % case, {}) or {}
        mx = pr.get("max")
        add("peak RSS during a reload of the %s feed, %s (VmHWM / steady VmRSS, worst of %s)" % (
            nshort(get(res, "peak.n")), label, fnum(len(get(res, "peak.%s.runs" % case, []) or []))),
            "<= %.1fx" % lim, mx,
            "%s (median %s; +%s MiB)" % (fnum(mx, 3, "x"), fnum(pr.get("median"), 3, "x"),
                                       fnum(get(res, "peak.%s.peak_minus_steady_mib.max" % case), 1)),
            mx is not None and mx <= lim, "not measured for local-zone / RPZ")
    ch, sk, cm = res.get("cachehit", {}) or {}, res.get("sinkholed", {}) or {}, res.get("cachemiss", {}) or {}
    ra = ch.get("ratio")
    add("(a) cache-hit QPS, module / plain", ">= 0.97", ra,
        "%s (runs: min %s, max %s)" % (fnum(ra, 3), fnum(get(ch, "run_ratio.min"), 3),
                                       fnum(get(ch, "run_ratio.max"), 3)),
        ra is not None and ra >= 0.97,
        "plain Unbound %s qps (module %s qps), medians" % (
            fnum(get(ch, "median_qps.plain")), fnum(get(ch, "median_qps.sinkhole"))))
    rb = sk.get("ratio_vs_localzone")
    rbmin = get(sk, "run_ratio_vs_localzone.min")
    add("(b) sinkholed QPS, module with log / local-zone with log-local-actions",
        ">= 1.2 (median), min run > 1.0", rb,
        "%s (ratio of medians; runs: min %s, median %s, max %s)" % (
            fnum(rb, 3), fnum(rbmin, 3), fnum(get(sk, "run_ratio_vs_localzone.median"), 3),
            fnum(get(sk, "run_ratio_vs_localzone.max"), 3)),
        rb is not None and rb >= 1.2 and rbmin is not None and rbmin > 1.0,
        "local-zone %s qps, RPZ %s qps (module %s qps), medians" % (
            fnum(get(sk, "median_qps.localzone")), fnum(get(sk, "median_qps.rpz")),
            fnum(get(sk, "median_qps.sinkhole"))))
    oc = cm.get("overhead_pct")
    add("(c) cache-miss QPS overhead of the module", "<= 2 %", oc,
        "%s (runs: min %s, max %s)" % (fnum(oc, 1, " %"), fnum(get(cm, "run_overhead_pct.min"), 1, " %"),
                                       fnum(get(cm, "run_overhead_pct.max"), 1, " %")),
        oc is not None and oc <= 2.0,
        "plain Unbound %s qps (module %s qps), medians" % (
            fnum(get(cm, "median_qps.plain")), fnum(get(cm, "median_qps.sinkhole"))))
    lost = get(res, "reload.lost")
    add("queries lost during %s reloads" % fnum(get(res, "reload.reloads")),
        "0", lost, fnum(lost), lost is not None and lost == 0,
        "same load without rewrites: %s lost" % fnum(get(res, "reload.lost_without")))
    return g


def latency_lines(lk):
    """The memory floor under the lookups of one lookup_bench run."""
    la = lk.get("latency") or {}
    if not la:
        return []
    mib = lambda b: fnum((b or 0) / 1048576.0, 1, " MiB")
    return ["Memory floor on this machine, same run (a dependent pointer chase, one cold 64-byte read "
            "per step, in buffers the size of each part): filter %s: %s; table %s: %s; record arena %s: %s. "
            "A miss needs at least one filter read (%s), a hit one table read and then one record read "
            "(%s); the rest of each median is hashing and comparing (see `hot`)." % (
                mib(la.get("filter_bytes")), fnum(la.get("filter_ns"), 1, " ns"),
                mib(la.get("table_bytes")), fnum(la.get("table_ns"), 1, " ns"),
                mib(la.get("records_bytes")), fnum(la.get("records_ns"), 1, " ns"),
                fnum(la.get("floor_miss_ns"), 1, " ns"), fnum(la.get("floor_hit_ns"), 1, " ns")), ""]


def table(res):
    """The markdown tables of a run, as a list of lines."""
    L = []
    m = res.get("machine", {})
    s = res.get("settings", {})
    L.append("## Goals")
    L.append("")
    L.append("| goal | target | measured | anchors, same run | result |")
    L.append("|---|---|---|---|---|")
    for g in res.get("goals", []):
        r = "n/a" if g["pass"] is None else ("pass" if g["pass"] else "**FAIL**")
        L.append("| %s | %s | %s | %s | %s |" % (g["goal"], g["target"], g["measured"],
                                               g.get("anchors", "-"), r))
    L.append("")

    rows = scale_rows(res)
    base = get(res, "scale.baseline", {}) or {}
    L.append("## 1. Feed scale: load time and memory")
    L.append("")
    L.append("Load time: from exec of `unbound` to the first blocked answer for a listed name "
             "(empty-feed start-up: module %s, local-zone %s, RPZ %s)." % (
                 fnum(get(base, "sinkhole.load_s"), 2, " s"),
                 fnum(get(base, "localzone.load_s"), 2, " s"),
                 fnum(get(base, "rpz.load_s"), 2, " s")))
    L.append("Memory: VmRSS with the feed minus VmRSS with an empty feed "
             "(empty: module %s, local-zone %s, RPZ %s)." % (
                 fnum(get(base, "sinkhole.rss_kb"), 0, " kB"),
                 fnum(get(base, "localzone.rss_kb"), 0, " kB"),
                 fnum(get(base, "rpz.rss_kb"), 0, " kB")))
    L.append("")
    L.append("| N | load: module | local-zone | RPZ | module / local-zone | module / RPZ |")
    L.append("|---:|---:|---:|---:|---:|---:|")
    for n in sorted(rows):
        r = rows[n]
        v = {k: r.get(k, {}).get("load_s") for k, _ in VARIANTS}
        L.append("| %s | %s | %s | %s | %s | %s |" % (
            fnum(n), fnum(v["sinkhole"], 2, " s"),
            fnum(v["localzone"], 2, " s") if v["localzone"] is not None else "not run",
            fnum(v["rpz"], 2, " s") if v["rpz"] is not None else "not run",
            fratio(v["sinkhole"], v["localzone"]), fratio(v["sinkhole"], v["rpz"])))
    L.append("")
    L.append("| N | RSS increase: module | local-zone | RPZ | bytes/domain: module | local-zone | RPZ | module / local-zone | module / RPZ |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted(rows):
        r = rows[n]
        d = {k: r.get(k, {}).get("rss_delta_bytes") for k, _ in VARIANTS}
        b = {k: r.get(k, {}).get("bytes_per_domain") for k, _ in VARIANTS}
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            fnum(n),
            *[fnum(d[k] / 1048576.0, 1, " MiB") if d[k] is not None else "not run"
              for k, _ in VARIANTS],
            *[fnum(b[k], 1) if b[k] is not None else "not run" for k, _ in VARIANTS],
            fratio(b["sinkhole"], b["localzone"]), fratio(b["sinkhole"], b["rpz"])))
    L.append("")

    lk = res.get("lookup", {})
    L.append("## 2. Lookup microbenchmark (`bench/lookup_bench.c`, N=%s)" % fnum(lk.get("n")))
    L.append("")
    L.append("Parse %s, build %s (build / parse %s); set %s (%s B/indicator), "
             "memory of feed + set (heap and record arena) %s (%s B/indicator; feed records %s B/indicator, %s meta entries)." % (
                 fnum(lk.get("parse_s"), 3, " s"), fnum(lk.get("build_s"), 3, " s"),
                 fratio(lk.get("build_s"), lk.get("parse_s")),
                 fnum((lk.get("set_bytes") or 0) / 1048576.0, 1, " MiB"),
                 fnum((lk.get("set_bytes") or 0) / max(1, lk.get("indicators") or 1), 1),
                 fnum((lk.get("heap_bytes") or 0) / 1048576.0, 1, " MiB"),
                 fnum(lk.get("heap_bytes_per_indicator"), 1),
                 fnum(lk.get("record_bytes_per_indicator"), 1),
                 fnum(lk.get("meta_entries"))))
    L.append("")
    L.append("| query names | median ns | p99 ns | median / goal (200 ns) | median / hit median | p99 / median | unexpected results |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    hitmed = get(lk, "hit.median_ns")
    desc = {"hit": "hit: the indicator itself",
            "miss": "miss: unlisted name",
            "deep": "deep: 10 labels below an indicator",
            "long": "long: 30 labels, miss",
            "hot": "hot: 1,000 indicators asked again and again"}
    for k in ("hit", "miss", "deep", "long", "hot"):
        x = lk.get(k, {})
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            desc[k], fnum(x.get("median_ns"), 1), fnum(x.get("p99_ns"), 1),
            fratio(x.get("median_ns"), 200.0), fratio(x.get("median_ns"), hitmed),
            fratio(x.get("p99_ns"), x.get("median_ns")), fnum(x.get("unexpected"))))
    L.append("")
    L.extend(latency_lines(lk))
    lh = res.get("lookup_huge", {}) or {}
    if lh:
        L.append("### The same at N=%s (the feed of section 6)" % fnum(lh.get("n")))
        L.append("")
        if lh.get("error"):
            L.append("Not measured: %s" % lh["error"])
        else:
            L.append("Parse %s, build %s; set %s (%s B/indicator), memory of feed + set %s "
                     "(%s B/indicator)." % (
                         fnum(lh.get("parse_s"), 3, " s"), fnum(lh.get("build_s"), 3, " s"),
                         fnum((lh.get("set_bytes") or 0) / 1048576.0, 1, " MiB"),
                         fnum((lh.get("set_bytes") or 0) / max(1, lh.get("indicators") or 1), 1),
                         fnum((lh.get("heap_bytes") or 0) / 1048576.0, 1, " MiB"),
                         fnum(lh.get("heap_bytes_per_indicator"), 1)))
            L.append("")
            L.append("| query names | median ns, N=%s | p99 ns | median ns, N=%s | p99 ns | median %s / %s | goal (median) |" % (
                fnum(lk.get("n")), fnum(lh.get("n")), nshort(lh.get("n")), nshort(lk.get("n"))))
            L.append("|---|---:|---:|---:|---:|---:|---|")
            for k in ("hit", "miss", "deep", "long", "hot"):
                a, b = lk.get(k, {}) or {}, lh.get(k, {}) or {}
                L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                    desc[k], fnum(a.get("median_ns"), 1), fnum(a.get("p99_ns"), 1),
                    fnum(b.get("median_ns"), 1), fnum(b.get("p99_ns"), 1),
                    fratio(b.get("median_ns"), a.get("median_ns")),
                    {"hit": "<= 200 ns", "miss": "<= 150 ns"}.get(k, "")))
            L.append("")
            L.extend(latency_lines(lh))
        L.append("")

    ch, sk, cm = res.get("cachehit", {}), res.get("sinkholed", {}), res.get("cachemiss", {})
    L.append("## 3. dnsperf against the resolver (loopback, num-threads %s, dnsperf `%s`, %s x %s s per variant)" % (
        fnum(s.get("num_threads")), s.get("dnsperf_options", ""), fnum(s.get("runs")),
        fnum(s.get("duration_s"))))
    L.append("")
    L.append("QPS of every run, and min / median / max of the runs; the QPS ratio is of the medians, "
             "the per-run ratios pair run r of the module with run r of what it is compared with "
             "(the variants are measured in turn). CPU us/query: the median over the runs, of the whole "
             "process and of Unbound's own threads alone (without the module's `sh-log` and `sh-reload`).")
    L.append("")

    def runs_of(part, v):
        rr = get(part, "runs.%s" % v, []) or []
        return ", ".join(fnum(r.get("qps")) for r in rr)

    def spread(part, v):
        x = get(part, "qps_spread.%s" % v, {}) or {}
        return "%s / %s / %s" % (fnum(x.get("min")), fnum(x.get("median")), fnum(x.get("max")))

    def rspread(x, digits=3, unit=""):
        x = x or {}
        return "%s / %s / %s" % (fnum(x.get("min"), digits, unit), fnum(x.get("median"), digits, unit),
                                 fnum(x.get("max"), digits, unit))

    def cpu(part, v):
        return get(part, "median_cpu_us_per_query.%s" % v)

    def rcpu(part, v):
        return get(part, "median_resolver_cpu_us_per_query.%s" % v)

    L.append("| traffic | variant | QPS per run | QPS min / median / max | QPS ratio (medians) | per-run ratio min / median / max | goal | CPU us/query | resolver threads CPU us/query | CPU ratio (process / resolver threads) |")
    L.append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|")

    def row(first, part, v, ref, ratio_txt, runratio_txt, goal, inverse=False):
        """One variant; ref: the variant its CPU is compared with (inverse: ref / this)."""
        if ref is None:
            cr = "1.00x / 1.00x"
        elif inverse:
            cr = "module / this: %s / %s" % (fratio(cpu(part, ref), cpu(part, v)),
                                             fratio(rcpu(part, ref), rcpu(part, v)))
        else:
            cr = "%s / %s" % (fratio(cpu(part, v), cpu(part, ref)), fratio(rcpu(part, v), rcpu(part, ref)))
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            first, runs_of(part, v), spread(part, v), ratio_txt, runratio_txt, goal,
            fnum(cpu(part, v), 2), fnum(rcpu(part, v), 2), cr))

    row("(a) cache hits, benign names (module with N=%s) | plain Unbound" % fnum(ch.get("n")),
        ch, "plain", None, "1.00x", "", "")
    row("| module", ch, "sinkhole", "plain",
        fratio(get(ch, "median_qps.sinkhole"), get(ch, "median_qps.plain")),
        rspread(ch.get("run_ratio")), ">= 0.97")
    sq = get(sk, "median_qps", {}) or {}
    row("(b) sinkholed names (N=%s, %s names asked) | module, log on" % (
        fnum(sk.get("n")), fnum(sk.get("query_names"))), sk, "sinkhole", None, "1.00x", "", "")
    row("| local-zone always_null, log-local-actions", sk, "localzone", "sinkhole",
        "module / this: %s" % fratio(sq.get("sinkhole"), sq.get("localzone")),
        "module / this: %s" % rspread(sk.get("run_ratio_vs_localzone")),
        "module >= 1.2x (median), every run > 1.0x", inverse=True)
    row("| RPZ, rpz-log", sk, "rpz", "sinkhole",
        "module / this: %s" % fratio(sq.get("sinkhole"), sq.get("rpz")),
        "module / this: %s" % rspread(sk.get("run_ratio_vs_rpz")), "", inverse=True)
    row("(c) cache misses through NSD, unique names (module with N=%s) | plain Unbound" % fnum(cm.get("n")),
        cm, "plain", None, "1.00x", "", "")
    row("| module", cm, "sinkhole", "plain",
        "%s (overhead %s)" % (fratio(get(cm, "median_qps.sinkhole"), get(cm, "median_qps.plain")),
                              fnum(cm.get("overhead_pct"), 1, " %")),
        "overhead %s" % rspread(cm.get("run_overhead_pct"), 1, " %"), "overhead <= 2 %")
    L.append("")
    L.append("CPU of the module's own threads (`sh-log` + `sh-reload`), median per run: "
             "(a) %s, (b) %s, (c) %s; included in the process's CPU us/query, not in the resolver threads'." % (
                 fnum(get(ch, "median_module_threads_cpu_s.sinkhole"), 2, " s"),
                 fnum(get(sk, "median_module_threads_cpu_s.sinkhole"), 2, " s"),
                 fnum(get(cm, "median_module_threads_cpu_s.sinkhole"), 2, " s")))
    L.append("")
    ml = sk.get("module_log", {}) or {}
    L.append("Response codes of (b): module %s; local-zone %s; RPZ %s." % (
        (get(sk, "runs.sinkhole", [{}]) or [{}])[0].get("rcodes", "-"),
        (get(sk, "runs.localzone", [{}]) or [{}])[0].get("rcodes", "-"),
        (get(sk, "runs.rpz", [{}]) or [{}])[0].get("rcodes", "-")))
    L.append("")

    rl = res.get("reload", {})
    w, wo = rl.get("with_reloads", {}) or {}, rl.get("without_reloads", {}) or {}
    L.append("## 4. Reload under load (N=%s, %s qps steady, %s rewrites, debounce %s ms)" % (
        fnum(rl.get("n")), fnum(rl.get("qps")), fnum(rl.get("reloads")), fnum(rl.get("debounce_ms"))))
    L.append("")
    L.append("| | without reloads | with reloads | with / without |")
    L.append("|---|---:|---:|---:|")
    L.append("| queries sent / completed | %s / %s | %s / %s | %s |" % (
        fnum(wo.get("sent")), fnum(wo.get("completed")), fnum(w.get("sent")), fnum(w.get("completed")),
        fratio(w.get("completed"), w.get("sent"))))
    L.append("| QPS answered | %s | %s | %s |" % (fnum(wo.get("qps")), fnum(w.get("qps")), fratio(w.get("qps"), wo.get("qps"))))
    L.append("| queries lost | %s | %s | - |" % (fnum(wo.get("lost")), fnum(w.get("lost"))))
    L.append("| p99 latency | %s | %s | %s |" % (fnum(wo.get("p99_ms"), 3, " ms"), fnum(w.get("p99_ms"), 3, " ms"), fratio(w.get("p99_ms"), wo.get("p99_ms"))))
    L.append("| mean latency | %s | %s | %s |" % (fnum(wo.get("avg_latency_ms"), 3, " ms"), fnum(w.get("avg_latency_ms"), 3, " ms"), fratio(w.get("avg_latency_ms"), wo.get("avg_latency_ms"))))
    L.append("| max latency | %s | %s | %s |" % (fnum(wo.get("max_latency_ms"), 1, " ms"), fnum(w.get("max_latency_ms"), 1, " ms"), fratio(w.get("max_latency_ms"), wo.get("max_latency_ms"))))
    L.append("")
    L.append("Reload duration (feed renamed into place until the `reload` line's @timestamp, debounce included): "
             "median %s, max %s; each: %s ms." % (
                 fnum(rl.get("reload_ms_median"), 0, " ms"), fnum(rl.get("reload_ms_max"), 0, " ms"),
                 ", ".join(str(x) for x in rl.get("reload_ms", []))))
    L.append("")

    lw = res.get("log_writer", {})
    e2e_rate = None
    if ml.get("completed_total") and ml.get("run_s_total"):
        e2e_rate = ml["completed_total"] / ml["run_s_total"]
    L.append("## 5. Event log writer (`bench/log_bench.c`: %s submitting threads, %s-byte lines, file on %s)" % (
        fnum(lw.get("threads")), fnum(lw.get("line_bytes")), "the work dir's file system"))
    L.append("")
    L.append("| measure | value | compared with | ratio |")
    L.append("|---|---:|---|---:|")
    L.append("| sh_event_format, one line | %s | - | - |" % fnum(lw.get("format_ns"), 0, " ns"))
    L.append("| lines written/s, submitters flat out (4 MiB queue) | %s | lines offered/s %s | %s |" % (
        fnum(get(lw, "max.written_rate")), fnum(get(lw, "max.offered_rate")),
        fratio(get(lw, "max.written_rate"), get(lw, "max.offered_rate"))))
    L.append("| sustained events/s without a drop (4 MiB queue) | %s | module's sinkholed QPS in (b) %s | %s |" % (
        fnum(lw.get("sustained_rate")), fnum(sq.get("sinkhole")), fratio(lw.get("sustained_rate"), sq.get("sinkhole"))))
    ov = lw.get("overload", {}) or {}
    L.append("| dropped at 2x sustained (%s/s offered), 64 KiB queue | %s of %s lines (%s); %s events_dropped lines | offered / sustained rate | %s |" % (
        fnum(ov.get("offered_rate")), fnum(ov.get("dropped")), fnum(ov.get("offered")),
        fnum((ov.get("drop_fraction") or 0) * 100, 1, " %"), fnum(ov.get("events_dropped_lines")),
        fratio(ov.get("offered_rate"), lw.get("sustained_rate"))))
    L.append("| slowest sh_log_submit under overload | %s | at the sustained rate %s | %s |" % (
        fnum(ov.get("max_submit_us"), 1, " us"), fnum(get(lw, "sustained.max_submit_us"), 1, " us"),
        fratio(ov.get("max_submit_us"), get(lw, "sustained.max_submit_us"))))
    L.append("| end to end, (b) module runs incl. warm-up: events logged / dropped | %s / %s | sinkholed queries answered %s | %s |" % (
        fnum(ml.get("logged")), fnum(ml.get("dropped")), fnum(ml.get("completed_with_warmup")),
        fratio(ml.get("logged"), ml.get("completed_with_warmup"))))
    L.append("")
    L += table_huge(res)
    L += table_peak(res)
    return L


def table_huge(res):
    """Section 6: the module alone at the huge N, the natives extrapolated."""
    L = []
    hg = res.get("huge", {}) or {}
    if not hg:
        return L
    rows = scale_rows(res)
    nmax = max(rows) if rows else None
    m1 = rows.get(nmax, {}).get("sinkhole", {}) if nmax else {}
    ext = hg.get("native_extrapolated", {}) or {}
    L.append("## 6. %s indicators: the module alone (N=%s)" % (nshort(hg.get("n")), fnum(hg.get("n"))))
    L.append("")
    L.append("Measured as in section 1, against an empty-feed instance of the same configuration "
             "(the module's limits raised to 16M indicators and 1 GiB files; empty: %s, start-up %s). "
             "Feed file %s. local-zone and RPZ are **not run** at this N: their figures are the "
             "largest N they ran at, scaled linearly, and marked as such." % (
                 fnum(hg.get("base_rss_kb"), 0, " kB"), fnum(hg.get("base_load_s"), 2, " s"),
                 fnum((hg.get("feed_bytes") or 0) / 1048576.0, 1, " MiB")))
    L.append("")
    L.append("| variant | N | load (exec to first blocked answer) | RSS increase | bytes/indicator | / module | source |")
    L.append("|---|---:|---:|---:|---:|---:|---|")
    L.append("| module | %s | %s | %s | %s | 1.00x | measured (%s indicators loaded) |" % (
        fnum(hg.get("n")), fnum(hg.get("load_s"), 2, " s"),
        fnum((hg.get("rss_delta_bytes") or 0) / 1048576.0, 1, " MiB"),
        fnum(hg.get("bytes_per_domain"), 1), fnum(hg.get("indicators_loaded"))))
    for v, label in (("localzone", "local-zone always_null"), ("rpz", "RPZ (CNAME .)")):
        x = ext.get(v)
        if not x:
            L.append("| %s | %s | not run | not run | not run | - | no measured N to extrapolate from |" % (
                label, fnum(hg.get("n"))))
            continue
        L.append("| %s | %s | %s | %s | %s | %s | **%s** |" % (
            label, fnum(x.get("n")), fnum(x.get("load_s"), 1, " s"),
            fnum((x.get("rss_delta_bytes") or 0) / 1048576.0, 0, " MiB"),
            fnum(x.get("bytes_per_domain"), 1), fratio(x.get("bytes_per_domain"), hg.get("bytes_per_domain")),
            x.get("note")))
    L.append("")
    if m1:
        L.append("The module at N=%s in section 1: %s, %s B/indicator; at N=%s: load %s of it, bytes/indicator %s." % (
            fnum(nmax), fnum(m1.get("load_s"), 2, " s"), fnum(m1.get("bytes_per_domain"), 1),
            fnum(hg.get("n")), fratio(hg.get("load_s"), m1.get("load_s")),
            fratio(hg.get("bytes_per_domain"), m1.get("bytes_per_domain"))))
        L.append("")
    return L


def table_peak(res):
    """Section 7: peak memory and time to live of reloads."""
    L = []
    pk = res.get("peak", {}) or {}
    if not pk:
        return L
    L.append("## 7. Reload peak memory and time to live (N=%s, %s reloads per case, no other load)" % (
        fnum(pk.get("n")), fnum(len(get(pk, "one_line.runs", []) or []))))
    L.append("")
    thr = pk.get("threads", {}) or {}
    L.append("Steady state: VmRSS %s once the feed answers and the reload thread is idle "
             "(start-up peak VmHWM %s, %s of it). Threads: %s%s." % (
                 fnum(pk.get("steady_rss_kb"), 0, " kB"), fnum(pk.get("start_hwm_kb"), 0, " kB"),
                 fnum(pk.get("start_peak_ratio"), 2, "x"),
                 ", ".join("%s x%s" % (k, thr[k]) for k in sorted(thr)),
                 "" if pk.get("reload_thread_found") else
                 " (**no `sh-reload` thread**: the reload CPU below is 0 and not meaningful)"))
    L.append("")
    L.append("| case | peak ratio: VmHWM / steady VmRSS, min / median / max | goal | VmHWM / VmRSS just before, max | peak - steady, median / max | time to live, median / max | `reload` line, median / max | reload thread CPU per reload, median / max | resolver threads CPU meanwhile, median |")
    L.append("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for case, label, goal in (("one_line", "one line changed", "<= 1.3x"),
                              ("whole_feed", "whole feed replaced", "<= 2.1x")):
        c = pk.get(case, {}) or {}

        def sp(key, digits, unit="", what=("min", "median", "max")):
            x = c.get(key, {}) or {}
            return " / ".join(fnum(x.get(w), digits, unit) for w in what)
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, sp("peak_ratio", 3, "x"), goal, sp("peak_ratio_vs_before", 3, "x", ("max",)),
            sp("peak_minus_steady_mib", 1, " MiB", ("median", "max")),
            sp("live_ms", 0, " ms", ("median", "max")), sp("reload_event_ms", 0, " ms", ("median", "max")),
            sp("reload_thread_cpu_s", 2, " s", ("median", "max")), sp("resolver_cpu_s", 2, " s", ("median",))))
    L.append("")
    for case in ("one_line", "whole_feed"):
        rr = get(pk, "%s.runs" % case, []) or []
        L.append("Each %s reload (peak ratio, time to live): %s." % (
            case.replace("_", "-"), "; ".join("%s, %s ms" % (fnum(r.get("peak_ratio"), 3, "x"),
                                                              fnum(r.get("live_ms"), 0)) for r in rr)))
    L.append("")
    return L


GUIDE = """## How to read this

- Every figure comes from the same run of `bench/run.sh` and is shown with
  the ratio to what it is compared with: the module against local-zone and
  RPZ (load time, memory, sinkholed QPS), against plain Unbound (cache hits,
  cache misses), a run with reloads against one without, the lookup times
  against the 200 ns goal and against the hit case.  A ratio above 1.00x
  means "more" (slower load, more memory, more QPS): read it with the
  figure's direction in mind.
- **Load time** is wall time from exec of `unbound -d` until the first
  *blocked* answer for a listed name (polled every 10 ms), so it covers
  Unbound's own start-up (see the empty-feed figures) and, for the module,
  reading the YAML and building the set.  **Memory** is VmRSS of the whole
  `unbound` process once it answers, minus VmRSS of the same configuration
  with an empty feed / no local zones / an empty RPZ zone; it includes
  allocator slack, so it is what an operator sees, not `sizeof`.
  `lookup_bench` gives the exact heap the feed and the set hold.
- **Lookup** times are per `sh_set_match` call, in a shuffled order over
  the whole set, so the set's memory is cold as in a resolver with a large
  feed; each batch of 1000 names is copied to a small buffer before it is
  timed, so the query name itself is in cache, as in a packet just read.
  Median and p99 are over the batches.  `hot` repeats 1,000 indicators
  (warm caches); `hit_thp` in the JSON repeats the hits after the feed's
  memory was collapsed into huge pages (a layout experiment).  On a shared
  machine p99 mostly shows preemption of a batch.  The **memory floor**
  is measured by `lookup_bench` in the same run: the time of one cold
  read at the size of the set's pre-filter, its table and the feed's
  record arena, so a lookup figure can be read as floor + computation.
- **dnsperf** runs on the same 2 cores as Unbound (2 threads, sharing one
  socket: `so-reuseport: no`) and NSD, so the absolute QPS is what this
  small machine does with the load generator on it; the ratios between
  variants are the result.  Nothing is pinned.  Variants are measured in
  turn (run 1 of each, run 2 of each, ...) after a short unrecorded
  warm-up run each; every run's QPS is shown with the min / median / max
  of the runs.  The goals use the ratio of the medians; the per-run
  ratios pair run r of the module with run r of the variant it is
  compared with (measured seconds apart), and goal (b) also asks that
  the lowest of them stays above 1.0x.
  **CPU us/query** is the CPU time (user + system, from /proc) Unbound
  used during a run divided by the queries it answered: it does not
  depend on how much CPU was left to Unbound, so it is the steadier
  figure when the machine is shared.  It is given for the whole process
  and for Unbound's own threads alone: per-thread times are read from
  /proc/PID/task/*/stat (fields 14 and 15) and /proc/PID/task/*/comm, and
  the module's threads, named `sh-log` (the log writer) and `sh-reload`
  (the feed reload thread), are counted apart.
  (a) benign names served from Unbound's cache after a warm-up pass;
  (b) listed names (half as listed, half one label below) answered by the
  module / local-zone always_null / RPZ, each with its per-query logging
  on; (c) unique names resolved through NSD (`*.miss.bench`), so every
  query is a cache miss and an upstream query.
- **Reload** rewrites the feed (written to a dotfile, renamed into place)
  while dnsperf sends a steady mix of cached benign names and listed names;
  `lost` counts queries without an answer within dnsperf's 5 s timeout.
- **10M** (section 6): the module alone with a 10,000,000-name feed from
  the same generator (`gen_feeds.py --module-only`: no local-zone or RPZ
  forms are written), load time and memory measured as in section 1
  against an empty-feed instance with the same configuration (the
  module's limits raised to 16M indicators and 1 GiB files, which the
  10M feed needs).  local-zone and RPZ are not run at 10M (RPZ takes
  minutes and gigabytes at 1M already): their 1M figures are scaled
  linearly by 10 and labelled "extrapolated from 1M" in the table and in
  the JSON (`huge.native_extrapolated`).  `lookup_bench` runs on the same
  10M feed (section 2).
- **Reload peak** (section 7): one module instance with the largest feed
  in a feed directory; once it answers and its reload thread is idle,
  VmRSS is the steady state.  Each reload: `echo 5 >
  /proc/PID/clear_refs` resets VmHWM to the current RSS, the new version
  (written to a dotfile beforehand) is renamed over the feed, and VmHWM
  is read once the reload thread has been idle for 0.3 s after the
  `reload` line (the old set is freed after the grace period).  "One line
  changed" replaces one indicator by a name not in the feed; "whole feed
  replaced" swaps between the feed and another of the same size (another
  seed), so every reload is a real change.  Time to live: from the rename
  until a name only the new version lists (below `miss.bench`, asked as
  a fresh subdomain every 5 ms so no answer comes from the cache) gets
  the sinkhole's answer instead of NSD's; the `reload` line's @timestamp
  is shown next to it.  The reload thread's CPU (`sh-reload`) per reload
  is reported apart from the resolver threads' over the same interval.
- **Log writer** numbers are for lines of real event size written to a
  file; `sustained` is the highest paced rate (steps of the saturated rate)
  with no drop.  The end-to-end row counts the module's own log of the
  (b) runs.
- Figures from `--quick` or `--smoke` runs use shorter runs and smaller N;
  compare only runs of the same mode on the same machine.
"""


def markdown(res, analysis=None):
    """The whole BENCHMARKS.md text; analysis: hand-written text to append."""
    m, s = res.get("machine", {}), res.get("settings", {})
    L = ["# Benchmarks", "",
         "unbound-sinkhole next to Unbound's native blocking (local-zone "
         "always_null, RPZ), produced by `bench/run.sh%s` (raw results: "
         "`bench/results/latest.json`)." % (
             "" if s.get("mode") == "full" else " --" + str(s.get("mode"))), "",
         "## Machine", "",
         "| | |", "|---|---|",
         "| CPUs (nproc) | %s |" % m.get("nproc"),
         "| CPU model | %s |" % m.get("cpu_model"),
         "| memory | %s GiB |" % fnum((m.get("mem_total_kb") or 0) / 1048576.0, 1),
         "| kernel | %s |" % m.get("kernel"),
         "| Unbound | %s (built with dynlib) |" % m.get("unbound_version"),
         "| dnsperf / NSD | %s / %s |" % (m.get("dnsperf_version"), m.get("nsd_version")),
         "| date (UTC) | %s |" % m.get("date"),
         "| mode | %s: N = %s (native variants up to %s; module alone at %s), %s x %s s dnsperf runs, %s reloads under load, %s reloads per peak case |" % (
             s.get("mode"), ", ".join(fnum(x) for x in s.get("sizes", [])),
             fnum(s.get("native_max")), fnum(s.get("huge_n")), fnum(s.get("runs")),
             fnum(s.get("duration_s")), fnum(s.get("reloads")), fnum(s.get("peak_reps"))),
         "| wall time of the run | %s |" % fnum((m.get("duration_s") or 0) / 60.0, 1, " min"),
         "| load average (1, 5, 15 min) at start / end | %s / %s |" % (m.get("loadavg_start"), m.get("loadavg_end")),
         "| load average at the start of each part | %s |" % ", ".join(
             "%s: %s" % (k, (m.get("loadavg_parts") or {})[k]) for k in
             ("lookup", "log", "scale", "sinkholed", "huge", "qps", "reload", "peak", "end")
             if k in (m.get("loadavg_parts") or {})),
         "| module | `%s` (tree %s)%s |" % (s.get("module"), s.get("git"),
                                          ("; " + s["module_note"]) if s.get("module_note") else ""),
         ""]
    if m.get("host_load_note"):
        L += ["**Note:** " + m["host_load_note"], ""]
    L += table(res)
    L.append(GUIDE)
    if analysis:
        L.append(analysis)
    if res.get("notes"):
        L.append("## Notes on this run")
        L.append("")
        L += ["- " + n for n in res["notes"]]
        L.append("")
    return "\n".join(L)


def check(res):
    """Missing required keys (list of paths)."""
    missing = [p for p in REQUIRED if get(res, p) is None]
    rows = get(res, "scale.rows", []) or []
    if not any(r.get("variant") == v and r.get("bytes_per_domain") is not None
               for r in rows for v in ("sinkhole",)):
        missing.append("scale.rows[sinkhole].bytes_per_domain")
    for v in ("localzone", "rpz"):
        if not any(r.get("variant") == v and r.get("load_s") is not None for r in rows):
            missing.append("scale.rows[%s].load_s" % v)
    return missing


def main():
    args = sys.argv[1:]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    with open(args[0]) as f:
        res = json.load(f)
    if "--check" in args:
        missing = check(res)
        for p in missing:
            print("missing: %s" % p)
        return 1 if missing else 0
    extrapolate(res)
    res["goals"] = goals(res)
    print("\n".join(table(res)))
    if "--markdown" in args:
        analysis = None
        apath = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
        if os.path.exists(apath):
            with open(apath) as f:
                analysis = f.read()
        with open(args[args.index("--markdown") + 1], "w") as f:
            f.write(markdown(res, analysis))
    if "--write-json" in args:
        with open(args[args.index("--write-json") + 1], "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
