# internet.sh - a loopback "internet" for the egress guard tests.
#
# Sourced by tests/integration/guard_*.test after lib.sh's helpers (it
# sources lib.sh itself).  Iterative resolution needs port 53 (root hints
# and glue carry no port), so each test re-executes itself in a private
# network namespace (inet_enter_netns) where nothing but its own loopback
# exists, and builds there, from tests/integration/internet/:
#
#   root       127.53.0.1      "."  (a.root.loop.; the server names live
#                                    in the root zone under loop.)
#   tld        127.53.1.1      com. net. org. wiki. (+ any TLD of a
#                                    blocked domain): a.gtld.loop.
#   tldtest    127.53.1.2      test.  (a.tld-test.loop.)
#   benign     127.53.2.1      benign.test. benign.com. mixed.com.
#   adversary  127.53.66.1     every blocked domain of the feeds, plus
#              fd00:53:66::1   victim.test. victim6.test. victim-glue.com.
#                                    mixed.com. (answers 198.51.100.66)
#
# Each is a separate NSD process with its own nsd.conf in the temp dir.
# Unbound (UNBOUND_BIN) listens on 127.0.0.1@5353 and ::1@5353 and
# resolves from the root hints, with or without the sinkhole module.
#
# Two independent measures of leakage:
#   1. a packet capture on lo (tcpdump, started before Unbound and
#      stopped after it) analysed with tshark: no packet to the
#      adversary's addresses at all, and no DNS query to any server for a
#      name at or under a blocked domain (case-insensitive: 0x20);
#   2. the adversary NSD's own num.queries counter stays 0.
# prove_measurement shows at the end of each test that both measures do
# see direct queries to the adversary and to a TLD.
#
# Environment: as lib.sh.  SINKHOLE_TEST_KEEP=1 keeps the temp dir.

set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

INET_DIR=$LIB_DIR/internet

# Addresses of the loopback internet.
ROOT_ADDR=127.53.0.1
TLD_ADDR=127.53.1.1
TLDTEST_ADDR=127.53.1.2
BENIGN_ADDR=127.53.2.1
ADV_ADDR=127.53.66.1
ADV_ADDR6=fd00:53:66::1
ADV_NET4=127.53.66.0/24
ADV_NET6=fd00:53:66::/48
# The answers of the benign zones.
BENIGN_OK_TEST=192.0.2.10
BENIGN_OK_COM=192.0.2.20
BENIGN_MIXED=192.0.2.30
# The feed of the nxdomain-action domain (internet/guard-test.yaml).
FEED_TEST_ID=guard-test
# Unbound listens here (inside the namespace nothing else can use it).
UB_PORT=5353

INET_CAP_PID=
INET_CAP_FILE=

# ------------------------------------------------------------------
# The private network namespace
# ------------------------------------------------------------------

# Re-execute the test inside a new network namespace (once), bring its
# loopback up; exit 77 only when the kernel refuses namespaces.
inet_enter_netns() {
	if [ -z "${SH_IN_NETNS:-}" ]; then
		need_cmd unshare
		if unshare --net true 2>/dev/null; then
			exec env SH_IN_NETNS=1 unshare --net -- "$BASH" "$0" "$@"
		elif unshare --user --map-root-user --net true 2>/dev/null; then
			exec env SH_IN_NETNS=1 unshare --user --map-root-user --net -- "$BASH" "$0" "$@"
		fi
		skip_test "the kernel refuses a private network namespace (unshare --net failed, as root and with a user namespace)"
	fi
	need_cmd ip
	ip link set lo up || die "could not bring up lo in the private namespace"
	# Never run on the host's network: only lo may exist here.
	if ip -o link show | awk -F': ' '{ print $2 }' | grep -vqx lo; then
		die "inet_enter_netns: interfaces other than lo in the namespace: $(ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ')"
	fi
}

# ------------------------------------------------------------------
# Setup
# ------------------------------------------------------------------

# Create the temp dir (lib.sh t_init), check the tools, add the
# adversary's IPv6 address and install the cleanup trap.
inet_init() {
	[ -n "${SH_IN_NETNS:-}" ] || die "inet_init: call inet_enter_netns first"
	t_init
	trap inet_cleanup EXIT
	need_cmd tcpdump tshark awk sed
	need_exec nsd "$NSD"
	need_exec nsd-control "$NSD_CONTROL"
	need_exec unbound "$UNBOUND_BIN"
	INET_V6=0
	if [ "$HAVE_IPV6" = 1 ]; then
		ip -6 addr add "$ADV_ADDR6/128" dev lo nodad 2>/dev/null &&
			INET_V6=1
	fi
	[ "$INET_V6" = 1 ] || info "no IPv6 in the namespace: the adversary listens on $ADV_ADDR only"
}

# EXIT trap: stop the capture, show the resolver and module logs when the
# test failed, then lib.sh's cleanup (stops the rest, keeps the temp dir
# on failure).
inet_cleanup() {
	local rc=$? f
	trap - EXIT
	[ -n "$INET_CAP_PID" ] && stop_pid "$INET_CAP_PID"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$T" ] && [ -d "$T" ]; then
		for f in "$T"/unbound-*.log "$T"/sinkhole-*.json; do
			[ -s "$f" ] || continue
			printf -- '--- last lines of %s ---\n' "$f"
			tail -n 25 "$f"
		done
	fi
	(exit "$rc")
	t_cleanup
}

# Print the blocked domains of every feed in FEED_DIR, lower case, one a
# line: the "- domain: X" and "- X" entries of each "indicators:" list
# (never the "allow:" list).
inet_blocked_domains() {
	awk '
		/^[^ #-]/ { sec = $1 }
		sec == "indicators:" && /^  - / {
			s = $0; sub(/^  - (domain: *)?/, "", s); sub(/[ #].*$/, "", s)
			gsub(/"|\x27/, "", s); if (s != "") print tolower(s)
		}
	' "$FEED_DIR"/*.yaml | sort -u
}

# Make the feed directory: the shipped 3CX feed and internet/guard-test.yaml
# (evilcorp.net, action nxdomain).  Sets FEED_DIR and BLOCKED (the
# blocked domains, space separated).
inet_make_feeds() {
	make_feed_dir
	cp "$INET_DIR/guard-test.yaml" "$FEED_DIR/guard-test.yaml"
	BLOCKED=$(inet_blocked_domains | tr '\n' ' ')
	local n
	n=$(printf '%s\n' $BLOCKED | grep -c .)
	[ "$n" -ge 23 ] || die "expected the 22 3CX domains and evilcorp.net in $FEED_DIR, found $n: $BLOCKED"
	printf '%s\n' $BLOCKED >"$T/blocked.txt"
}

# Write the zone files into $T/zones: the root and TLD zones generated
# from the templates (a delegation to the adversary for every blocked
# domain), the rest copied.  Sets INET_TLDS.
inet_make_zones() {
	local z=$T/zones d tld
	mkdir -p "$z"
	INET_TLDS=$( { printf 'com\nnet\norg\nwiki\n'; printf '%s\n' $BLOCKED | sed 's/.*\.//'; } | sort -u | tr '\n' ' ')
	case " $INET_TLDS " in *" test "*) die "a blocked domain under test. would collide with the test TLD" ;; esac
	cp "$INET_DIR/root.zone.in" "$z/root.zone"
	for tld in $INET_TLDS; do
		printf '%-20s NS    a.gtld.loop.\n' "$tld." >>"$z/root.zone"
		cp "$INET_DIR/tld.zone.in" "$z/$tld.zone"
		[ -f "$INET_DIR/$tld.delegations" ] && cat "$INET_DIR/$tld.delegations" >>"$z/$tld.zone"
	done
	for d in $BLOCKED; do
		tld=${d##*.}
		printf '; blocked domain %s: the adversary\n%s. NS ns1.%s.\nns1.%s. A %s\nns1.%s. AAAA %s\n' \
			"$d" "$d" "$d" "$d" "$ADV_ADDR" "$d" "$ADV_ADDR6" >>"$z/$tld.zone"
	done
	cp "$INET_DIR"/test.zone "$INET_DIR"/benign.test.zone "$INET_DIR"/benign.com.zone \
		"$INET_DIR"/mixed.com.zone "$INET_DIR"/adversary-c2.zone "$INET_DIR"/adversary-victim.zone "$z/"
	printf '.                 3600000  NS  a.root.loop.\na.root.loop.      3600000  A   %s\n' "$ROOT_ADDR" >"$T/root.hints"
}

# Start one authoritative NSD: inet_nsd NAME ADDRS ZONE:FILE...  ADDRS is
# a comma-separated list of addresses (port 53); FILE is in $T/zones.
# Uses lib.sh's file names ($T/nsd-NAME.conf, .log), so nsd_queries NAME
# works.
inet_nsd() {
	local name=$1 addrs=$2 conf spec zone file a v6=no
	shift 2
	conf=$T/nsd-$name.conf
	mkdir -p "$T/nsd-$name"
	{
		printf '# NSD "%s" of the loopback internet of %s\nserver:\n' "$name" "$TEST_NAME"
		for a in ${addrs//,/ }; do
			printf '\tip-address: %s@53\n' "$a"
			case $a in *:*) v6=yes ;; esac
		done
		cat <<EOF
	port: 53
	do-ip4: yes
	do-ip6: $v6
	reuseport: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$T/zones"
	pidfile: "$T/nsd-$name/nsd.pid"
	database: ""
	zonelistfile: "$T/nsd-$name/zone.list"
	xfrdfile: "$T/nsd-$name/xfrd.state"
	xfrdir: "$T/nsd-$name"
	logfile: "$T/nsd-$name.log"
	verbosity: 1
	hide-version: yes
	refuse-any: no
remote-control:
	control-enable: yes
	control-interface: "$T/nsd-$name.sock"
EOF
		for spec in "$@"; do
			zone=${spec%%:*}
			file=${spec#*:}
			[ -f "$T/zones/$file" ] || die "zone file $T/zones/$file missing"
			printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$zone" "$file"
		done
	} >"$conf"
	nsd_launch "$name" "$conf" "$addrs port 53" $#
}

# Build the whole loopback internet: feeds, zones, root hints and the five
# NSD servers; then check that the root answers and the adversary's
# counter starts at 0.
inet_start() {
	local specs d tld adv
	inet_make_feeds
	inet_make_zones
	inet_nsd root "$ROOT_ADDR" .:root.zone
	specs=()
	for tld in $INET_TLDS; do specs+=("$tld:$tld.zone"); done
	inet_nsd tld "$TLD_ADDR" "${specs[@]}"
	inet_nsd tldtest "$TLDTEST_ADDR" test:test.zone
	inet_nsd benign "$BENIGN_ADDR" benign.test:benign.test.zone benign.com:benign.com.zone mixed.com:mixed.com.zone
	specs=()
	for d in $BLOCKED; do specs+=("$d:adversary-c2.zone"); done
	for d in victim.test victim6.test victim-glue.com mixed.com; do specs+=("$d:adversary-victim.zone"); done
	adv=$ADV_ADDR
	[ "$INET_V6" = 1 ] && adv="$ADV_ADDR,$ADV_ADDR6"
	inet_nsd adversary "$adv" "${specs[@]}"
	"$DIG" @"$ROOT_ADDR" +norec +tries=2 +time=2 . SOA >"$T/root-soa.dig" 2>&1
	[ "$(dig_rcode "$T/root-soa.dig")" = NOERROR ] ||
		die "the root server does not answer . SOA: $(head -n 5 "$T/root-soa.dig" | tr '\n' ' ')"
	check_eq "adversary NSD num.queries after the internet came up" 0 "$(nsd_queries adversary)"
}

# ------------------------------------------------------------------
# Unbound
# ------------------------------------------------------------------

# Write the module configuration for one run: inet_write_sinkhole_conf
# LABEL (the same settings as lib.sh's write_sinkhole_conf, with a log
# file per run).  Sets SINKHOLE_CONF and SINKHOLE_LOG.
inet_write_sinkhole_conf() {
	local label=$1
	SINKHOLE_CONF=$T/sinkhole-$label.yaml
	SINKHOLE_LOG=$T/sinkhole-$label.json
	cat >"$SINKHOLE_CONF" <<EOF
# module configuration of $TEST_NAME, run $label
identity: test-resolver
feeds: $FEED_DIR
log:
  file: $SINKHOLE_LOG
  queue_bytes: 4194304
action: sinkhole
sinkhole: { ipv4: 0.0.0.0, ipv6: "::", ttl: $SH_TTL }
soa: { mname: sinkhole.invalid., rname: hostmaster.sinkhole.invalid. }
ede: true
EOF
}

# Write $T/unbound.conf for the loopback internet.  Knobs: UB_MODULE_CONFIG
# (default "dynlib validator iterator"; without "dynlib" no module is
# loaded), UB_QMIN (qname-minimisation, default yes), UB_EXTRA (more
# server: lines), UB_VERBOSITY (1).  No trust anchor of any kind.
inet_write_unbound_conf() {
	local mc=${UB_MODULE_CONFIG:-dynlib validator iterator}
	UB_CONF=$T/unbound.conf
	{
		cat <<EOF
# Unbound of $TEST_NAME: recursion from the loopback root; no trust anchor.
server:
	interface: 127.0.0.1@$UB_PORT
EOF
		[ "$HAVE_IPV6" = 1 ] && printf '\tinterface: ::1@%s\n' "$UB_PORT"
		cat <<EOF
	port: $UB_PORT
	access-control: 127.0.0.0/8 allow
	access-control: ::1 allow
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$T"
	pidfile: "$T/unbound.pid"
	logfile: "$T/unbound.log"
	use-syslog: no
	verbosity: ${UB_VERBOSITY:-1}
	log-servfail: yes
	num-threads: 1
	root-hints: "$T/root.hints"
	do-not-query-localhost: no
	do-ip6: yes
	qname-minimisation: ${UB_QMIN:-yes}
	local-zone: "test." nodefault
	module-config: "$mc"
${UB_EXTRA:-}
EOF
		case " $mc " in
		*" dynlib "*) printf 'dynlib:\n\tdynlib-file: "%s"\n' "$SH_MODULE" ;;
		esac
	} >"$UB_CONF"
}

# Start Unbound for one run and wait until it answers: inet_start_unbound
# LABEL.  With "dynlib" in UB_MODULE_CONFIG it loads the module with a
# fresh configuration and log (sinkhole-LABEL.json); without, it is a
# plain resolver (SINKHOLE_LOG is then empty).
inet_start_unbound() {
	local label=$1 mc=${UB_MODULE_CONFIG:-dynlib validator iterator}
	INET_LABEL=$label
	case " $mc " in
	*" dynlib "*)
		need_exec "sinkhole module" "$SH_MODULE"
		inet_write_sinkhole_conf "$label"
		;;
	*) SINKHOLE_CONF= SINKHOLE_LOG= ;;
	esac
	inet_write_unbound_conf
	cp "$UB_CONF" "$T/unbound-$label.conf"
	launch_unbound
	if ! wait_until "${UB_START_TIMEOUT:-20}" _unbound_ready; then
		cp "$T/unbound.log" "$T/unbound-$label.log" 2>/dev/null
		if kill -0 "$UB_PID" 2>/dev/null; then
			die "unbound (pid $UB_PID) did not answer on 127.0.0.1@$UB_PORT within ${UB_START_TIMEOUT:-20} s"
		fi
		wait "$UB_PID"
		die "unbound exited with status $? at startup (expected it to run): $(tail -n 5 "$T/unbound.log" "$T/unbound.stderr" | tr '\n' ' ')"
	fi
	info "run $label: unbound (pid $UB_PID) on 127.0.0.1@$UB_PORT, module-config \"$mc\", qname-minimisation ${UB_QMIN:-yes}"
}

# Start a plain Unbound WITHOUT the module ("validator iterator", no
# dynlib clause) for run LABEL: the resolver whose leaks the measurement
# must see.  UB_QMIN and UB_EXTRA apply.
inet_start_plain_unbound() {
	UB_MODULE_CONFIG="validator iterator" inet_start_unbound "$1"
}

# Stop Unbound (it must exit cleanly) and keep its log as
# $T/unbound-LABEL.log.
inet_stop_unbound() {
	local label=${1:-$INET_LABEL}
	stop_unbound
	check_eq "run $label: unbound exit status at SIGTERM" 0 "$UB_EXIT"
	cp "$T/unbound.log" "$T/unbound-$label.log" 2>/dev/null
	cat "$T/unbound.stderr" >>"$T/unbound-$label.log" 2>/dev/null
}

# ------------------------------------------------------------------
# Asking
# ------------------------------------------------------------------

# Ask the resolver and time it: ask OUTFILE DIG-ARGS... (UDP to
# 127.0.0.1@5353, one try, 5 s; +tcp etc. may be added, later options
# win; an @SERVER argument such as @::1 replaces 127.0.0.1).  Sets ASK_MS
# to the elapsed milliseconds.
ask() {
	local out=$1 t0 t1 a server=@127.0.0.1
	shift
	for a in "$@"; do
		case $a in @*) server= ;; esac
	done
	t0=$(date +%s%N)
	"$DIG" $server -p "$UB_PORT" +tries=1 +time=5 "$@" >"$out" 2>&1
	t1=$(date +%s%N)
	ASK_MS=$(((t1 - t0) / 1000000))
	printf '%s\n' "$*" >"$out.args"
}

# Print the records of a section without their TTLs, lower case
# ("owner class type rdata").
dig_section_nottl() { dig_section "$1" "$2" | awk '{ $2 = ""; print tolower($0) }' | sed 's/  */ /g'; }

# Print the transport of a dig output file ("tcp" or "udp").
dig_transport() { grep -q '^;; SERVER:.*(TCP)' "$1" && echo tcp || echo udp; }

# Fail when the adversary's data reached the client: no_adversary_data
# WHAT FILE.  Returns 1 on failure.
no_adversary_data() {
	if grep -Fq -e "$ADV_A" -e "$ADV_AAAA" -e "\"$ADV_TXT\"" "$2"; then
		fail "$1: the ADVERSARY's data reached the client: $(grep -F -e "$ADV_A" -e "$ADV_AAAA" -e "$ADV_TXT" "$2" | head -n 2 | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# Show a dig output indented (after a failure).
show_dig() { sed 's/^/    | /' "$1"; }

# Print the answer section as "owner type rdata", lower case, no TTL.
dig_answer_nottl() {
	dig_section "$1" ANSWER | awk '{ o = $1; t = $4; $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print tolower(o " " t " " $0) }'
}

# Check an answer the guard built from a chain into a blocked name:
# check_guarded FILE WHAT RCODE FEED SOA_OWNER ANSWER-LINE...
# ANSWER-LINEs are "owner type rdata" in order (case-insensitive, no
# TTL); a final A/AAAA must carry the sinkhole TTL.  SOA_OWNER "" means an
# empty authority section, else exactly the sinkhole SOA owned by it.
# Flags qr rd ra and never ad, EDE 15 naming FEED, no additional record,
# nothing of the adversary's.
check_guarded() {
	local f=$1 what=$2 rcode=$3 feed=$4 soa=$5 ok=1 exp got au ad ede flags last
	shift 5
	what="$what ($(dig_transport "$f"))"
	if ! dig_got_reply "$f"; then
		fail "$what: no reply within 5 s: $(tail -n 2 "$f" | tr '\n' ' ')"
		return
	fi
	# Record one failed aspect of this answer.
	_cg() { ok=0; fail "$what: $*"; }
	[ "$(dig_rcode "$f")" = "$rcode" ] || _cg "rcode: expected $rcode, got $(dig_rcode "$f")"
	exp=$(printf '%s\n' "$@" | tr 'A-Z' 'a-z')
	got=$(dig_answer_nottl "$f")
	[ "$got" = "$exp" ] || _cg "answer section: expected [$(printf '%s' "$exp" | tr '\n' ';')], got [$(printf '%s' "$got" | tr '\n' ';')]"
	last=$(dig_section "$f" ANSWER | tail -n 1)
	case $(printf '%s' "$last" | awk '{ print $4 }') in
	A | AAAA) [ "$(printf '%s' "$last" | awk '{ print $2 }')" = "$SH_TTL" ] ||
		_cg "TTL of the sinkhole record: expected $SH_TTL, got [$last]" ;;
	esac
	au=$(dig_section "$f" AUTHORITY)
	if [ -z "$soa" ]; then
		[ -z "$au" ] || _cg "authority section: expected empty, got [$(printf '%s' "$au" | tr '\n' ';')]"
	else
		printf '%s\n' "$au" | awk -v o="$soa" -v ttl="$SH_TTL" '
			{ n++ } tolower($1) == tolower(o) && $2 == ttl && $4 == "SOA" && $5 == "sinkhole.invalid." { good++ }
			END { exit !(n == 1 && good == 1) }' ||
			_cg "authority section: expected exactly [$soa $SH_TTL IN SOA sinkhole.invalid. ...], got [$(printf '%s' "$au" | tr '\n' ';')]"
	fi
	ad=$(dig_section "$f" ADDITIONAL)
	[ -z "$ad" ] || _cg "additional section: expected no records, got [$ad]"
	flags=" $(dig_flags "$f") "
	case $flags in *" qr "*) ;; *) _cg "flags: expected qr, got [$flags]" ;; esac
	case $flags in *" rd "*) ;; *) _cg "flags: expected rd (as asked), got [$flags]" ;; esac
	case $flags in *" ra "*) ;; *) _cg "flags: expected ra, got [$flags]" ;; esac
	case $flags in *" ad "*) _cg "flags: expected no ad, got [$flags]" ;; esac
	ede=$(dig_ede "$f")
	case $ede in
	"15 (Blocked)"*"$feed"*) ;;
	*) _cg "EDE: expected [15 (Blocked): ...$feed...], got [${ede:-none}]" ;;
	esac
	no_adversary_data "$what" "$f" || ok=0
	if [ "$ok" = 1 ]; then
		pass "$what -> $rcode [$(printf '%s' "$exp" | tr '\n' ';')]${soa:+ + SOA $soa} EDE 15"
	else
		show_dig "$f"
	fi
}

# Check the SERVFAIL of a name whose only name servers are blocked:
# check_ns_servfail FILE WHAT [EDE(yes|no)].  A prompt reply (under 3 s of
# dig's 5), SERVFAIL, no answer, EDE 15 mentioning "name server" (unless
# EDE=no), nothing of the adversary's.
check_ns_servfail() {
	local f=$1 what=$2 want_ede=${3:-yes} ok=1 ede
	what="$what ($(dig_transport "$f"), ${ASK_MS} ms)"
	if ! dig_got_reply "$f"; then
		fail "$what: expected a prompt SERVFAIL, got no reply within 5 s: $(tail -n 2 "$f" | tr '\n' ' ')"
		return
	fi
	# Record one failed aspect of this answer.
	_cs() { ok=0; fail "$what: $*"; }
	[ "$(dig_rcode "$f")" = SERVFAIL ] || _cs "rcode: expected SERVFAIL, got $(dig_rcode "$f") [$(dig_section "$f" ANSWER | tr '\n' ';')]"
	[ "$ASK_MS" -lt 3000 ] || _cs "expected the reply within 3000 ms, got $ASK_MS ms"
	[ -z "$(dig_section "$f" ANSWER)" ] || _cs "answer: expected empty, got [$(dig_section "$f" ANSWER | tr '\n' ';')]"
	if [ "$want_ede" = yes ]; then
		ede=$(dig_ede "$f")
		case $ede in
		"15 (Blocked)"*) printf '%s' "$ede" | grep -qi 'name server' ||
			_cs "EDE: expected 15 (Blocked) mentioning \"name server\", got [$ede]" ;;
		*) _cs "EDE: expected [15 (Blocked): ...name server...], got [${ede:-none}]" ;;
		esac
	fi
	no_adversary_data "$what" "$f" || ok=0
	if [ "$ok" = 1 ]; then
		pass "$what -> SERVFAIL${ede:+ EDE [$ede]}"
	else
		show_dig "$f"
	fi
}

# Check a benign answer: check_benign FILE WHAT TYPE RDATA.  NOERROR and
# the last TYPE record of the answer is RDATA; nothing of the adversary's.
check_benign() {
	local f=$1 what=$2 type=$3 want=$4 got
	what="$what ($(dig_transport "$f"))"
	got=$(dig_section "$f" ANSWER | awk -v t="$type" '$4 == t { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' | tail -n 1)
	if [ "$(dig_rcode "$f")" = NOERROR ] && [ "$got" = "$want" ] && no_adversary_data "$what" "$f"; then
		pass "$what -> $got"
	else
		fail "$what: expected NOERROR $type $want, got $(dig_rcode "$f") [$got]"
		show_dig "$f"
	fi
}

# ------------------------------------------------------------------
# The module's log
# ------------------------------------------------------------------

# Print how many lines of a log match a jq condition: log_match FILE COND.
log_match() {
	[ -s "$1" ] || { echo 0; return; }
	jq -c "select($2)" "$1" 2>/dev/null | grep -c .
}

# Print the lines of a log that match a jq condition: log_lines FILE COND.
log_lines() {
	[ -s "$1" ] || return 0
	jq -c "select($2)" "$1" 2>/dev/null
}

# Wait until a log file holds at least N lines (up to TIMEOUT s, default
# 10); prints the count.  The writer flushes within about 1 s.
wait_log_at_least() {
	local f=$1 n=$2 timeout=${3:-10}
	wait_until "$timeout" _log_has "$f" "$n"
	log_count "$f"
}

# True when FILE holds at least N lines.
_log_has() { [ "$(log_count "$1")" -ge "$2" ]; }

# Check a log condition's count: expect_log WHAT FILE MIN MAX COND (MAX
# "" = no upper bound).  Shows the lines seen on failure.
expect_log() {
	local what=$1 f=$2 min=$3 max=$4 cond=$5 n
	n=$(log_match "$f" "$cond")
	if [ "$n" -ge "$min" ] && { [ -z "$max" ] || [ "$n" -le "$max" ]; }; then
		pass "$what: $n line(s)"
	else
		fail "$what: expected $min${max:+..$max} line(s) matching [$cond], got $n; the log has $(log_count "$f") line(s):"
		head -n 20 "$f" 2>/dev/null | sed 's/^/    | /'
	fi
}

# Expected client events of the current run: EV_COUNT["qname|qtype"] is
# how many log lines, EV_REASON["qname|qtype"] their event.reason.
declare -A EV_COUNT=() EV_REASON=()

# Note that one more client reply must be logged: expect_event QNAME QTYPE
# REASON.
expect_event() {
	local k="$1|$2"
	EV_COUNT[$k]=$((${EV_COUNT[$k]:-0} + 1))
	EV_REASON[$k]=$3
}

# Print the number of client events expected in this run.
events_expected() {
	local k n=0
	for k in "${!EV_COUNT[@]}"; do n=$((n + EV_COUNT[$k])); done
	echo "$n"
}

# Check the log of run LABEL against the expected client events: for
# each question exactly the expected number of lines with that reason
# and origin "client", then forget the expectations.
check_events() {
	local label=$1 k name type n
	for k in $(printf '%s\n' "${!EV_COUNT[@]}" | sort); do
		name=${k%|*}
		type=${k#*|}
		n=${EV_COUNT[$k]}
		expect_log "run $label: log lines for $name $type, reason ${EV_REASON[$k]}" "$SINKHOLE_LOG" "$n" "$n" \
			".dns.question.name == \"$name\" and .dns.question.type == \"$type\" and .event.reason == \"${EV_REASON[$k]}\" and .unbound_sinkhole.origin == \"client\""
	done
	EV_COUNT=()
	EV_REASON=()
}

# ------------------------------------------------------------------
# Capture and measurement
# ------------------------------------------------------------------

# True when the capture file holds a DNS query for NAME (read with
# tcpdump, which copes with a file still being written).
_cap_has() { tcpdump -n -r "$1" 2>/dev/null | grep -Fqi "$2"; }

# Send a marker query (NXDOMAIN from the root) until the capture has it:
# cap_mark FILE NAME.  Everything sent before is then on file.
cap_mark() {
	local f=$1 name=$2 i
	for ((i = 0; i < 40; i++)); do
		"$DIG" @"$ROOT_ADDR" +norec +tries=1 +time=1 "$name" A >/dev/null 2>&1
		wait_until 1 _cap_has "$f" "$name" && return 0
	done
	return 1
}

# Start the capture of one run: start_capture LABEL.  tcpdump on lo,
# packet-buffered, of every DNS packet (port 53) and every packet from or
# to the adversary's networks; returns once a marker query is on file.
start_capture() {
	local label=$1
	[ -z "$INET_CAP_PID" ] || die "start_capture $label: a capture is already running"
	INET_CAP_FILE=$T/cap-$label.pcap
	tcpdump -i lo -n -U --immediate-mode -Z root -w "$INET_CAP_FILE" \
		"port 53 or net $ADV_NET4 or net $ADV_NET6" >"$T/tcpdump-$label.stderr" 2>&1 &
	INET_CAP_PID=$!
	PIDS+=("$INET_CAP_PID")
	wait_until 10 grep -q 'listening on' "$T/tcpdump-$label.stderr" ||
		die "tcpdump did not start: $(cat "$T/tcpdump-$label.stderr")"
	cap_mark "$INET_CAP_FILE" "cap-start-$label.loop" ||
		die "capture $label: the start marker never reached $INET_CAP_FILE: the capture sees nothing"
}

# Stop the capture: a marker query first (so everything before it is on
# file), then SIGTERM and wait.
stop_capture() {
	local label=$1 ok=1
	cap_mark "$INET_CAP_FILE" "cap-end-$label.loop" || ok=0
	stop_pid "$INET_CAP_PID"
	INET_CAP_PID=
	[ "$ok" = 1 ] || fail "capture $label: the end marker never reached the file (expected it within 40 tries): packets may be missing"
}

# Analyse one capture: inet_measure LABEL.  Sets
#   LEAK_PKTS     packets captured in all
#   LEAK_QUERIES  DNS queries captured (to any server)
#   LEAK_ADV      packets whose destination is the adversary (any layer)
#   LEAK_BLOCKED  DNS queries (any server) for a name at or under a
#                 blocked domain, case-insensitive
#   LEAK_UPPER    of those, the ones to the root or a TLD server
#   LEAK_ADV_NSD  the adversary NSD's num.queries (since it started)
# and writes the offending packets to $T/leaks-LABEL.txt.
inet_measure() {
	local label=$1 f out
	f=$T/cap-$label.pcap
	[ -s "$f" ] || die "inet_measure $label: no capture file $f"
	tshark -n -r "$f" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
		-e frame.number -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
		-e dns.flags.response -e dns.qry.name -e dns.qry.type \
		>"$T/cap-$label.tsv" 2>"$T/tshark-$label.stderr" ||
		die "tshark could not read $f: $(grep -v 'Running as user' "$T/tshark-$label.stderr" | head -n 3)"
	out=$(python3 - "$T/cap-$label.tsv" "$T/blocked.txt" "$T/leaks-$label.txt" \
		"$ADV_NET4" "$ADV_NET6" "$ROOT_ADDR" "127.53.1.0/24" <<'EOF'
import ipaddress, sys
tsv, blocked_file, leaks_file, adv4, adv6, root, tlds = sys.argv[1:8]
adv = [ipaddress.ip_network(adv4), ipaddress.ip_network(adv6)]
upper = [ipaddress.ip_network(root + "/32"), ipaddress.ip_network(tlds)]
blocked = [l.strip().lower().rstrip(".") for l in open(blocked_file) if l.strip()]

def addrs(field):
    out = []
    for a in field.split(","):
        a = a.strip()
        if a:
            try:
                out.append(ipaddress.ip_address(a))
            except ValueError:
                pass
    return out

def is_blocked(name):
    n = name.lower().rstrip(".")
    return any(n == b or n.endswith("." + b) for b in blocked)

def is_query(flag):
    return flag.strip().lower() in ("0", "false")

pkts = queries = n_adv = n_blocked = n_upper = 0
leaks = []
for line in open(tsv):
    f = line.rstrip("\n").split("\t")
    f += [""] * (8 - len(f))
    num, s4, d4, s6, d6, resp, names, types = f[:8]
    pkts += 1
    dsts = addrs(d4) + addrs(d6)
    src = (s4 or s6).split(",")[0]
    dst = (d4 or d6).split(",")[0]
    if any(d in n for d in dsts for n in adv if d.version == n.version):
        n_adv += 1
        leaks.append("frame %s: %s -> %s (the ADVERSARY) %s %s" % (num, src, dst, names, types))
    flags = resp.split(",") if resp else []
    qnames = names.split(",") if names else []
    for i, flag in enumerate(flags):
        if not is_query(flag):
            continue
        queries += 1
        q = qnames[i] if i < len(qnames) else ""
        if q and is_blocked(q):
            n_blocked += 1
            up = any(d in n for d in dsts for n in upper if d.version == n.version)
            if up:
                n_upper += 1
            leaks.append("frame %s: query %s %s -> %s (%s)" % (num, q, types, dst, "root/TLD" if up else "other server"))
open(leaks_file, "w").write("".join(l + "\n" for l in leaks))
print(pkts, queries, n_adv, n_blocked, n_upper)
EOF
	) || die "inet_measure $label: the analysis failed: $out"
	read -r LEAK_PKTS LEAK_QUERIES LEAK_ADV LEAK_BLOCKED LEAK_UPPER <<<"$out"
	LEAK_ADV_NSD=$(nsd_queries adversary)
	info "capture $label: $LEAK_PKTS packets, $LEAK_QUERIES DNS queries; to the adversary: $LEAK_ADV packets; queries for blocked names: $LEAK_BLOCKED ($LEAK_UPPER to root/TLD); adversary NSD num.queries=$LEAK_ADV_NSD"
}

# Assert zero leakage in the capture of run LABEL and on the adversary's
# counter (both measures), and that the capture saw the run at all.
assert_no_leak() {
	local label=$1
	inet_measure "$label"
	# The markers and the resolver's own lookups: a capture that saw
	# nothing would prove nothing.
	[ "$LEAK_QUERIES" -ge 3 ] && pass "capture $label saw the run ($LEAK_QUERIES DNS queries incl. markers)" ||
		fail "capture $label: expected at least the 2 markers and the resolver's queries, got $LEAK_QUERIES DNS queries: the zero below would prove nothing"
	check_eq "capture $label: packets to the adversary ($ADV_NET4, $ADV_NET6)" 0 "$LEAK_ADV"
	check_eq "capture $label: DNS queries for names at or under a blocked domain (root/TLD: $LEAK_UPPER)" 0 "$LEAK_BLOCKED"
	check_eq "adversary NSD num.queries after run $label" 0 "$LEAK_ADV_NSD"
	if [ -s "$T/leaks-$label.txt" ]; then
		info "leaks in run $label (first 15):"
		head -n 15 "$T/leaks-$label.txt" | sed 's/^/    LEAK /'
	fi
}

# Assert that run LABEL leaked by both measures (for the resolver without
# the module): packets to the adversary, queries for blocked names to the
# root/TLDs, and the adversary's counter above BASE (default 0).
assert_leak_detected() {
	local label=$1 base=${2:-0}
	inet_measure "$label"
	[ "$LEAK_ADV" -ge 1 ] && pass "capture $label shows the leak: $LEAK_ADV packet(s) to the adversary" ||
		fail "capture $label: expected packets to the adversary (a resolver without the module leaks), got 0"
	[ "$LEAK_UPPER" -ge 1 ] && pass "capture $label shows $LEAK_UPPER query(ies) for blocked names to the root/TLDs" ||
		fail "capture $label: expected queries for blocked names to the root/TLDs, got $LEAK_UPPER"
	[ "$LEAK_ADV_NSD" -gt "$base" ] && pass "adversary NSD counted the leak: num.queries $base -> $LEAK_ADV_NSD" ||
		fail "adversary NSD num.queries: expected more than $base, got $LEAK_ADV_NSD"
	[ -s "$T/leaks-$label.txt" ] && head -n 8 "$T/leaks-$label.txt" | sed 's/^/    seen: /'
}

# Prove that both measures see leaks: a fresh capture of a direct query
# to the adversary and a non-recursive one (in mixed case, as 0x20 would
# send it) to the com server, analysed by the same code as
# assert_no_leak, and the adversary's counter moving.
prove_measurement() {
	local before a
	before=$(nsd_queries adversary)
	start_capture proof
	"$DIG" @"$ADV_ADDR" +norec +tries=2 +time=2 www.akamaicontainer.com A >"$T/proof-adv.dig" 2>&1
	"$DIG" @"$TLD_ADDR" +norec +tries=2 +time=2 WwW.AkamaiContainer.CoM A >"$T/proof-tld.dig" 2>&1
	stop_capture proof
	a=$(dig_section "$T/proof-adv.dig" ANSWER | awk '$4 == "A" { print $5 }')
	check_eq "proof: the adversary answers www.akamaicontainer.com A directly" "$ADV_A" "$a"
	[ "$(dig_rcode "$T/proof-tld.dig")" = NOERROR ] && dig_section "$T/proof-tld.dig" AUTHORITY | grep -qi 'akamaicontainer.com. .* NS' &&
		pass "proof: the com server refers www.akamaicontainer.com to the adversary" ||
		fail "proof: expected a referral from the com server, got: $(head -n 8 "$T/proof-tld.dig" | tr '\n' ' ')"
	inet_measure proof
	[ "$LEAK_ADV" -ge 1 ] && pass "proof: the capture sees the direct query to the adversary ($LEAK_ADV packets)" ||
		fail "proof: expected packets to the adversary in the capture, got $LEAK_ADV: the capture measure is blind"
	[ "$LEAK_UPPER" -ge 1 ] && pass "proof: the capture sees the mixed-case query to the TLD ($LEAK_UPPER)" ||
		fail "proof: expected the query WwW.AkamaiContainer.CoM to the com server to count, got $LEAK_UPPER: the capture measure is blind"
	[ "$LEAK_ADV_NSD" -gt "$before" ] && pass "proof: adversary NSD num.queries moved $before -> $LEAK_ADV_NSD" ||
		fail "proof: adversary NSD num.queries still $LEAK_ADV_NSD after a direct query (was $before): the counter measure is blind"
}

# ------------------------------------------------------------------
# Runs
# ------------------------------------------------------------------

# The resolver variants every guard test runs:
# "label|module-config|qname-minimisation|extra server lines (;-separated)".
INET_VARIANTS=(
	"val-qmin|dynlib validator iterator|yes|"
	"val-noqmin|dynlib validator iterator|no|"
	"iter-qmin|dynlib iterator|yes|"
	"iter-noqmin|dynlib iterator|no|"
)

# Run a scenario in every variant with a fresh capture and a fresh
# Unbound each, then assert zero leakage: run_variants FUNC.  FUNC LABEL
# asks its questions (and notes expect_event for each logged reply);
# after Unbound stopped (so every line is written) the log is checked
# against those events and FUNC_log LABEL runs when it is defined.
# UB_EXTRA applies to every variant, a variant's extra lines on top.
run_variants() {
	local func=$1 v label mc qmin extra base_extra=${UB_EXTRA:-} nev
	for v in "${INET_VARIANTS[@]}"; do
		IFS='|' read -r label mc qmin extra <<<"$v"
		extra=$(printf '%s' "$extra" | tr ';' '\n' | sed 's/^ */\t/')
		info "=== run $label: module-config \"$mc\", qname-minimisation $qmin${extra:+, $(printf '%s' "$extra" | tr '\n\t' '; ')} ==="
		EV_COUNT=()
		EV_REASON=()
		start_capture "$label"
		UB_EXTRA="$base_extra
$extra" UB_MODULE_CONFIG=$mc UB_QMIN=$qmin inet_start_unbound "$label"
		"$func" "$label"
		unbound_alive && pass "run $label: unbound still running after the lookups" ||
			fail "run $label: unbound died during the lookups"
		nev=$(events_expected)
		[ "$nev" -gt 0 ] && wait_log_at_least "$SINKHOLE_LOG" "$nev" 10 >/dev/null
		inet_stop_unbound "$label"
		stop_capture "$label"
		assert_no_leak "$label"
		log_valid_json "$SINKHOLE_LOG" >/dev/null && pass "run $label: the log is valid JSON lines" ||
			fail "run $label: the log is not valid JSON lines: $(log_valid_json "$SINKHOLE_LOG" | head -n 3)"
		check_events "$label"
		if declare -F "${func}_log" >/dev/null; then
			"${func}_log" "$label"
		fi
	done
	UB_EXTRA=$base_extra
}
