# lib.sh - shared harness of the unbound-sinkhole integration tests.
#
# Sourced by every tests/integration/*.test script.  It provides:
#   - result helpers (info, pass, fail, die, finish) that say what was
#     expected and what came;
#   - a private temp dir per test and a trap that stops every process the
#     test started;
#   - real upstream servers on loopback: NSD instances ("benign" serving
#     benign.test., "adversary" serving the 3CX C2 zones and evil.test.)
#     and a "canary" that stands in for the root servers, answers REFUSED
#     and records every query it receives;
#   - an Unbound built from the tree given to configure (UNBOUND_BIN),
#     loading the sinkhole module (SH_MODULE), reaching the NSD instances
#     through stub-zones only, so nothing but 127.0.0.1 is ever asked;
#   - dig and log helpers (the module's log is asserted with jq, never with
#     a bare grep that an empty file would satisfy).
#
# Environment (exported by Makefile.am's TESTS_ENVIRONMENT; when a test is
# run by hand they are derived from the build tree):
#   top_srcdir top_builddir UNBOUND_BIN SH_MODULE SINKHOLECTL NSD DIG VALGRIND
# SINKHOLE_TEST_KEEP=1 keeps the temp dir even when the test passes.
#
# Servers listen on 127.0.0.1 (and ::1 for Unbound) on free high ports in
# 15000-32000; Unbound's own outgoing ports are kept above 61000, clear of
# them and of the kernel's ephemeral range the clients use.

set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ZONES_DIR=$LIB_DIR/zones
: "${top_srcdir:=$(cd "$LIB_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

# Read a variable from the configured Makefile when it is not exported
# (running a test by hand instead of through make check).
_make_var() {
	[ -f "$top_builddir/Makefile" ] || return 0
	sed -n "s/^$1 = //p" "$top_builddir/Makefile" | head -n 1
}
: "${UNBOUND_BIN:=$(_make_var UNBOUND_BIN)}"
: "${UNBOUND_SRC:=$(_make_var UNBOUND_SRC)}"
: "${SH_MODULE:=$top_builddir/.libs/sinkhole.so}"
: "${SINKHOLECTL:=$top_builddir/tools/sinkholectl}"
: "${NSD:=$(_make_var NSD)}"
: "${NSD:=$(PATH=$PATH:/usr/sbin:/sbin command -v nsd || true)}"
: "${DIG:=$(_make_var DIG)}"
: "${DIG:=$(command -v dig || true)}"
: "${VALGRIND:=$(_make_var VALGRIND)}"
: "${VALGRIND:=$(command -v valgrind || true)}"
NSD_CONTROL=$(dirname "${NSD:-/usr/sbin/nsd}")/nsd-control
[ -x "$NSD_CONTROL" ] || NSD_CONTROL=$(PATH=$PATH:/usr/sbin:/sbin command -v nsd-control || echo nsd-control)

# The addresses only the adversary hands out: a sinkholed name must never
# produce any of them.
ADV_A=198.51.100.66
ADV_AAAA=2001:db8:bad::66
ADV_TXT=adversary
# The 3CX feed shipped in zones/, and its id.
FEED_3CX=$top_srcdir/zones/3cx.yaml
FEED_3CX_ID=3cx-supply-chain-2023
# Sinkhole TTL written by write_sinkhole_conf (tests may change it first).
SH_TTL=${SH_TTL:-10}

TEST_NAME=$(basename "$0" .test)
FAILURES=0
CHECKS=0
PIDS=()
PORTS_USED=()
STUBS=()
T=

# ------------------------------------------------------------------
# Results
# ------------------------------------------------------------------

# Print an informational line.
info() { printf '# %s\n' "$*"; }

# Record a passed check.
pass() { CHECKS=$((CHECKS + 1)); printf 'ok: %s\n' "$*"; }

# Record a failed check and go on (the test fails at finish).
fail() {
	CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1))
	printf 'FAIL: %s\n' "$*"
}

# Fail the test at once (setup could not be done).
die() {
	FAILURES=$((FAILURES + 1))
	printf 'FAIL: %s\n' "$*"
	exit 1
}

# Skip the whole test: only for an environment where it cannot possibly
# run.  Missing tools that bootstrap installs are failures, not skips.
skip_test() { printf 'SKIP: %s\n' "$*"; SKIPPED=1; exit 77; }

# Compare two strings; pass or fail with both shown.
check_eq() {
	local what=$1 expected=$2 got=$3
	if [ "$expected" = "$got" ]; then
		pass "$what: $got"
	else
		fail "$what: expected [$expected], got [$got]"
	fi
}

# End the test: exit 0 when every check passed, 1 otherwise.
finish() {
	if [ "$FAILURES" -gt 0 ]; then
		printf '%s: %d of %d checks failed\n' "$TEST_NAME" "$FAILURES" "$CHECKS"
		exit 1
	fi
	if [ "$CHECKS" -eq 0 ]; then
		printf '%s: no check ran\n' "$TEST_NAME"
		exit 1
	fi
	printf '%s: all %d checks passed\n' "$TEST_NAME" "$CHECKS"
	exit 0
}

# ------------------------------------------------------------------
# Setup and cleanup
# ------------------------------------------------------------------

# Fail unless an executable exists (tools that bootstrap installs).
need_exec() {
	local what=$1 path=${2:-}
	[ -n "$path" ] && [ -x "$path" ] ||
		die "$what not found (got '${path}'): run tools/bootstrap.sh build, or configure with --with-unbound-src"
}

# Fail unless a command is on PATH.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die "required command '$c' is not installed (tools/bootstrap.sh deps installs it)"
	done
}

# Create the test's temp dir and install the cleanup trap.
t_init() {
	need_cmd python3 jq
	need_exec dig "$DIG"
	T=$(mktemp -d "${TMPDIR:-/tmp}/sinkhole-$TEST_NAME.XXXXXX") || die "mktemp failed"
	SKIPPED=0
	trap t_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	HAVE_IPV6=0
	python3 -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null && HAVE_IPV6=1
	info "test $TEST_NAME, temp dir $T"
}

# Stop one process: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# EXIT trap: stop every process started, show logs on failure, remove
# the temp dir unless the test failed or SINKHOLE_TEST_KEEP is set.
t_cleanup() {
	local rc=$? pid f
	trap - EXIT
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$T" ] && [ -d "$T" ]; then
		for f in "$T"/unbound.log "$T"/unbound.stderr "$T"/valgrind.log; do
			[ -s "$f" ] || continue
			printf -- '--- last lines of %s ---\n' "$f"
			tail -n 30 "$f"
		done
		printf 'temp dir kept: %s\n' "$T"
	elif [ -n "$T" ] && [ -d "$T" ] && [ "${SINKHOLE_TEST_KEEP:-0}" != 1 ]; then
		rm -rf "$T"
	fi
	exit "$rc"
}

# Set FREE_PORT to a free port in 15000-32000 (TCP and UDP, 127.0.0.1
# and ::1), never one handed out before in this test.  Call it directly,
# not in $(...), so the list of ports handed out is kept.
free_port() {
	local p
	p=$(python3 - "${PORTS_USED[@]}" <<'EOF'
import random, socket, sys
avoid = {int(a) for a in sys.argv[1:]}
fams = [(socket.AF_INET, "127.0.0.1")]
try:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); s.close()
    fams.append((socket.AF_INET6, "::1"))
except OSError:
    pass
for _ in range(500):
    p = random.randint(15000, 32000)
    if p in avoid:
        continue
    socks = []
    try:
        for fam, addr in fams:
            for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(fam, typ)
                socks.append(s)
                s.bind((addr, p))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(p)
    sys.exit(0)
sys.exit(1)
EOF
	) || die "no free loopback port found"
	PORTS_USED+=("$p")
	FREE_PORT=$p
}

# Poll a command until it succeeds: wait_until TIMEOUT_S CMD...
wait_until() {
	local timeout=$1 end
	shift
	end=$(($(date +%s%N) / 1000000 + timeout * 1000))
	while ! "$@"; do
		[ $(($(date +%s%N) / 1000000)) -ge "$end" ] && return 1
		sleep 0.05
	done
	return 0
}

# ------------------------------------------------------------------
# Upstream servers
# ------------------------------------------------------------------

# The domains of the shipped 3CX feed, one per line (read from the file,
# so the tests follow the feed).
c2_domains() {
	sed -n 's/^  - domain: *\([^ #]*\).*/\1/p' "$FEED_3CX"
}

# Start an NSD instance: start_nsd NAME ZONE:FILE...  FILE is in
# tests/integration/zones, or an absolute path.  Sets NSD_PORT_<NAME>;
# its zones become stub-zones of the Unbound started later.
# NSD_ZONE_EXTRA: more lines for every zone: clause (e.g. provide-xfr).
start_nsd() {
	local name=$1 port conf spec zone file
	shift
	need_exec nsd "$NSD"
	need_exec nsd-control "$NSD_CONTROL"
	free_port
	port=$FREE_PORT
	conf=$T/nsd-$name.conf
	mkdir -p "$T/nsd-$name"
	cat >"$conf" <<EOF
# NSD instance "$name" of $TEST_NAME
server:
	ip-address: 127.0.0.1@$port
	port: $port
	do-ip6: no
	reuseport: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$ZONES_DIR"
	pidfile: "$T/nsd-$name/nsd.pid"
	database: ""
	zonelistfile: "$T/nsd-$name/zone.list"
	xfrdfile: "$T/nsd-$name/xfrd.state"
	xfrdir: "$T/nsd-$name"
	logfile: "$T/nsd-$name.log"
	verbosity: 1
	hide-version: yes
remote-control:
	control-enable: yes
	control-interface: "$T/nsd-$name.sock"
EOF
	for spec in "$@"; do
		zone=${spec%%:*}
		file=${spec#*:}
		case $file in
		/*) [ -f "$file" ] || die "zone file $file missing" ;;
		*) [ -f "$ZONES_DIR/$file" ] || die "zone file $ZONES_DIR/$file missing" ;;
		esac
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$zone" "$file" >>"$conf"
		[ -n "${NSD_ZONE_EXTRA:-}" ] && printf '\t%s\n' "$NSD_ZONE_EXTRA" >>"$conf"
		STUBS+=("$zone $port")
	done
	printf -v "NSD_PORT_$name" '%s' "$port"
	nsd_launch "$name" "$conf" "127.0.0.1@$port" $#
}

# Start NSD NAME from its written CONF and wait until it answers its
# control socket and has loaded all NZONES zones; WHERE names its
# address in messages.
nsd_launch() {
	local name=$1 conf=$2 where=$3 nzones=$4 pid
	"$NSD" -d -c "$conf" >"$T/nsd-$name.stderr" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	printf -v "NSD_PID_$name" '%s' "$pid"
	if ! wait_until 15 _nsd_ready "$name" "$pid"; then
		cat "$T/nsd-$name.stderr" "$T/nsd-$name.log" 2>/dev/null | tail -n 20
		die "NSD '$name' did not come up on $where within 15 s"
	fi
	# Every configured zone must be loaded, or the answers would lie.
	if ! wait_until 15 _nsd_zones_loaded "$name" "$nzones"; then
		tail -n 20 "$T/nsd-$name.log"
		die "NSD '$name': $nzones zones configured, $(grep -c 'read with success' "$T/nsd-$name.log") loaded"
	fi
	info "NSD '$name' serving $nzones zone(s) on $where"
}

# True when NSD NAME (pid PID) answers its control socket.
_nsd_ready() {
	kill -0 "$2" 2>/dev/null || return 2
	"$NSD_CONTROL" -c "$T/nsd-$1.conf" status >/dev/null 2>&1
}

# True when NSD NAME has logged N zones read with success.
_nsd_zones_loaded() {
	[ "$(grep -c 'info: zone .* read with success' "$T/nsd-$1.log" 2>/dev/null)" -ge "$2" ]
}

# Print the number of queries NSD NAME has received since it started.
nsd_queries() {
	local n
	n=$("$NSD_CONTROL" -c "$T/nsd-$1.conf" stats_noreset 2>/dev/null | sed -n 's/^num\.queries=//p')
	[ -n "$n" ] || die "could not read num.queries from NSD '$1' (nsd-control stats_noreset)"
	echo "$n"
}

# Start the canary: a stand-in for the root servers on 127.0.0.1 that
# answers every query REFUSED and appends "transport qname qtype" to
# $T/canary.log, so nothing outside the loopback zones is ever a target
# and every query that escaped the stubs is on record.
start_canary() {
	local pid
	free_port
	CANARY_PORT=$FREE_PORT
	: >"$T/canary.log"
	cat >"$T/canary.py" <<'EOF'
import select, socket, struct, sys
port, logname, readyname = int(sys.argv[1]), sys.argv[2], sys.argv[3]
log = open(logname, "a", buffering=1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", port))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port))
t.listen(64)
open(readyname, "w").close()

def question(msg):
    pos, labels = 12, []
    while pos < len(msg) and msg[pos] != 0 and len(labels) < 128:
        n = msg[pos]
        lab = msg[pos + 1:pos + 1 + n]
        labels.append("".join(chr(b) if 0x21 <= b <= 0x7e and b not in b'.\\' else "\\%03d" % b for b in lab))
        pos += 1 + n
    qtype = struct.unpack("!H", msg[pos + 1:pos + 3])[0] if pos + 3 <= len(msg) else 0
    return (".".join(labels) or ".", qtype, pos + 5)

def refused(msg):
    if len(msg) < 12:
        return None
    name, qtype, end = question(msg)
    flags = struct.unpack("!H", msg[2:4])[0]
    flags = 0x8000 | (flags & 0x7900) | 5        # QR, opcode, RD; REFUSED
    return msg[0:2] + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + msg[12:end]

while True:
    r, _, _ = select.select([u, t], [], [])
    if u in r:
        msg, addr = u.recvfrom(65535)
        if len(msg) >= 12:
            name, qtype, _ = question(msg)
            log.write("udp %s %d\n" % (name, qtype))
            u.sendto(refused(msg), addr)
    if t in r:
        c, _ = t.accept()
        c.settimeout(2)
        try:
            ln = c.recv(2, socket.MSG_WAITALL)
            msg = c.recv(struct.unpack("!H", ln)[0], socket.MSG_WAITALL)
            if len(msg) >= 12:
                name, qtype, _ = question(msg)
                log.write("tcp %s %d\n" % (name, qtype))
                out = refused(msg)
                c.sendall(struct.pack("!H", len(out)) + out)
        except Exception:
            pass
        c.close()
EOF
	python3 "$T/canary.py" "$CANARY_PORT" "$T/canary.log" "$T/canary.ready" >"$T/canary.stderr" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	wait_until 10 test -e "$T/canary.ready" ||
		die "canary did not start on 127.0.0.1@$CANARY_PORT: $(cat "$T/canary.stderr")"
	info "canary (stand-in root) on 127.0.0.1@$CANARY_PORT"
}

# Print how many queries reached the canary.
canary_queries() { wc -l <"$T/canary.log" | tr -d ' '; }

# Start both NSD instances of the standard test world:
#   benign:    benign.test., notakamaicontainer.com. (a lookalike)
#   adversary: every 3CX C2 domain and evil.test.
start_world() {
	local d specs=()
	start_nsd benign benign.test:benign.test.zone notakamaicontainer.com:lookalike.zone
	while read -r d; do
		specs+=("$d:adversary.zone")
	done < <(c2_domains)
	[ "${#specs[@]}" -eq 22 ] || die "expected 22 domains in $FEED_3CX, found ${#specs[@]}"
	specs+=("evil.test:adversary.zone")
	start_nsd adversary "${specs[@]}"
	BENIGN_PORT=$NSD_PORT_benign
	ADV_PORT=$NSD_PORT_adversary
}

# ------------------------------------------------------------------
# The module's configuration and feeds
# ------------------------------------------------------------------

# Make $T/feeds holding a copy of the shipped 3CX feed; sets FEED_DIR.
make_feed_dir() {
	FEED_DIR=$T/feeds
	mkdir -p "$FEED_DIR"
	cp "$FEED_3CX" "$FEED_DIR/3cx.yaml"
}

# Write the module configuration $T/sinkhole.yaml:
# write_sinkhole_conf FEED_DIR [EXTRA_YAML].  Sets SINKHOLE_CONF and
# SINKHOLE_LOG ($T/sinkhole.json).
write_sinkhole_conf() {
	local feeds=$1 extra=${2:-}
	SINKHOLE_CONF=$T/sinkhole.yaml
	SINKHOLE_LOG=$T/sinkhole.json
	cat >"$SINKHOLE_CONF" <<EOF
# module configuration of $TEST_NAME
identity: test-resolver
feeds: $feeds
log:
  file: $SINKHOLE_LOG
  queue_bytes: 4194304
action: sinkhole
sinkhole: { ipv4: 0.0.0.0, ipv6: "::", ttl: $SH_TTL }
soa: { mname: sinkhole.invalid., rname: hostmaster.sinkhole.invalid. }
ede: true
$extra
EOF
}

# ------------------------------------------------------------------
# Unbound
# ------------------------------------------------------------------

# Write $T/unbound.conf.  Knobs (set before calling):
#   UB_MODULE_CONFIG (default "dynlib validator iterator"),
#   UB_THREADS (1), UB_REUSEPORT (no), UB_ACL (allow; allow_snoop lets
#   queries without RD through to the modules), UB_EXTRA (more server:
#   lines).
# Every zone of the NSD instances becomes a stub-zone; "." goes to the
# canary, so no query can leave the loopback.
write_unbound_conf() {
	local s zone port
	[ -n "${UB_PORT:-}" ] || { free_port; UB_PORT=$FREE_PORT; }
	[ -n "${CANARY_PORT:-}" ] || start_canary
	UB_CONF=$T/unbound.conf
	{
		cat <<EOF
# Unbound of $TEST_NAME: loopback only, upstreams are the test's NSDs.
server:
	interface: 127.0.0.1@$UB_PORT
EOF
		[ "$HAVE_IPV6" = 1 ] && printf '\tinterface: ::1@%s\n' "$UB_PORT"
		cat <<EOF
	port: $UB_PORT
	access-control: 127.0.0.0/8 ${UB_ACL:-allow}
	access-control: ::1 ${UB_ACL:-allow}
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$T"
	pidfile: "$T/unbound.pid"
	logfile: "$T/unbound.log"
	use-syslog: no
	verbosity: 1
	num-threads: ${UB_THREADS:-1}
	so-reuseport: ${UB_REUSEPORT:-no}
	do-not-query-localhost: no
	outgoing-port-avoid: 0-61000
	do-ip6: yes
	local-zone: "test." nodefault
	module-config: "${UB_MODULE_CONFIG:-dynlib validator iterator}"
${UB_EXTRA:-}
EOF
		case " ${UB_MODULE_CONFIG:-dynlib} " in
		*dynlib*) printf 'dynlib:\n\tdynlib-file: "%s"\n' "$SH_MODULE" ;;
		esac
		printf 'stub-zone:\n\tname: "."\n\tstub-addr: 127.0.0.1@%s\n' "$CANARY_PORT"
		for s in "${STUBS[@]}"; do
			zone=${s% *}
			port=${s#* }
			printf 'stub-zone:\n\tname: "%s."\n\tstub-addr: 127.0.0.1@%s\n' "$zone" "$port"
		done
	} >"$UB_CONF"
}

# True when Unbound answers a CH TXT query (answered by Unbound itself,
# so it never reaches the module or an upstream).
_unbound_ready() {
	kill -0 "$UB_PID" 2>/dev/null || return 2
	"$DIG" @127.0.0.1 -p "$UB_PORT" +tries=1 +time=1 +short version.server CH TXT 2>/dev/null | grep -q '^"'
}

# Launch Unbound in the background with $UB_CONF (writing it first if
# needed) and UNBOUND_SINKHOLE_CONF=$SINKHOLE_CONF: launch_unbound
# [WRAPPER...] (e.g. valgrind and its options).  Sets UB_PID.
launch_unbound() {
	need_exec unbound "$UNBOUND_BIN"
	[ -n "${UB_CONF:-}" ] && [ -f "$UB_CONF" ] || write_unbound_conf
	: >"$T/unbound.log"
	UNBOUND_SINKHOLE_CONF=${SINKHOLE_CONF:-} "$@" "$UNBOUND_BIN" -d -c "$UB_CONF" \
		>"$T/unbound.stderr" 2>&1 </dev/null &
	UB_PID=$!
	PIDS+=("$UB_PID")
}

# Start Unbound and wait until it answers: start_unbound [WRAPPER...].
# UB_START_TIMEOUT (seconds, default 20).  Dies when it does not come up.
start_unbound() {
	need_exec "sinkhole module" "$SH_MODULE"
	[ -f "${SINKHOLE_CONF:-}" ] || die "start_unbound: write_sinkhole_conf first"
	launch_unbound "$@"
	if ! wait_until "${UB_START_TIMEOUT:-20}" _unbound_ready; then
		if kill -0 "$UB_PID" 2>/dev/null; then
			die "unbound (pid $UB_PID) did not answer on 127.0.0.1@$UB_PORT within ${UB_START_TIMEOUT:-20} s"
		fi
		wait "$UB_PID"
		die "unbound exited with status $? at startup (expected it to run); see its log below"
	fi
	info "unbound (pid $UB_PID) answering on 127.0.0.1@$UB_PORT with module-config \"${UB_MODULE_CONFIG:-dynlib validator iterator}\""
}

# Stop Unbound with SIGTERM and wait (UB_STOP_TIMEOUT s, default 20);
# sets UB_EXIT to its exit status (or "timeout" after a SIGKILL).
stop_unbound() {
	local i
	UB_EXIT=
	kill -TERM "$UB_PID" 2>/dev/null
	for ((i = 0; i < ${UB_STOP_TIMEOUT:-20} * 10; i++)); do
		kill -0 "$UB_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$UB_PID" 2>/dev/null; then
		kill -KILL "$UB_PID"
		wait "$UB_PID" 2>/dev/null
		UB_EXIT=timeout
		return 1
	fi
	wait "$UB_PID"
	UB_EXIT=$?
	return 0
}

# True when Unbound is still running.
unbound_alive() { kill -0 "$UB_PID" 2>/dev/null; }

# ------------------------------------------------------------------
# dig
# ------------------------------------------------------------------

# Ask the resolver: q OUTFILE DIG-ARGS...  (UDP, one try, 3 s timeout;
# pass +tcp, +noedns, -b ..., @::1 to change it).  Returns dig's status.
q() {
	local out=$1
	shift
	"$DIG" @127.0.0.1 -p "$UB_PORT" +tries=1 +time=3 "$@" >"$out" 2>&1
}

# Print the rcode ("NOERROR", "NXDOMAIN", ...) of a dig output file.
dig_rcode() { sed -n 's/.*->>HEADER<<- .*status: \([A-Z0-9]*\),.*/\1/p' "$1" | head -n 1; }

# Print the message id of a dig output file.
dig_id() { sed -n 's/.*->>HEADER<<- .*, id: \([0-9]*\).*/\1/p' "$1" | head -n 1; }

# Print the header flags of a dig output file, sorted ("aa qr ra rd").
dig_flags() {
	sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' "$1" | head -n 1 | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# Print the records of one section (ANSWER, AUTHORITY, ADDITIONAL) of a
# dig output file, fields separated by single spaces.
dig_section() {
	awk -v want="$2" '
		/^;; [A-Z]+ SECTION:$/ { sec = $2; next }
		/^$/ { sec = ""; next }
		/^;/ { next }
		sec == want { $1 = $1; print }
	' "$1"
}

# Print the EDE line of a dig output file without "; EDE: ", or nothing.
dig_ede() { sed -n 's/^; EDE: //p' "$1"; }

# True when the dig output shows an OPT pseudo-section.
dig_has_opt() { grep -q '^;; OPT PSEUDOSECTION:' "$1"; }

# True when dig got a reply at all.
dig_got_reply() { grep -q '^;; ->>HEADER<<-' "$1"; }

# Assert everything about a blocked answer:
#   check_blocked FILE QNAME QTYPE ACTION INDICATOR FEED_ID EDNS(yes|no) RD(yes|no)
# The rules: sinkhole answers A with $SINKHOLE_A, AAAA with ::, ANY like
# A, every other type NODATA; nxdomain/nodata carry the SOA owned by the
# indicator; refuse is a bare REFUSED.  Flags qr aa ra (+rd when asked),
# (no aa for refuse), never ad; EDE 15 iff the query had EDNS; TTLs equal $SH_TTL; nothing
# from the adversary and no DNSSEC records.
check_blocked() {
	local f=$1 qname=$2 qtype=$3 action=$4 ind=$5 feed=$6 edns=$7 rd=$8
	local what="$qname $qtype (${action}, $(grep -q '^;; SERVER:.*(TCP)' "$f" && echo tcp || echo udp), edns=$edns, rd=$rd)"
	local rcode flags an au ad ede exp_an="" exp_flags ok=1 soa
	local lc_qname
	lc_qname=$(printf '%s' "$qname" | tr 'A-Z' 'a-z')
	if ! dig_got_reply "$f"; then
		fail "$what: no reply: $(tail -n 3 "$f" | tr '\n' ' ')"
		return
	fi
	rcode=$(dig_rcode "$f")
	flags=$(dig_flags "$f")
	an=$(dig_section "$f" ANSWER)
	au=$(dig_section "$f" AUTHORITY)
	ad=$(dig_section "$f" ADDITIONAL)
	ede=$(dig_ede "$f")
	case $action in
	sinkhole | nodata) exp_rcode=NOERROR ;;
	nxdomain) exp_rcode=NXDOMAIN ;;
	refuse) exp_rcode=REFUSED ;;
	*) die "check_blocked: unknown action $action" ;;
	esac
	if [ "$action" = sinkhole ]; then
		case $qtype in
		A | ANY) exp_an="$lc_qname. $SH_TTL IN A 0.0.0.0" ;;
		AAAA) exp_an="$lc_qname. $SH_TTL IN AAAA ::" ;;
		esac
	fi
	# AA as an authoritative answer for the blocked zone, except REFUSED
	# (README "Actions"); RD as the client sent it.
	exp_flags="aa qr ra"
	[ "$action" = refuse ] && exp_flags="qr ra"
	[ "$rd" = yes ] && exp_flags="$exp_flags rd"
	# Record one failed aspect of this answer.
	_cb() { ok=0; fail "$what: $*"; }
	[ "$rcode" = "$exp_rcode" ] || _cb "rcode: expected $exp_rcode, got ${rcode:-none}"
	[ "$flags" = "$exp_flags" ] || _cb "header flags: expected [$exp_flags], got [$flags]"
	# owner names compared without case (dig shows them as received)
	[ "$(printf '%s' "$an" | tr 'A-Z' 'a-z')" = "$(printf '%s' "$exp_an" | tr 'A-Z' 'a-z')" ] ||
		_cb "answer section: expected [${exp_an:-empty}], got [${an:-empty}]"
	if [ -n "$exp_an" ] || [ "$action" = refuse ]; then
		[ -z "$au" ] || _cb "authority section: expected empty, got [$au]"
	else
		soa="$ind. $SH_TTL IN SOA sinkhole.invalid. hostmaster.sinkhole.invalid."
		if ! printf '%s\n' "$au" | tr 'A-Z' 'a-z' |
			grep -qx "$(printf '%s' "$soa" | tr 'A-Z' 'a-z' | sed 's/[.]/\\./g') [0-9][0-9]* 3600 600 86400 $SH_TTL" ||
			[ "$(printf '%s\n' "$au" | sed '/^$/d' | wc -l)" -ne 1 ]; then
			_cb "authority section: expected exactly [$soa <serial> 3600 600 86400 $SH_TTL], got [${au:-empty}]"
		fi
	fi
	[ -z "$ad" ] || _cb "additional section: expected no records, got [$ad]"
	if [ "$edns" = yes ]; then
		dig_has_opt "$f" || _cb "expected an OPT record (the query had EDNS), got none"
		[ "$ede" = "15 (Blocked): (blocked by unbound-sinkhole feed $feed)" ] ||
			_cb "EDE: expected [15 (Blocked): (blocked by unbound-sinkhole feed $feed)], got [${ede:-none}]"
	else
		! dig_has_opt "$f" || _cb "expected no OPT record (query without EDNS), got one"
		[ -z "$ede" ] || _cb "expected no EDE without EDNS, got [$ede]"
	fi
	if grep -Eq "RRSIG|NSEC|DNSKEY|[[:space:]]DS[[:space:]]" <(dig_section "$f" ANSWER; dig_section "$f" AUTHORITY); then
		_cb "DNSSEC records in a sinkhole answer: $(dig_section "$f" AUTHORITY)"
	fi
	if grep -Fq -e "$ADV_A" -e "$ADV_AAAA" -e "\"$ADV_TXT\"" "$f"; then
		_cb "the ADVERSARY's data reached the client: $(grep -F -e "$ADV_A" -e "$ADV_AAAA" -e "$ADV_TXT" "$f" | head -n 2)"
	fi
	if [ "$ok" = 1 ]; then
		pass "$what -> $rcode [$flags] ${exp_an:-${au:-no records}}"
	else
		sed 's/^/    | /' "$f"
	fi
}

# ------------------------------------------------------------------
# The module's log
# ------------------------------------------------------------------

# Print the number of lines in a log file (0 when it does not exist).
log_count() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# Print the total number of lines in the given files.
lines_total() {
	local f n=0
	for f in "$@"; do n=$((n + $(log_count "$f"))); done
	echo "$n"
}

# Wait until the files together hold N lines (up to TIMEOUT s), then keep
# watching 1.5 s more so late extra lines are seen too (the writer
# flushes within about 1 s): wait_for_lines_total N TIMEOUT FILE...
# Returns 0 iff the total is exactly N; prints it.
wait_for_lines_total() {
	local n=$1 timeout=$2 c end
	shift 2
	end=$(($(date +%s%N) / 1000000 + timeout * 1000))
	while c=$(lines_total "$@"); [ "$c" -lt "$n" ]; do
		[ $(($(date +%s%N) / 1000000)) -ge "$end" ] && break
		sleep 0.05
	done
	end=$(($(date +%s%N) / 1000000 + 1500))
	while [ $(($(date +%s%N) / 1000000)) -lt "$end" ]; do
		c=$(lines_total "$@")
		[ "$c" -gt "$n" ] && break
		sleep 0.1
	done
	c=$(lines_total "$@")
	echo "$c"
	[ "$c" -eq "$n" ]
}

# Wait until FILE holds exactly N lines: wait_for_log_lines N FILE
# [TIMEOUT s, default 5].  As wait_for_lines_total.
wait_for_log_lines() { wait_for_lines_total "$1" "${3:-5}" "$2"; }

# Check that a file is valid JSON lines: every line one JSON object,
# the file ends with a newline.  Prints the problems; returns 0 if none.
log_valid_json() {
	[ -f "$1" ] || { echo "$1: no such file"; return 1; }
	python3 - "$1" <<'EOF'
import json, sys
data = open(sys.argv[1], "rb").read()
bad = 0
if data and not data.endswith(b"\n"):
    print("%s: last line not terminated by a newline" % sys.argv[1]); bad += 1
for i, line in enumerate(data.split(b"\n")[:-1] if data else [], 1):
    try:
        obj = json.loads(line.decode("utf-8"))
        if not isinstance(obj, dict):
            raise ValueError("not an object")
    except Exception as e:
        print("%s:%d: not a JSON object (%s): %r" % (sys.argv[1], i, e, line[:200])); bad += 1
sys.exit(1 if bad else 0)
EOF
}

# Print line N (1-based) of a log file.
log_line() { sed -n "${2}p" "$1"; }

# ------------------------------------------------------------------
# Live reloads: the log, answers, timing (reload.test, formats.test).
# They read the event log at $LOG.
# ------------------------------------------------------------------

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# jq over the log, one compact result per line; a line being written at
# this moment (no newline yet) is skipped, not an error: jqlog FILTER.
jqlog() { [ -f "$LOG" ] && jq -R -c "fromjson? | $1" "$LOG" 2>/dev/null; }

# Print how many log lines satisfy a jq condition: count_where COND.
count_where() { jqlog "select($1)" | wc -l; }

# Print the highest generation of any reload line (0 when none).
last_gen() {
	local g
	g=$(jqlog 'select(.event.action == "reload") | .unbound_sinkhole.generation' | sort -n | tail -n 1)
	echo "${g:-0}"
}

# True when a reload line with a generation above GEN is in the log.
_reload_after() { [ "$(last_gen)" -gt "$1" ]; }

# Wait up to TIMEOUT s for a reload line newer than GEN: wait_reload GEN TIMEOUT.
wait_reload() { wait_until "$2" _reload_after "$1"; }

# True when at least N log lines satisfy COND.
_count_ge() { [ "$(count_where "$2")" -ge "$1" ]; }

# Wait (up to 5 s) until N lines satisfy COND, then 1.2 s more so a late
# extra line is seen too (the writer flushes within ~1 s); print the
# count: wait_count N COND.
wait_count() {
	wait_until 5 _count_ge "$1" "$2"
	sleep 1.2
	count_where "$2"
}

# Classify the A answer for a name: prints "sinkhole" (0.0.0.0 with the
# EDE), "adversary" (the adversary's address), or "other: ..." with the
# rcode and answer; the dig output stays in $T/kind.dig.
answer_kind() {
	local a
	q "$T/kind.dig" "$1" A
	a=$(dig_section "$T/kind.dig" ANSWER | awk '$4 == "A" { print $5 }' | tr '\n' ' ' | sed 's/ $//')
	if [ "$a" = 0.0.0.0 ] && dig_ede "$T/kind.dig" | grep -q '^15 (Blocked)'; then
		echo sinkhole
	elif [ "$a" = "$ADV_A" ]; then
		echo adversary
	else
		echo "other: $(dig_rcode "$T/kind.dig") [$a]"
	fi
}

# True when NAME's A answer is of KIND: is_kind KIND NAME.
is_kind() { [ "$(answer_kind "$2")" = "$1" ]; }

# Check a name's answer: expect_kind WHAT KIND NAME.
expect_kind() { check_eq "$1: $3 A" "$2" "$(answer_kind "$3")"; }

# Poll CMD every 100 ms for up to MAX_S seconds counted from T0 (ms);
# sets ELAPSED_MS to the time from T0 to the first success, or "" when
# it never succeeded: poll_since T0 MAX_S CMD...
poll_since() {
	local t0=$1 max=$2
	shift 2
	ELAPSED_MS=
	while :; do
		if "$@"; then
			ELAPSED_MS=$(($(now_ms) - t0))
			return 0
		fi
		[ $(($(now_ms) - t0)) -ge $((max * 1000)) ] && return 1
		sleep 0.1
	done
}

# Assert an elapsed time against a limit: check_within WHAT LIMIT_MS.
check_within() {
	if [ -z "$ELAPSED_MS" ]; then
		fail "$1: expected within $2 ms, never happened"
	elif [ "$ELAPSED_MS" -lt 0 ]; then
		fail "$1: expected after the reference time, happened $((-ELAPSED_MS)) ms before it"
	elif [ "$ELAPSED_MS" -le "$2" ]; then
		pass "$1 after $(printf '%d.%03d' $((ELAPSED_MS / 1000)) $((ELAPSED_MS % 1000))) s (limit $(($2 / 1000)).$(printf '%03d' $(($2 % 1000))) s)"
	else
		fail "$1: expected within $2 ms, took $ELAPSED_MS ms"
	fi
}

# Print the reload line of a generation.
reload_line() { jqlog "select(.event.action == \"reload\" and .unbound_sinkhole.generation == $1)" | tail -n 1; }

# Print the feeds entry of FILE (basename) in a JSON object on stdin.
feed_entry() { jq -c --arg f "$1" '[.unbound_sinkhole.feeds // .feeds | .[] | select((.file | split("/") | last) == $f)] | .[0] // empty'; }

# Check one field of a JSON object: jfield WHAT JSON FILTER EXPECTED.
jfield() { check_eq "$1 $3" "$4" "$(printf '%s' "$2" | jq -r "$3" 2>&1)"; }
