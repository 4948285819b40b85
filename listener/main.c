/*
 * main.c - sinkhole-listener: setup, privilege drop, event loop.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads sinkhole.yaml (the module's file: its sinkhole.ipv4/ipv6 are the
 * addresses to bind, its "listener" section the daemon's settings),
 * binds the TCP ports and opens the raw ICMP/UDP sockets, opens the
 * event log, then drops every privilege: supplementary groups, group and
 * user to listener.user (all capabilities go with the root user id),
 * and PR_SET_NO_NEW_PRIVS.  It refuses to keep running as root.  Then
 * it runs the libevent loop until SIGTERM or SIGINT; SIGHUP reopens the
 * log (the log writer also follows a rotation by itself).  It never
 * opens an outgoing connection.
 */
#include "listener.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

/** Queue between the loop and the log writer thread: 1 MiB. */
#define LSN_QUEUE_BYTES ((size_t)1024 * 1024)

/**
 * Print a diagnostic on stderr ("file:line:column: error: text").
 * @param arg: unused.
 * @param msg: the diagnostic.
 */
static void
diag_stderr(void* arg, const struct sh_diag_msg* msg)
{
	char buf[2048];
	(void)arg;
	sh_diag_format(msg, buf, sizeof(buf));
	fprintf(stderr, LSN_PREFIX "%s\n", buf);
}

int
lsn_is_sinkhole(const struct lsn* l, int af, const void* addr)
{
	if(af == AF_INET)
		return memcmp(addr, l->cfg->ipv4, 4) == 0;
	return memcmp(addr, l->cfg->ipv6, 16) == 0;
}

/**
 * Whether the configured addresses are usable: an unspecified address
 * (0.0.0.0, ::) is what clients get when nothing listens, so it cannot
 * be bound as "the sinkhole" (README "Triage").
 * @param cfg: the configuration.
 * @param v4: set to 1 if the IPv4 address is to be bound.
 * @param v6: set to 1 if the IPv6 address is to be bound.
 * @return 1 if at least one is, 0 with the reason on stderr.
 */
static int
check_addrs(const struct sh_config* cfg, int* v4, int* v6)
{
	static const uint8_t zero[16];
	*v4 = memcmp(cfg->ipv4, zero, 4) != 0;
	*v6 = memcmp(cfg->ipv6, zero, 16) != 0;
	if(*v4 || *v6)
		return 1;
	fprintf(stderr, LSN_PREFIX "%s: sinkhole.ipv4 and sinkhole.ipv6 are "
		"0.0.0.0 and ::: clients never connect anywhere with those, so "
		"there is nothing to listen on; give the sinkhole a dedicated, "
		"routed address (README \"Triage\")\n", cfg->path);
	return 0;
}

/**
 * Bind everything the configuration asks for.
 * @param l: the daemon.
 * @return 1 on success.
 */
static int
bind_all(struct lsn* l)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	int v4, v6;
	if(!check_addrs(l->cfg, &v4, &v6))
		return 0;
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	s4.sin_family = AF_INET;
	memcpy(&s4.sin_addr, l->cfg->ipv4, 4);
	s6.sin6_family = AF_INET6;
	memcpy(&s6.sin6_addr, l->cfg->ipv6, 16);
	if(v4 && (!lsn_tcp_bind(l, (struct sockaddr*)&s4, sizeof(s4)) ||
		!lsn_raw_open(l, AF_INET)))
		return 0;
	if(v6 && (!lsn_tcp_bind(l, (struct sockaddr*)&s6, sizeof(s6)) ||
		!lsn_raw_open(l, AF_INET6)))
		return 0;
	return 1;
}

/**
 * Drop to listener.user: groups, gid, uid, then no new privileges.
 * Refuses to go on as root without a user.
 * @param lc: the settings.
 * @return 1 on success, 0 with the reason on stderr.
 */
static int
drop_privileges(const struct sh_listener_config* lc)
{
	struct passwd* pw;
	if(!lc->user) {
		if(geteuid() == 0) {
			fprintf(stderr, LSN_PREFIX "refusing to run as root: set "
				"listener.user (the sockets are bound before the "
				"switch)\n");
			return 0;
		}
	} else {
		if(!(pw = getpwnam(lc->user))) {
			fprintf(stderr, LSN_PREFIX "listener.user '%s': no such "
				"user\n", lc->user);
			return 0;
		}
		if(pw->pw_uid == 0 || setgroups(0, NULL) != 0 ||
			setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 ||
			setuid(0) == 0) {
			fprintf(stderr, LSN_PREFIX "cannot drop privileges to "
				"'%s': %s\n", lc->user, pw->pw_uid == 0 ?
				"it is root" : strerror(errno));
			return 0;
		}
	}
	if(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, LSN_PREFIX "PR_SET_NO_NEW_PRIVS: %s\n",
			strerror(errno));
		return 0;
	}
	return 1;
}

/**
 * SIGTERM, SIGINT: leave the loop; SIGHUP: reopen the log.
 * @param sig: the signal.
 * @param what: unused.
 * @param arg: the daemon.
 */
static void
signal_cb(evutil_socket_t sig, short what, void* arg)
{
	struct lsn* l = arg;
	(void)what;
	if(sig == SIGHUP)
		sh_log_reopen(l->log);
	else	event_base_loopbreak(l->base);
}

/**
 * Log one of the listener's own events ("started", "stopped").
 * @param l: the daemon.
 * @param action: the event.
 * @param st: counters, or NULL.
 */
static void
log_self(struct lsn* l, const char* action, const struct lsn_stats* st)
{
	struct lsn_event ev;
	memset(&ev, 0, sizeof(ev));
	clock_gettime(CLOCK_REALTIME, &ev.time);
	ev.action = action;
	ev.echo_type = ev.echo_id = ev.echo_seq = ev.ttl = -1;
	ev.stats = st;
	lsn_log(l, &ev);
}

/**
 * Run the loop with the signal handlers installed.
 * @param l: the daemon, set up.
 * @return 1 on a clean stop.
 */
static int
run(struct lsn* l)
{
	struct event* sig[3];
	int sigs[3] = { SIGTERM, SIGINT, SIGHUP }, i, ok = 1;
	for(i = 0; i < 3; i++) {
		sig[i] = evsignal_new(l->base, sigs[i], signal_cb, l);
		if(!sig[i] || event_add(sig[i], NULL) != 0)
			ok = 0;
	}
	if(ok) {
		log_self(l, "started", NULL);
		fprintf(stderr, LSN_PREFIX "listening (identity %s)\n",
			l->cfg->identity);
		ok = event_base_dispatch(l->base) >= 0;
		lsn_tcp_close_all(l);
		log_self(l, "stopped", &l->st);
	}
	for(i = 0; i < 3; i++)
		if(sig[i])
			event_free(sig[i]);
	return ok;
}

/**
 * Print the usage.
 * @param out: where.
 */
static void
usage(FILE* out)
{
	fprintf(out, "usage: sinkhole-listener [-c sinkhole.yaml] [-n]\n"
		"  -c FILE  the module's configuration (default $%s, else %s)\n"
		"  -n       check the configuration and exit\n",
		SH_CONFIG_ENV, SH_CONFIG_DEFAULT);
}

int
main(int argc, char** argv)
{
	struct lsn l;
	const char* path = sh_config_path();
	int c, check = 0, rc = 1;
	memset(&l, 0, sizeof(l));
	while((c = getopt(argc, argv, "c:nh")) != -1) {
		if(c == 'c')
			path = optarg;
		else if(c == 'n')
			check = 1;
		else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if(optind != argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if(!(l.cfg = sh_config_load(path, diag_stderr, NULL)))
		return 1;
	l.lc = &l.cfg->listener;
	if(!l.lc->present) {
		fprintf(stderr, LSN_PREFIX "%s: no 'listener' section\n", path);
		goto error;
	}
	if(check) {
		int v4, v6;
		rc = check_addrs(l.cfg, &v4, &v6) ? 0 : 1;
		goto error;
	}
	if(!(l.base = event_base_new()) || !bind_all(&l))
		goto error;
	if(!(l.log = sh_log_open(l.lc->log_file, LSN_QUEUE_BYTES,
		l.cfg->identity, diag_stderr, NULL)))
		goto error;
	if(!drop_privileges(l.lc))
		goto error;
	rc = run(&l) ? 0 : 1;
error:
	sh_log_close(l.log);
	lsn_tcp_close_all(&l);
	lsn_raw_close(&l);
	if(l.base)
		event_base_free(l.base);
	sh_config_free(l.cfg);
	return rc;
}
