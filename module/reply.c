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
 * Prepend EDE 15 (Blocked) naming the feed to a reply's option list.
 * The node is new, so lists shared with other replies stay unchanged.
 * @param list: the reply's inplace option list.
 * @param region: where to allocate.
 * @param feed_id: the feed.
 * @return 1 on success, 0 when out of memory.
 */
static int
reply_add_ede(struct edns_option** list, struct regional* region,
	const char* feed_id)
{
	char text[128];
	size_t tlen = sh_ede_text(feed_id, text, sizeof(text));
	struct edns_option* opt = regional_alloc_zero(region, sizeof(*opt));
	uint8_t* data = regional_alloc(region, 2 + tlen);
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
 * @param sq: the sinkholed query's record.
 * @param qstate: the query state.
 * @param qinfo: the question as this client sent it.
 * @param repinfo: the client reply, or NULL for an internal query.
 * @param start_time: when the client's query arrived, or NULL.
 */
static void
reply_log(struct sh_mod_env* me, const struct sh_mod_qstate* sq,
	struct module_qstate* qstate, const struct query_info* qinfo,
	const struct comm_reply* repinfo, const struct timeval* start_time)
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
		ev.qid = reply_qid(qstate, repinfo);
	}
	ev.qname = qinfo->qname;
	ev.qtype = qinfo->qtype;
	ev.qclass = qinfo->qclass;
	ev.action = sq->action;
	ev.rcode = sq->rcode;
	ev.reason = sq->reason;
	ev.indicator = sq->indicator;
	ev.feed = &sq->feed;
	ev.ind = &sq->ind;
	len = sh_event_format(&ev, me->cfg->identity, line, sizeof(line));
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
	(void)rep;
	(void)rcode;
	if(!qstate || !me || !(sq = (struct sh_mod_qstate*)qstate->minfo[id]))
		return 1;
	if(me->cfg->ede && edns && edns->edns_present && opt_list_out &&
		!reply_add_ede(opt_list_out, region, sq->feed_id))
		log_err("sinkhole: out of memory adding EDE");
	reply_log(me, sq, qstate, qinfo, repinfo, start_time);
	return 1;
}
