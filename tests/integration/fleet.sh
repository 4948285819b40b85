# fleet.sh - a loopback fleet of resolvers fed by one RPZ primary.
#
# Sourced by fleet.test after lib.sh.  Every server is started from the
# configuration templates in doc/fleet/ (the ones README's "Operating a
# fleet" shows), with @NAME@ placeholders filled in here, so what is
# documented is what is tested:
#   - fleet_primary: Knot DNS serving the exported RPZ zone with TSIG,
#     NOTIFY and IXFR (doc/fleet/knot.conf);
#   - fleet_bind: BIND 9 as a native-RPZ resolver (doc/fleet/named.conf);
#   - fleet_unbound_native: Debian's Unbound with rpz:
#     (doc/fleet/unbound-native-rpz.conf);
#   - fleet_module_resolver: Unbound with the module; Unbound's auth-zone
#     transfers the zone into the module's feed directory
#     (doc/fleet/unbound-module-auth-zone.conf);
#   - fleet_rsyslog: rsyslog forwarders and the collector
#     (doc/fleet/rsyslog-*.conf).
# All listen on 127.0.0.1 only; every process goes into PIDS, so lib.sh's
# cleanup stops it.

FLEET_DOC=$top_srcdir/doc/fleet
FLEET_ORIGIN=rpz.fleet.test.
# Unbound cannot sign transfers, and its transfers do not use
# outgoing-interface (Unbound 1.17 connects without binding): on this
# loopback they come from 127.0.0.1, which the primary's ACL allows
# without the key.  Any other address needs the key (checked from
# FLEET_OTHER_HOST).
FLEET_UNBOUND_XFR_ADDR=127.0.0.1
FLEET_OTHER_HOST=127.0.0.2

# Fill a template: fleet_fill TEMPLATE OUT NAME=VALUE...  Fails when a
# placeholder is left over.
fleet_fill() {
	local tpl=$FLEET_DOC/$1 out=$2 kv name val
	shift 2
	[ -f "$tpl" ] || die "template $tpl missing"
	cp "$tpl" "$out"
	for kv in "$@"; do
		name=${kv%%=*}
		val=${kv#*=}
		val=${val//\\/\\\\}
		val=${val//|/\\|}
		val=${val//&/\\&}
		sed -i "s|@$name@|$val|g" "$out"
	done
	if grep -v '^[[:space:]]*[#;/]' "$out" | grep -q '@[A-Z0-9_]*@'; then
		die "$out: placeholders left: $(grep -o '@[A-Z0-9_]*@' "$out" | sort -u | tr '\n' ' ')"
	fi
}

# A fresh TSIG secret (HMAC-SHA256, 32 random bytes, base64).
fleet_tsig_secret() {
	python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'
}

# Print the serial a server on 127.0.0.1@PORT gives for the zone, over
# TCP, or nothing: fleet_soa_serial PORT [DIG-ARGS...]
fleet_soa_serial() {
	local port=$1
	shift
	"$DIG" @127.0.0.1 -p "$port" +tcp +tries=1 +time=2 +short "$@" "$FLEET_ORIGIN" SOA 2>/dev/null |
		awk 'NF >= 7 { print $3; exit }'
}

# Start the Knot DNS primary.  Needs the zone file at $FLEET_PRIMARY_DIR/
# rpz.zone and the resolver ports.  Sets FLEET_PRIMARY_PORT, FLEET_KNOT_CONF.
fleet_primary() {
	local dir=$FLEET_PRIMARY_DIR pid
	need_cmd knotd knotc
	free_port
	FLEET_PRIMARY_PORT=$FREE_PORT
	FLEET_KNOT_CONF=$dir/knot.conf
	fleet_fill knot.conf "$FLEET_KNOT_CONF" DIR="$dir" ORIGIN="$FLEET_ORIGIN" \
		PRIMARY_ADDR=127.0.0.1 PRIMARY_PORT="$FLEET_PRIMARY_PORT" \
		TSIG_SECRET="$FLEET_TSIG" BIND_PORT="$FLEET_BIND_PORT" \
		UNBOUND_PORT="$FLEET_NATIVE_PORT" MODULE1_PORT="$FLEET_M1_PORT" \
		MODULE2_PORT="$FLEET_M2_PORT" \
		UNBOUND_XFR_ADDRS="$FLEET_UNBOUND_XFR_ADDR"
	knotd -c "$FLEET_KNOT_CONF" >"$dir/knotd.stderr" 2>&1 </dev/null &
	pid=$!
	PIDS+=("$pid")
	wait_until 15 _fleet_primary_ready "$pid" ||
		die "Knot primary did not serve $FLEET_ORIGIN: $(tail -n 5 "$dir/knot.log" "$dir/knotd.stderr" 2>/dev/null)"
	info "Knot DNS primary (pid $pid) serving $FLEET_ORIGIN serial $(fleet_soa_serial "$FLEET_PRIMARY_PORT") on 127.0.0.1@$FLEET_PRIMARY_PORT"
}

# True when knotd PID answers the zone's SOA.
_fleet_primary_ready() {
	kill -0 "$1" 2>/dev/null || return 2
	[ -n "$(fleet_soa_serial "$FLEET_PRIMARY_PORT")" ]
}

# Export the primary's feeds into its zone and have Knot load the change:
# fleet_publish.  Prints nothing; dies on failure.
fleet_publish() {
	"$SINKHOLECTL" -f "$FLEET_PRIMARY_FEEDS" export --format rpz \
		--origin "$FLEET_ORIGIN" --output "$FLEET_PRIMARY_DIR/rpz.zone" ||
		die "sinkholectl export failed"
	if [ -n "${FLEET_KNOT_CONF:-}" ]; then
		knotc -c "$FLEET_KNOT_CONF" -b zone-reload "$FLEET_ORIGIN" >"$FLEET_PRIMARY_DIR/knotc.out" 2>&1 ||
			die "knotc zone-reload: $(cat "$FLEET_PRIMARY_DIR/knotc.out")"
	fi
}

# Start BIND 9 as a native-RPZ secondary on FLEET_BIND_PORT.
fleet_bind() {
	local dir=$T/bind pid
	need_cmd named
	mkdir -p "$dir"
	fleet_fill named.conf "$dir/named.conf" DIR="$dir" ORIGIN="${FLEET_ORIGIN%.}" \
		PORT="$FLEET_BIND_PORT" TSIG_SECRET="$FLEET_TSIG" \
		PRIMARY_ADDR=127.0.0.1 PRIMARY_PORT="$FLEET_PRIMARY_PORT" \
		UPSTREAM_ADDR=127.0.0.1 UPSTREAM_PORT="$CANARY_PORT"
	named -g -c "$dir/named.conf" >"$dir/named.log" 2>&1 </dev/null &
	pid=$!
	PIDS+=("$pid")
	FLEET_BIND_PID=$pid
	wait_until 20 _fleet_transferred "$dir/named.log" "$pid" 'transfer of .* Transfer completed' ||
		die "BIND did not transfer $FLEET_ORIGIN: $(grep -i 'error\|fail\|refused' "$dir/named.log" | tail -n 5)"
	info "BIND 9 (pid $pid) on 127.0.0.1@$FLEET_BIND_PORT has the zone"
}

# True when LOG has a line matching REGEX while PID runs.
_fleet_transferred() {
	kill -0 "$2" 2>/dev/null || return 2
	grep -Eq "$3" "$1" 2>/dev/null
}

# Write an Unbound configuration in DIR with lib.sh's write_unbound_conf
# (loopback, stubs to the canary) and append a clause: _fleet_unbound_conf
# DIR PORT MODULE_CONFIG TEMPLATE FILL...
_fleet_unbound_conf() {
	local dir=$1 port=$2 mc=$3 tpl=$4 saved_t=$T
	shift 4
	mkdir -p "$dir"
	T=$dir UB_PORT=$port UB_CONF= UB_MODULE_CONFIG=$mc UB_EXTRA= write_unbound_conf
	T=$saved_t
	fleet_fill "$tpl" "$dir/clause.conf" "$@"
	cat "$dir/clause.conf" >>"$dir/unbound.conf"
}

# Start an Unbound from DIR/unbound.conf: _fleet_unbound_start DIR PORT
# BINARY SINKHOLE_CONF.  Sets FLEET_UB_PID.
_fleet_unbound_start() {
	local dir=$1 port=$2 bin=$3 shconf=$4
	: >"$dir/unbound.log"
	UNBOUND_SINKHOLE_CONF=$shconf "$bin" -d -c "$dir/unbound.conf" \
		>"$dir/unbound.stderr" 2>&1 </dev/null &
	FLEET_UB_PID=$!
	PIDS+=("$FLEET_UB_PID")
	UB_PID=$FLEET_UB_PID UB_PORT=$port wait_until 20 _unbound_ready ||
		die "unbound in $dir did not start: $(tail -n 5 "$dir/unbound.log" "$dir/unbound.stderr")"
}

# Start Debian's Unbound (no module) with rpz: on FLEET_NATIVE_PORT.
fleet_unbound_native() {
	local dir=$T/native bin
	bin=$(PATH=$PATH:/usr/sbin command -v unbound) || die "Debian's unbound not installed"
	_fleet_unbound_conf "$dir" "$FLEET_NATIVE_PORT" "respip validator iterator" unbound-native-rpz.conf DIR="$dir" \
		ORIGIN="$FLEET_ORIGIN" PRIMARY_ADDR=127.0.0.1 PRIMARY_PORT="$FLEET_PRIMARY_PORT"
	_fleet_unbound_start "$dir" "$FLEET_NATIVE_PORT" "$bin" ""
	wait_until 20 test -s "$dir/rpz.zone" ||
		die "native Unbound did not transfer $FLEET_ORIGIN: $(grep -i 'xfr\|error' "$dir/unbound.log" | tail -n 5)"
	info "native Unbound (pid $FLEET_UB_PID) on 127.0.0.1@$FLEET_NATIVE_PORT has the zone"
}

# Start an Unbound with the module: fleet_module_resolver NAME PORT.
# Its feed directory holds a site-local feed; auth-zone: writes the
# transferred zone there as fleet.rpz.  Log: $T/NAME/sinkhole.json.
fleet_module_resolver() {
	local name=$1 port=$2 dir=$T/$1 saved_t=$T
	mkdir -p "$dir/feeds"
	cat >"$dir/feeds/local.yaml" <<EOF
feed:
  id: local-$name
indicators:
  - local-only.$name.test
EOF
	T=$dir write_sinkhole_conf "$dir/feeds" 'reload: { debounce_ms: 100 }'
	T=$saved_t
	sed -i "s/^identity: .*/identity: $name/" "$dir/sinkhole.yaml"
	_fleet_unbound_conf "$dir" "$port" "dynlib validator iterator" \
		unbound-module-auth-zone.conf ORIGIN="$FLEET_ORIGIN" PRIMARY_ADDR=127.0.0.1 \
		PRIMARY_PORT="$FLEET_PRIMARY_PORT" FEEDS="$dir/feeds"
	need_exec "sinkhole module" "$SH_MODULE"
	_fleet_unbound_start "$dir" "$port" "$UNBOUND_BIN" "$dir/sinkhole.yaml"
	wait_until 20 test -s "$dir/feeds/fleet.rpz" ||
		die "$name: auth-zone did not write $dir/feeds/fleet.rpz: $(grep -i 'xfr\|error' "$dir/unbound.log" | tail -n 5)"
	info "module resolver $name (pid $FLEET_UB_PID) on 127.0.0.1@$port has the zone in its feed directory"
}

# Start an rsyslogd: fleet_rsyslog NAME TEMPLATE FILL...  Sets FLEET_RS_PID.
fleet_rsyslog() {
	local name=$1 tpl=$2 dir=$T/rsyslog-$1
	shift 2
	need_cmd rsyslogd
	mkdir -p "$dir"
	fleet_fill "$tpl" "$dir/rsyslog.conf" DIR="$dir" "$@"
	rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" >"$dir/stderr" 2>&1 </dev/null &
	FLEET_RS_PID=$!
	PIDS+=("$FLEET_RS_PID")
	sleep 0.3
	kill -0 "$FLEET_RS_PID" 2>/dev/null || die "rsyslogd $name exited: $(cat "$dir/stderr")"
	printf -v "FLEET_RS_PID_${name//-/_}" '%s' "$FLEET_RS_PID"
}

# Start the collector on FLEET_COLLECTOR_PORT writing FLEET_COLLECTED.
fleet_collector() {
	fleet_rsyslog collector rsyslog-collector.conf COLLECTOR_ADDR=127.0.0.1 \
		COLLECTOR_PORT="$FLEET_COLLECTOR_PORT" OUT="$FLEET_COLLECTED"
	wait_until 10 python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
		"$FLEET_COLLECTOR_PORT" || die "collector does not listen on $FLEET_COLLECTOR_PORT: $(cat "$T/rsyslog-collector/stderr")"
}

# True when FILE has at least one JSON line matching a jq FILTER (jq -e
# alone is true for an empty file): jq_any FILE FILTER [JQ-ARGS...]
jq_any() {
	local f=$1 filter=$2
	shift 2
	[ -s "$f" ] && [ -n "$(jq -c "$@" "$filter" "$f" 2>/dev/null | head -n 1)" ]
}

# Ask every resolver of the fleet for NAME; print "label:answer" for each
# where the answer is the rcode and the first A record.
fleet_ask_all() {
	local name=$1 r label port
	for r in "${FLEET_RESOLVERS[@]}"; do
		label=${r%%:*}
		port=${r#*:}
		printf '%s:%s\n' "$label" "$("$DIG" @127.0.0.1 -p "$port" +tries=1 +time=1 "$name" A 2>/dev/null |
			awk '/status:/ { sub(",", "", $6); rc = $6 } /^[^;].*\tIN\tA\t/ { a = $NF } END { print rc "/" a }')"
	done
}
