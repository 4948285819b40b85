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
 * Copy a string into the region; NULL stays NULL.
 * @param r: the region.
 * @param s: the string, or NULL.
 * @param out: set to the copy.
 * @return 1 on success, 0 when out of memory.
 */
static int
qstate_str_dup(struct regional* r, const char* s, char** out)
{
	*out = s ? regional_strdup(r, s) : NULL;
	return !s || *out;
}

/**
 * Copy the rule fields the log uses (feed id, first reference,
 * confidence, source rule) into the query's region.
 * @param r: the region.
 * @param dst: filled in.
 * @param m: the match.
 * @return 1 on success, 0 when out of memory.
 */
static int
qstate_rule_copy(struct regional* r, struct sh_mod_rule* dst,
	const struct sh_match* m)
{
	struct sh_event ev;
	memset(&ev, 0, sizeof(ev));
	sh_event_set_rule(&ev, m->feed, &m->ind);
	dst->confidence = ev.confidence;
	return qstate_str_dup(r, ev.feed_id, &dst->feed_id) &&
		qstate_str_dup(r, ev.feed_reference, &dst->feed_reference) &&
		qstate_str_dup(r, ev.rule_uuid, &dst->rule_uuid) &&
		qstate_str_dup(r, ev.rule_title, &dst->rule_title) &&
		qstate_str_dup(r, ev.indicator_unicode,
		&dst->indicator_unicode);
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
	if(!(sq->indicator = qstate_name_dup(r, m->name)) ||
		!(sq->target = qstate_name_dup(r, target ? target :
			qstate->qinfo.qname)) ||
		!qstate_rule_copy(r, &sq->rule, m))
		return 0;
	return 1;
}
