# shellcheck shell=bash disable=SC2016 # jq and zone texts are single-quoted on purpose
# lib.sh - helpers of bench/run.sh: servers on loopback, measurements, JSON.
#
# Sourced by bench/run.sh (which sets WORK, BENCH_DIR, UNBOUND_BIN, NSD,
# SH_MODULE, DNSPERF_OPTS and friends first).  Every server started here
# is recorded in B_PIDS and stopped by b_cleanup, which run.sh installs as
# its EXIT trap.  Everything listens on 127.0.0.1 only, on free ports in
# 15000-32000; Unbound's own outgoing ports stay above 61000, clear of
# them and of the ephemeral ports dnsperf uses.  Every Unbound runs with
# so-reuseport: no, so its 2 threads share one socket and split the load
# evenly: with so-reuseport the kernel hashes dnsperf's few source ports
# onto the threads, and that split (anything from 8:0 to 4:4) varies from
# run to run more than the differences being measured.

B_PIDS=()
CLK_TCK=$(getconf CLK_TCK)

# Print a progress line on stderr.
b_info() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Stop the benchmark with a message.
b_die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# Stop one process: SIGTERM, up to 60 s (a 1M-zone Unbound frees slowly), then SIGKILL.
b_stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	return 0
}

# EXIT trap: stop every server this run started, then remove the work dir.
b_cleanup() {
	local rc=$? pid
	trap - EXIT
	for pid in "${B_PIDS[@]}"; do
		b_stop_pid "$pid"
	done
	if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
		if [ "${KEEP_WORK:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
			b_info "work dir kept: $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

# Forget a stopped pid (so the trap does not wait for it again).
b_untrack() {
	local pid=$1 p keep=()
	for p in "${B_PIDS[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	B_PIDS=("${keep[@]}")
}

# Set B_PORT to a free loopback port not handed out before in this run.
b_port() {
	local p
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$(python3 "$BENCH_DIR/dnsq.py" ports 1) || continue
		case " ${B_PORTS_USED:-} " in *" $p "*) continue ;; esac
		B_PORTS_USED="${B_PORTS_USED:-} $p"
		B_PORT=$p
		return 0
	done
	b_die "no free port found"
}

# Milliseconds since the epoch.
b_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Resident set size of a process in kB (VmRSS), or the peak with b_rss PID VmHWM.
b_rss() { awk -v k="${2:-VmRSS}:" '$1 == k { print $2 }' "/proc/$1/status"; }

# Print the median of the numbers given as arguments.
b_median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "null"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Write a JSON fragment of the results: b_result NAME JQ-FILTER [jq args...].
b_result() {
	local name=$1 filter=$2
	shift 2
	jq -n "$@" "$filter" >"$WORK/res/$name.json" || b_die "cannot write result $name"
}

# ------------------------------------------------------------------
# NSD: the loopback authoritative server of the benign and miss zones
# ------------------------------------------------------------------

# Start NSD serving benign.bench. and miss.bench. (wildcards, TTL 3600,
# response rate limiting off); sets NSD_PORT.
b_nsd_start() {
	local d=$WORK/nsd pid i
	mkdir -p "$d"
	b_port
	NSD_PORT=$B_PORT
	for z in benign miss; do
		cat >"$d/$z.zone" <<EOF
\$ORIGIN $z.bench.
\$TTL 3600
@ SOA ns.$z.bench. hostmaster.$z.bench. 1 3600 600 86400 3600
@ NS ns.$z.bench.
ns A 127.0.0.1
* A 192.0.2.1
EOF
	done
	cat >"$d/nsd.conf" <<EOF
# NSD of the unbound-sinkhole benchmarks
server:
	ip-address: 127.0.0.1@$NSD_PORT
	port: $NSD_PORT
	do-ip6: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$d"
	pidfile: "$d/nsd.pid"
	database: ""
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	logfile: "$d/nsd.log"
	verbosity: 1
	hide-version: yes
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
zone:
	name: "benign.bench."
	zonefile: "benign.zone"
zone:
	name: "miss.bench."
	zonefile: "miss.zone"
EOF
	"$NSD" -d -c "$d/nsd.conf" >"$d/nsd.stderr" 2>&1 &
	pid=$!
	B_PIDS+=("$pid")
	for ((i = 0; i < 100; i++)); do
		[ "$(python3 "$BENCH_DIR/dnsq.py" ask "$NSD_PORT" x.miss.bench 2>/dev/null)" = "NOERROR 1" ] && break
		kill -0 "$pid" 2>/dev/null || b_die "NSD exited: $(cat "$d/nsd.stderr")"
		sleep 0.1
	done
	[ "$i" -lt 100 ] || b_die "NSD did not answer on 127.0.0.1@$NSD_PORT"
	b_info "NSD serving benign.bench. and miss.bench. on 127.0.0.1@$NSD_PORT"
}

# ------------------------------------------------------------------
# Unbound in its four variants
# ------------------------------------------------------------------

# Write $WORK/ub/NAME/unbound.conf (and sinkhole.yaml): b_ub_conf NAME
# VARIANT PORT DATA.  VARIANT: plain (validator iterator), sinkhole (the
# module, feeds from DATA/feed), localzone (DATA/localzone.conf with
# log-local-actions), rpz (DATA/rpz.zone with rpz-log).  DATA "" means an
# empty feed / no local zones / an empty RPZ zone.  Settings other than
# the variant's are the same for all.
b_ub_conf() {
	local name=$1 variant=$2 port=$3 data=$4 d=$WORK/ub/$1 mc feeds zf
	mkdir -p "$d"
	case $variant in
	plain | localzone) mc="validator iterator" ;;
	sinkhole) mc="dynlib validator iterator" ;;
	rpz) mc="respip validator iterator" ;;
	*) b_die "unknown variant $variant" ;;
	esac
	{
		cat <<EOF
# Unbound "$name" ($variant) of the unbound-sinkhole benchmarks
server:
	interface: 127.0.0.1@$port
	port: $port
	access-control: 127.0.0.0/8 allow
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$d"
	pidfile: "$d/unbound.pid"
	logfile: "$d/unbound.log"
	use-syslog: no
	verbosity: 1
	num-threads: $UB_THREADS
	so-reuseport: no
	do-ip6: no
	do-not-query-localhost: no
	outgoing-port-avoid: 0-61000
	module-config: "$mc"
EOF
		if [ "$variant" = localzone ]; then
			printf '\tlog-local-actions: yes\n'
			[ -n "$data" ] && printf '\tinclude: "%s/localzone.conf"\n' "$data"
		fi
		printf 'stub-zone:\n\tname: "."\n\tstub-addr: 127.0.0.1@%s\n' "$ROOT_PORT"
		if [ -n "${NSD_PORT:-}" ]; then
			printf 'stub-zone:\n\tname: "benign.bench."\n\tstub-addr: 127.0.0.1@%s\n' "$NSD_PORT"
			printf 'stub-zone:\n\tname: "miss.bench."\n\tstub-addr: 127.0.0.1@%s\n' "$NSD_PORT"
		fi
		if [ "$variant" = rpz ]; then
			zf=$data/rpz.zone
			if [ -z "$data" ]; then
				zf=$d/empty-rpz.zone
				printf '$ORIGIN rpz.bench.\n@ 3600 SOA localhost. hostmaster.localhost. 1 3600 600 86400 10\n@ 3600 NS localhost.\n' >"$zf"
			fi
			printf 'rpz:\n\tname: "rpz.bench."\n\tzonefile: "%s"\n\trpz-log: yes\n' "$zf"
		fi
		if [ "$variant" = sinkhole ]; then
			printf 'dynlib:\n\tdynlib-file: "%s"\n' "$SH_MODULE"
		fi
	} >"$d/unbound.conf"
	if [ "$variant" = sinkhole ]; then
		feeds=$d/empty-feed
		if [ -n "$data" ]; then
			feeds=$data/feed
		else
			mkdir -p "$feeds"
		fi
		[ -n "${SH_FEEDS_OVERRIDE:-}" ] && feeds=$SH_FEEDS_OVERRIDE
		cat >"$d/sinkhole.yaml" <<EOF
# module configuration of Unbound "$name"
identity: bench-$name
feeds: $feeds
log:
  file: $d/sinkhole.json
  queue_bytes: 4194304
action: sinkhole
status:
  interval: 3600
EOF
		# SH_CONF_EXTRA: more top-level YAML (the 10M feed's limits)
		if [ -n "${SH_CONF_EXTRA:-}" ]; then
			printf '%s\n' "$SH_CONF_EXTRA" >>"$d/sinkhole.yaml"
		fi
	fi
}

# Start Unbound NAME (configured by b_ub_conf) and wait until it answers
# PROBE with a blocked answer (or, for an empty variant, answers
# "localhost" from its built-in local zone): b_ub_start NAME PROBE TIMEOUT.
# Sets UB_PID, UB_LOAD_S (seconds from exec to that first answer).
b_ub_start() {
	local name=$1 probe=$2 timeout=$3 d=$WORK/ub/$1 start port
	port=$(sed -n 's/^\tport: //p' "$d/unbound.conf")
	: >"$d/unbound.log"
	start=$(date +%s%N)
	UNBOUND_SINKHOLE_CONF=$d/sinkhole.yaml "$UNBOUND_BIN" -d -c "$d/unbound.conf" \
		>"$d/unbound.stderr" 2>&1 </dev/null &
	UB_PID=$!
	B_PIDS+=("$UB_PID")
	# shellcheck disable=SC2034 # UB_LOAD_S is read by run.sh
	if ! UB_LOAD_S=$(python3 "$BENCH_DIR/dnsq.py" wait "$port" "$probe" "$timeout" "$start" "$UB_PID"); then
		tail -n 20 "$d/unbound.log" "$d/unbound.stderr" >&2 || true
		b_die "unbound $name did not give a blocked answer for $probe within $timeout s"
	fi
	printf '%s' "$UB_PID" >"$d/pid"
	printf '%s' "$port" >"$d/port"
}

# Stop Unbound NAME.
b_ub_stop() {
	local d=$WORK/ub/$1 pid
	[ -f "$d/pid" ] || return 0
	pid=$(cat "$d/pid")
	b_stop_pid "$pid"
	b_untrack "$pid"
	rm -f "$d/pid"
}

# Print the port of Unbound NAME.
b_ub_port() { cat "$WORK/ub/$1/port"; }

# Print the pid of Unbound NAME.
b_ub_pid() { cat "$WORK/ub/$1/pid"; }

# ------------------------------------------------------------------
# dnsperf
# ------------------------------------------------------------------

# Run dnsperf against a port: b_dnsperf OUT PORT QUERYFILE [dnsperf args...]
# (DNSPERF_OPTS are added); the output is kept in OUT.
b_dnsperf() {
	local out=$1 port=$2 file=$3
	shift 3
	# shellcheck disable=SC2086 # DNSPERF_OPTS is a list of options
	dnsperf -s 127.0.0.1 -p "$port" -d "$file" $DNSPERF_OPTS "$@" >"$out" 2>&1 ||
		b_die "dnsperf failed: $(tail -n 5 "$out")"
}

# Print dnsperf's statistics of an output file as a JSON object.
b_dnsperf_json() {
	awk '
		/Queries sent:/ { sent = $3 }
		/Queries completed:/ { done = $3 }
		/Queries lost:/ { lost = $3 }
		/Queries interrupted:/ { intr = $3 }
		/Run time \(s\):/ { rt = $4 }
		/Queries per second:/ { qps = $4 }
		/Average Latency \(s\):/ { lat = $4; gsub(/,/, "", $6); mn = $6; gsub(/\)/, "", $8); mx = $8 }
		/Response codes:/ { sub(/^ *Response codes: */, ""); rc = $0 }
		END {
			printf "{\"qps\": %s, \"sent\": %s, \"completed\": %s, \"lost\": %s, \"interrupted\": %s, \"run_s\": %s, \"avg_latency_ms\": %s, \"max_latency_ms\": %s, \"rcodes\": \"%s\"}\n",
				qps + 0, sent + 0, done + 0, lost + 0, intr + 0, rt + 0, lat * 1000, mx * 1000, rc
		}' "$1"
}

# Print the CPU time (user + system) a process has used, in clock ticks.
b_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Print "COMM TICKS" (user + system, fields 14 and 15 of its stat) for
# every thread of a process.
b_task_ticks() {
	local t comm
	for t in "/proc/$1/task/"*; do
		comm=$(cat "$t/comm" 2>/dev/null) || continue
		# the fields after "pid (comm) ": field 3 (state) becomes $1
		awk -v c="$comm" '{ sub(/^.*\) /, ""); print c, $12 + $13 }' "$t/stat" 2>/dev/null || true
	done
}

# Print the CPU ticks of a process's threads in three groups: "RESOLVER
# LOG RELOAD", where LOG is the module's log writer (thread sh-log),
# RELOAD its reload thread (sh-reload) and RESOLVER every other thread
# (Unbound's own).  Threads that ended are not counted.
b_cpu_split() {
	b_task_ticks "$1" | awk '
		$1 == "sh-reload" { r += $2; next }
		$1 == "sh-log" { l += $2; next }
		{ o += $2 }
		END { print o + 0, l + 0, r + 0 }'
}

# dnsperf against Unbound NAME, with the CPU time Unbound used meanwhile:
# b_perf OUT NAME QUERYFILE [dnsperf args...].  Writes OUT (dnsperf's
# output) and OUT.json (b_dnsperf_json plus cpu_s and cpu_us_per_query
# of the whole process, and the same split by thread (b_cpu_split):
# resolver_cpu_s and resolver_cpu_us_per_query for Unbound's threads,
# log_thread_cpu_s and reload_thread_cpu_s for the module's).
b_perf() {
	local out=$1 name=$2 file=$3 pid c0 c1 s0 s1
	shift 3
	pid=$(b_ub_pid "$name")
	c0=$(b_cpu_ticks "$pid")
	s0=$(b_cpu_split "$pid")
	b_dnsperf "$out" "$(b_ub_port "$name")" "$file" "$@"
	c1=$(b_cpu_ticks "$pid")
	s1=$(b_cpu_split "$pid")
	b_dnsperf_json "$out" | jq --argjson t "$((c1 - c0))" --argjson hz "$CLK_TCK" \
		--argjson s0 "[${s0// /,}]" --argjson s1 "[${s1// /,}]" '
		def perq(t): if .completed > 0 then t / $hz * 1e6 / .completed else null end;
		. + {cpu_s: ($t / $hz), cpu_us_per_query: perq($t),
			resolver_cpu_s: (($s1[0] - $s0[0]) / $hz),
			resolver_cpu_us_per_query: perq($s1[0] - $s0[0]),
			log_thread_cpu_s: (($s1[1] - $s0[1]) / $hz),
			reload_thread_cpu_s: (($s1[2] - $s0[2]) / $hz)}' >"$out.json"
}

# Print the 99th percentile latency in ms of a dnsperf -v output file.
b_dnsperf_p99() {
	awk '/^> / { print $NF }' "$1" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "null"; exit }
		i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f\n", v[i] * 1000 }'
}
