#!/bin/bash
# run.sh - every benchmark of unbound-sinkhole, side by side with Unbound's native blocking, in one command.
#
#   bench/run.sh            full run (N = 10k, 100k, 1M everywhere, 10M for the module; 10 s x 5 dnsperf runs)
#   bench/run.sh --quick    small run (1M only for the module, 2M as its "huge" N; 3 s runs; 3 reloads)
#   bench/run.sh --smoke    tiny sizes, to check that the scripts work (bench/smoke.test)
# Options: --results FILE (default bench/results/latest.json; smoke: none
# unless given), --markdown FILE (default BENCHMARKS.md; smoke: none),
# --only PARTS (comma list of lookup,log,scale,huge,qps,reload,peak; for
# work on the scripts), --no-build (use the module as built), --keep
# (keep the work dir).
#
# What it does (BENCHMARKS.md explains how to read the results):
#   1. builds the C helpers (lookup_bench, log_bench) with cc -O2 against
#      lib/*.c, and the module (make sinkhole.la) unless --no-build;
#   2. generates deterministic feeds of N names (bench/gen_feeds.py), as
#      a module feed, a local-zone include file and an RPZ zone;
#   3. lookup: ns per sh_set_match at the largest N (hit, miss, deep, long),
#      and again at the module's huge N (10M);
#   4. log: the event log writer's capacity, 2 submitting threads;
#   5. scale: load time and resident memory for the module, local-zone
#      always_null and RPZ at every N, and dnsperf on sinkholed names
#      (module with its log vs local-zone with log-local-actions vs RPZ
#      with rpz-log) at the largest N all three load;
#   6. huge: load time and resident memory of the module alone with a
#      10M feed (the native variants' figures are extrapolated from 1M
#      by report.py, not run);
#   7. qps: dnsperf cache-hit traffic and cache-miss traffic (through NSD)
#      for plain Unbound vs Unbound with the module and the largest feed;
#   8. reload: dnsperf at a steady rate while the largest feed is
#      rewritten, against the same run without rewrites;
#   9. peak: peak RSS (VmHWM) and time until the new set answers, for a
#      reload of the largest feed with one line changed and with the
#      whole feed replaced; the reload thread's CPU apart from Unbound's;
#  10. writes the raw results (JSON), prints the table and writes it to
#      BENCHMARKS.md with the machine it ran on.
# Every server listens on 127.0.0.1 only and is stopped at exit (trap).
#
# Environment: UNBOUND_SRC (else UNBOUND_SRC from the configured
# Makefile), UNBOUND_BIN, SH_MODULE, NSD, CC, BENCH_DATA (cache of
# generated feeds, default $TMPDIR/unbound-sinkhole-bench-data).

# shellcheck disable=SC2016 # jq programs are single-quoted on purpose
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$BENCH_DIR/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

MODE=full
RESULTS=
MARKDOWN=
ONLY=lookup,log,scale,huge,qps,reload,peak
BUILD=1
KEEP_WORK=0
SEED=20230329
# the seed of the other feed the peak part replaces the whole feed with
PEAK_SEED=$((SEED + 1000))
UB_THREADS=2

# Print the usage (the header comment) and exit.
usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
	case $1 in
	--quick) MODE=quick ;;
	--smoke) MODE=smoke ;;
	--full) MODE=full ;;
	--results) RESULTS=$2; shift ;;
	--markdown) MARKDOWN=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--no-build) BUILD=0 ;;
	--keep) KEEP_WORK=1 ;;
	-h | --help) usage 0 ;;
	*) printf 'run.sh: unknown option %s\n' "$1" >&2; usage 2 ;;
	esac
	shift
done

case $MODE in
full)
	SIZES="10000 100000 1000000"; NATIVE_MAX=1000000
	DUR=10; WARM=2; RUNS=5; RELOADS=10; RELOAD_QPS=10000; LOOKUPS=2000000
	LOG_SECONDS=2; BENIGN_NAMES=10000; BLOCKED_NAMES=100000; MISS_QPS_MAX=60000; SETTLE=1
	HUGE_N=10000000; PEAK_REPS=3 ;;
quick)
	SIZES="10000 100000 1000000"; NATIVE_MAX=100000
	DUR=3; WARM=1; RUNS=3; RELOADS=3; RELOAD_QPS=10000; LOOKUPS=1000000
	LOG_SECONDS=1; BENIGN_NAMES=10000; BLOCKED_NAMES=100000; MISS_QPS_MAX=60000; SETTLE=1
	HUGE_N=2000000; PEAK_REPS=3 ;;
smoke)
	SIZES="1000"; NATIVE_MAX=1000
	DUR=1; WARM=1; RUNS=1; RELOADS=2; RELOAD_QPS=500; LOOKUPS=20000
	LOG_SECONDS=0.3; BENIGN_NAMES=200; BLOCKED_NAMES=1000; MISS_QPS_MAX=60000; SETTLE=0.2
	HUGE_N=3000; PEAK_REPS=2 ;;
esac
if [ "$MODE" != smoke ]; then
	: "${RESULTS:=$BENCH_DIR/results/latest.json}"
	: "${MARKDOWN:=$top_srcdir/BENCHMARKS.md}"
fi
NMAX=${SIZES##* }
# the largest N every variant loads: where sinkholed traffic is compared
NB=$NMAX
[ "$NB" -gt "$NATIVE_MAX" ] && NB=$NATIVE_MAX
# the same dnsperf settings for every measurement: 8 clients, 1 thread,
# 100 outstanding queries, 5 s timeout
DNSPERF_OPTS="-c 8 -T 1 -q 100 -t 5"
# the module's limits for the huge feed (the defaults stop at 2M
# indicators and 64 MiB files; a 10M feed is about 270 MB)
HUGE_LIMITS='limits:
  max_indicators: 16000000
  max_file_bytes: 1073741824'

# Note the load average at the start of a part (the machine may be shared).
mark() { printf '%s %s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/loadavg.txt"; }

# True when PART is among the parts to run.
want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

# Read a variable of the configured Makefile (empty when there is none).
make_var() {
	[ -f "$top_builddir/Makefile" ] || return 0
	sed -n "s/^$1 = //p" "$top_builddir/Makefile" | head -n 1
}

# Find Unbound, NSD, the module and the build flags; check the tools.
find_tools() {
	local c
	: "${UNBOUND_SRC:=$(make_var UNBOUND_SRC)}"
	[ -n "$UNBOUND_SRC" ] || b_die "no Unbound tree: set UNBOUND_SRC or configure the project (tools/bootstrap.sh build)"
	: "${UNBOUND_BIN:=$UNBOUND_SRC/unbound}"
	[ -x "$UNBOUND_BIN" ] || b_die "no unbound binary at $UNBOUND_BIN"
	: "${SH_MODULE:=$top_builddir/.libs/sinkhole.so}"
	: "${NSD:=$(make_var NSD)}"
	: "${NSD:=$(PATH=$PATH:/usr/sbin:/sbin command -v nsd || true)}"
	[ -x "${NSD:-}" ] || b_die "nsd not found"
	for c in dnsperf jq python3 awk; do
		command -v "$c" >/dev/null 2>&1 || b_die "required command '$c' is not installed"
	done
	: "${CC:=cc}"
	# shellcheck source=tests/core.sh
	. "$top_srcdir/tests/core.sh"
	CORE_CFLAGS=$(pkg-config --cflags $SH_CORE_PKGS) || b_die "pkg-config $SH_CORE_PKGS failed"
	CORE_LIBS=$(pkg-config --libs $SH_CORE_PKGS) || b_die "pkg-config $SH_CORE_PKGS failed"
}

# Build the module (make sinkhole.la) and the C helpers into $WORK/bin.
build() {
	local h
	if [ "$BUILD" = 1 ] && [ -f "$top_builddir/Makefile" ]; then
		if ! make -C "$top_builddir" -s sinkhole.la >"$WORK/make.log" 2>&1; then
			[ -f "$SH_MODULE" ] || b_die "cannot build the module: $(tail -n 5 "$WORK/make.log")"
			b_info "make sinkhole.la failed; using the module as built ($SH_MODULE)"
			MODULE_NOTE="make sinkhole.la failed; the module as built before was used"
		fi
	fi
	[ -f "$SH_MODULE" ] || b_die "no module at $SH_MODULE: run make"
	mkdir -p "$WORK/bin"
	for h in lookup_bench log_bench; do
		# shellcheck disable=SC2086 # flag lists
		"$CC" -O2 -D_GNU_SOURCE -I"$top_srcdir/include" -I"$top_srcdir/lib" \
			-I"$top_builddir" $CORE_CFLAGS -o "$WORK/bin/$h" \
			"$BENCH_DIR/$h.c" $(sh_core_sources) $CORE_LIBS -lpthread ||
			b_die "cannot build $h"
	done
	b_info "built lookup_bench and log_bench against the core (tests/core.sh)"
}

# Print the directory of the generated data for N names (made once,
# cached): data_dir N [SEED [module]]; "module": the module's feed, the
# names and the misses only (gen_feeds.py --module-only).
data_dir() {
	local n=$1 seed=${2:-$SEED} only=${3:-} key dir root
	root=${BENCH_DATA:-${TMPDIR:-/tmp}/unbound-sinkhole-bench-data}
	key=$(sha1sum "$BENCH_DIR/gen_feeds.py" | cut -c1-10)
	dir=$root/$n-$seed-$key${only:+-module}
	if [ ! -f "$dir/misses.txt" ]; then
		mkdir -p "$root"
		rm -rf "$dir.tmp.$$"
		[ "$n" -ge 2000000 ] && b_info "generating $n names (about $((n / 100000)) s, once: cached in $root)"
		python3 "$BENCH_DIR/gen_feeds.py" ${only:+--module-only} "$n" "$dir.tmp.$$" "$seed" >&2 ||
			b_die "cannot generate $n names"
		# another run may have made it meanwhile: keep the first one
		mv -T "$dir.tmp.$$" "$dir" 2>/dev/null || rm -rf "$dir.tmp.$$"
	fi
	printf '%s\n' "$dir"
}

# A name listed in DATA (the middle one), one label below it.
probe_name() { printf 'www.%s\n' "$(sed -n "$(( $(wc -l <"$1/names.txt") / 2 + 1 ))p" "$1/names.txt")"; }

# Record the machine, the software and the settings.
part_machine() {
	local cpu ubv
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	ubv=$("$UNBOUND_BIN" -V 2>/dev/null | awk '/^Version/ { print $2; exit }')
	b_result machine '{machine: {nproc: $nproc, cpu_model: $cpu, kernel: $kernel,
		mem_total_kb: $mem, unbound_version: $ubv, dnsperf_version: $dpv,
		nsd_version: $nsdv, date: $date, loadavg_start: $load, host_load_note: $note},
		settings: {mode: $mode, sizes: $sizes, native_max: $nmax, sinkholed_n: $nb,
		num_threads: $thr, duration_s: $dur, runs: $runs, reloads: $reloads,
		reload_qps: $rqps, dnsperf_options: $dpo, seed: $seed, lookups_per_kind: $lk,
		log_seconds: $ls, benign_names: $bn, blocked_names: $bln,
		huge_n: $hn, peak_reps: $pr,
		module: $mod, module_note: $mnote, git: $git}}' \
		--argjson nproc "$(nproc)" --arg cpu "${cpu:-unknown}" --arg kernel "$(uname -r)" \
		--argjson mem "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" \
		--arg ubv "${ubv:-unknown}" \
		--arg dpv "$(dnsperf -h 2>&1 | awk '/^Version/ { print $2; exit }')" \
		--arg nsdv "$("$NSD" -v 2>&1 | awk '/^NSD version/ { print $3; exit }')" \
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
		--arg note "${BENCH_HOST_NOTE:-}" \
		--arg mode "$MODE" --argjson sizes "[${SIZES// /,}]" --argjson nmax "$NATIVE_MAX" \
		--argjson nb "$NB" --argjson thr "$UB_THREADS" --argjson dur "$DUR" \
		--argjson runs "$RUNS" --argjson reloads "$RELOADS" --argjson rqps "$RELOAD_QPS" \
		--arg dpo "$DNSPERF_OPTS" --argjson seed "$SEED" --argjson lk "$LOOKUPS" \
		--argjson ls "$LOG_SECONDS" --argjson bn "$BENIGN_NAMES" --argjson bln "$BLOCKED_NAMES" \
		--argjson hn "$HUGE_N" --argjson pr "$PEAK_REPS" \
		--arg mod "$SH_MODULE" --arg mnote "${MODULE_NOTE:-}" \
		--arg git "$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null || echo unknown)"
}

# 2. Lookup microbenchmark at the largest N, and at the huge N (10M) of the huge part.
part_lookup() {
	local data
	data=$(data_dir "$NMAX")
	b_info "lookup: sh_set_match at N=$NMAX, $LOOKUPS lookups per kind"
	"$WORK/bin/lookup_bench" "$data/feed/bench.yaml" "$data/misses.txt" "$LOOKUPS" \
		>"$WORK/lookup.json" || b_die "lookup_bench failed"
	jq -n --slurpfile l "$WORK/lookup.json" --argjson n "$NMAX" '{lookup: ($l[0] + {n: $n})}' \
		>"$WORK/res/lookup.json"
	data=$(data_dir "$HUGE_N" "$SEED" module)
	b_info "lookup: sh_set_match at N=$HUGE_N, $LOOKUPS lookups per kind"
	# a failure here (memory, time: 15 min at most) is recorded, not fatal
	if timeout 900 "$WORK/bin/lookup_bench" "$data/feed/bench.yaml" "$data/misses.txt" "$LOOKUPS" \
		>"$WORK/lookup-huge.json" 2>"$WORK/lookup-huge.err" && jq -e . "$WORK/lookup-huge.json" >/dev/null 2>&1; then
		jq -n --slurpfile l "$WORK/lookup-huge.json" --argjson n "$HUGE_N" \
			'{lookup_huge: ($l[0] + {n: $n})}' >"$WORK/res/lookup_huge.json"
	else
		b_info "lookup: lookup_bench failed at N=$HUGE_N: $(tail -n 2 "$WORK/lookup-huge.err" | tr '\n' ' ')"
		jq -n --argjson n "$HUGE_N" --arg e "$(tail -n 3 "$WORK/lookup-huge.err")" \
			'{lookup_huge: {n: $n, error: ("lookup_bench failed: " + $e)}}' >"$WORK/res/lookup_huge.json"
	fi
}

# 5. Log writer microbenchmark.
part_log() {
	mkdir -p "$WORK/logbench"
	b_info "log: event log writer, 2 threads, ${LOG_SECONDS} s per step"
	"$WORK/bin/log_bench" "$WORK/logbench" "$LOG_SECONDS" >"$WORK/log.json" || b_die "log_bench failed"
	jq -n --slurpfile l "$WORK/log.json" '{log_writer: $l[0]}' >"$WORK/res/log.json"
}

# Start one Unbound for the scale part and measure it: scale_one NAME
# VARIANT DATA PROBE TIMEOUT N [OUTDIR] (writes OUTDIR/NAME.json, default
# $WORK/scale).
scale_one() {
	local name=$1 variant=$2 data=$3 probe=$4 timeout=$5 n=$6 out=${7:-$WORK/scale} port pid rss hwm count=null
	b_port
	port=$B_PORT
	b_ub_conf "$name" "$variant" "$port" "$data"
	b_ub_start "$name" "$probe" "$timeout"
	pid=$UB_PID
	# let start-up finish (the reload thread writes the status file)
	sleep "$SETTLE"
	rss=$(b_rss "$pid")
	hwm=$(b_rss "$pid" VmHWM)
	if [ "$variant" = sinkhole ]; then
		count=$(sed -n 's/.*sinkhole: \([0-9]*\) indicators from.*/\1/p' "$WORK/ub/$name/unbound.log" | tail -n 1)
		[ -n "$count" ] || count=null
	fi
	jq -n --arg v "$variant" --argjson n "$n" --argjson load "$UB_LOAD_S" \
		--argjson rss "$rss" --argjson hwm "$hwm" --argjson cnt "$count" \
		'{variant: $v, n: $n, load_s: $load, rss_kb: $rss, hwm_kb: $hwm, indicators_loaded: $cnt}' \
		>"$out/$name.json"
	b_info "scale: $variant N=$n: first blocked answer after ${UB_LOAD_S} s, VmRSS ${rss} kB"
}

# 1. Load time and memory at every N; keeps the NB instances for part_sinkholed.
part_scale() {
	local v n data probe timeout
	mkdir -p "$WORK/scale"
	for v in sinkhole localzone rpz; do
		scale_one "base-$v" "$v" "" localhost 120 0
		b_ub_stop "base-$v"
	done
	for n in $SIZES; do
		data=$(data_dir "$n")
		probe=$(probe_name "$data")
		for v in sinkhole localzone rpz; do
			if [ "$v" != sinkhole ] && [ "$n" -gt "$NATIVE_MAX" ]; then
				jq -n --arg v "$v" --argjson n "$n" \
					'{variant: $v, n: $n, skipped: "not run in this mode (1M native entries only in the full run)"}' \
					>"$WORK/scale/$v-$n.json"
				continue
			fi
			timeout=120
			[ "$v" = sinkhole ] || timeout=1800
			scale_one "$v-$n" "$v" "$data" "$probe" "$timeout" "$n"
			# the instances at NB stay up for part_sinkholed
			[ "$n" = "$NB" ] || b_ub_stop "$v-$n"
		done
	done
	jq -s '
		(map(select(.n == 0)) | map({(.variant): .}) | add) as $base
		| {scale: {baseline: $base, rows: [ .[] | select(.n > 0)
			| if .skipped then . else
				. + {base_rss_kb: $base[.variant].rss_kb, base_load_s: $base[.variant].load_s,
				     rss_delta_bytes: ((.rss_kb - $base[.variant].rss_kb) * 1024),
				     bytes_per_domain: (((.rss_kb - $base[.variant].rss_kb) * 1024) / .n)}
			  end ]}}' "$WORK"/scale/*.json >"$WORK/res/scale.json"
}

# 1b. The module alone at HUGE_N (10M in the full run): load time and
# memory over an empty-feed instance of the same configuration.  The
# native variants are not run at this N: report.py extrapolates their
# figures from the largest N they ran at (1M in the full run).
part_huge() {
	local data probe
	data=$(data_dir "$HUGE_N" "$SEED" module)
	probe=$(probe_name "$data")
	mkdir -p "$WORK/huge"
	b_info "huge: the module with $HUGE_N indicators (native variants: extrapolated, not run)"
	SH_CONF_EXTRA=$HUGE_LIMITS scale_one huge-base sinkhole "" localhost 120 0 "$WORK/huge"
	b_ub_stop huge-base
	SH_CONF_EXTRA=$HUGE_LIMITS scale_one "huge-$HUGE_N" sinkhole "$data" "$probe" 900 "$HUGE_N" "$WORK/huge"
	b_ub_stop "huge-$HUGE_N"
	jq -n --slurpfile b "$WORK/huge/huge-base.json" --slurpfile h "$WORK/huge/huge-$HUGE_N.json" \
		--argjson fb "$(stat -c %s "$data/feed/bench.yaml")" '
		$b[0] as $base | $h[0] as $x
		| {huge: ($x + {base_rss_kb: $base.rss_kb, base_load_s: $base.load_s,
			rss_delta_bytes: (($x.rss_kb - $base.rss_kb) * 1024),
			bytes_per_domain: ((($x.rss_kb - $base.rss_kb) * 1024) / $x.n),
			feed_bytes: $fb})}' >"$WORK/res/huge.json"
}

# jq definitions shared by the summaries: med (median of an array),
# spread (min, median, max of an array), summary (runs, median and
# spread of the QPS, median CPU per query of the process and of
# Unbound's threads alone, by variant) and run_ratios(A; B) (QPS of run r
# of variant A / QPS of run r of variant B, for every r).
JQ_DEFS='
	def med: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def spread: map(select(. != null)) | {min: min, median: med, max: max};
	def bymed(f): group_by(.variant) | map({(.[0].variant): (map(f) | map(select(. != null)) | med)}) | add;
	def summary: {
		runs: (group_by(.variant) | map({(.[0].variant): (sort_by(.run) | map(del(.variant, .kind)))}) | add),
		median_qps: bymed(.qps),
		qps_spread: (group_by(.variant) | map({(.[0].variant): (map(.qps) | spread)}) | add),
		median_cpu_us_per_query: bymed(.cpu_us_per_query),
		median_resolver_cpu_us_per_query: bymed(.resolver_cpu_us_per_query),
		median_module_threads_cpu_s: bymed(.log_thread_cpu_s + .reload_thread_cpu_s)};
	def run_ratios(a; b): (map(select(.variant == a)) | sort_by(.run) | map(.qps)) as $x
		| (map(select(.variant == b)) | sort_by(.run) | map(.qps)) as $y
		| [range(0; [($x | length), ($y | length)] | min)
			| if $y[.] > 0 then $x[.] / $y[.] else null end];'

# 3b. Sinkholed names: module with log vs local-zone + log-local-actions vs RPZ + rpz-log.
part_sinkholed() {
	local data v r q step n log stop_line logged dropped f
	data=$(data_dir "$NB")
	q=$WORK/blocked.q
	n=$(wc -l <"$data/names.txt")
	step=$(( n / BLOCKED_NAMES ))
	[ "$step" -ge 1 ] || step=1
	# every step-th name; half asked as listed, half one label below
	awk -v s="$step" '(NR - 1) % s == 0 { c++; print ((c % 2) ? $0 : "www." $0) " A" }' \
		"$data/names.txt" >"$q"
	mkdir -p "$WORK/sinkholed"
	# a short unrecorded run first: the first seconds after a big load
	# (page faults, the allocator, the kernel's page cache) are not typical
	for v in sinkhole localzone rpz; do
		b_perf "$WORK/sinkholed/warm-$v.out" "$v-$NB" "$q" -l "$WARM"
	done
	b_info "sinkholed: N=$NB, $(wc -l <"$q") names, $RUNS x ${DUR} s per variant"
	for ((r = 1; r <= RUNS; r++)); do
		for v in sinkhole localzone rpz; do
			f=$WORK/sinkholed/$v-$r.out
			b_perf "$f" "$v-$NB" "$q" -l "$DUR"
			jq --arg v "$v" --argjson r "$r" '. + {variant: $v, run: $r}' "$f.json" >"$WORK/sinkholed/run-$v-$r.json"
			b_info "sinkholed: $v run $r: $(jq -r '"\(.qps | floor) qps, \(.cpu_us_per_query * 10 | floor / 10) CPU-us/query (\(.rcodes))"' "$f.json")"
		done
	done
	for v in sinkhole localzone rpz; do
		b_ub_stop "$v-$NB"
	done
	# the module's own account of its log, written when it stops
	log=$WORK/ub/sinkhole-$NB
	stop_line=$(grep 'sinkhole: stopped after' "$log/unbound.log" | tail -n 1 || true)
	logged=$(printf '%s' "$stop_line" | sed -n 's/.* \([0-9]*\) events logged.*/\1/p')
	dropped=$(printf '%s' "$stop_line" | sed -n 's/.* \([0-9]*\) dropped.*/\1/p')
	jq -s --argjson n "$NB" --argjson names "$(wc -l <"$q")" --arg stop "$stop_line" \
		--argjson logged "${logged:-null}" --argjson dropped "${dropped:-null}" \
		--argjson lines "$(grep -c '"event":{"kind":"alert"' "$log/sinkhole.json" || true)" \
		--argjson warm "$(jq .completed "$WORK/sinkholed/warm-sinkhole.out.json")" \
		"$JQ_DEFS"'
		. as $all
		| (map(select(.variant == "sinkhole"))) as $s
		| {sinkholed: (summary + {n: $n, query_names: $names,
			module_log: {stop_line: $stop, alert_lines: $lines,
				completed_total: ($s | map(.completed) | add),
				completed_with_warmup: (($s | map(.completed) | add) + $warm),
				run_s_total: ($s | map(.run_s) | add),
				logged: $logged, dropped: $dropped}})}
		| .sinkholed.ratio_vs_localzone = (.sinkholed.median_qps.sinkhole / .sinkholed.median_qps.localzone)
		| .sinkholed.ratio_vs_rpz = (.sinkholed.median_qps.sinkhole / .sinkholed.median_qps.rpz)
		| .sinkholed.run_ratios_vs_localzone = ($all | run_ratios("sinkhole"; "localzone"))
		| .sinkholed.run_ratio_vs_localzone = (.sinkholed.run_ratios_vs_localzone | spread)
		| .sinkholed.run_ratios_vs_rpz = ($all | run_ratios("sinkhole"; "rpz"))
		| .sinkholed.run_ratio_vs_rpz = (.sinkholed.run_ratios_vs_rpz | spread)
		| .sinkholed.cpu_ratio_vs_localzone = (.sinkholed.median_cpu_us_per_query.sinkhole / .sinkholed.median_cpu_us_per_query.localzone)
		| .sinkholed.cpu_ratio_vs_rpz = (.sinkholed.median_cpu_us_per_query.sinkhole / .sinkholed.median_cpu_us_per_query.rpz)' \
		"$WORK"/sinkholed/run-*.json >"$WORK/res/sinkholed.json"
}

# Write a file of COUNT unique names under miss.bench.: miss_file FILE TAG COUNT.
miss_file() {
	python3 -c '
import random, sys
r = random.Random(sys.argv[2])
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[3])):
        f.write("%s%d-%08x.miss.bench A\n" % (sys.argv[2], i, r.getrandbits(32)))
' "$1" "$2" "$3"
}

# 3a and 3c. Cache hits and cache misses: plain Unbound vs Unbound with the module and the largest feed.
part_qps() {
	local data probe v r count f
	data=$(data_dir "$NMAX")
	probe=$(probe_name "$data")
	mkdir -p "$WORK/qps"
	awk -v n="$BENIGN_NAMES" 'BEGIN { for (i = 1; i <= n; i++) printf "h%d.benign.bench A\n", i }' >"$WORK/benign.q"
	b_port
	b_ub_conf qps-plain plain "$B_PORT" ""
	b_ub_start qps-plain localhost 120
	b_port
	b_ub_conf qps-sinkhole sinkhole "$B_PORT" "$data"
	b_ub_start qps-sinkhole "$probe" 300
	for v in plain sinkhole; do
		b_perf "$WORK/qps/warm-$v.out" "qps-$v" "$WORK/benign.q" -n 1
	done
	b_info "qps: cache hits, $RUNS x ${DUR} s per variant"
	for ((r = 1; r <= RUNS; r++)); do
		for v in plain sinkhole; do
			f=$WORK/qps/hit-$v-$r.out
			b_perf "$f" "qps-$v" "$WORK/benign.q" -l "$DUR"
			jq --arg v "$v" --argjson r "$r" '. + {variant: $v, kind: "hit", run: $r}' "$f.json" >"$WORK/qps/run-hit-$v-$r.json"
			b_info "qps: cache hit $v run $r: $(jq -r '"\(.qps | floor) qps, \(.cpu_us_per_query * 10 | floor / 10) CPU-us/query"' "$f.json")"
		done
	done
	count=$(awk -v d="$DUR" -v q="$MISS_QPS_MAX" 'BEGIN { printf "%d", d * q }')
	b_info "qps: cache misses through NSD, $RUNS x ${DUR} s per variant, $count unique names per run"
	for v in plain sinkhole; do
		miss_file "$WORK/qps/miss-warm-$v.q" "w$v" "$count"
		b_perf "$WORK/qps/miss-warm-$v.out" "qps-$v" "$WORK/qps/miss-warm-$v.q" -l "$WARM" -n 1
		rm -f "$WORK/qps/miss-warm-$v.q"
	done
	for ((r = 1; r <= RUNS; r++)); do
		for v in plain sinkhole; do
			f=$WORK/qps/miss-$v-$r.out
			miss_file "$WORK/qps/miss-$v-$r.q" "r$r$v" "$count"
			b_perf "$f" "qps-$v" "$WORK/qps/miss-$v-$r.q" -l "$DUR" -n 1
			jq --arg v "$v" --argjson r "$r" '. + {variant: $v, kind: "miss", run: $r}' "$f.json" >"$WORK/qps/run-miss-$v-$r.json"
			rm -f "$WORK/qps/miss-$v-$r.q"
			b_info "qps: cache miss $v run $r: $(jq -r '"\(.qps | floor) qps, \(.cpu_us_per_query * 10 | floor / 10) CPU-us/query (\(.rcodes))"' "$f.json")"
		done
	done
	b_ub_stop qps-plain
	b_ub_stop qps-sinkhole
	jq -s --argjson n "$NMAX" --argjson names "$count" "$JQ_DEFS"'
		(map(select(.kind == "hit")) | run_ratios("sinkhole"; "plain")) as $rh
		| (map(select(.kind == "miss")) | run_ratios("sinkhole"; "plain")) as $rm
		| {cachehit: (map(select(.kind == "hit")) | summary + {n: $n,
			run_ratios: $rh, run_ratio: ($rh | spread)}),
		 cachemiss: (map(select(.kind == "miss")) | summary + {n: $n, unique_names_per_run: $names,
			run_ratios: $rm, run_ratio: ($rm | spread),
			run_overheads_pct: ($rm | map(if . == null then null else (1 - .) * 100 end)),
			run_overhead_pct: ($rm | map(if . == null then null else (1 - .) * 100 end) | spread)})}
		| .cachehit.ratio = (.cachehit.median_qps.sinkhole / .cachehit.median_qps.plain)
		| .cachehit.cpu_ratio = (.cachehit.median_cpu_us_per_query.sinkhole / .cachehit.median_cpu_us_per_query.plain)
		| .cachemiss.ratio = (.cachemiss.median_qps.sinkhole / .cachemiss.median_qps.plain)
		| .cachemiss.overhead_pct = ((1 - .cachemiss.ratio) * 100)
		| .cachemiss.cpu_ratio = (.cachemiss.median_cpu_us_per_query.sinkhole / .cachemiss.median_cpu_us_per_query.plain)
		| .cachemiss.cpu_overhead_pct = ((.cachemiss.cpu_ratio - 1) * 100)
		| .cachehit.resolver_cpu_ratio = (.cachehit.median_resolver_cpu_us_per_query.sinkhole / .cachehit.median_resolver_cpu_us_per_query.plain)
		| .cachemiss.resolver_cpu_ratio = (.cachemiss.median_resolver_cpu_us_per_query.sinkhole / .cachemiss.median_resolver_cpu_us_per_query.plain)
		| .cachemiss.file_exhausted = ([.cachemiss.runs[][] | select(.sent >= $names)] | length > 0)' \
		"$WORK"/qps/run-*.json >"$WORK/res/qps.json"
}

# Print the epoch ms of the @timestamp of the COUNT-th reload line of a log.
reload_ts_ms() {
	grep '"action":"reload"' "$1" | sed -n "${2}p" |
		sed -n 's/^{"@timestamp":"\([^"]*\)".*/\1/p' |
		python3 -c 'import sys, datetime
s = sys.stdin.read().strip()
print(int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000) if s else "")'
}

# Replace the reload instance's feed by version VER (rename over it); print the write time in ms.
rewrite_feed() {
	cp "$WORK/reload/$1.yaml" "$WORK/reload/feeds/.bench.yaml.tmp"
	mv -f "$WORK/reload/feeds/.bench.yaml.tmp" "$WORK/reload/feeds/bench.yaml"
	b_now_ms
}

# Wait until the log holds COUNT reload lines (up to 300 s); print the reload duration in ms.
wait_reload() {
	local log=$1 count=$2 written=$3 i ts
	for ((i = 0; i < 15000; i++)); do
		[ "$(grep -c '"action":"reload"' "$log" || true)" -ge "$count" ] && break
		sleep 0.02
	done
	[ "$i" -lt 15000 ] || b_die "no reload line $count in $log within 300 s"
	ts=$(reload_ts_ms "$log" "$count")
	echo $((ts - written))
}

# 4. Reload under load: steady dnsperf while the largest feed is rewritten RELOADS times.
part_reload() {
	local data probe n k log i t dp durations=() seen ver run_s
	data=$(data_dir "$NMAX")
	probe=$(probe_name "$data")
	mkdir -p "$WORK/reload/feeds"
	n=$(wc -l <"$data/names.txt")
	k=$(( n / 100 ))
	[ "$k" -ge 1 ] || k=1
	cp "$data/feed/bench.yaml" "$WORK/reload/v1.yaml"
	# v2: another version string, and the first 1% of the names replaced
	awk -v k="$k" -v m="$data/misses.txt" '
		/^  version:/ { print "  version: \"v2\""; next }
		/^  - / && c < k { c++; getline x <m; print "  - " x; next }
		{ print }' "$data/feed/bench.yaml" >"$WORK/reload/v2.yaml"
	cp "$WORK/reload/v1.yaml" "$WORK/reload/feeds/bench.yaml"
	# queries: benign cached names and names blocked in both versions
	awk -v n="$BENIGN_NAMES" 'BEGIN { for (i = 1; i <= n; i++) printf "h%d.benign.bench A\n", i }' >"$WORK/reload/benign.q"
	awk -v k="$k" -v b="$BENIGN_NAMES" 'NR > k && NR <= k + b { print $0 " A" }' "$data/names.txt" |
		paste -d '\n' "$WORK/reload/benign.q" - | sed '/^$/d' >"$WORK/reload/mixed.q"
	b_port
	SH_FEEDS_OVERRIDE=$WORK/reload/feeds b_ub_conf reload sinkhole "$B_PORT" "$data"
	b_ub_start reload "$probe" 300
	log=$WORK/ub/reload/sinkhole.json
	b_perf "$WORK/reload/warm.out" reload "$WORK/reload/benign.q" -n 1
	# one reload before measuring, to know it works
	seen=1
	t=$(rewrite_feed v2)
	b_info "reload: first reload (no load) took $(wait_reload "$log" "$seen" "$t") ms"
	b_info "reload: ${RELOAD_QPS} qps steady, $RELOADS rewrites of the $NMAX-name feed"
	# shellcheck disable=SC2086 # DNSPERF_OPTS is a list of options
	dnsperf -s 127.0.0.1 -p "$(b_ub_port reload)" -d "$WORK/reload/mixed.q" $DNSPERF_OPTS \
		-Q "$RELOAD_QPS" -l 3600 -v >"$WORK/reload/with.out" 2>&1 &
	dp=$!
	B_PIDS+=("$dp")
	sleep 2
	for ((i = 1; i <= RELOADS; i++)); do
		ver=v1
		[ $((i % 2)) -eq 0 ] && ver=v2
		t=$(rewrite_feed "$ver")
		seen=$((seen + 1))
		durations+=("$(wait_reload "$log" "$seen" "$t")")
		b_info "reload $i ($ver): ${durations[-1]} ms"
		sleep 1
	done
	sleep 1
	kill -INT "$dp" 2>/dev/null || true
	wait "$dp" || true
	b_untrack "$dp"
	run_s=$(b_dnsperf_json "$WORK/reload/with.out" | jq -r '.run_s | ceil')
	b_info "reload: the same load for ${run_s} s without rewrites"
	b_dnsperf "$WORK/reload/without.out" "$(b_ub_port reload)" "$WORK/reload/mixed.q" \
		-Q "$RELOAD_QPS" -l "$run_s" -v
	b_ub_stop reload
	jq -n --argjson with "$(b_dnsperf_json "$WORK/reload/with.out")" \
		--argjson without "$(b_dnsperf_json "$WORK/reload/without.out")" \
		--argjson p99w "$(b_dnsperf_p99 "$WORK/reload/with.out")" \
		--argjson p99wo "$(b_dnsperf_p99 "$WORK/reload/without.out")" \
		--argjson durs "[$(IFS=,; echo "${durations[*]}")]" \
		--argjson n "$NMAX" --argjson qps "$RELOAD_QPS" --argjson reloads "$RELOADS" \
		--argjson deb 250 '
		def med: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
			else (.[length / 2 - 1] + .[length / 2]) / 2 end;
		{reload: {n: $n, qps: $qps, reloads: $reloads, debounce_ms: $deb,
			with_reloads: ($with + {p99_ms: $p99w}), without_reloads: ($without + {p99_ms: $p99wo}),
			lost: $with.lost, lost_without: $without.lost,
			p99_ratio: (if $p99wo > 0 then $p99w / $p99wo else null end),
			p99_change_ms: ($p99w - $p99wo),
			reload_ms: $durs, reload_ms_median: ($durs | med), reload_ms_max: ($durs | max)}}' \
		>"$WORK/res/reload.json"
}

# Write a version of the peak part's feed: peak_version SRC LIVE VERSION
# OUT (the feed SRC with its first indicator replaced by LIVE and its
# version string by VERSION).
peak_version() {
	awk -v live="$2" -v ver="$3" '
		/^  version:/ { print "  version: \"" ver "\""; next }
		/^  - / && !done { done = 1; print "  - " live; next }
		{ print }' "$1" >"$4"
}

# Wait until the reload thread of process PID has used no CPU for 0.3 s (at most 20 s).
peak_idle() {
	local pid=$1 a b i
	b=$(b_cpu_split "$pid")
	for ((i = 0; i < 66; i++)); do
		sleep 0.3
		a=$b
		b=$(b_cpu_split "$pid")
		[ "${a##* }" = "${b##* }" ] && return 0
	done
	return 0
}

# One reload of the peak part: peak_one CASE REP SRC VERSION.  Resets
# VmHWM (clear_refs 5), renames the new version in, times it (until a
# name only it lists is blocked, and until the reload line), reads the
# peak and the threads' CPU; writes $WORK/peak/run-CASE-REP.json.
peak_one() {
	local case=$1 rep=$2 src=$3 ver=$4 pid port live t0 t1 live_s ev_ms rss0 rss1 hwm s0 s1 cleared=true
	pid=$(b_ub_pid peak)
	port=$(b_ub_port peak)
	live=peak-$case-$rep.miss.bench
	peak_version "$src" "$live" "$ver" "$WORK/peak/feeds/.bench.yaml.tmp"
	PEAK_SEEN=$((PEAK_SEEN + 1))
	rss0=$(b_rss "$pid")
	s0=$(b_cpu_split "$pid")
	echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || cleared=false
	t0=$(date +%s%N)
	mv -f "$WORK/peak/feeds/.bench.yaml.tmp" "$WORK/peak/feeds/bench.yaml"
	live_s=$(python3 "$BENCH_DIR/dnsq.py" live "$port" "$live" 300 "$t0" "$pid") ||
		b_die "peak: $case $rep: no sinkhole answer below $live within 300 s"
	ev_ms=$(wait_reload "$WORK/ub/peak/sinkhole.json" "$PEAK_SEEN" "$((t0 / 1000000))")
	# the old set is freed after the grace period: let the thread finish
	sleep "$SETTLE"
	peak_idle "$pid"
	hwm=$(b_rss "$pid" VmHWM)
	rss1=$(b_rss "$pid")
	s1=$(b_cpu_split "$pid")
	t1=$(date +%s%N)
	jq -n --arg case "$case" --argjson rep "$rep" --argjson steady "$PEAK_STEADY_KB" \
		--argjson rss0 "$rss0" --argjson rss1 "$rss1" --argjson hwm "$hwm" \
		--argjson live "$live_s" --argjson ev "$ev_ms" --argjson cleared "$cleared" \
		--argjson s0 "[${s0// /,}]" --argjson s1 "[${s1// /,}]" --argjson hz "$CLK_TCK" \
		--argjson dt "$(((t1 - t0) / 1000000))" --arg ver "$ver" '
		{case: $case, rep: $rep, version: $ver, rss_before_kb: $rss0, hwm_kb: $hwm, rss_after_kb: $rss1,
		 hwm_reset: $cleared,
		 peak_ratio: ($hwm / $steady), peak_ratio_vs_before: ($hwm / $rss0),
		 peak_minus_steady_mib: (($hwm - $steady) / 1024),
		 live_ms: ($live * 1000), reload_event_ms: $ev, interval_ms: $dt,
		 reload_thread_cpu_s: (($s1[2] - $s0[2]) / $hz),
		 log_thread_cpu_s: (($s1[1] - $s0[1]) / $hz),
		 resolver_cpu_s: (($s1[0] - $s0[0]) / $hz)}' >"$WORK/peak/run-$case-$rep.json"
	b_info "peak: $case $rep: VmHWM $(jq -r '"\(.peak_ratio * 1000 | round / 1000)x steady (+\(.peak_minus_steady_mib | round) MiB), live after \(.live_ms | round) ms (reload line \(.reload_event_ms) ms), reload thread \(.reload_thread_cpu_s) CPU-s, resolver threads \(.resolver_cpu_s) CPU-s"' "$WORK/peak/run-$case-$rep.json")"
}

# 4b. Reload peak: VmHWM over the steady VmRSS, and time to live, for
# reloads of the largest feed with one line changed and with the whole
# feed replaced (PEAK_REPS each), with the reload thread's CPU apart.
part_peak() {
	local data alt probe pid r src threads
	data=$(data_dir "$NMAX")
	alt=$(data_dir "$NMAX" "$PEAK_SEED" module)
	probe=$(probe_name "$data")
	mkdir -p "$WORK/peak/feeds"
	peak_version "$data/feed/bench.yaml" peak-start.miss.bench v1 "$WORK/peak/feeds/bench.yaml"
	b_port
	SH_FEEDS_OVERRIDE=$WORK/peak/feeds b_ub_conf peak sinkhole "$B_PORT" "$data"
	b_ub_start peak "$probe" 300
	pid=$UB_PID
	sleep "$SETTLE"
	peak_idle "$pid"
	PEAK_STEADY_KB=$(b_rss "$pid")
	PEAK_START_HWM_KB=$(b_rss "$pid" VmHWM)
	PEAK_SEEN=0
	threads=$(b_task_ticks "$pid" | awk '{ c[$1]++ } END { for (k in c) printf "%s %d\n", k, c[k] }' |
		jq -R 'split(" ") | {(.[0]): (.[1] | tonumber)}' | jq -s 'add')
	b_info "peak: N=$NMAX, steady VmRSS $PEAK_STEADY_KB kB, threads $(jq -c . <<<"$threads")"
	for ((r = 1; r <= PEAK_REPS; r++)); do
		peak_one one_line "$r" "$data/feed/bench.yaml" v1
	done
	for ((r = 1; r <= PEAK_REPS; r++)); do
		src=$alt/feed/bench.yaml
		[ $((r % 2)) -eq 0 ] && src=$data/feed/bench.yaml
		peak_one whole_feed "$r" "$src" "w$r"
	done
	b_ub_stop peak
	jq -s --argjson n "$NMAX" --argjson steady "$PEAK_STEADY_KB" --argjson threads "$threads" \
		--argjson start_hwm "$PEAK_START_HWM_KB" "$JQ_DEFS"'
		def case_summary: {runs: (sort_by(.rep)),
			peak_ratio: (map(.peak_ratio) | spread),
			peak_ratio_vs_before: (map(.peak_ratio_vs_before) | spread),
			peak_minus_steady_mib: (map(.peak_minus_steady_mib) | spread),
			live_ms: (map(.live_ms) | spread),
			reload_event_ms: (map(.reload_event_ms) | spread),
			reload_thread_cpu_s: (map(.reload_thread_cpu_s) | spread),
			resolver_cpu_s: (map(.resolver_cpu_s) | spread),
			log_thread_cpu_s: (map(.log_thread_cpu_s) | spread)};
		{peak: {n: $n, steady_rss_kb: $steady, start_hwm_kb: $start_hwm,
			start_peak_ratio: ($start_hwm / $steady), threads: $threads,
			reload_thread_found: (($threads["sh-reload"] // 0) > 0),
			one_line: (map(select(.case == "one_line")) | case_summary),
			whole_feed: (map(select(.case == "whole_feed")) | case_summary)}}' \
		"$WORK"/peak/run-*.json >"$WORK/res/peak.json"
}

# Merge the parts' results, then print the table and write BENCHMARKS.md.
finish() {
	local out=$WORK/results.json
	jq -s 'add | .machine.loadavg_end = $load | .machine.loadavg_parts = $parts
		| .machine.duration_s = $dur' \
		--arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --argjson dur "$((SECONDS - START_S))" \
		--argjson parts "$(jq -R 'split(" ") | {(.[0]): (.[1:] | join(" "))}' "$WORK/loadavg.txt" | jq -s add)" \
		"$WORK"/res/*.json >"$out"
	python3 "$BENCH_DIR/report.py" "$out" ${MARKDOWN:+--markdown "$MARKDOWN"} --write-json "$out"
	if [ -n "$RESULTS" ]; then
		mkdir -p "$(dirname "$RESULTS")"
		cp "$out" "$RESULTS"
		b_info "results: $RESULTS"
	fi
	[ -n "$MARKDOWN" ] && b_info "table: $MARKDOWN"
	return 0
}

START_S=$SECONDS
find_tools
WORK=$(mktemp -d "${TMPDIR:-/tmp}/unbound-sinkhole-bench.XXXXXX")
mkdir -p "$WORK/res"
trap b_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
b_info "mode $MODE, work dir $WORK"
build
# the root stub: a port nothing listens on, so nothing leaves the loopback
b_port
ROOT_PORT=$B_PORT
for n in $SIZES; do data_dir "$n" >/dev/null; done
if want lookup || want huge; then data_dir "$HUGE_N" "$SEED" module >/dev/null; fi
if want peak; then data_dir "$NMAX" "$PEAK_SEED" module >/dev/null; fi
part_machine
if want lookup; then mark lookup; part_lookup; fi
if want log; then mark log; part_log; fi
if want scale || want huge || want qps || want reload || want peak; then
	b_nsd_start
fi
if want scale; then mark scale; part_scale; mark sinkholed; part_sinkholed; fi
if want huge; then mark huge; part_huge; fi
if want qps; then mark qps; part_qps; fi
if want reload; then mark reload; part_reload; fi
if want peak; then mark peak; part_peak; fi
mark end
finish
