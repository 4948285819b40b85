/*
 * listener.h - the sinkhole listener daemon's internal interfaces.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sinkhole-listener binds the sinkhole addresses the module hands out
 * (sinkhole.ipv4, sinkhole.ipv6 of sinkhole.yaml) and records what
 * clients do with them: TCP connections (with the TLS ClientHello or
 * HTTP request they open with), ICMP echo requests and UDP probes.  It
 * answers nothing a client could use: a TLS alert, a bodiless 403, the
 * kernel's own echo replies and port unreachables.  It never connects,
 * proxies or forwards.  Files: main.c (setup, privileges, signals),
 * tcp.c (connections), raw.c (ICMP and UDP), levent.c (ECS lines),
 * proto_tls.c and proto_http.c (the parsers, proto.h).
 */

#ifndef SH_LISTENER_H
#define SH_LISTENER_H

#include "internal.h"
#include "proto.h"
#include <event2/event.h>
#include <netinet/in.h>

struct conn;
struct evconnlistener;

/** Module prefix of the listener's own messages on stderr. */
#define LSN_PREFIX "sinkhole-listener: "

/** Counters of one run, logged in the "stopped" event. */
struct lsn_stats {
	/** connections accepted and recorded */
	uint64_t connections;
	/** connections closed to make room (max_connections were open) */
	uint64_t evicted;
	/** connections reset at accept (out of memory) */
	uint64_t refused;
	/** connections closed at the byte limit / time limit */
	uint64_t over_bytes, over_time;
	/** ICMP and UDP packets recorded */
	uint64_t packets;
	/** ICMP and UDP packets over max_packets_per_second (not logged) */
	uint64_t packets_dropped;
};

/** The daemon's state. */
struct lsn {
	/** configuration (owned) */
	struct sh_config* cfg;
	/** the listener settings, inside cfg */
	const struct sh_listener_config* lc;
	/** the event loop (owned) */
	struct event_base* base;
	/** the event log (owned) */
	struct sh_log* log;
	/** connections open now */
	unsigned open;
	/** the open connections, oldest and newest (tcp.c) */
	struct conn* oldest, *newest;
	/** the listening sockets (tcp.c) */
	struct evconnlistener* lev[2 * SH_LISTENER_PORTS_MAX];
	/** how many */
	size_t num_lev;
	/** the raw sockets' read events (raw.c) */
	struct event* raw_ev[4];
	/** how many */
	size_t num_raw;
	/** counters */
	struct lsn_stats st;
	/** packets logged in the current second, and which second */
	unsigned pkt_count;
	/** the second pkt_count is about */
	time_t pkt_second;
};

/** One event of the listener, as handed to lsn_event_format. */
struct lsn_event {
	/** when it started, UTC */
	struct timespec time;
	/** event.action: "connection", "tls_client_hello", "http_request",
	 * "icmp_echo", "udp_probe", "started", "stopped" */
	const char* action;
	/** network.transport: "tcp", "udp", "icmp", "ipv6-icmp"; NULL for
	 * the listener's own events */
	const char* transport;
	/** network.protocol: "tls", "http", or NULL */
	const char* protocol;
	/** the client, or NULL */
	const struct sockaddr* src;
	/** length of src */
	socklen_t srclen;
	/** the sinkhole address and port it reached, or NULL */
	const struct sockaddr* dst;
	/** length of dst */
	socklen_t dstlen;
	/** 1 if dst is the original destination before an nftables
	 * redirect (SO_ORIGINAL_DST) */
	int redirected;
	/** bytes received from the client */
	unsigned long bytes;
	/** how long the connection lasted, ms */
	unsigned long duration_ms;
	/** why the connection ended: "answered", "eof", "timeout",
	 * "limit", "malformed", "error", "evicted", "shutdown"; NULL for
	 * packets */
	const char* close;
	/** the ClientHello, or NULL */
	const struct sh_tls_hello* tls;
	/** the HTTP request, or NULL */
	const struct sh_http_req* http;
	/** first bytes of another protocol, or NULL */
	const uint8_t* head;
	/** number of bytes at head */
	size_t head_len;
	/** ICMP type, id and sequence (icmp_echo); -1 when not ICMP */
	int echo_type, echo_id, echo_seq;
	/** IP TTL or hop limit of a packet, -1 when not known */
	int ttl;
	/** counters for "stopped", or NULL */
	const struct lsn_stats* stats;
};

/** Longest line lsn_event_format writes: the values a client chooses
 * are cut (levent.c) so that even when every byte of them needs a
 * 6-byte JSON escape the line fits. */
#define LSN_LINE_MAX 32768

/**
 * Format a listener event as one ECS JSON line (fields in README.md,
 * "Triage").
 * @param ev: the event.
 * @param identity: observer.name.
 * @param buf: destination.
 * @param len: its size; LSN_LINE_MAX always suffices.
 * @return the line length including '\n', 0 if it did not fit.
 */
size_t lsn_event_format(const struct lsn_event* ev, const char* identity,
	char* buf, size_t len);

/**
 * Format and queue an event on the log; a line that does not fit is
 * reported on stderr and dropped.
 * @param l: the daemon.
 * @param ev: the event.
 */
void lsn_log(struct lsn* l, const struct lsn_event* ev);

/**
 * Open a listening TCP socket on addr:port for every configured port
 * and register them with the loop.
 * @param l: the daemon.
 * @param sa: the sinkhole address (port ignored).
 * @param salen: its length.
 * @return 1 on success, 0 with the reason on stderr.
 */
int lsn_tcp_bind(struct lsn* l, const struct sockaddr* sa, socklen_t salen);

/**
 * End every open connection (at shutdown), each with its event, and
 * close the listening sockets.
 * @param l: the daemon.
 */
void lsn_tcp_close_all(struct lsn* l);

/**
 * Close the raw sockets.
 * @param l: the daemon.
 */
void lsn_raw_close(struct lsn* l);

/**
 * Open the raw ICMP and UDP sockets of one family (as configured) and
 * register them with the loop.  Needs CAP_NET_RAW, only here: the
 * sockets stay usable after the privilege drop.
 * @param l: the daemon.
 * @param af: AF_INET or AF_INET6.
 * @return 1 on success, 0 with the reason on stderr.
 */
int lsn_raw_open(struct lsn* l, int af);

/**
 * Whether an address is one of the configured sinkhole addresses.
 * @param l: the daemon.
 * @param af: AF_INET or AF_INET6.
 * @param addr: 4 or 16 bytes.
 * @return 1 if it is.
 */
int lsn_is_sinkhole(const struct lsn* l, int af, const void* addr);

#endif /* SH_LISTENER_H */
