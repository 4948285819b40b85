/*
 * module/reply.c - per-client reply hook: Extended DNS Error and client log.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Unbound calls the inplace reply callbacks once for every client reply
 * it sends from a query state (mesh_send_reply), just before encoding
 * it.  That is the one place that sees each client of a merged query:
 * operate runs once per query state, but several clients asking the
 * same question at the same time share one state (mesh_info's
 * reply_list).  So the client event is written here, one per reply,
 * and the EDE option is attached here too, because Unbound 1.17 does
 * not copy a module's front-side EDNS options into its replies.
 *
 * The callback runs for every reply of the resolver; for queries the
 * module did not answer it returns at the first test.
 */

#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include "util/module.h"
#include "util/regional.h"
#include "util/netevent.h"
#include "util/data/msgreply.h"
#include "services/mesh.h"
#include "sldns/rrdef.h"
#include "module.h"

/**
 * Prepend EDE 15 (Blocked) naming the feed to a reply's option list
 * (and, for reason ns, the sinkholed name server).  The node is new, so
 * lists shared with other replies stay unchanged.
 * @param list: the reply's inplace option list.
 * @param region: where to allocate.
 * @param sq: the query's state.
 * @return 1 on success, 0 when out of memory.
 */
static int
reply_add_ede(struct edns_option** list, struct regional* region,
	const struct sh_mod_qstate* sq)
{
	char text[128 + SH_NAME_TEXT_MAX];
	size_t tlen;
	struct edns_option* opt;
	uint8_t* data;
	if(sq->reason == SH_REASON_NS) {
		char ns[SH_NAME_TEXT_MAX];
		sh_name_to_text(sq->target, ns, sizeof(ns));
		snprintf(text, sizeof(text), "name server %s is sinkholed by "
			"unbound-sinkhole feed %s", ns, sq->rule.feed_id);
		tlen = strlen(text);
	} else	tlen = sh_ede_text(sq->rule.feed_id, text, sizeof(text));
	opt = regional_alloc_zero(region, sizeof(*opt));
	data = regional_alloc(region, 2 + tlen);
	if(!opt || !data)
		return 0;
	data[0] = 0;
	data[1] = SH_EDE_BLOCKED;
	memcpy(data + 2, text, tlen);
	opt->opt_code = LDNS_EDNS_EDE;
	opt->opt_len = 2 + tlen;
	opt->opt_data = data;
	opt->next = *list;
	*list = opt;
	return 1;
}

/**
 * The transport of a client reply.
 * @param repinfo: the reply.
 * @return the transport.
 */
static enum sh_transport
reply_transport(const struct comm_reply* repinfo)
{
	const struct comm_point* c = repinfo->c;
	if(!c)
		return SH_TRANSPORT_INTERNAL;
	switch(c->type) {
	case comm_udp:
		return SH_TRANSPORT_UDP;
	case comm_http:
		return SH_TRANSPORT_HTTPS;
	default:
		return c->ssl ? SH_TRANSPORT_TLS : SH_TRANSPORT_TCP;
	}
}

/**
 * The DNS message id of the client query behind a reply.  The callback
 * runs while mesh_info->reply_list still holds the reply.
 * @param qstate: the query state.
 * @param repinfo: the reply being sent.
 * @return the id, 0 when not found.
 */
static uint16_t
reply_qid(struct module_qstate* qstate, const struct comm_reply* repinfo)
{
	struct mesh_reply* r;
	if(!qstate->mesh_info)
		return 0;
	for(r = qstate->mesh_info->reply_list; r; r = r->next)
		if(&r->query_reply == repinfo)
			return ntohs(r->qid); /* kept as read off the wire */
	return 0;
}

/**
 * Format one client event and hand it to the log writer.
 * @param me: module state.
 * @param identity: the resolver identity (observer.name).
 * @param sq: the sinkholed query's record.
 * @param qinfo: the question as this client sent it.
 * @param repinfo: the client reply, or NULL for an internal query.
 * @param start_time: when the client's query arrived, or NULL.
 * @param qid: the client query's DNS id (host order), 0 if none.
 */
static void
reply_log(struct sh_mod_env* me, const char* identity,
	const struct sh_mod_qstate* sq,
	const struct query_info* qinfo, const struct comm_reply* repinfo,
	const struct timeval* start_time, uint16_t qid)
{
	struct sh_event ev;
	char line[SH_EVENT_LINE_MAX];
	size_t len;
	memset(&ev, 0, sizeof(ev));
	if(start_time && start_time->tv_sec) {
		ev.time.tv_sec = start_time->tv_sec;
		ev.time.tv_nsec = (long)start_time->tv_usec * 1000;
	} else	clock_gettime(CLOCK_REALTIME, &ev.time);
	ev.transport = SH_TRANSPORT_INTERNAL;
	if(repinfo) {
		ev.client = (const struct sockaddr*)&repinfo->client_addr;
		ev.client_len = repinfo->client_addrlen;
		ev.transport = reply_transport(repinfo);
		ev.qid = qid;
	}
	ev.qname = qinfo->qname;
	ev.qtype = qinfo->qtype;
	ev.qclass = qinfo->qclass;
	ev.action = sq->action;
	ev.rcode = sq->rcode;
	ev.reason = sh_mod_reason_name(sq->reason);
	if(sq->chain_len > 1) {
		ev.chain = sq->chain;
		ev.chain_len = sq->chain_len;
	}
	ev.indicator = sq->indicator;
	ev.feed_id = sq->rule.feed_id;
	ev.feed_reference = sq->rule.feed_reference;
	ev.confidence = sq->rule.confidence;
	ev.rule_uuid = sq->rule.rule_uuid;
	ev.rule_title = sq->rule.rule_title;
	ev.indicator_unicode = sq->rule.indicator_unicode;
	ev.note = sq->note;
	len = sh_event_format(&ev, identity, line, sizeof(line));
	if(len == 0) {
		log_err("sinkhole: event does not fit the line buffer");
		return;
	}
	if(sh_log_submit(me->log, line, len))
		__atomic_fetch_add(&me->count.events, 1, __ATOMIC_RELAXED);
	else	__atomic_fetch_add(&me->count.events_dropped, 1,
			__ATOMIC_RELAXED);
}

int
sh_mod_reply_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id,
	void* cb_args)
{
	struct sh_mod_env* me = (struct sh_mod_env*)cb_args;
	struct sh_mod_qstate* sq;
	struct sh_snapshot* snap;
	(void)rep;
	(void)rcode;
	if(!qstate || !me || !(sq = (struct sh_mod_qstate*)qstate->minfo[id]) ||
		!sq->blocked)
		return 1;
	sh_snapshot_read_lock();
	if((snap = sh_snapshot_get(&me->snap)) != NULL) {
		if(snap->cfg->ede && sq->ede && edns && edns->edns_present &&
			opt_list_out && !reply_add_ede(opt_list_out, region, sq))
			log_err("sinkhole: out of memory adding EDE");
		reply_log(me, snap->cfg->identity, sq, qinfo, repinfo,
			start_time, repinfo ? reply_qid(qstate, repinfo) : 0);
	}
	sh_snapshot_read_unlock();
	return 1;
}

/** Most clients logged for one internal event, and how deep the search
 * for them goes through the mesh's super states. */
#define REPLY_MAX_CLIENTS 64
#define REPLY_MAX_DEPTH 8

/** Clients found behind a query. */
struct reply_clients {
	/** the replies found */
	const struct mesh_reply* r[REPLY_MAX_CLIENTS];
	/** how many */
	size_t n;
};

/**
 * Collect the client replies waiting on a mesh state and, recursively,
 * on the states waiting for it.
 * @param ms: the mesh state.
 * @param depth: recursion depth left.
 * @param out: where to collect.
 */
static void
reply_collect(struct mesh_state* ms, int depth, struct reply_clients* out)
{
	const struct mesh_reply* r;
	struct mesh_state_ref* ref;
	for(r = ms->reply_list; r && out->n < REPLY_MAX_CLIENTS; r = r->next)
		out->r[out->n++] = r;
	if(depth <= 0)
		return;
	RBTREE_FOR(ref, struct mesh_state_ref*, &ms->super_set) {
		if(out->n >= REPLY_MAX_CLIENTS)
			return;
		reply_collect(ref->s, depth - 1, out);
	}
}

void
sh_mod_log_clients(struct sh_mod_env* me, const struct sh_snapshot* snap,
	struct module_qstate* qstate, const struct sh_mod_qstate* sq)
{
	struct reply_clients found;
	size_t i;
	found.n = 0;
	if(qstate->mesh_info)
		reply_collect(qstate->mesh_info, REPLY_MAX_DEPTH, &found);
	if(found.n == 0) {
		reply_log(me, snap->cfg->identity, sq, &qstate->qinfo, NULL,
			NULL, 0);
		return;
	}
	for(i = 0; i < found.n; i++)
		reply_log(me, snap->cfg->identity, sq, &qstate->qinfo,
			&found.r[i]->query_reply, &found.r[i]->start_time,
			ntohs(found.r[i]->qid));
}
