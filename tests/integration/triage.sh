# triage.sh - client namespaces and a sinkhole listener for the triage
# tests (listener.test).
#
# Sourced after internet.sh (which sources lib.sh).  The test runs in its
# own network namespace (inet_enter_netns), the "site": the resolver
# (Unbound with the module, answering on port 53 of every client link)
# and the sinkhole listener live there, the sinkhole addresses
# ($SINK4, $SINK6) are on its lo.  Each client is a further network and
# mount namespace, kept alive by a holder process, joined to the site by
# a veth pair, with its own /etc/resolv.conf (bind-mounted, private to
# the namespace) naming the site's resolver, so the real tools (ping,
# traceroute, curl, openssl, nc) resolve through the module.  An
# "uplink" veth to an empty namespace is the site's default route: any
# packet that would leave the site is captured there.
#
#   client NAME   10.77.N.10/24, fd77:N::10/64  --veth--  10.77.N.1, fd77:N::1 (site)
#   uplink        198.18.0.1/24, fd98::1/64     --veth--  198.18.0.2, fd98::2 (outside)
#
# Environment: as lib.sh, plus SH_LISTENER (the sinkhole-listener binary).

: "${SH_LISTENER:=$top_builddir/listener/sinkhole-listener}"

# The sinkhole addresses handed out by the module and bound by the listener.
SINK4=10.66.0.66
SINK6=fd66::66
# The TCP ports the listener binds; TRIAGE_CATCH gets every other port
# through an nftables DNAT (when nft works here).
TRIAGE_PORTS="80, 443, 8000"
TRIAGE_CATCH=8000
# Client records: name -> holder pid, and name -> link number.
declare -A CL_PID CL_NUM
CL_NEXT=1
UPLINK_PID=

# Make a namespace holder: _ns_holder MOUNT [RESOLV]; sets HOLDER_PID.
# MOUNT 1 gives it a private mount namespace with RESOLV bind-mounted on
# /etc/resolv.conf.  Call directly (not in $(...)) so PIDS keeps it.
_ns_holder() {
	local mnt=$1 resolv=${2:-}
	if [ "$mnt" = 1 ]; then
		unshare --net --mount --propagation private -- sh -c \
			'mount --bind "$1" /etc/resolv.conf && exec sleep 600' sh "$resolv" \
			>/dev/null 2>&1 </dev/null &
	else
		unshare --net -- sleep 600 >/dev/null 2>&1 </dev/null &
	fi
	HOLDER_PID=$!
	PIDS+=("$HOLDER_PID")
}

# True once a holder runs in its own network namespace (unshare done).
_ns_ready() { [ "$(readlink "/proc/$1/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]; }

# True when the holder's /etc/resolv.conf is the given file.
_ns_mounted() { nsenter -t "$1" -m -- cat /etc/resolv.conf 2>/dev/null | cmp -s - "$2"; }

# Run a command in a client's namespaces: in_client NAME CMD...
in_client() {
	local name=$1
	shift
	nsenter -t "${CL_PID[$name]}" -n -m -- "$@"
}

# Create a client namespace linked to the site: add_client NAME.
# Its address is 10.77.N.10 (and fd77:N::10 with IPv6); the resolver
# is the site's end of the link.
add_client() {
	local name=$1 n=$CL_NEXT pid
	CL_NEXT=$((CL_NEXT + 1))
	printf 'nameserver 10.77.%d.1\noptions timeout:2 attempts:1\n' "$n" >"$T/resolv-$name.conf"
	_ns_holder 1 "$T/resolv-$name.conf"
	pid=$HOLDER_PID
	wait_until 5 _ns_ready "$pid" || die "client namespace $name did not come up"
	wait_until 5 _ns_mounted "$pid" "$T/resolv-$name.conf" ||
		die "client $name: /etc/resolv.conf is not the test's"
	CL_PID[$name]=$pid
	CL_NUM[$name]=$n
	ip link add "c-$name" type veth peer name eth0 netns "$pid" || die "veth for client $name"
	ip addr add "10.77.$n.1/24" dev "c-$name"
	ip link set "c-$name" up
	in_client "$name" ip link set lo up
	in_client "$name" ip addr add "10.77.$n.10/24" dev eth0
	in_client "$name" ip link set eth0 up
	in_client "$name" ip route add default via "10.77.$n.1"
	if [ "$TRIAGE_V6" = 1 ]; then
		ip -6 addr add "fd77:$n::1/64" dev "c-$name" nodad
		in_client "$name" ip -6 addr add "fd77:$n::10/64" dev eth0 nodad
		in_client "$name" ip -6 route add default via "fd77:$n::1"
	fi
	info "client $name: 10.77.$n.10 (namespace of pid $pid)"
}

# Print a client's IPv4 address.
client_ip() { echo "10.77.${CL_NUM[$1]}.10"; }
# Print a client's IPv6 address.
client_ip6() { echo "fd77:${CL_NUM[$1]}::10"; }

# Set up the site: the sinkhole addresses on lo, the uplink to an empty
# outside namespace as the default route (its capture proves nothing
# leaves), and the nftables redirect of every other TCP port to
# TRIAGE_CATCH.  Sets TRIAGE_V6 and TRIAGE_NFT (1 when the redirect is on).
site_init() {
	need_cmd ip nsenter unshare tcpdump
	TRIAGE_V6=0
	ip addr add "$SINK4/32" dev lo || die "cannot add $SINK4 to lo"
	if [ "$HAVE_IPV6" = 1 ] && ip -6 addr add "$SINK6/128" dev lo nodad 2>/dev/null; then
		TRIAGE_V6=1
	fi
	_ns_holder 0
	UPLINK_PID=$HOLDER_PID
	wait_until 5 _ns_ready "$UPLINK_PID" || die "outside namespace did not come up"
	ip link add up0 type veth peer name up1 netns "$UPLINK_PID" || die "uplink veth"
	ip addr add 198.18.0.1/24 dev up0
	ip link set up0 up
	nsenter -t "$UPLINK_PID" -n ip addr add 198.18.0.2/24 dev up1
	nsenter -t "$UPLINK_PID" -n ip link set up1 up
	ip route add default via 198.18.0.2
	if [ "$TRIAGE_V6" = 1 ]; then
		ip -6 addr add fd98::1/64 dev up0 nodad
		nsenter -t "$UPLINK_PID" -n ip -6 addr add fd98::2/64 dev up1 nodad
		ip -6 route add default via fd98::2
	fi
	TRIAGE_NFT=0
	if command -v nft >/dev/null 2>&1 && nft -f - 2>"$T/nft.err" <<EOF
table ip sinkhole {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $SINK4 tcp dport != { $TRIAGE_PORTS } dnat to $SINK4:$TRIAGE_CATCH
	}
}
table ip6 sinkhole {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip6 daddr $SINK6 tcp dport != { $TRIAGE_PORTS } dnat to [$SINK6]:$TRIAGE_CATCH
	}
}
EOF
	then
		TRIAGE_NFT=1
	else
		info "nftables redirect unavailable ($(head -c 200 "$T/nft.err")): the listener binds the odd port itself"
	fi
	info "site: sinkhole $SINK4 (IPv6 $TRIAGE_V6) on lo, uplink 198.18.0.1 -> outside, nft redirect $TRIAGE_NFT"
}

# Start the capture on the uplink: IP packets, except IPv6 link-local
# neighbour and router discovery (the link itself, not traffic out).
uplink_capture_start() {
	UPLINK_CAP=$T/uplink.pcap
	tcpdump -i up0 -n -U -w "$UPLINK_CAP" 'ip or (ip6 and not src net fe80::/10)' >"$T/uplink.tcpdump" 2>&1 &
	UPLINK_CAP_PID=$!
	PIDS+=("$UPLINK_CAP_PID")
	wait_until 5 grep -qs 'listening on' "$T/uplink.tcpdump" || die "tcpdump on up0 did not start"
}

# Stop the capture; print the number of packets in it (listed in
# $T/uplink.txt).
uplink_capture_stop() {
	sleep 0.5
	kill -INT "$UPLINK_CAP_PID" 2>/dev/null
	wait "$UPLINK_CAP_PID" 2>/dev/null
	tcpdump -n -r "$UPLINK_CAP" 2>/dev/null >"$T/uplink.txt"
	wc -l <"$T/uplink.txt" | tr -d ' '
}

# Write the listener settings into the module configuration (call after
# write_sinkhole_conf, which this also points at the sinkhole addresses).
# Sets LSN_LOG.
write_listener_conf() {
	local ports="$TRIAGE_PORTS" user=""
	LSN_LOG=$T/listener.json
	[ "$TRIAGE_NFT" = 1 ] || ports="$ports, 31337"
	# drop to nobody when we are the real root (not in a user namespace)
	[ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null && user="  user: nobody"
	sed -i "s|^sinkhole: .*|sinkhole: { ipv4: $SINK4, ipv6: \"$SINK6\", ttl: $SH_TTL }|" "$SINKHOLE_CONF"
	cat >>"$SINKHOLE_CONF" <<EOF
listener:
  log: $LSN_LOG
  ports: [$ports]
$user
  max_connections: ${LSN_MAX_CONN:-64}
  max_bytes: 16384
  timeout_ms: ${LSN_TIMEOUT_MS:-2000}
  max_packets_per_second: 200
EOF
}

# Start the listener (as root; it drops to nobody) and wait for it to
# say it listens.  Sets LSN_PID.
start_listener() {
	need_exec sinkhole-listener "$SH_LISTENER"
	"$SH_LISTENER" -c "$SINKHOLE_CONF" >"$T/listener.stderr" 2>&1 </dev/null &
	LSN_PID=$!
	PIDS+=("$LSN_PID")
	wait_until 10 grep -q 'listening' "$T/listener.stderr" ||
		die "the listener did not start: $(cat "$T/listener.stderr")"
	info "listener (pid $LSN_PID) on $SINK4 (IPv6 $TRIAGE_V6), ports $TRIAGE_PORTS"
}

# Print the listener's events matching a jq condition, compact, one a
# line: lsn_events COND.
lsn_events() { jq -c "select($1)" "$LSN_LOG" 2>/dev/null; }

# Print how many listener events match a jq condition.
lsn_count() { lsn_events "$1" | grep -c .; }
