/*
 * module/answer.c - build sinkhole answers as Unbound messages.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Turns an sh_answer_plan (what the core decided) into the dns_msg that
 * Unbound encodes for every client of the query.  Everything is
 * allocated in qstate->region and freed with the query.  TTLs are
 * relative, as in a message that has not been cached: the mesh encodes
 * module answers with timenow 0.  There are never DNSSEC records, and
 * the message is marked insecure so no AD bit can be set.
 */

#include "config.h"
#include <string.h>
#include "util/module.h"
#include "util/regional.h"
#include "util/data/msgreply.h"
#include "util/data/packed_rrset.h"
#include "util/data/dname.h"
#include "services/cache/dns.h"
#include "services/cache/rrset.h"
#include "util/locks.h"
#include "sldns/rrdef.h"
#include "util/net_help.h"
#include "sldns/sbuffer.h"
#include "module.h"

struct ub_packed_rrset_key*
sh_mod_rrset_new(struct regional* region, uint8_t* owner, size_t ownerlen,
	uint16_t type, uint16_t klass, uint32_t ttl, const uint8_t* rdata,
	size_t rdlen)
{
	struct ub_packed_rrset_key* k;
	struct packed_rrset_data* d;
	uint8_t* rr;
	size_t dsize = sizeof(*d) + sizeof(size_t) + sizeof(uint8_t*) +
		sizeof(time_t) + 2 + rdlen;
	if(!(k = regional_alloc_zero(region, sizeof(*k))) ||
		!(d = regional_alloc_zero(region, dsize)))
		return NULL;
	k->entry.key = k;
	k->entry.data = d;
	k->rk.dname = owner;
	k->rk.dname_len = ownerlen;
	k->rk.type = htons(type);
	k->rk.rrset_class = htons(klass);
	/* the layout of packed_rrset_ptr_fixup: lengths, data pointers,
	 * TTLs, then the rdata with its 2-byte length prefix */
	d->ttl = (time_t)ttl;
	d->count = 1;
	d->rrsig_count = 0;
	d->trust = rrset_trust_auth_AA;
	d->security = sec_status_insecure;
	d->rr_len = (size_t*)((uint8_t*)d + sizeof(*d));
	d->rr_data = (uint8_t**)&d->rr_len[1];
	d->rr_ttl = (time_t*)&d->rr_data[1];
	rr = (uint8_t*)&d->rr_ttl[1];
	d->rr_len[0] = 2 + rdlen;
	d->rr_ttl[0] = (time_t)ttl;
	d->rr_data[0] = rr;
	sldns_write_uint16(rr, (uint16_t)rdlen);
	memcpy(rr + 2, rdata, rdlen);
	return k;
}

/**
 * Add the sinkhole SOA to the authority section.
 * @param qstate: the query (region, class).
 * @param snap: the published snapshot (config, SOA serial).
 * @param plan: the plan (owner, TTL).
 * @param rep: the reply, with room for the rrset at rep->rrsets[i].
 * @param i: index of the SOA in rep->rrsets.
 * @return 1 on success, 0 when out of memory.
 */
static int
answer_add_soa(struct module_qstate* qstate, const struct sh_snapshot* snap,
	const struct sh_answer_plan* plan, struct reply_info* rep, size_t i)
{
	uint8_t rdata[2 * SH_NAME_MAX + 20];
	size_t rdlen = sh_soa_rdata(snap->cfg, snap->serial, rdata);
	size_t ownerlen = dname_valid((uint8_t*)plan->soa_owner, SH_NAME_MAX);
	uint8_t* owner = regional_alloc_init(qstate->region, plan->soa_owner,
		ownerlen);
	if(!owner)
		return 0;
	rep->rrsets[i] = sh_mod_rrset_new(qstate->region, owner, ownerlen,
		LDNS_RR_TYPE_SOA, qstate->qinfo.qclass, plan->ttl, rdata, rdlen);
	return rep->rrsets[i] != NULL;
}

/**
 * Assemble an answer: an optional CNAME/DNAME chain, then the planned
 * records for the name at its end.
 * @param qstate: the query (region, question).
 * @param snap: the published snapshot (config, set, SOA serial).
 * @param plan: the plan for the final name.
 * @param chain: chain rrsets to put first (region owned), or NULL.
 * @param nchain: number of chain rrsets.
 * @param owner: the final name (owner of the planned A/AAAA).
 * @param ownerlen: its length.
 * @return the message (region owned) or NULL when out of memory.
 */
static struct dns_msg*
answer_assemble(struct module_qstate* qstate, const struct sh_snapshot* snap,
	const struct sh_answer_plan* plan, struct ub_packed_rrset_key** chain,
	size_t nchain, uint8_t* owner, size_t ownerlen)
{
	struct regional* region = qstate->region;
	struct dns_msg* msg = regional_alloc_zero(region, sizeof(*msg));
	size_t an = nchain + (plan->an_type ? 1 : 0), ns = plan->soa ? 1 : 0;
	uint16_t flags = BIT_QR | BIT_RA | (plan->aa ? BIT_AA : 0) |
		(uint16_t)plan->rcode;
	if(!msg)
		return NULL;
	msg->qinfo = qstate->qinfo;
	msg->qinfo.local_alias = NULL;
	/* The message TTL is 0 (the records keep plan->ttl, which is what
	 * clients see): a module that stores answers in the message cache
	 * by itself, as dns64 before this module does whatever
	 * no_cache_store says, then drops the message ("TTL 0"), so
	 * repeats still reach this module and are logged. */
	msg->rep = construct_reply_info_base(region, flags, 1, 0, 0, 0,
		an, ns, 0, an + ns, sec_status_insecure);
	if(!msg->rep)
		return NULL;
	/* the mesh encodes module answers as "cached"; this keeps AA */
	msg->rep->authoritative = plan->aa ? 1 : 0;
	msg->rep->reason_bogus = LDNS_EDE_NONE;
	if(nchain)
		memcpy(msg->rep->rrsets, chain, nchain * sizeof(*chain));
	if(plan->an_type && !(msg->rep->rrsets[nchain] = sh_mod_rrset_new(region,
		owner, ownerlen, plan->an_type, qstate->qinfo.qclass,
		plan->ttl, plan->an_rdata, plan->an_rdlen)))
		return NULL;
	if(ns && !answer_add_soa(qstate, snap, plan, msg->rep, an))
		return NULL;
	return msg;
}

struct dns_msg*
sh_mod_answer_build(struct module_qstate* qstate,
	const struct sh_snapshot* snap, const struct sh_answer_plan* plan)
{
	return answer_assemble(qstate, snap, plan, NULL, 0,
		qstate->qinfo.qname, qstate->qinfo.qname_len);
}

/**
 * Find the CNAME for a name among the rrsets a query has seen, the
 * latest first, else in the rrset cache (a chain Unbound followed from
 * its cache never passed the response sanitiser).
 * @param qstate: the query.
 * @param sq: its state.
 * @param name: the owner to look for.
 * @param dname: set to the DNAME the CNAME was synthesised from, or
 *	NULL.
 * @return the CNAME rrset (region owned) or NULL.
 */
static struct ub_packed_rrset_key*
answer_find_cname(struct module_qstate* qstate, struct sh_mod_qstate* sq,
	uint8_t* name, struct ub_packed_rrset_key** dname)
{
	struct ub_packed_rrset_key* s, *c;
	size_t i;
	*dname = NULL;
	for(i = sq->num_seen; i > 0; i--) {
		s = sq->seen[i - 1];
		if(ntohs(s->rk.type) != LDNS_RR_TYPE_CNAME ||
			query_dname_compare(s->rk.dname, name) != 0)
			continue;
		if(i >= 2 && ntohs(sq->seen[i - 2]->rk.type) ==
			LDNS_RR_TYPE_DNAME && dname_strict_subdomain_c(name,
			sq->seen[i - 2]->rk.dname))
			*dname = sq->seen[i - 2];
		return s;
	}
	c = rrset_cache_lookup(qstate->env->rrset_cache, name,
		dname_valid(name, SH_NAME_MAX), LDNS_RR_TYPE_CNAME,
		qstate->qinfo.qclass, 0, *qstate->env->now, 0);
	if(!c)
		return NULL;
	s = packed_rrset_copy_region(c, qstate->region, *qstate->env->now);
	lock_rw_unlock(&c->entry.lock);
	return s;
}

/**
 * Follow the chain from the question to the first sinkholed name.
 * @param qstate: the query.
 * @param snap: the published snapshot (config, set, SOA serial).
 * @param sq: its state; chain and chain_len are filled in.
 * @param rrsets: receives the chain's rrsets (2 * SH_CHAIN_MAX room).
 * @param m: the match of the final name.
 * @return number of rrsets, or -1 if no chain leads to a sinkholed name.
 */
static int
answer_follow(struct module_qstate* qstate, const struct sh_snapshot* snap,
	struct sh_mod_qstate* sq, struct ub_packed_rrset_key** rrsets,
	struct sh_match* m)
{
	uint8_t* name = qstate->qinfo.qname;
	int n = 0;
	sq->chain_len = 0;
	sq->chain[sq->chain_len++] = name;
	while(!sh_mod_blocked(snap, name, m)) {
		struct ub_packed_rrset_key* dname = NULL;
		struct ub_packed_rrset_key* c = answer_find_cname(qstate, sq,
			name, &dname);
		size_t tlen = 0;
		if(!c || sq->chain_len >= SH_CHAIN_MAX)
			return -1;
		if(dname)
			rrsets[n++] = dname;
		rrsets[n++] = c;
		get_cname_target(c, &name, &tlen);
		if(!name)
			return -1;
		sq->chain[sq->chain_len++] = name;
	}
	return n;
}

void
sh_mod_answer_chain(struct module_qstate* qstate, const struct sh_snapshot* snap,
	struct sh_mod_qstate* sq)
{
	struct ub_packed_rrset_key* rrsets[2 * SH_CHAIN_MAX];
	struct sh_answer_plan plan;
	struct sh_match m;
	int n = answer_follow(qstate, snap, sq, rrsets, &m);
	uint8_t* end;
	qstate->return_msg = NULL;
	qstate->return_rcode = LDNS_RCODE_SERVFAIL;
	sq->rcode = SH_RCODE_SERVFAIL;
	if(n < 0) {
		sq->chain_len = 0;
		return;
	}
	end = (uint8_t*)sq->chain[sq->chain_len - 1];
	sh_answer_plan_query(snap->cfg, &m, qstate->qinfo.qtype,
		qstate->qinfo.qclass, sh_mod_is_internal(qstate), &plan);
	if(plan.rcode == SH_RCODE_REFUSED) {
		/* REFUSED would be about the whole question: end the chain
		 * with no data instead */
		plan.rcode = SH_RCODE_NOERROR;
		plan.soa = 1;
	}
	plan.aa = 0; /* the chain came from other servers */
	qstate->return_msg = answer_assemble(qstate, snap, &plan, rrsets,
		(size_t)n, end, dname_valid(end, SH_NAME_MAX));
	if(!qstate->return_msg)
		return;
	qstate->return_rcode = LDNS_RCODE_NOERROR;
	sq->rcode = plan.rcode;
}
