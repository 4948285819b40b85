#!/bin/bash
# bootstrap.sh - prepare, build, test or demonstrate unbound-sinkhole on a
# fresh Debian bookworm (run as root).
#
# Usage: tools/bootstrap.sh [deps|unbound|build|deb|check|run]   (default: build)
#   deps     install the Debian packages needed to build and test
#   unbound  deps, then fetch Debian's unbound SOURCE package of exactly the
#            installed unbound version (without our +dynlibN) and build it with dynlib support in
#            _build/unbound-src (the module must be compiled against the
#            same Unbound it is loaded into; the daemon built there is the
#            one the tests run)
#   build    unbound (and its testbound, linked with -export-dynamic to
#            load the module), then autoreconf/configure/make this tree
#   deb      Debian's own unbound package of the installed version rebuilt
#            with --with-dynlibmodule (version +dynlib1) and the
#            unbound-sinkhole package built against that exact tree, in
#            _build/deb (packaging/build-debs.sh; about 6 minutes).
#            SINKHOLE_UNBOUND_VERSION=V rebuilds Debian's unbound V instead
#            of the installed one (a security update: packaging/README.md)
#   check    build and deb, then `make check`; the last line printed is
#            "N passed, N failed, N skipped"; exit non-zero on any failure
#   run      build (installing only what building and running need), then
#            start a demo sinkholing resolver on
#            127.0.0.1:${SINKHOLE_DEMO_PORT:-5353} in the foreground
#            (SINKHOLE_DEMO_EXIT=1: stop after the demonstration)
#
# Every step is idempotent and skips work already done.  apt is only
# used through its normal client; the source package is fetched with a
# private sources list and state under _build/apt, /etc/apt is never
# touched.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/_build
UNBOUND_DIR=$BUILD/unbound-src
NPROC=$(nproc 2>/dev/null || echo 2)

# Packages needed on a fresh bookworm.  RUN_PACKAGES: compilers and
# autotools for this tree, Unbound's build dependencies and what the demo
# uses (`run` installs only these).  DEB_PACKAGES: what building Debian's
# unbound package and ours needs (`deb`).  TEST_PACKAGES: the servers,
# clients and tools the tests run.  `deps`, `build` and `check` install
# all of PACKAGES.
RUN_PACKAGES=(
	gcc make libc6-dev binutils pkg-config autoconf automake libtool
	dpkg-dev patch xz-utils
	unbound dnsutils jq iproute2 procps gzip
	libyaml-dev libldns-dev libidn2-dev libpsl-dev publicsuffix
	libssl-dev libexpat1-dev libevent-dev bison flex zlib1g-dev
)
DEB_PACKAGES=(
	build-essential fakeroot debhelper dh-apparmor dh-python
	libnghttp2-dev libprotobuf-c-dev libsystemd-dev nettle-dev
	protobuf-c-compiler python3-dev libpython3-dev swig lintian
)
TEST_PACKAGES=(
	nsd knot ldnsutils dnsperf bind9 bind9-utils rsyslog rsyslog-relp
	libcmocka-dev
	valgrind tshark tcpdump clang libclang-rt-14-dev python3
	chromium fonts-dejavu-core apparmor
	iputils-ping traceroute curl openssl netcat-openbsd nftables util-linux
)
PACKAGES=("${RUN_PACKAGES[@]}" "${DEB_PACKAGES[@]}" "${TEST_PACKAGES[@]}")

# Print a step banner.
step() { printf '\n==> %s\n' "$*"; }

# Print an error and exit.
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------
# deps
# ------------------------------------------------------------------

# Print the packages of WANT (default PACKAGES) that are not installed.
missing_packages() {
	local p
	for p in "${WANT[@]}"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
	done
}

# Install the missing packages of WANT (default PACKAGES; apt-get update
# at most once a day).
do_deps() {
	local missing stamp=$BUILD/apt-update.stamp s
	[ -n "${WANT+set}" ] || WANT=("${PACKAGES[@]}")
	step "deps: checking Debian packages"
	command -v dpkg-query >/dev/null || die "this script needs Debian (dpkg-query not found)"
	mapfile -t missing < <(missing_packages)
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "all ${#WANT[@]} packages installed"
	else
		[ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}): run as root"
		echo "missing: ${missing[*]}"
		mkdir -p "$BUILD"
		if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
			step "deps: apt-get update"
			apt-get update
			touch "$stamp"
		fi
		step "deps: apt-get install ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	fi
	# The packaged daemons are started by their postinst on some systems;
	# the tests never need them (nor port 53).  Not for `deb` and `run`:
	# on a production resolver the system unbound is the service.
	[ "${KEEP_SERVICES:-0}" = 1 ] && return 0
	for s in unbound nsd knot named; do
		if [ -x "/etc/init.d/$s" ] && service "$s" status >/dev/null 2>&1; then
			echo "stopping the system $s service (not used by the tests)"
			service "$s" stop || true
		fi
	done
}

# ------------------------------------------------------------------
# unbound
# ------------------------------------------------------------------

# Print deb-src lines for the Debian archives this system uses (from
# /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list),
# falling back to deb.debian.org bookworm, -security and -updates.
source_lines() {
	local f=/etc/apt/sources.list.d/debian.sources lines=""
	if [ -f "$f" ]; then
		lines=$(awk '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "") {
					nu = split(uris, u, " "); ns = split(suites, s, " ")
					for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
						print "deb-src " u[i] " " s[j] " main"
				}
				types = uris = suites = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			tolower($1) == "uris:" { $1 = ""; uris = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			END { flush() }' "$f")
	fi
	if [ -z "$lines" ] && [ -f /etc/apt/sources.list ]; then
		lines=$(awk '$1 == "deb" {
				i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i) ~ /^(https?|ftp):/ && $(i + 1) != "") print "deb-src " $(i) " " $(i + 1) " main"
			}' /etc/apt/sources.list)
	fi
	if [ -z "$lines" ]; then
		lines=$(printf '%s\n' \
			"deb-src http://deb.debian.org/debian bookworm main" \
			"deb-src http://deb.debian.org/debian-security bookworm-security main" \
			"deb-src http://deb.debian.org/debian bookworm-updates main")
	fi
	printf '%s\n' "$lines" | awk '!seen[$0]++'
}

# Print the version of Debian's unbound source to use: $SINKHOLE_UNBOUND_VERSION
# when set (e.g. the candidate of a security update), else the installed
# unbound's version without the +dynlibN suffix of our own rebuild.
unbound_source_version() {
	local v
	if [ -n "${SINKHOLE_UNBOUND_VERSION:-}" ]; then
		echo "$SINKHOLE_UNBOUND_VERSION"
		return 0
	fi
	v=$(dpkg-query -W -f='${Version}' unbound 2>/dev/null) ||
		die "the unbound package is not installed (run: $0 deps)"
	echo "${v%+dynlib*}"
}

# True when every file listed in a .dsc is beside it.
_dsc_files_present() {
	local f
	for f in $(awk '/^Files:/ { f = 1; next } /^[^ ]/ { f = 0 } f { print $3 }' "$1"); do
		[ -f "$(dirname "$1")/$f" ] || return 1
	done
}

# Fetch Debian's source package of unbound VERSION into _build/apt with
# a private sources list and state (never /etc/apt); sets UNBOUND_DSC.
# Skips the download when that .dsc is already there.
fetch_unbound_source() {
	local version=$1 apto dsc keyring
	UNBOUND_DSC=$BUILD/apt/unbound_${version#*:}.dsc
	if [ -f "$UNBOUND_DSC" ] && _dsc_files_present "$UNBOUND_DSC"; then
		echo "source already fetched: $UNBOUND_DSC"
		return 0
	fi
	mkdir -p "$BUILD/apt/lists/partial" "$BUILD/apt/cache/archives/partial"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	source_lines | if [ -f "$keyring" ]; then
		sed "s|^deb-src |deb-src [signed-by=$keyring] |"
	else
		cat
	fi >"$BUILD/apt/sources.list"
	echo "private sources list $BUILD/apt/sources.list:"
	sed 's/^/  /' "$BUILD/apt/sources.list"
	apto=(-o "Dir::Etc::SourceList=$BUILD/apt/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
		-o "Dir::State::Lists=$BUILD/apt/lists" -o "Dir::Cache=$BUILD/apt/cache"
		-o "APT::Sandbox::User=root")
	step "unbound: apt-get update (private source index)"
	apt-get "${apto[@]}" update
	step "unbound: apt-get source --download-only unbound=$version"
	rm -f "$BUILD"/apt/unbound_*
	(cd "$BUILD/apt" && apt-get "${apto[@]}" source --download-only "unbound=$version")
	dsc=$(ls "$BUILD"/apt/unbound_*.dsc 2>/dev/null | head -n 1)
	[ -n "$dsc" ] || die "apt-get source did not produce a .dsc for unbound=$version"
	UNBOUND_DSC=$dsc
}

# Fetch, unpack, configure and build Debian's unbound source of the
# installed version in _build/unbound-src, unless already done.
do_unbound() {
	local version stamp=$UNBOUND_DIR/.bootstrap-version dsc
	version=$(unbound_source_version)
	step "unbound: Debian source of unbound $version with dynlib support"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && [ -x "$UNBOUND_DIR/unbound" ] &&
		grep -q '^#define WITH_DYNLIBMODULE 1' "$UNBOUND_DIR/config.h" 2>/dev/null; then
		echo "already built: $UNBOUND_DIR/unbound ($version)"
		return 0
	fi
	fetch_unbound_source "$version"
	dsc=$UNBOUND_DSC
	step "unbound: dpkg-source -x $(basename "$dsc")"
	rm -rf "$UNBOUND_DIR"
	dpkg-source -x "$dsc" "$UNBOUND_DIR"
	step "unbound: configure (--with-dynlibmodule)"
	(cd "$UNBOUND_DIR" && ./configure --with-dynlibmodule --with-libevent --disable-flto \
		--disable-rpath --with-chroot-dir="" --with-pidfile="" \
		--with-rootkey-file=/usr/share/dns/root.key \
		--with-conf-file=/etc/unbound/unbound.conf >configure.out 2>&1) || {
		tail -n 30 "$UNBOUND_DIR/configure.out"
		die "configuring unbound failed (log: $UNBOUND_DIR/configure.out)"
	}
	grep -q '^#define WITH_DYNLIBMODULE 1' "$UNBOUND_DIR/config.h" ||
		die "$UNBOUND_DIR/config.h lacks WITH_DYNLIBMODULE"
	step "unbound: make -j$NPROC"
	make -C "$UNBOUND_DIR" -j"$NPROC" >"$UNBOUND_DIR/make.out" 2>&1 || {
		tail -n 30 "$UNBOUND_DIR/make.out"
		die "building unbound failed (log: $UNBOUND_DIR/make.out)"
	}
	[ -x "$UNBOUND_DIR/unbound" ] || die "no unbound binary after make"
	echo "$version" >"$stamp"
	echo "built $UNBOUND_DIR/unbound: $("$UNBOUND_DIR/unbound" -V 2>/dev/null | head -n 1)"
}

# Build the tree's testbound linked with -export-dynamic (as the daemon
# is), so it can load the module: tests/integration/replay.test runs
# Unbound's replay suite through it.  Additive: one more binary, the
# tree is not reconfigured; a testbound without the exported symbols is
# relinked.
do_testbound() {
	local tb=$UNBOUND_DIR/testbound
	step "unbound: testbound with -export-dynamic"
	if [ -x "$tb" ] && nm -D --defined-only "$tb" 2>/dev/null | grep ' T log_err$' >/dev/null; then
		echo "already built: $tb"
		return 0
	fi
	rm -f "$tb"
	make -C "$UNBOUND_DIR" -j"$NPROC" testbound LDFLAGS=-export-dynamic >"$UNBOUND_DIR/make-testbound.out" 2>&1 || {
		tail -n 30 "$UNBOUND_DIR/make-testbound.out"
		die "building testbound failed (log: $UNBOUND_DIR/make-testbound.out)"
	}
	nm -D --defined-only "$tb" | grep ' T log_err$' >/dev/null ||
		die "$tb does not export Unbound's symbols (-export-dynamic ignored?)"
	echo "built $tb"
}

# ------------------------------------------------------------------
# build
# ------------------------------------------------------------------

# Configure (when needed) and build this tree against _build/unbound-src.
do_build() {
	local want have
	cd "$TOP"
	step "build: unbound-sinkhole"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ] ||
		[ ! -f Makefile.in ]; then
		step "build: autoreconf -fi"
		autoreconf -fi
	fi
	want="--with-unbound-src=$UNBOUND_DIR"
	have=$( [ -x config.status ] && ./config.status --config 2>/dev/null | tr -d "'" || true)
	if [ ! -f config.status ] || [ ! -f Makefile ] || [ configure -nt config.status ] || [ "$have" != "$want" ]; then
		step "build: ./configure --with-unbound-src=$UNBOUND_DIR"
		./configure --with-unbound-src="$UNBOUND_DIR"
	fi
	step "build: make -j$NPROC"
	make -j"$NPROC"
	echo "module: $TOP/.libs/sinkhole.so"
	echo "tool:   $TOP/tools/sinkholectl"
}

# ------------------------------------------------------------------
# deb
# ------------------------------------------------------------------

# Build the two Debian packages in _build/deb (packaging/build-debs.sh).
do_deb() {
	local version
	version=$(unbound_source_version)
	step "deb: Debian packages of unbound $version+dynlib and unbound-sinkhole"
	fetch_unbound_source "$version"
	NPROC=$NPROC "$TOP/packaging/build-debs.sh" "$UNBOUND_DSC" "$BUILD/deb"
}

# ------------------------------------------------------------------
# check
# ------------------------------------------------------------------

# Run make check and print the summary as the very last line.
do_check() {
	local stamp=$BUILD/check.stamp rc=0 trs res pass=0 failn=0 skip=0 failed=()
	cd "$TOP"
	step "check: make -j2 check"
	touch "$stamp" # the .trs files of this run are newer than the stamp
	make -j2 check || rc=$?
	while IFS= read -r trs; do
		while IFS= read -r res; do
			case $res in
			PASS | XFAIL) pass=$((pass + 1)) ;;
			SKIP) skip=$((skip + 1)) ;;
			FAIL | XPASS | ERROR) failn=$((failn + 1)); failed+=("${trs%.trs}") ;;
			esac
		done < <(sed -n 's/^:test-result: *\([A-Z]*\).*/\1/p' "$trs")
	done < <(find tests bench -name '*.trs' -newer "$stamp" | sort)
	if [ "${#failed[@]}" -gt 0 ]; then
		step "check: logs of the failing tests"
		for t in $(printf '%s\n' "${failed[@]}" | sort -u); do
			printf -- '----- %s.log (last 60 lines) -----\n' "$t"
			tail -n 60 "$t.log" 2>/dev/null || echo "(no log)"
		done
	fi
	[ "$rc" -eq 0 ] || echo "make check exited with status $rc"
	[ $((pass + failn + skip)) -gt 0 ] || echo "no test ran"
	echo "$pass passed, $failn failed, $skip skipped"
	[ "$rc" -eq 0 ] && [ "$failn" -eq 0 ] && [ $((pass + failn + skip)) -gt 0 ]
}

# ------------------------------------------------------------------
# run
# ------------------------------------------------------------------

# Start the demo resolver, show two sinkholed lookups and their log lines.
do_run() {
	local port=${SINKHOLE_DEMO_PORT:-5353} demo=$BUILD/demo pid i before n
	cd "$TOP"
	step "run: demo sinkholing resolver on 127.0.0.1:$port"
	[ -f .libs/sinkhole.so ] || die "module .libs/sinkhole.so not built"
	if ss -Hlnu "sport = :$port" 2>/dev/null | grep -q . || ss -Hlnt "sport = :$port" 2>/dev/null | grep -q .; then
		die "port $port is in use on this machine; set SINKHOLE_DEMO_PORT to a free port"
	fi
	mkdir -p "$demo"
	cat >"$demo/sinkhole.yaml" <<EOF
# Demo configuration of the unbound-sinkhole module (see doc/sinkhole.yaml.example).
identity: demo-resolver
feeds: $TOP/zones
log:
  file: $demo/sinkhole.json
action: sinkhole
sinkhole: { ipv4: 0.0.0.0, ipv6: "::", ttl: 10 }
soa: { mname: sinkhole.invalid., rname: hostmaster.sinkhole.invalid. }
ede: true
EOF
	cat >"$demo/unbound.conf" <<EOF
# Demo Unbound with the sinkhole module (see doc/unbound.conf.example).
server:
	interface: 127.0.0.1@$port
	port: $port
	access-control: 127.0.0.0/8 allow
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$demo"
	pidfile: "$demo/unbound.pid"
	use-syslog: no
	logfile: "$demo/unbound.log"
	verbosity: 1
	# No trust anchor (this demo may run without internet access); the
	# validator stays in place, as in production.
	module-config: "dynlib validator iterator"
dynlib:
	dynlib-file: "$TOP/.libs/sinkhole.so"
EOF
	echo "config: $demo/unbound.conf, $demo/sinkhole.yaml"
	before=$( [ -f "$demo/sinkhole.json" ] && wc -l <"$demo/sinkhole.json" || echo 0)
	UNBOUND_SINKHOLE_CONF=$demo/sinkhole.yaml "$UNBOUND_DIR/unbound" -d -c "$demo/unbound.conf" &
	pid=$!
	trap 'echo; echo "stopping unbound (pid $pid)"; kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; tail -n 20 "$demo/unbound.log"; die "unbound exited at startup"; }
		dig @127.0.0.1 -p "$port" +tries=1 +time=1 +short version.server CH TXT 2>/dev/null | grep -q '^"' && break
		sleep 0.1
	done
	[ "$i" -lt 100 ] || { kill "$pid"; die "unbound did not answer within 10 s"; }
	step "dig @127.0.0.1 -p $port akamaicontainer.com A"
	dig @127.0.0.1 -p "$port" +tries=1 +time=3 akamaicontainer.com A || true
	step "dig @127.0.0.1 -p $port www.msstorageazure.com AAAA"
	dig @127.0.0.1 -p "$port" +tries=1 +time=3 www.msstorageazure.com AAAA || true
	step "new lines in $demo/sinkhole.json"
	for ((i = 0; i < 50; i++)); do
		n=$( [ -f "$demo/sinkhole.json" ] && wc -l <"$demo/sinkhole.json" || echo 0)
		[ "$n" -ge $((before + 2)) ] && break
		sleep 0.1
	done
	tail -n +$((before + 1)) "$demo/sinkhole.json" 2>/dev/null | jq . || true
	echo
	echo "sinkholing resolver running on 127.0.0.1:$port — try: dig @127.0.0.1 -p $port <name>; log: $demo/sinkhole.json; Ctrl-C to stop"
	if [ "${SINKHOLE_DEMO_EXIT:-0}" = 1 ]; then
		kill -TERM "$pid"
		wait "$pid" && echo "unbound stopped" || die "unbound exited with status $? on SIGTERM"
		return 0
	fi
	wait "$pid" || die "unbound exited with status $?"
}

# ------------------------------------------------------------------

cmd=${1:-build}
case $cmd in
deps) do_deps ;;
unbound) do_deps; do_unbound ;;
build) do_deps; do_unbound; do_testbound; do_build ;;
deb) WANT=("${RUN_PACKAGES[@]}" "${DEB_PACKAGES[@]}") KEEP_SERVICES=1; do_deps; do_deb ;;
check) do_deps; do_unbound; do_testbound; do_build; do_deb; do_check ;;
run) WANT=("${RUN_PACKAGES[@]}") KEEP_SERVICES=1; do_deps; do_unbound; do_build; do_run ;;
-h | --help | help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" ;;
*) die "unknown step '$cmd' (usage: $0 [deps|unbound|build|deb|check|run])" ;;
esac
