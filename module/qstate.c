/*
 * module/qstate.c - per-query state of the sinkhole module.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The record the module keeps on a query (qstate->minfo[id]): whether
 * it is sinkholed, why, and what matched.  Everything lives in the
 * query's region, so Unbound frees it with the query and nothing here
 * refers to the indicator set after the match.
 */

#include "config.h"
#include <string.h>
#include "util/module.h"
#include "util/regional.h"
#include "util/data/dname.h"
#include "services/mesh.h"
#include "module.h"

/** Names of the reasons, as logged in event.reason. */
static const char* const reason_names[SH_REASON_COUNT] = {
	"query", "cname", "ns", "subquery", "egress"
};

const char*
sh_mod_reason_name(enum sh_mod_reason reason)
{
	if((unsigned)reason >= SH_REASON_COUNT)
		return "unknown";
	return reason_names[reason];
}

int
sh_mod_blocked(const struct sh_snapshot* snap, const uint8_t* name,
	struct sh_match* m)
{
	struct sh_match tmp;
	if(!m)
		m = &tmp;
	return sh_set_match(snap->set, name, m) &&
		m->action != SH_ACTION_ALLOW;
}

int
sh_mod_is_internal(const struct module_qstate* qstate)
{
	const struct mesh_state* ms = qstate->mesh_info;
	return !ms || (!ms->reply_list && !ms->cb_list);
}

struct sh_mod_qstate*
sh_mod_qstate_get(struct module_qstate* qstate, int id)
{
	struct sh_mod_qstate* sq = (struct sh_mod_qstate*)qstate->minfo[id];
	if(sq)
		return sq;
	sq = regional_alloc_zero(qstate->region, sizeof(*sq));
	qstate->minfo[id] = sq;
	return sq;
}

/**
 * Copy a wire name into a region.
 * @param region: the region.
 * @param name: valid wire name.
 * @return the copy, or NULL when out of memory.
 */
static uint8_t*
qstate_name_dup(struct regional* region, const uint8_t* name)
{
	return regional_alloc_init(region, name,
		dname_valid((uint8_t*)name, SH_NAME_MAX));
}

/**
 * Copy the feed fields the log uses (id, first reference, default
 * confidence) into the query's region.
 * @param r: the region.
 * @param dst: the shallow copy to fill.
 * @param src: the feed.
 * @return 1 on success, 0 when out of memory.
 */
static int
qstate_feed_copy(struct regional* r, struct sh_feed* dst,
	const struct sh_feed* src)
{
	char** refs = NULL;
	memset(dst, 0, sizeof(*dst));
	dst->default_confidence = src->default_confidence;
	if(!(dst->id = regional_strdup(r, src->id)))
		return 0;
	if(src->references && src->references[0]) {
		if(!(refs = regional_alloc_zero(r, 2 * sizeof(char*))) ||
			!(refs[0] = regional_strdup(r, src->references[0])))
			return 0;
	}
	dst->references = refs;
	return 1;
}

/**
 * Copy the rule an indicator came from (logged as rule.uuid and
 * rule.description) into the query's region.
 * @param r: the region.
 * @param src: the rule, or NULL.
 * @param dst: set to the copy, or NULL when there is none.
 * @return 1 on success, 0 when out of memory.
 */
static int
qstate_source_copy(struct regional* r, const struct sh_source* src,
	const struct sh_source** dst)
{
	struct sh_source* c;
	*dst = NULL;
	if(!src)
		return 1;
	if(!(c = regional_alloc_zero(r, sizeof(*c))) || (src->id
		&& !(c->id = regional_strdup(r, src->id))) || (src->title
		&& !(c->title = regional_strdup(r, src->title))))
		return 0;
	*dst = c;
	return 1;
}

int
sh_mod_qstate_block(struct module_qstate* qstate,
	struct sh_mod_qstate* sq, enum sh_mod_reason reason,
	const struct sh_match* m, const uint8_t* target)
{
	struct regional* r = qstate->region;
	sq->blocked = 1;
	sq->ede = 1;
	sq->reason = reason;
	sq->action = m->action;
	sq->ind.confidence = m->ind ? m->ind->confidence : -1;
	if(!(sq->indicator = qstate_name_dup(r, m->name)) ||
		!(sq->target = qstate_name_dup(r, target ? target :
			qstate->qinfo.qname)) ||
		!qstate_feed_copy(r, &sq->feed, m->feed) ||
		!qstate_source_copy(r, m->ind ? m->ind->src : NULL,
		&sq->ind.src))
		return 0;
	sq->feed_id = sq->feed.id;
	return 1;
}
