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
#include "sldns/rrdef.h"
#include "util/net_help.h"
#include "sldns/sbuffer.h"
#include "module.h"

/**
 * Allocate a one-record rrset in a region.
 * @param region: the region.
 * @param owner: owner name, wire; referenced, not copied (must live in
 *	the region or longer).
 * @param ownerlen: its length.
 * @param type: RR type, host order.
 * @param klass: RR class, host order.
 * @param ttl: TTL in seconds.
 * @param rdata: the rdata.
 * @param rdlen: its length.
 * @return the rrset (region owned) or NULL when out of memory.
 */
static struct ub_packed_rrset_key*
answer_rrset(struct regional* region, uint8_t* owner, size_t ownerlen,
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
 * @param me: module state (config, serial).
 * @param plan: the plan (owner, TTL).
 * @param rep: the reply, with room for the rrset at rep->rrsets[i].
 * @param i: index of the SOA in rep->rrsets.
 * @return 1 on success, 0 when out of memory.
 */
static int
answer_add_soa(struct module_qstate* qstate, const struct sh_mod_env* me,
	const struct sh_answer_plan* plan, struct reply_info* rep, size_t i)
{
	uint8_t rdata[2 * SH_NAME_MAX + 20];
	size_t rdlen = sh_soa_rdata(me->cfg, me->serial, rdata);
	size_t ownerlen = dname_valid((uint8_t*)plan->soa_owner, SH_NAME_MAX);
	uint8_t* owner = regional_alloc_init(qstate->region, plan->soa_owner,
		ownerlen);
	if(!owner)
		return 0;
	rep->rrsets[i] = answer_rrset(qstate->region, owner, ownerlen,
		LDNS_RR_TYPE_SOA, qstate->qinfo.qclass, plan->ttl, rdata, rdlen);
	return rep->rrsets[i] != NULL;
}

struct dns_msg*
sh_mod_answer_build(struct module_qstate* qstate,
	const struct sh_mod_env* me, const struct sh_answer_plan* plan)
{
	struct regional* region = qstate->region;
	struct dns_msg* msg = regional_alloc_zero(region, sizeof(*msg));
	size_t an = plan->an_type ? 1 : 0, ns = plan->soa ? 1 : 0;
	uint16_t flags = BIT_QR | BIT_RA | (plan->aa ? BIT_AA : 0) |
		(uint16_t)plan->rcode;
	if(!msg)
		return NULL;
	msg->qinfo = qstate->qinfo;
	msg->qinfo.local_alias = NULL;
	msg->rep = construct_reply_info_base(region, flags, 1, plan->ttl,
		plan->ttl, plan->ttl, an, ns, 0, an + ns, sec_status_insecure);
	if(!msg->rep)
		return NULL;
	/* the mesh encodes module answers as "cached"; this keeps AA */
	msg->rep->authoritative = plan->aa ? 1 : 0;
	msg->rep->reason_bogus = LDNS_EDE_NONE;
	if(an && !(msg->rep->rrsets[0] = answer_rrset(region,
		qstate->qinfo.qname, qstate->qinfo.qname_len, plan->an_type,
		qstate->qinfo.qclass, plan->ttl, plan->an_rdata,
		plan->an_rdlen)))
		return NULL;
	if(ns && !answer_add_soa(qstate, me, plan, msg->rep, an))
		return NULL;
	return msg;
}
