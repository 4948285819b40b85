/*
 * policy.c - what the answer to a sinkholed query contains.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The answer policy: from the configuration, the match and the query
 * type, decide the response code, the answer record and whether the
 * sinkhole SOA goes in the authority section.  Also the SOA rdata and
 * the Extended DNS Error text.  Nothing here allocates; the plan points
 * into the configuration and the set, which outlive the answer.
 */
#include "internal.h"
#include <stdio.h>
#include <string.h>

/** SOA refresh of the sinkhole zone, seconds */
#define SH_SOA_REFRESH 3600
/** SOA retry of the sinkhole zone, seconds */
#define SH_SOA_RETRY 600
/** SOA expire of the sinkhole zone, seconds */
#define SH_SOA_EXPIRE 86400

/**
 * Plan for the sinkhole action: an address for A (and ANY) and AAAA,
 * NODATA with the SOA for every other type.  The addresses are the
 * indicator's own when it has them (RPZ local data), and then a type it
 * has no address for gets NODATA too; else the configuration's.
 * @param cfg: configuration with the addresses.
 * @param ia: the indicator's own addresses, or NULL.
 * @param qtype: the query type.
 * @param plan: plan to complete; rcode, aa, soa owner and ttl are set.
 */
static void
plan_sinkhole(const struct sh_config* cfg, const struct sh_ind_addr* ia,
	uint16_t qtype, struct sh_answer_plan* plan)
{
	const uint8_t* v4 = ia ? (ia->have4 ? ia->ipv4 : NULL) : cfg->ipv4;
	const uint8_t* v6 = ia ? (ia->have6 ? ia->ipv6 : NULL) : cfg->ipv6;

	if((qtype == SH_TYPE_A || qtype == SH_TYPE_ANY) && v4) {
		/* RFC 8482 spirit: ANY gets one small answer, the A */
		plan->an_type = SH_TYPE_A;
		plan->an_rdata = v4;
		plan->an_rdlen = 4;
	} else if(qtype == SH_TYPE_AAAA && v6) {
		plan->an_type = SH_TYPE_AAAA;
		plan->an_rdata = v6;
		plan->an_rdlen = 16;
	} else {
		plan->soa = 1;
	}
}

void
sh_answer_plan(const struct sh_config* cfg, const struct sh_match* m,
	uint16_t qtype, struct sh_answer_plan* plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->rcode = SH_RCODE_NOERROR;
	plan->aa = 1;
	plan->soa_owner = m->name;
	plan->ttl = cfg->ttl;
	switch(m->action) {
	case SH_ACTION_INHERIT:
		/* the set always resolves the action; should an unresolved
		 * one come here, treat it as the default, sinkhole */
	case SH_ACTION_SINKHOLE:
		plan_sinkhole(cfg, m->ind.addr, qtype, plan);
		break;
	case SH_ACTION_NXDOMAIN:
		plan->rcode = SH_RCODE_NXDOMAIN;
		plan->soa = 1;
		break;
	case SH_ACTION_NODATA:
		plan->soa = 1;
		break;
	case SH_ACTION_REFUSE:
		plan->rcode = SH_RCODE_REFUSED;
		plan->aa = 0;
		break;
	case SH_ACTION_ALLOW:
	default:
		/* not a blocking action: a caller bug.  Fail without
		 * inventing data: SERVFAIL, not authoritative. */
		plan->rcode = SH_RCODE_SERVFAIL;
		plan->aa = 0;
		break;
	}
}

void
sh_answer_plan_query(const struct sh_config* cfg, const struct sh_match* m,
	uint16_t qtype, uint16_t qclass, int internal,
	struct sh_answer_plan* plan)
{
	sh_answer_plan(cfg, m, qtype, plan);
	if(plan->an_type && (internal || qclass != SH_CLASS_IN)) {
		plan->an_type = 0;
		plan->an_rdata = NULL;
		plan->an_rdlen = 0;
		plan->soa = 1;
		if(internal)
			plan->rcode = SH_RCODE_NXDOMAIN;
	}
}

/**
 * Length of a canonical wire name, bounded by SH_NAME_MAX.
 * @param name: the name.
 * @return its length; a malformed name gives the root's length, 1, and
 *	is then written as the root.
 */
static size_t
wire_len(const uint8_t* name)
{
	size_t p = 0;
	while(name[p] != 0) {
		if(name[p] > SH_LABEL_MAX || p + name[p] + 1 >= SH_NAME_MAX)
			return 1;
		p += (size_t)name[p] + 1;
	}
	return p + 1;
}

/**
 * Append a wire name to rdata; a malformed name is written as the root.
 * @param out: destination.
 * @param name: the name.
 * @return bytes written.
 */
static size_t
put_name(uint8_t* out, const uint8_t* name)
{
	size_t len = wire_len(name);
	if(len == 1)
		out[0] = 0;
	else	memcpy(out, name, len);
	return len;
}

/**
 * Append a 32-bit integer in network order.
 * @param out: destination of 4 bytes.
 * @param v: the value.
 * @return 4.
 */
static size_t
put_u32(uint8_t* out, uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
	return 4;
}

size_t
sh_soa_rdata(const struct sh_config* cfg, uint32_t serial, uint8_t* out)
{
	size_t n = 0;
	n += put_name(out + n, cfg->soa_mname);
	n += put_name(out + n, cfg->soa_rname);
	n += put_u32(out + n, serial);
	n += put_u32(out + n, SH_SOA_REFRESH);
	n += put_u32(out + n, SH_SOA_RETRY);
	n += put_u32(out + n, SH_SOA_EXPIRE);
	n += put_u32(out + n, cfg->ttl);
	return n;
}

size_t
sh_ede_text(const char* feed_id, char* buf, size_t len)
{
	int n;
	if(len == 0)
		return 0;
	n = snprintf(buf, len, "blocked by unbound-sinkhole feed %s",
		feed_id ? feed_id : "?");
	if(n < 0) {
		buf[0] = 0;
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}
