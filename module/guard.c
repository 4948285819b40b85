/*
 * module/guard.c - the egress guard: nothing about a sinkholed name leaves.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A dynlib module sits above the iterator and sees only the names its
 * queries start with.  The iterator reaches other names by itself: it
 * follows CNAME and DNAME chains inside its own state, sends queries to
 * name servers named in referrals, and probes parent labels under
 * qname minimisation.  Two inplace callbacks close those paths.
 *
 * The response sanitiser (inplace_cb_query_response) runs on every
 * upstream response after Unbound's scrubber and before the iterator
 * classifies it.  It removes from referrals every name server whose name
 * is sinkholed, with its glue, and every record owned by a sinkholed
 * name outside the answer section, so the iterator never learns an
 * adversary address.  When a referral loses all its name servers, the
 * response is turned into a SERVFAIL the iterator throws away: the zone
 * fails promptly and the client gets SERVFAIL with EDE (reason "ns").
 * When the answer's CNAME/DNAME chain leads into a sinkholed name, the
 * chain records are kept on the query and the response is replaced by
 * an empty authoritative NOERROR with the SOA (NODATA), which the
 * iterator takes as final instead of chasing the target (NXDOMAIN would
 * start a validation lookup of Unbound's own); on the way back up the module builds
 * the real answer: the chain, then the configured action (reason
 * "cname").
 *
 * The egress guard (inplace_cb_query) is the last line: it sees every
 * outgoing query just before it is sent, with its qname, the zone of
 * the delegation point and the destination address; a qname at or under
 * a sinkholed name (an allow entry carves out exceptions) is stopped.  Unbound ignores
 * the callback's return value (inplace_cb_query_call always returns 1),
 * so returning 0 stops nothing.  What the callback can change is the
 * destination: Unbound receives it by pointer and uses it afterwards to
 * open the socket and send.  The guard overwrites it with an AF_UNSPEC
 * address of zeros (see guard_divert), for which every send path fails
 * synchronously in the kernel without emitting a packet.  (A dead
 * loopback port is not enough: with udp-connect the send "succeeds" and
 * the client waits for the retransmit timers.)  Unbound reports the
 * failure to the iterator right away, which tries its other targets (each
 * diverted in the same way) and gives up without waiting for a timeout.
 * The query is marked, and the module answers the client on the way
 * back (reason "egress").  The rewrite changes only the query's own copy
 * of the delegation point (the iterator copies it into the query's
 * region).
 */

#include "config.h"
#include <string.h>
#include <netinet/in.h>
#include "util/module.h"
#include "util/regional.h"
#include "util/net_help.h"
#include "util/data/msgreply.h"
#include "util/data/packed_rrset.h"
#include "util/data/dname.h"
#include "services/cache/dns.h"
#include "sldns/rrdef.h"
#include "module.h"

/** What the guard's helpers work on: one query, under one snapshot. */
struct guard_ctx {
	/** module state (counters, log) */
	struct sh_mod_env* me;
	/** the snapshot read for this callback */
	const struct sh_snapshot* snap;
	/** the query */
	struct module_qstate* qstate;
	/** module id */
	int id;
};

/**
 * Fire the guard on a query: record why, count it.  Reasons cname and
 * ns sinkhole the query; an earlier reason is kept.  Reason egress is
 * recorded on the side (sq->egress): the module decides when the
 * modules below are done.
 * @param c: the query and its context.
 * @param reason: why.
 * @param m: the match.
 * @param target: the sinkholed name reached.
 * @return the query's state, or NULL when out of memory.
 */
static struct sh_mod_qstate*
guard_fire(const struct guard_ctx* c, enum sh_mod_reason reason,
	const struct sh_match* m, const uint8_t* target)
{
	struct module_qstate* qstate = c->qstate;
	struct sh_mod_qstate* sq = sh_mod_qstate_get(qstate, c->id);
	struct sh_mod_qstate* rec;
	__atomic_fetch_add(&c->me->count.guard[reason], 1, __ATOMIC_RELAXED);
	if(!sq)
		goto oom;
	qstate->no_cache_store = 1;
	if(reason == SH_REASON_EGRESS) {
		if(sq->egress)
			return sq;
		if(!(rec = regional_alloc_zero(qstate->region, sizeof(*rec))))
			goto oom;
		sq->egress = rec;
	} else if(sq->blocked)
		return sq;
	else	rec = sq;
	if(!sh_mod_qstate_block(qstate, rec, reason, m, target))
		goto oom;
	return sq;
oom:
	log_err("sinkhole: out of memory in the egress guard");
	return NULL;
}

/**
 * Make a destination unusable, so that sending to it fails at once
 * without a packet: the whole address is zeroed and its family set to
 * AF_UNSPEC.  Unbound then opens an IPv4 socket for it, and:
 *  - with udp-connect (the default), connect() with AF_UNSPEC only
 *    dissolves the association and send() fails with EDESTADDRREQ;
 *  - without it, sendto() takes AF_UNSPEC as AF_INET with port 0 and
 *    fails with EINVAL;
 *  - over TCP, connect() with AF_UNSPEC does not connect and the write
 *    fails with EPIPE.
 * So the send fails synchronously and Unbound reports it to the
 * iterator at once, which moves on without waiting for a timeout.
 * @param addr: the destination, rewritten in place.
 * @param addrlen: its length.
 */
static void
guard_divert(struct sockaddr_storage* addr, socklen_t addrlen)
{
	size_t len = (size_t)addrlen < sizeof(*addr) ? (size_t)addrlen :
		sizeof(*addr);
	memset(addr, 0, len);
	addr->ss_family = AF_UNSPEC;
}

int
sh_mod_query_cb(struct query_info* qinfo, uint16_t flags,
	struct module_qstate* qstate, struct sockaddr_storage* addr,
	socklen_t addrlen, uint8_t* zone, size_t zonelen,
	struct regional* region, int id, void* cb_args)
{
	struct guard_ctx c;
	struct sh_match m;
	struct sh_mod_qstate* sq = NULL;
	int hit;
	(void)flags; (void)zone; (void)zonelen; (void)region;
	/* The qname decides.  The zone is an ancestor of it, so a subtree
	 * entry on the zone covers the qname too; an exact entry on the
	 * zone, or an allow entry under it, is the operator's choice to
	 * let that name be resolved through the zone's servers. */
	c.me = (struct sh_mod_env*)cb_args;
	c.qstate = qstate;
	c.id = id;
	if(!c.me || !qinfo || !addr)
		return 1;
	sh_snapshot_read_lock();
	c.snap = sh_snapshot_get(&c.me->snap);
	hit = c.snap && sh_mod_blocked(c.snap, qinfo->qname, &m);
	if(hit && qstate)
		sq = guard_fire(&c, SH_REASON_EGRESS, &m, qinfo->qname);
	else if(hit)
		__atomic_fetch_add(&c.me->count.guard[SH_REASON_EGRESS], 1,
			__ATOMIC_RELAXED);
	sh_snapshot_read_unlock();
	if(!hit)
		return 1;
	if(sq && sq->num_divert < sizeof(sq->divert)/sizeof(sq->divert[0])) {
		struct sh_mod_divert* d = &sq->divert[sq->num_divert++];
		d->where = addr;
		d->len = addrlen < (socklen_t)sizeof(d->orig) ? addrlen :
			(socklen_t)sizeof(d->orig);
		memcpy(&d->orig, addr, d->len);
	}
	guard_divert(addr, addrlen);
	return 1;
}

/**
 * Put back the destinations the egress guard overwrote for a query.
 * The iterator keeps using its delegation point: a later query from it
 * that is not about a sinkholed name (the full name after a
 * minimisation probe was stopped) must reach the real server.
 * @param sq: the query's state.
 */
static void
guard_restore(struct sh_mod_qstate* sq)
{
	size_t i;
	for(i = 0; i < sq->num_divert; i++)
		memcpy(sq->divert[i].where, &sq->divert[i].orig,
			sq->divert[i].len);
	sq->num_divert = 0;
}

/**
 * Remove rrset i from a reply, keeping the section counts right.
 * @param rep: the reply.
 * @param i: index of the rrset.
 */
static void
guard_remove_rrset(struct reply_info* rep, size_t i)
{
	if(i < rep->an_numrrsets)
		rep->an_numrrsets--;
	else if(i < rep->an_numrrsets + rep->ns_numrrsets)
		rep->ns_numrrsets--;
	else	rep->ar_numrrsets--;
	memmove(&rep->rrsets[i], &rep->rrsets[i + 1],
		sizeof(rep->rrsets[0]) * (rep->rrset_count - i - 1));
	rep->rrset_count--;
}

/**
 * Rebuild an NS rrset without the records whose name server is
 * sinkholed.  Signatures are dropped: they cannot cover a changed set.
 * @param region: where to allocate.
 * @param d: the rrset's data.
 * @param keep: per record, 1 to keep.
 * @param nkeep: how many are kept (at least one).
 * @return the new data, or NULL when out of memory.
 */
static struct packed_rrset_data*
guard_ns_subset(struct regional* region, struct packed_rrset_data* d,
	const uint8_t* keep, size_t nkeep)
{
	struct packed_rrset_data* n = regional_alloc_zero(region, sizeof(*n) +
		nkeep * (sizeof(size_t) + sizeof(uint8_t*) + sizeof(time_t)));
	size_t i, j = 0;
	if(!n)
		return NULL;
	n->ttl = d->ttl;
	n->count = nkeep;
	n->trust = d->trust;
	n->security = d->security;
	n->rr_len = (size_t*)((uint8_t*)n + sizeof(*n));
	n->rr_data = (uint8_t**)&n->rr_len[nkeep];
	n->rr_ttl = (time_t*)&n->rr_data[nkeep];
	for(i = 0; i < d->count; i++) {
		if(!keep[i])
			continue;
		n->rr_len[j] = d->rr_len[i];
		n->rr_data[j] = d->rr_data[i];
		n->rr_ttl[j] = d->rr_ttl[i];
		j++;
	}
	return n;
}

/** What the sanitiser found in one response. */
struct guard_ns_found {
	/** NS records dropped */
	size_t dropped;
	/** the first sinkholed name server's match */
	struct sh_match m;
	/** the first sinkholed name server's name (inside the response) */
	uint8_t* name;
};

/**
 * Drop the sinkholed name servers of one NS rrset.
 * @param c: the query and its context.
 * @param ns: the NS rrset, changed in place.
 * @param found: updated with what was dropped.
 * @return number of records left (0: remove the rrset).
 */
static size_t
guard_filter_ns(const struct guard_ctx* c, struct ub_packed_rrset_key* ns,
	struct guard_ns_found* found)
{
	struct regional* region = c->qstate->region;
	struct packed_rrset_data* d = (struct packed_rrset_data*)ns->entry.data;
	uint8_t* keep = regional_alloc(region, d->count ? d->count : 1);
	struct sh_match m;
	size_t i, nkeep = 0;
	if(!keep)
		return 0; /* cannot tell: drop the whole rrset */
	for(i = 0; i < d->count; i++) {
		uint8_t* target = d->rr_data[i] + 2;
		keep[i] = !(d->rr_len[i] > 2 && dname_valid(target,
			d->rr_len[i] - 2) && sh_mod_blocked(c->snap, target, &m));
		if(!keep[i] && found->dropped++ == 0) {
			found->m = m;
			found->name = target;
		}
		nkeep += keep[i];
	}
	if(nkeep > 0 && nkeep < d->count) {
		struct packed_rrset_data* n = guard_ns_subset(region, d, keep,
			nkeep);
		if(!n)
			return 0;
		ns->entry.data = n;
	}
	return nkeep;
}

/**
 * Clean the authority and additional sections: drop records owned by a
 * sinkholed name (glue of adversary name servers among them), and the
 * sinkholed name servers of NS rrsets.
 * @param c: the query and its context.
 * @param rep: the response, changed in place.
 * @param found: what was dropped.
 * @return 1 if the response was a referral whose name servers were all
 *	sinkholed, 0 otherwise.
 */
static int
guard_sanitise(const struct guard_ctx* c, struct reply_info* rep,
	struct guard_ns_found* found)
{
	size_t i = rep->an_numrrsets;
	int had_ns = 0, ns_left = 0;
	while(i < rep->rrset_count) {
		struct ub_packed_rrset_key* s = rep->rrsets[i];
		int drop = 0;
		if(ntohs(s->rk.type) == LDNS_RR_TYPE_NS &&
			i < rep->an_numrrsets + rep->ns_numrrsets) {
			size_t left = guard_filter_ns(c, s, found);
			had_ns = 1;
			ns_left += (left != 0);
			drop = (left == 0);
		}
		if(drop || sh_mod_blocked(c->snap, s->rk.dname, NULL)) {
			guard_remove_rrset(rep, i);
			continue;
		}
		i++;
	}
	return had_ns && !ns_left && rep->an_numrrsets == 0;
}

/**
 * Append an rrset to the query's list of seen CNAME/DNAME rrsets.
 * @param qstate: the query.
 * @param sq: its state.
 * @param s: the rrset (lives in the query's region).
 * @return 1 on success, 0 when out of memory.
 */
static int
guard_seen_add(struct module_qstate* qstate, struct sh_mod_qstate* sq,
	struct ub_packed_rrset_key* s)
{
	if(sq->num_seen == sq->cap_seen) {
		size_t cap = sq->cap_seen ? sq->cap_seen * 2 : 8;
		struct ub_packed_rrset_key** n = regional_alloc(
			qstate->region, cap * sizeof(*n));
		if(!n)
			return 0;
		if(sq->num_seen)
			memcpy(n, sq->seen, sq->num_seen * sizeof(*n));
		sq->seen = n;
		sq->cap_seen = cap;
	}
	sq->seen[sq->num_seen++] = s;
	return 1;
}

/**
 * Look at the answer section's CNAME/DNAME records: keep them on the
 * query, and find whether the chain from the question leads into a
 * sinkholed name.
 * @param c: the query and its context.
 * @param resp: the response.
 * @return 1 if the chain reaches a sinkholed name (the guard fired).
 */
static int
guard_chain(const struct guard_ctx* c, struct dns_msg* resp)
{
	struct module_qstate* qstate = c->qstate;
	struct reply_info* rep = resp->rep;
	struct sh_mod_qstate* sq = NULL;
	uint8_t* name = resp->qinfo.qname;
	struct sh_match m;
	size_t i;
	/* a question for the CNAME or DNAME record itself is answered by
	 * it: nothing follows the chain, nothing can leak */
	if(qstate->qinfo.qtype == LDNS_RR_TYPE_CNAME ||
		qstate->qinfo.qtype == LDNS_RR_TYPE_DNAME)
		return 0;
	for(i = 0; i < rep->an_numrrsets; i++) {
		struct ub_packed_rrset_key* s = rep->rrsets[i];
		uint16_t t = ntohs(s->rk.type);
		uint8_t* target = NULL;
		size_t tlen = 0;
		if(t != LDNS_RR_TYPE_CNAME && t != LDNS_RR_TYPE_DNAME)
			continue;
		if(!sq && !(sq = sh_mod_qstate_get(qstate, c->id)))
			return 0;
		if(!guard_seen_add(qstate, sq, s))
			return 0;
		if(t != LDNS_RR_TYPE_CNAME ||
			query_dname_compare(s->rk.dname, name) != 0)
			continue;
		get_cname_target(s, &target, &tlen);
		if(!target)
			break;
		if(sh_mod_blocked(c->snap, target, &m))
			return guard_fire(c, SH_REASON_CNAME, &m, target) !=
				NULL;
		name = target;
	}
	return 0;
}

/**
 * Make a response final and empty: an authoritative NOERROR with no
 * data and an SOA at the queried name, which the iterator accepts as
 * the answer instead of following the chain (and, for a minimisation
 * probe, as an empty non-terminal: it goes on with the full question,
 * which is stopped the same way).  NXDOMAIN would make Unbound start a
 * validation lookup of its own.  The module replaces this with the real
 * answer on the way back.
 * @param c: the query and its context.
 * @param resp: the response, changed in place.
 */
static void
guard_stop_chain(const struct guard_ctx* c, struct dns_msg* resp)
{
	struct reply_info* rep = resp->rep;
	uint8_t rdata[2 * SH_NAME_MAX + 20];
	size_t rdlen = sh_soa_rdata(c->snap->cfg, c->snap->serial, rdata);
	struct ub_packed_rrset_key* soa = sh_mod_rrset_new(c->qstate->region,
		resp->qinfo.qname, resp->qinfo.qname_len, LDNS_RR_TYPE_SOA,
		resp->qinfo.qclass, 0, rdata, rdlen);
	rep->flags = (uint16_t)(BIT_QR | BIT_AA | LDNS_RCODE_NOERROR);
	rep->an_numrrsets = rep->ns_numrrsets = rep->ar_numrrsets = 0;
	rep->rrset_count = 0;
	if(soa && rep->rrsets) {
		/* the array had room for at least the chain's CNAME */
		rep->rrsets[0] = soa;
		rep->ns_numrrsets = rep->rrset_count = 1;
	} else	rep->flags = (uint16_t)(BIT_QR | BIT_AA |
			LDNS_RCODE_NXDOMAIN);
}

/**
 * Some, not all, name servers of a zone were sinkholed and dropped: the
 * zone still resolves through the others.  Count it and log it (reason
 * "ns", the answer unchanged), so the operator sees which zones depend
 * on adversary infrastructure.
 * @param c: the query and its context.
 * @param found: what was dropped.
 */
static void
guard_note_ns(const struct guard_ctx* c, const struct guard_ns_found* found)
{
	struct sh_mod_qstate* note = regional_alloc_zero(c->qstate->region,
		sizeof(*note));
	__atomic_fetch_add(&c->me->count.guard[SH_REASON_NS], 1,
		__ATOMIC_RELAXED);
	if(!note || !sh_mod_qstate_block(c->qstate, note, SH_REASON_NS,
		&found->m, found->name))
		return;
	note->rcode = SH_RCODE_NOERROR;
	note->note = 1;
	note->ede = 0;
	sh_mod_log_clients(c->me, c->snap, c->qstate, note);
}

/**
 * Sanitise one upstream response (see the file comment).
 * @param c: the query and its context.
 * @param response: the response, changed in place.
 * @param found: scratch for what the sanitiser drops.
 */
static void
guard_response(const struct guard_ctx* c, struct dns_msg* response,
	struct guard_ns_found* found)
{
	struct reply_info* rep = response->rep;
	if(guard_chain(c, response)) {
		guard_stop_chain(c, response);
		return;
	}
	memset(found, 0, sizeof(*found));
	if(guard_sanitise(c, rep, found)) {
		/* every name server of the referral is the adversary's:
		 * the iterator throws a SERVFAIL away and the zone fails */
		(void)guard_fire(c, SH_REASON_NS, &found->m, found->name);
		rep->flags = (uint16_t)(BIT_QR | LDNS_RCODE_SERVFAIL);
		rep->an_numrrsets = rep->ns_numrrsets = rep->ar_numrrsets = 0;
		rep->rrset_count = 0;
	} else if(found->dropped)
		guard_note_ns(c, found);
}

int
sh_mod_response_cb(struct module_qstate* qstate, struct dns_msg* response,
	int id, void* cb_args)
{
	struct guard_ctx c;
	struct guard_ns_found found;
	struct sh_mod_qstate* sq;
	c.me = (struct sh_mod_env*)cb_args;
	c.qstate = qstate;
	c.id = id;
	if(!c.me || !qstate)
		return 1;
	/* called for every reply and every failed send of the query,
	 * after Unbound has copied the destination it sent to */
	if((sq = (struct sh_mod_qstate*)qstate->minfo[id]) && sq->num_divert)
		guard_restore(sq);
	if(!response || !response->rep)
		return 1;
	sh_snapshot_read_lock();
	if((c.snap = sh_snapshot_get(&c.me->snap)) != NULL)
		guard_response(&c, response, &found);
	sh_snapshot_read_unlock();
	return 1;
}
