/*
 * report/report_contact.c - joining the sinkhole listener's log with the
 * lookups, per client, and the verdicts.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The module's log says who looked a name up; the sinkhole listener's
 * log (listener/, event.dataset "unbound_sinkhole.listener") says what
 * the client did next with the sinkhole address.  Both are keyed by
 * client.ip, so `sinkholectl report` reads them in one run, in any
 * order, and each client gets a verdict with its evidence:
 *  - application contact: a TLS ClientHello whose SNI, or an HTTP
 *    request whose Host, is an indicator the lookups matched (or below
 *    one): an application acting on the answer, likely compromised,
 *    more so when it repeats regularly;
 *  - TCP contact: connections, but nothing naming an indicator;
 *  - ping/traceroute: ICMP echo requests and UDP probes only, what a
 *    curious or troubleshooting person runs (the story's admins);
 *  - looked up only: the name was resolved and nothing reached the
 *    sinkhole.
 * The evidence kept per client is process-independent: SNIs, Hosts,
 * paths, User-Agents and destination ports, counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/**
 * Keep a contact's time for the timeline (the first SH_REPORT_MARK_CAP).
 * @param k: the client's contacts.
 * @param t: the time.
 * @param kind: 0 ICMP/UDP, 1 TCP, 2 TLS/HTTP.
 * @return 1 on success, 0 on out of memory.
 */
static int
mark_add(struct sh_report_contacts* k, int64_t t, int kind)
{
	struct sh_report_mark* v;
	if(k->nmarks >= SH_REPORT_MARK_CAP)
		return 1;
	if(k->nmarks == k->capmarks) {
		uint32_t cap = k->capmarks ? k->capmarks * 2 : 8;
		if(!(v = realloc(k->marks, cap * sizeof(*v))))
			return 0;
		k->marks = v;
		k->capmarks = cap;
	}
	k->marks[k->nmarks].t = t;
	k->marks[k->nmarks++].kind = kind;
	return 1;
}

int
sh_report_agg_contact(struct sh_report_agg* a,
	const struct sh_report_event* ev)
{
	struct sh_report_contacts* k;
	struct sh_report_client* c;
	char port[32];
	int app = 0;
	if(!(c = sh_report_agg_client(a, ev->client, ev->ts_ms)))
		return 0;
	k = &c->contact;
	if(strcmp(ev->transport, "tcp") == 0) {
		k->tcp++;
		if(strcmp(ev->action, "tls_client_hello") == 0)
			app = 1, k->tls++;
		else if(strcmp(ev->action, "http_request") == 0)
			app = 1, k->http++;
	} else if(strcmp(ev->transport, "udp") == 0)
		k->udp++;
	else	k->icmp++;
	if(ev->ts_ms < k->first)
		k->first = ev->ts_ms;
	if(ev->ts_ms > k->last)
		k->last = ev->ts_ms;
	if(app && ev->ts_ms < k->app_first)
		k->app_first = ev->ts_ms;
	if(app && ev->ts_ms > k->app_last)
		k->app_last = ev->ts_ms;
	if(ev->dport >= 0)
		snprintf(port, sizeof(port), "%s/%d", ev->transport, ev->dport);
	else	snprintf(port, sizeof(port), "%s", ev->transport);
	a->counts.contacts++;
	return mark_add(k, ev->ts_ms, app ? 2 : k->tcp && strcmp(
		ev->transport, "tcp") == 0 ? 1 : 0) &&
		sh_report_tally_str(a, &k->port, port) &&
		(!ev->sni || sh_report_tally_str(a, &k->sni, ev->sni)) &&
		(!ev->host || sh_report_tally_str(a, &k->host, ev->host)) &&
		(!ev->path || sh_report_tally_str(a, &k->path, ev->path)) &&
		(!ev->user_agent || sh_report_tally_str(a, &k->ua,
		ev->user_agent));
}

/**
 * Whether a name is at or below an indicator the run's lookups matched.
 * @param a: the aggregation.
 * @param name: an SNI or Host.
 * @return 1 if it is.
 */
static int
name_sinkholed(const struct sh_report_agg* a, const char* name)
{
	uint32_t i;
	for(i = 0; i < a->ind_ids.n; i++)
		if(sh_report_name_below(name, a->inds[i].name))
			return 1;
	return 0;
}

/**
 * Count the members of a small set that name a sinkholed name.
 * @param a: the aggregation.
 * @param t: SNIs or Hosts.
 * @return the sum of their counts.
 */
static uint64_t
count_sinkholed(const struct sh_report_agg* a,
	const struct sh_report_tallies* t)
{
	uint64_t n = 0;
	uint32_t i;
	for(i = 0; i < t->n; i++)
		if(name_sinkholed(a, a->atoms.str[t->v[i].id]))
			n += t->v[i].count;
	return n;
}

/**
 * Give one client its verdict.
 * @param a: the aggregation.
 * @param c: the client, its pattern classified.
 */
static void
verdict_one(const struct sh_report_agg* a, struct sh_report_client* c)
{
	struct sh_report_contacts* k = &c->contact;
	k->app = count_sinkholed(a, &k->sni) + count_sinkholed(a, &k->host);
	c->periodic_contact = 0;
	if(k->app) {
		c->verdict = SH_REPORT_V_APP;
		c->periodic_contact = c->pattern == SH_REPORT_PERIODIC ||
			(k->tls + k->http >= SH_REPORT_MIN_INTERVALS + 1 &&
			k->app_last - k->app_first > SH_REPORT_ONEOFF_SPAN_MS);
	} else if(k->tcp)
		c->verdict = SH_REPORT_V_TCP;
	else if(k->icmp || k->udp)
		c->verdict = SH_REPORT_V_PING;
	else	c->verdict = SH_REPORT_V_LOOKUP;
}

void
sh_report_verdicts(struct sh_report_agg* a)
{
	uint32_t i;
	for(i = 0; i < a->client_ids.n; i++) {
		struct sh_report_client* c = &a->clients[i];
		verdict_one(a, c);
		sh_report_tally_sort(a, &c->contact.sni);
		sh_report_tally_sort(a, &c->contact.host);
		sh_report_tally_sort(a, &c->contact.path);
		sh_report_tally_sort(a, &c->contact.ua);
		sh_report_tally_sort(a, &c->contact.port);
	}
}

const char*
sh_report_verdict_name(enum sh_report_verdict v)
{
	switch(v) {
	case SH_REPORT_V_APP: return "application_contact";
	case SH_REPORT_V_TCP: return "tcp_contact";
	case SH_REPORT_V_PING: return "ping_traceroute";
	case SH_REPORT_V_LOOKUP: return "looked_up_only";
	}
	return "?";
}

const char*
sh_report_verdict_text(const struct sh_report_client* c)
{
	switch(c->verdict) {
	case SH_REPORT_V_APP:
		return c->periodic_contact ? "application contact (likely "
			"compromised, periodic)" : "application contact (likely "
			"compromised)";
	case SH_REPORT_V_TCP: return "TCP contact (no sinkholed name sent)";
	case SH_REPORT_V_PING: return "ping/traceroute (curiosity or "
		"troubleshooting)";
	case SH_REPORT_V_LOOKUP: return "looked up only";
	}
	return "?";
}

void
sh_report_contacts_clear(struct sh_report_client* c)
{
	free(c->contact.sni.v);
	free(c->contact.host.v);
	free(c->contact.path.v);
	free(c->contact.ua.v);
	free(c->contact.port.v);
	free(c->contact.marks);
}
