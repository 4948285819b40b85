/*
 * raw.c - ICMP echo requests and UDP probes at the sinkhole address.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * ping and traceroute are what a curious admin runs (the 3CX story);
 * they never open a TCP connection, so the listener watches them with
 * raw sockets: SOCK_RAW IPPROTO_ICMP / IPPROTO_ICMPV6 (echo requests)
 * and IPPROTO_UDP (traceroute's probes to ports 33434 and up, or any
 * UDP).  A raw socket receives a copy of every packet of its protocol
 * that the host takes in; the kernel still answers as it always does
 * (echo reply, port unreachable), so the listener sends nothing.
 * Packets to other addresses than the sinkhole ones are ignored.
 * Opening the sockets needs CAP_NET_RAW; they are opened before the
 * privilege drop and keep working after it, so the daemon keeps no
 * capability at all.  Logged events are bounded by
 * listener.max_packets_per_second; the rest are counted.
 */
#include "listener.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <netinet/udp.h>

/** Largest packet looked at (headers are all that is read). */
#define RAW_BUF 512

/** What a raw socket carries, for the callback. */
struct raw_sock {
	/** the daemon */
	struct lsn* l;
	/** AF_INET or AF_INET6 */
	int af;
	/** IPPROTO_ICMP, IPPROTO_ICMPV6 or IPPROTO_UDP */
	int proto;
};

/** The raw sockets' contexts: at most ICMP and UDP for two families. */
static struct raw_sock raw_socks[4];
/** How many are in use. */
static size_t raw_num;

/**
 * Count a packet against the per-second bound.
 * @param l: the daemon.
 * @return 1 if it may be logged, 0 if over the bound (counted).
 */
static int
raw_admit(struct lsn* l)
{
	time_t now = time(NULL);
	if(now != l->pkt_second) {
		l->pkt_second = now;
		l->pkt_count = 0;
	}
	if(l->pkt_count >= l->lc->max_packets_per_second) {
		l->st.packets_dropped++;
		return 0;
	}
	l->pkt_count++;
	l->st.packets++;
	return 1;
}

/**
 * Log one packet.
 * @param l: the daemon.
 * @param src: the sender (port set for UDP).
 * @param dst: the sinkhole address (port set for UDP).
 * @param slen: length of both addresses.
 * @param udp: 1 for a UDP probe, 0 for an echo request.
 * @param bytes: payload bytes.
 * @param ttl: TTL or hop limit, -1 if unknown.
 * @param icmp: the ICMP header (type, id, seq), or NULL.
 */
static void
raw_log(struct lsn* l, const struct sockaddr* src, const struct sockaddr* dst,
	socklen_t slen, int udp, unsigned long bytes, int ttl,
	const int* icmp)
{
	struct lsn_event ev;
	if(!raw_admit(l))
		return;
	memset(&ev, 0, sizeof(ev));
	clock_gettime(CLOCK_REALTIME, &ev.time);
	ev.action = udp ? "udp_probe" : "icmp_echo";
	ev.transport = udp ? "udp" : (src->sa_family == AF_INET6 ?
		"ipv6-icmp" : "icmp");
	ev.src = src;
	ev.dst = dst;
	ev.srclen = ev.dstlen = slen;
	ev.bytes = bytes;
	ev.ttl = ttl;
	ev.echo_type = icmp ? icmp[0] : -1;
	ev.echo_id = icmp ? icmp[1] : -1;
	ev.echo_seq = icmp ? icmp[2] : -1;
	lsn_log(l, &ev);
}

/**
 * Handle one IPv4 packet (raw IPv4 sockets deliver the IP header).
 * @param rs: the socket's context.
 * @param p: the packet.
 * @param n: its length.
 */
static void
raw_v4(struct raw_sock* rs, const uint8_t* p, size_t n)
{
	const struct iphdr* ip = (const struct iphdr*)p;
	struct sockaddr_in s, d;
	size_t hl;
	int icmp[3];
	if(n < sizeof(*ip) || ip->version != 4 || (hl = ip->ihl * 4u) < 20 ||
		n < hl + 8 || !lsn_is_sinkhole(rs->l, AF_INET, &ip->daddr))
		return;
	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	s.sin_family = d.sin_family = AF_INET;
	memcpy(&s.sin_addr, &ip->saddr, 4);
	memcpy(&d.sin_addr, &ip->daddr, 4);
	if(rs->proto == IPPROTO_UDP) {
		const struct udphdr* u = (const struct udphdr*)(p + hl);
		s.sin_port = u->source;
		d.sin_port = u->dest;
		raw_log(rs->l, (struct sockaddr*)&s, (struct sockaddr*)&d,
			sizeof(s), 1, ntohs(u->len) >= 8 ? ntohs(u->len) - 8u : 0,
			ip->ttl, NULL);
		return;
	}
	if(p[hl] != ICMP_ECHO)
		return;
	icmp[0] = ICMP_ECHO;
	icmp[1] = (p[hl + 4] << 8) | p[hl + 5];
	icmp[2] = (p[hl + 6] << 8) | p[hl + 7];
	raw_log(rs->l, (struct sockaddr*)&s, (struct sockaddr*)&d, sizeof(s), 0,
		n - hl - 8, ip->ttl, icmp);
}

/**
 * Handle one IPv6 packet (no IP header: addresses and hop limit come
 * from ancillary data).
 * @param rs: the socket's context.
 * @param p: the ICMPv6 or UDP header and payload.
 * @param n: its length.
 * @param s: the sender.
 * @param msg: the message, for its control data.
 */
static void
raw_v6(struct raw_sock* rs, const uint8_t* p, size_t n,
	struct sockaddr_in6* s, struct msghdr* msg)
{
	struct cmsghdr* cm;
	struct sockaddr_in6 d;
	int hops = -1, have = 0, icmp[3];
	memset(&d, 0, sizeof(d));
	d.sin6_family = AF_INET6;
	for(cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if(cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if(cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			d.sin6_addr = pi.ipi6_addr;
			have = 1;
		} else if(cm->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
	}
	if(!have || n < 8 || !lsn_is_sinkhole(rs->l, AF_INET6, &d.sin6_addr))
		return;
	if(rs->proto == IPPROTO_UDP) {
		const struct udphdr* u = (const struct udphdr*)p;
		s->sin6_port = u->source;
		d.sin6_port = u->dest;
		raw_log(rs->l, (struct sockaddr*)s, (struct sockaddr*)&d,
			sizeof(d), 1, ntohs(u->len) >= 8 ? ntohs(u->len) - 8u : 0,
			hops, NULL);
		return;
	}
	if(p[0] != ICMP6_ECHO_REQUEST)
		return;
	s->sin6_port = 0;
	icmp[0] = ICMP6_ECHO_REQUEST;
	icmp[1] = (p[4] << 8) | p[5];
	icmp[2] = (p[6] << 8) | p[7];
	raw_log(rs->l, (struct sockaddr*)s, (struct sockaddr*)&d, sizeof(d), 0,
		n - 8, hops, icmp);
}

/**
 * A raw socket is readable: take up to 64 packets.
 * @param fd: the socket.
 * @param what: unused.
 * @param arg: its context.
 */
static void
raw_read_cb(evutil_socket_t fd, short what, void* arg)
{
	struct raw_sock* rs = arg;
	uint8_t buf[RAW_BUF];
	union { struct cmsghdr h; uint8_t b[256]; } ctl;
	struct sockaddr_in6 from;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;
	int i;
	(void)what;
	for(i = 0; i < 64; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if(n < 0)
			return;		/* EAGAIN: drained */
		if(rs->af == AF_INET)
			raw_v4(rs, buf, (size_t)n);
		else	raw_v6(rs, buf, (size_t)n, &from, &msg);
	}
}

/**
 * Open one raw socket and register it.
 * @param l: the daemon.
 * @param af: the family.
 * @param proto: the protocol.
 * @return 1 on success, 0 with the reason on stderr.
 */
static int
raw_one(struct lsn* l, int af, int proto)
{
	struct raw_sock* rs = &raw_socks[raw_num];
	struct event* ev;
	int on = 1, fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		proto);
	if(fd < 0) {
		fprintf(stderr, LSN_PREFIX "cannot open a raw %s socket (needs "
			"CAP_NET_RAW at startup): %s\n", proto == IPPROTO_UDP ?
			"UDP" : "ICMP", strerror(errno));
		return 0;
	}
	if(af == AF_INET6) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
			sizeof(on));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
			sizeof(on));
	}
	if(proto == IPPROTO_ICMPV6) {
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
		(void)setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
			sizeof(f));
	}
	rs->l = l;
	rs->af = af;
	rs->proto = proto;
	if(!(ev = event_new(l->base, fd, EV_READ | EV_PERSIST, raw_read_cb,
		rs)) || event_add(ev, NULL) != 0) {
		fprintf(stderr, LSN_PREFIX "out of memory\n");
		close(fd);
		return 0;
	}
	raw_num++;
	l->raw_ev[l->num_raw++] = ev;
	return 1;
}

void
lsn_raw_close(struct lsn* l)
{
	size_t i;
	for(i = 0; i < l->num_raw; i++) {
		evutil_socket_t fd = event_get_fd(l->raw_ev[i]);
		event_free(l->raw_ev[i]);
		close(fd);
	}
	l->num_raw = 0;
}

int
lsn_raw_open(struct lsn* l, int af)
{
	if(l->lc->icmp && !raw_one(l, af, af == AF_INET ? IPPROTO_ICMP
		: IPPROTO_ICMPV6))
		return 0;
	if(l->lc->udp && !raw_one(l, af, IPPROTO_UDP))
		return 0;
	return 1;
}
