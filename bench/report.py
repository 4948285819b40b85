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


def goals(res):
    """Evaluate the goals: list of dicts (name, target, value, text, pass)."""
    g = []
    rows = scale_rows(res)
    nmax = max(rows) if rows else None
    mod = rows.get(nmax, {}).get("sinkhole", {}) if nmax else {}
    at = " (at N=%s)" % fnum(nmax) if nmax != 1000000 else ""

    def add(name, target, value, text, ok):
        g.append({"goal": name, "target": target, "value": value,
                  "measured": text,
                  "pass": None if value is None else bool(ok)})

    bpd = mod.get("bytes_per_domain")
    add("memory per indicator at 1M (module RSS increase / N)" + at,
        "<= 64 B", bpd, fnum(bpd, 1, " B"), bpd is not None and bpd <= 64)
    ld = mod.get("load_s")
    add("load 1M indicators (exec to first blocked answer)" + at,
        "<= 2 s", ld, fnum(ld, 2, " s"), ld is not None and ld <= 2.0)
    med = get(res, "lookup.hit.median_ns")
    add("median match, hits at N=%s" % fnum(get(res, "lookup.n")),
        "<= 200 ns", med, fnum(med, 1, " ns"), med is not None and med <= 200)
    ra = get(res, "cachehit.ratio")
    add("(a) cache-hit QPS, module / plain", ">= 0.97", ra,
        fnum(ra, 3), ra is not None and ra >= 0.97)
    rb = get(res, "sinkholed.ratio_vs_localzone")
    add("(b) sinkholed QPS, module with log / local-zone with log-local-actions",
        ">= 1.0", rb, fnum(rb, 3), rb is not None and rb >= 1.0)
    oc = get(res, "cachemiss.overhead_pct")
    add("(c) cache-miss QPS overhead of the module", "<= 3 %", oc,
        fnum(oc, 1, " %"), oc is not None and oc <= 3.0)
    lost = get(res, "reload.lost")
    add("queries lost during %s reloads" % fnum(get(res, "reload.reloads")),
        "0", lost, fnum(lost), lost is not None and lost == 0)
    return g


def table(res):
    """The markdown tables of a run, as a list of lines."""
    L = []
    m = res.get("machine", {})
    s = res.get("settings", {})
    L.append("## Goals")
    L.append("")
    L.append("| goal | target | measured | result |")
    L.append("|---|---|---|---|")
    for g in res.get("goals", []):
        r = "n/a" if g["pass"] is None else ("pass" if g["pass"] else "**FAIL**")
        L.append("| %s | %s | %s | %s |" % (g["goal"], g["target"], g["measured"], r))
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
             "heap of feed + set %s (%s B/indicator; struct sh_indicator is %s B)." % (
                 fnum(lk.get("parse_s"), 3, " s"), fnum(lk.get("build_s"), 3, " s"),
                 fratio(lk.get("build_s"), lk.get("parse_s")),
                 fnum((lk.get("set_bytes") or 0) / 1048576.0, 1, " MiB"),
                 fnum((lk.get("set_bytes") or 0) / max(1, lk.get("indicators") or 1), 1),
                 fnum((lk.get("heap_bytes") or 0) / 1048576.0, 1, " MiB"),
                 fnum(lk.get("heap_bytes_per_indicator"), 1),
                 fnum(lk.get("sizeof_indicator"))))
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

    ch, sk, cm = res.get("cachehit", {}), res.get("sinkholed", {}), res.get("cachemiss", {})
    L.append("## 3. dnsperf against the resolver (loopback, num-threads %s, dnsperf `%s`, %s x %s s, median)" % (
        fnum(s.get("num_threads")), s.get("dnsperf_options", ""), fnum(s.get("runs")),
        fnum(s.get("duration_s"))))
    L.append("")

    def runs_of(part, v):
        rr = get(part, "runs.%s" % v, []) or []
        return ", ".join(fnum(r.get("qps")) for r in rr)

    def cpu(part, v):
        return get(part, "median_cpu_us_per_query.%s" % v)

    L.append("| traffic | variant | QPS per run | median QPS | QPS ratio | goal | CPU us/query | CPU ratio |")
    L.append("|---|---|---:|---:|---:|---|---:|---:|")
    L.append("| (a) cache hits, benign names (module with N=%s) | plain Unbound | %s | %s | 1.00x | | %s | 1.00x |" % (
        fnum(ch.get("n")), runs_of(ch, "plain"), fnum(get(ch, "median_qps.plain")),
        fnum(cpu(ch, "plain"), 2)))
    L.append("| | module | %s | %s | %s | >= 0.97 | %s | %s |" % (
        runs_of(ch, "sinkhole"), fnum(get(ch, "median_qps.sinkhole")),
        fratio(get(ch, "median_qps.sinkhole"), get(ch, "median_qps.plain")),
        fnum(cpu(ch, "sinkhole"), 2), fratio(cpu(ch, "sinkhole"), cpu(ch, "plain"))))
    sq = get(sk, "median_qps", {}) or {}
    L.append("| (b) sinkholed names (N=%s, %s names asked) | module, log on | %s | %s | 1.00x | | %s | 1.00x |" % (
        fnum(sk.get("n")), fnum(sk.get("query_names")), runs_of(sk, "sinkhole"), fnum(sq.get("sinkhole")),
        fnum(cpu(sk, "sinkhole"), 2)))
    L.append("| | local-zone always_null, log-local-actions | %s | %s | module / this: %s | module >= 1.0x | %s | module / this: %s |" % (
        runs_of(sk, "localzone"), fnum(sq.get("localzone")), fratio(sq.get("sinkhole"), sq.get("localzone")),
        fnum(cpu(sk, "localzone"), 2), fratio(cpu(sk, "sinkhole"), cpu(sk, "localzone"))))
    L.append("| | RPZ, rpz-log | %s | %s | module / this: %s | | %s | module / this: %s |" % (
        runs_of(sk, "rpz"), fnum(sq.get("rpz")), fratio(sq.get("sinkhole"), sq.get("rpz")),
        fnum(cpu(sk, "rpz"), 2), fratio(cpu(sk, "sinkhole"), cpu(sk, "rpz"))))
    L.append("| (c) cache misses through NSD, unique names (module with N=%s) | plain Unbound | %s | %s | 1.00x | | %s | 1.00x |" % (
        fnum(cm.get("n")), runs_of(cm, "plain"), fnum(get(cm, "median_qps.plain")), fnum(cpu(cm, "plain"), 2)))
    L.append("| | module | %s | %s | %s (overhead %s) | overhead <= 3 %% | %s | %s |" % (
        runs_of(cm, "sinkhole"), fnum(get(cm, "median_qps.sinkhole")),
        fratio(get(cm, "median_qps.sinkhole"), get(cm, "median_qps.plain")),
        fnum(cm.get("overhead_pct"), 1, " %"), fnum(cpu(cm, "sinkhole"), 2),
        fratio(cpu(cm, "sinkhole"), cpu(cm, "plain"))))
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
  machine p99 mostly shows preemption of a batch.
- **dnsperf** runs on the same 2 cores as Unbound (2 threads, sharing one
  socket: `so-reuseport: no`) and NSD, so the absolute QPS is what this
  small machine does with the load generator on it; the ratios between
  variants are the result.  Nothing is pinned.  Variants are measured in
  turn (run 1 of each, run 2 of each, ...) after a short unrecorded
  warm-up run each, and the median is taken.
  **CPU us/query** is the CPU time (user + system, from /proc) Unbound
  used during a run divided by the queries it answered: it does not
  depend on how much CPU was left to Unbound, so it is the steadier
  figure when the machine is shared.
  (a) benign names served from Unbound's cache after a warm-up pass;
  (b) listed names (half as listed, half one label below) answered by the
  module / local-zone always_null / RPZ, each with its per-query logging
  on; (c) unique names resolved through NSD (`*.miss.bench`), so every
  query is a cache miss and an upstream query.
- **Reload** rewrites the feed (written to a dotfile, renamed into place)
  while dnsperf sends a steady mix of cached benign names and listed names;
  `lost` counts queries without an answer within dnsperf's 5 s timeout.
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
         "| mode | %s: N = %s (native variants up to %s), %s x %s s dnsperf runs, %s reloads |" % (
             s.get("mode"), ", ".join(fnum(x) for x in s.get("sizes", [])),
             fnum(s.get("native_max")), fnum(s.get("runs")), fnum(s.get("duration_s")),
             fnum(s.get("reloads"))),
         "| wall time of the run | %s |" % fnum((m.get("duration_s") or 0) / 60.0, 1, " min"),
         "| load average (1, 5, 15 min) at start / end | %s / %s |" % (m.get("loadavg_start"), m.get("loadavg_end")),
         "| load average at the start of each part | %s |" % ", ".join(
             "%s: %s" % (k, (m.get("loadavg_parts") or {})[k]) for k in
             ("lookup", "log", "scale", "sinkholed", "qps", "reload", "end")
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
