/*
 * module/sinkhole_mod.c - the dynlib entry points of unbound-sinkhole.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The six functions Unbound's dynlib module looks up with dlsym: init,
 * deinit, operate, inform_super, clear and get_mem.  They are the only
 * exported symbols of sinkhole.so (module/sinkhole.map).
 *
 * The module must be the first in module-config, above the validator
 * and the iterator.  A new query (module_event_new) is matched against
 * the indicator set before any other module sees it; on a match the
 * module answers it from the sinkhole, marks the answer as never to be
 * cached (so a repeat cannot be answered from Unbound's message cache
 * without passing here and being logged), and finishes the query, so
 * the iterator never learns the name.  Anything else is passed down
 * unchanged and passed up unchanged when the modules below are done.
 *
 * Logging happens per client reply, in the inplace reply callback
 * (reply.c): Unbound merges identical in-flight questions from several
 * clients into one query state, and that callback runs once for each
 * of them.
 */

#include "config.h"
#include <string.h>
#include <time.h>
#include "dynlibmod/dynlibmod.h"
#include "util/module.h"
#include "util/regional.h"
#include "util/config_file.h"
#include "util/data/msgreply.h"
#include "util/data/dname.h"
#include "services/cache/dns.h"
#include "module.h"

/** Mark the six entry points as the module's public interface. */
#define SH_EXPORT __attribute__((visibility("default")))

SH_EXPORT int init(struct module_env* env, int id);
SH_EXPORT void deinit(struct module_env* env, int id);
SH_EXPORT void operate(struct module_qstate* qstate, enum module_ev event,
	int id, struct outbound_entry* outbound);
SH_EXPORT void inform_super(struct module_qstate* qstate, int id,
	struct module_qstate* super);
SH_EXPORT void clear(struct module_qstate* qstate, int id);
SH_EXPORT size_t get_mem(struct module_env* env, int id);

struct sh_mod_env*
sh_mod_env_get(struct module_env* env, int id)
{
	struct dynlibmod_env* de;
	if(!env || id < 0 || id >= MAX_MODULE)
		return NULL;
	de = (struct dynlibmod_env*)env->modinfo[id];
	return de ? (struct sh_mod_env*)de->dyn_env : NULL;
}

/**
 * Diagnostic callback that forwards core diagnostics to Unbound's log.
 * @param arg: unused.
 * @param msg: the diagnostic.
 */
static void
mod_diag(void* arg, const struct sh_diag_msg* msg)
{
	char buf[1024];
	(void)arg;
	sh_diag_format(msg, buf, sizeof(buf));
	if(msg->severity == SH_SEV_ERROR)
		log_err("sinkhole: %s", buf);
	else if(msg->severity == SH_SEV_WARNING)
		log_warn("sinkhole: %s", buf);
	else	verbose(VERB_OPS, "sinkhole: %s", buf);
}

/**
 * Check that this module runs before every module that could resolve or
 * cache a name: it must be the first in module-config.
 * @param env: module environment.
 * @param id: this module's id.
 * @return 1 if the order is safe, 0 (logged) if not.
 */
static int
mod_check_order(struct module_env* env, int id)
{
	if(id == 0)
		return 1;
	log_err("sinkhole: the dynlib module must be the first in "
		"module-config (found at position %d in \"%s\"): a module "
		"before it could resolve or cache sinkholed names", id + 1,
		env->cfg->module_conf ? env->cfg->module_conf : "");
	return 0;
}

/**
 * Load every feed of the configured directory and compile the set.
 * Broken feeds are reported and left out; if no feed at all could be
 * loaded while some failed, the module refuses to start, so it never
 * runs silently without protection.
 * @param me: module state; me->cfg is set, me->set is filled in.
 * @return 1 on success, 0 on failure (logged).
 */
static int
mod_load_set(struct sh_mod_env* me)
{
	struct sh_feed** feeds = NULL;
	size_t num = 0, failed = 0, i;
	if(!sh_feed_load_dir(me->cfg->feed_dir, &me->cfg->limits,
		time(NULL), mod_diag, NULL, &feeds, &num, &failed)) {
		log_err("sinkhole: cannot read feed directory %s",
			me->cfg->feed_dir);
		return 0;
	}
	if(num == 0 && failed > 0) {
		log_err("sinkhole: none of the %u feed files in %s could be "
			"loaded; refusing to run without protection",
			(unsigned)failed, me->cfg->feed_dir);
		goto error;
	}
	if(num == 0)
		log_warn("sinkhole: no feed files in %s: nothing is "
			"sinkholed", me->cfg->feed_dir);
	me->set = sh_set_build(feeds, num, me->cfg->action, mod_diag, NULL);
	if(!me->set) {
		log_err("sinkhole: out of memory building the indicator set");
		goto error;
	}
	for(i = 0; i < num; i++)
		sh_feed_unref(feeds[i]);
	free(feeds);
	return 1;
error:
	for(i = 0; i < num; i++)
		sh_feed_unref(feeds[i]);
	free(feeds);
	return 0;
}

/**
 * Free the module state and everything it owns.  NULL is fine.
 * @param me: the state.
 */
static void
mod_env_free(struct sh_mod_env* me)
{
	if(!me)
		return;
	sh_log_close(me->log);
	sh_set_free(me->set);
	sh_config_free(me->cfg);
	free(me);
}

int
init(struct module_env* env, int id)
{
	struct dynlibmod_env* de = (struct dynlibmod_env*)env->modinfo[id];
	struct sh_mod_env* me;
	const char* path = sh_config_path();
	if(!de || !mod_check_order(env, id))
		return 0;
	if(!(me = calloc(1, sizeof(*me)))) {
		log_err("sinkhole: out of memory");
		return 0;
	}
	if(!(me->cfg = sh_config_load(path, mod_diag, NULL))) {
		log_err("sinkhole: cannot use configuration %s (set %s to "
			"choose another file)", path, SH_CONFIG_ENV);
		goto error;
	}
	if(!mod_load_set(me))
		goto error;
	me->serial = (uint32_t)time(NULL);
	if(!(me->log = sh_log_open(me->cfg->log_file,
		me->cfg->log_queue_bytes, me->cfg->identity, mod_diag, NULL)))
		goto error;
	if(!de->inplace_cb_register_wrapped((void*)&sh_mod_reply_cb,
		inplace_cb_reply, me, env, id)) {
		log_err("sinkhole: cannot register the reply callback");
		goto error;
	}
	de->dyn_env = me;
	log_info("sinkhole: %u indicators from %u feeds in %s, log %s",
		(unsigned)sh_set_count(me->set),
		(unsigned)sh_set_num_feeds(me->set), me->cfg->feed_dir,
		me->cfg->log_file);
	return 1;
error:
	mod_env_free(me);
	return 0;
}

void
deinit(struct module_env* env, int id)
{
	struct dynlibmod_env* de;
	struct sh_mod_env* me = sh_mod_env_get(env, id);
	if(!me)
		return;
	de = (struct dynlibmod_env*)env->modinfo[id];
	de->inplace_cb_delete_wrapped(env, inplace_cb_reply, id);
	de->dyn_env = NULL;
	log_info("sinkhole: stopped after %llu sinkholed queries, %llu "
		"events logged, %llu dropped",
		(unsigned long long)me->count.hits,
		(unsigned long long)me->count.events,
		(unsigned long long)me->count.events_dropped);
	mod_env_free(me);
}

/**
 * Copy a NUL terminated string into a region.
 * @param region: the region.
 * @param s: the string, may be NULL.
 * @return the copy, NULL for NULL or out of memory.
 */
static char*
mod_region_str(struct regional* region, const char* s)
{
	return s ? regional_strdup(region, s) : NULL;
}

/**
 * Record what the reply callback and the log need about the match, in
 * the query's region, so nothing refers to the set afterwards.
 * @param qstate: the query.
 * @param id: module id.
 * @param m: the match.
 * @param rcode: the response code of the answer.
 * @return 1 on success, 0 when out of memory.
 */
static int
mod_qstate_record(struct module_qstate* qstate, int id,
	const struct sh_match* m, int rcode)
{
	struct regional* r = qstate->region;
	struct sh_mod_qstate* sq = regional_alloc_zero(r, sizeof(*sq));
	char** refs = NULL;
	if(!sq)
		return 0;
	sq->action = m->action;
	sq->rcode = rcode;
	sq->reason = "query";
	sq->ind.confidence = m->ind ? m->ind->confidence : -1;
	sq->indicator = regional_alloc_init(r, m->name,
		dname_valid((uint8_t*)m->name, SH_NAME_MAX));
	sq->feed.id = mod_region_str(r, m->feed->id);
	sq->feed.default_confidence = m->feed->default_confidence;
	if(m->feed->references && m->feed->references[0]) {
		if(!(refs = regional_alloc_zero(r, 2 * sizeof(char*))) ||
			!(refs[0] = mod_region_str(r, m->feed->references[0])))
			return 0;
	}
	sq->feed.references = refs;
	sq->feed_id = sq->feed.id;
	if(!sq->indicator || !sq->feed_id)
		return 0;
	qstate->minfo[id] = sq;
	return 1;
}

/**
 * Match a new query and, if it is on a feed, answer it from the
 * sinkhole.
 * @param qstate: the query.
 * @param id: module id.
 * @param me: module state.
 * @return 1 if the query was answered (the module finished it), 0 if
 *	it should pass to the next module.  On internal failure the query
 *	is finished with SERVFAIL and 1 is returned: it must not leak.
 */
static int
mod_handle_new(struct module_qstate* qstate, int id, struct sh_mod_env* me)
{
	struct sh_match m;
	struct sh_answer_plan plan;
	if(!sh_set_match(me->set, qstate->qinfo.qname, &m))
		return 0;
	if(m.action == SH_ACTION_ALLOW) {
		__atomic_fetch_add(&me->count.allowed, 1, __ATOMIC_RELAXED);
		return 0;
	}
	sh_answer_plan(me->cfg, &m, qstate->qinfo.qtype, &plan);
	if(qstate->qinfo.qclass != SH_CLASS_IN && plan.an_type) {
		/* addresses only exist in class IN: NODATA elsewhere */
		plan.an_type = 0;
		plan.soa = 1;
	}
	qstate->no_cache_store = 1;
	qstate->return_rcode = LDNS_RCODE_NOERROR;
	if(!mod_qstate_record(qstate, id, &m, plan.rcode) ||
		!(qstate->return_msg = sh_mod_answer_build(qstate, me, &plan))) {
		log_err("sinkhole: out of memory answering a sinkholed "
			"query; answering SERVFAIL");
		qstate->return_msg = NULL;
		qstate->return_rcode = LDNS_RCODE_SERVFAIL;
	}
	__atomic_fetch_add(&me->count.hits, 1, __ATOMIC_RELAXED);
	return 1;
}

void
operate(struct module_qstate* qstate, enum module_ev event, int id,
	struct outbound_entry* outbound)
{
	struct sh_mod_env* me = sh_mod_env_get(qstate->env, id);
	(void)outbound;
	if(!me) {
		log_err("sinkhole: operate called without module state");
		qstate->ext_state[id] = module_error;
		return;
	}
	if(event == module_event_new || event == module_event_pass) {
		if(qstate->minfo[id] == NULL && mod_handle_new(qstate, id, me)) {
			qstate->ext_state[id] = module_finished;
			return;
		}
		qstate->ext_state[id] = module_wait_module;
		return;
	}
	if(event == module_event_moddone) {
		qstate->ext_state[id] = module_finished;
		return;
	}
	if(event == module_event_error) {
		qstate->ext_state[id] = module_error;
		return;
	}
	log_err("sinkhole: bad event %s", strmodulevent(event));
	qstate->ext_state[id] = module_error;
}

void
inform_super(struct module_qstate* qstate, int id,
	struct module_qstate* super)
{
	/* the module starts no sub-queries of its own */
	(void)qstate;
	(void)id;
	(void)super;
}

void
clear(struct module_qstate* qstate, int id)
{
	/* per-query state lives in qstate->region, freed by Unbound */
	if(qstate)
		qstate->minfo[id] = NULL;
}

size_t
get_mem(struct module_env* env, int id)
{
	struct sh_mod_env* me = sh_mod_env_get(env, id);
	if(!me)
		return 0;
	return sizeof(*me) + sh_set_memory(me->set);
}
