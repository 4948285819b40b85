/*
 * tcp.c - TCP connections at the sinkhole address.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Accepts connections on the configured ports of the sinkhole
 * addresses, reads what the client opens with (at most
 * listener.max_bytes, for at most listener.timeout_ms), recognises a
 * TLS ClientHello or an HTTP request, answers a TLS alert or a fixed
 * bodiless 403, and writes one event per connection when it ends.  At
 * most listener.max_connections are open: a new one beyond that closes
 * the oldest (close reason "evicted", counted), so a flood of idle
 * connections cannot lock real clients out and costs no more memory.  The original destination of a connection
 * redirected by nftables (DNAT to one of the ports) is read with
 * SO_ORIGINAL_DST, so one port can stand for all of them.  Memory: one
 * struct and max_bytes per open connection, nothing else per client.
 */
#include "listener.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <event2/listener.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

/** TLS alert record: fatal (2), handshake_failure (40), TLS 1.0
 * record version as in any first flight. */
static const uint8_t tls_alert[] = { 21, 3, 1, 0, 2, 2, 40 };
/** The answer to every HTTP request: nothing to parse as a command. */
static const char http_403[] = "HTTP/1.1 403 Forbidden\r\n"
	"Content-Length: 0\r\nConnection: close\r\n\r\n";

/** One open connection. */
struct conn {
	/** the daemon */
	struct lsn* l;
	/** the open connections, oldest first (lsn.conns) */
	struct conn* prev, *next;
	/** the socket */
	evutil_socket_t fd;
	/** read event and total-time timer */
	struct event* rd, *timer;
	/** client and destination */
	struct sockaddr_storage src, dst;
	/** their lengths */
	socklen_t srclen, dstlen;
	/** 1 if dst came from SO_ORIGINAL_DST */
	int redirected;
	/** when it was accepted, wall clock and monotonic */
	struct timespec start, mono;
	/** bytes received */
	size_t len;
	/** the bytes, max_bytes of them (allocated with the struct) */
	uint8_t buf[];
};

/**
 * Whether two socket addresses of one family have the same address and
 * port (flow labels and scope ids aside).
 * @param a: one.
 * @param b: the other, of the same family.
 * @return 1 if the same.
 */
static int
same_endpoint(const struct sockaddr_storage* a,
	const struct sockaddr_storage* b)
{
	if(a->ss_family == AF_INET6) {
		const struct sockaddr_in6* x = (const struct sockaddr_in6*)a;
		const struct sockaddr_in6* y = (const struct sockaddr_in6*)b;
		return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr,
			&y->sin6_addr, 16) == 0;
	} else {
		const struct sockaddr_in* x = (const struct sockaddr_in*)a;
		const struct sockaddr_in* y = (const struct sockaddr_in*)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr ==
			y->sin_addr.s_addr;
	}
}

/**
 * Read the original destination of a redirected connection.
 * @param c: the connection, with dst set to the local address.
 */
static void
conn_orig_dst(struct conn* c)
{
	struct sockaddr_storage o;
	socklen_t ol = sizeof(o);
	int r;
	memset(&o, 0, sizeof(o));
	if(c->dst.ss_family == AF_INET6)
		r = getsockopt(c->fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &o, &ol);
	else	r = getsockopt(c->fd, SOL_IP, SO_ORIGINAL_DST, &o, &ol);
	if(r != 0 || ol > sizeof(o) || o.ss_family != c->dst.ss_family)
		return;		/* no conntrack entry: not redirected */
	if(!same_endpoint(&o, &c->dst)) {
		memcpy(&c->dst, &o, ol);
		c->dstlen = ol;
		c->redirected = 1;
	}
}

/**
 * Milliseconds since a monotonic time.
 * @param t: the start.
 * @return elapsed ms.
 */
static unsigned long
elapsed_ms(const struct timespec* t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long)((now.tv_sec - t->tv_sec) * 1000 +
		(now.tv_nsec - t->tv_nsec) / 1000000);
}

/**
 * Write the connection's event, close it and free it.
 * @param c: the connection.
 * @param why: close reason.
 * @param tls: the ClientHello, or NULL.
 * @param http: the request, or NULL.
 */
static void
conn_end(struct conn* c, const char* why, const struct sh_tls_hello* tls,
	const struct sh_http_req* http)
{
	struct lsn_event ev;
	enum sh_proto_kind k = sh_proto_sniff(c->buf, c->len);
	memset(&ev, 0, sizeof(ev));
	ev.time = c->start;
	ev.action = tls ? "tls_client_hello" : http ? "http_request"
		: "connection";
	ev.transport = "tcp";
	ev.protocol = (tls || k == SH_KIND_TLS) ? "tls" : (http ||
		k == SH_KIND_HTTP) ? "http" : NULL;
	ev.src = (struct sockaddr*)&c->src;
	ev.srclen = c->srclen;
	ev.dst = (struct sockaddr*)&c->dst;
	ev.dstlen = c->dstlen;
	ev.redirected = c->redirected;
	ev.bytes = c->len;
	ev.duration_ms = elapsed_ms(&c->mono);
	ev.close = why;
	ev.tls = tls;
	ev.http = http;
	if(!tls && !http) {
		ev.head = c->buf;
		ev.head_len = c->len;
	}
	ev.echo_type = ev.echo_id = ev.echo_seq = ev.ttl = -1;
	lsn_log(c->l, &ev);
	event_free(c->rd);
	event_free(c->timer);
	evutil_closesocket(c->fd);
	if(c->prev)
		c->prev->next = c->next;
	else	c->l->oldest = c->next;
	if(c->next)
		c->next->prev = c->prev;
	else	c->l->newest = c->prev;
	c->l->open--;
	free(c);
}

/**
 * Send a fixed answer and end the connection.
 * @param c: the connection.
 * @param msg: the answer.
 * @param n: its length.
 * @param tls: the ClientHello, or NULL.
 * @param http: the request, or NULL.
 */
static void
conn_answer(struct conn* c, const void* msg, size_t n,
	const struct sh_tls_hello* tls, const struct sh_http_req* http)
{
	/* a few bytes into an empty send buffer: never blocks; a short
	 * write only loses the courtesy */
	(void)send(c->fd, msg, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)shutdown(c->fd, SHUT_WR);
	conn_end(c, "answered", tls, http);
}

/**
 * Look at what arrived so far and act on it.
 * @param c: the connection.
 * @return 1 if the connection is still open (read more), 0 if ended.
 */
static int
conn_examine(struct conn* c)
{
	struct sh_tls_hello hello;
	struct sh_http_req req;
	enum sh_proto_result r;
	switch(sh_proto_sniff(c->buf, c->len)) {
	case SH_KIND_TLS:
		r = sh_tls_hello_parse(c->buf, c->len, &hello);
		if(r == SH_PROTO_OK) {
			conn_answer(c, tls_alert, sizeof(tls_alert), &hello,
				NULL);
			return 0;
		}
		break;
	case SH_KIND_HTTP:
		r = sh_http_parse((const char*)c->buf, c->len, &req);
		if(r == SH_PROTO_OK) {
			conn_answer(c, http_403, sizeof(http_403) - 1, NULL,
				&req);
			return 0;
		}
		break;
	default:
		return 1;	/* anything else: record until EOF or a limit */
	}
	if(r == SH_PROTO_BAD) {
		conn_end(c, "malformed", NULL, NULL);
		return 0;
	}
	return 1;
}

/**
 * Readable: take what there is, up to the byte limit.
 * @param fd: the socket.
 * @param what: event flags.
 * @param arg: the connection.
 */
static void
conn_read_cb(evutil_socket_t fd, short what, void* arg)
{
	struct conn* c = arg;
	size_t room = c->l->lc->max_bytes - c->len;
	ssize_t n;
	(void)what;
	n = recv(fd, c->buf + c->len, room, 0);
	if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		errno == EINTR))
		return;
	if(n <= 0) {
		conn_end(c, n == 0 ? "eof" : "error", NULL, NULL);
		return;
	}
	c->len += (size_t)n;
	if(!conn_examine(c))
		return;
	if(c->len >= c->l->lc->max_bytes) {
		c->l->st.over_bytes++;
		conn_end(c, "limit", NULL, NULL);
	}
}

/**
 * The connection's time is up.
 * @param fd: unused.
 * @param what: unused.
 * @param arg: the connection.
 */
static void
conn_timer_cb(evutil_socket_t fd, short what, void* arg)
{
	struct conn* c = arg;
	(void)fd;
	(void)what;
	c->l->st.over_time++;
	conn_end(c, "timeout", NULL, NULL);
}

/**
 * Reset a connection at once (linger 0) without recording it.
 * @param fd: the socket.
 */
static void
reset_close(evutil_socket_t fd)
{
	struct linger lg = { 1, 0 };
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	evutil_closesocket(fd);
}

/**
 * Set up the events of a new connection.
 * @param c: the connection, with fd and the addresses set.
 * @return 1 on success, 0 when out of memory.
 */
static int
conn_start(struct conn* c)
{
	struct lsn* l = c->l;
	struct timeval tv;
	tv.tv_sec = l->lc->timeout_ms / 1000;
	tv.tv_usec = (l->lc->timeout_ms % 1000) * 1000;
	c->rd = event_new(l->base, c->fd, EV_READ | EV_PERSIST, conn_read_cb,
		c);
	c->timer = evtimer_new(l->base, conn_timer_cb, c);
	if(!c->rd || !c->timer || event_add(c->rd, NULL) != 0 ||
		evtimer_add(c->timer, &tv) != 0) {
		if(c->rd)
			event_free(c->rd);
		if(c->timer)
			event_free(c->timer);
		return 0;
	}
	return 1;
}

/**
 * A client connected.
 * @param lev: the listener.
 * @param fd: the new socket.
 * @param sa: the client.
 * @param salen: its length.
 * @param arg: the daemon.
 */
static void
accept_cb(struct evconnlistener* lev, evutil_socket_t fd,
	struct sockaddr* sa, int salen, void* arg)
{
	struct lsn* l = arg;
	struct conn* c;
	(void)lev;
	/* full: the oldest connection makes room, so that idle
	 * connections held open by a flood cannot lock clients out */
	if(l->open >= l->lc->max_connections && l->oldest) {
		l->st.evicted++;
		conn_end(l->oldest, "evicted", NULL, NULL);
	}
	if(!(c = calloc(1, sizeof(*c) + l->lc->max_bytes))) {
		l->st.refused++;
		reset_close(fd);
		return;
	}
	c->l = l;
	c->fd = fd;
	memcpy(&c->src, sa, (size_t)salen);
	c->srclen = (socklen_t)salen;
	c->dstlen = sizeof(c->dst);
	if(getsockname(fd, (struct sockaddr*)&c->dst, &c->dstlen) != 0)
		c->dstlen = 0;
	conn_orig_dst(c);
	clock_gettime(CLOCK_REALTIME, &c->start);
	clock_gettime(CLOCK_MONOTONIC, &c->mono);
	if(evutil_make_socket_nonblocking(fd) != 0 || !conn_start(c)) {
		free(c);
		l->st.refused++;
		reset_close(fd);
		return;
	}
	c->prev = l->newest;
	if(l->newest)
		l->newest->next = c;
	else	l->oldest = c;
	l->newest = c;
	l->open++;
	l->st.connections++;
}

void
lsn_tcp_close_all(struct lsn* l)
{
	size_t i;
	while(l->oldest)
		conn_end(l->oldest, "shutdown", NULL, NULL);
	for(i = 0; i < l->num_lev; i++)
		evconnlistener_free(l->lev[i]);
	l->num_lev = 0;
}

/**
 * Open one listening socket.
 * @param sa: address and port.
 * @param salen: its length.
 * @return the socket, or -1 with the reason on stderr.
 */
static evutil_socket_t
tcp_socket(const struct sockaddr* sa, socklen_t salen)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port = 0;
	int v6 = 0, on = 1;
	evutil_socket_t fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK
		| SOCK_CLOEXEC, 0);
	if(fd < 0)
		goto error;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if(sa->sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	/* bind even before the address is up (systemd ordering) */
	(void)setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof(on));
	if(bind(fd, sa, salen) != 0 || listen(fd, 128) != 0)
		goto error;
	return fd;
error:
	(void)sh_sockaddr_text(sa, salen, ip, &port, &v6);
	fprintf(stderr, LSN_PREFIX "cannot listen on %s%s%s:%u/tcp: %s\n",
		v6 ? "[" : "", ip, v6 ? "]" : "", port, strerror(errno));
	if(fd >= 0)
		close(fd);
	return -1;
}

int
lsn_tcp_bind(struct lsn* l, const struct sockaddr* sa, socklen_t salen)
{
	struct sockaddr_storage a;
	struct evconnlistener* lev;
	evutil_socket_t fd;
	size_t i;
	for(i = 0; i < l->lc->num_ports; i++) {
		memcpy(&a, sa, salen);
		if(a.ss_family == AF_INET6)
			((struct sockaddr_in6*)&a)->sin6_port =
				htons(l->lc->ports[i]);
		else	((struct sockaddr_in*)&a)->sin_port =
				htons(l->lc->ports[i]);
		if((fd = tcp_socket((struct sockaddr*)&a, salen)) < 0)
			return 0;
		lev = evconnlistener_new(l->base, accept_cb, l,
			LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
		if(!lev) {
			fprintf(stderr, LSN_PREFIX "out of memory\n");
			close(fd);
			return 0;
		}
		l->lev[l->num_lev++] = lev;
	}
	return 1;
}
