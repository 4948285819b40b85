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
 * and the iterator, or second behind dns64 only (mod_check_order says
 * why).  A new query (module_event_new when first, the first
 * module_event_pass behind dns64) is matched against the indicator set
 * before any module that resolves or caches sees it; on a match the
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
#include <malloc.h>
#include <string.h>
#include <time.h>
#include "dynlibmod/dynlibmod.h"
#include "util/module.h"
#include "util/regional.h"
#include "util/config_file.h"
#include "util/data/msgreply.h"
#include "util/data/dname.h"
#include "util/net_help.h"
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
 * Find word n (0-based) of a space-separated list.
 * @param list: the list (module-config).
 * @param n: which word.
 * @param len: set to its length.
 * @return its start, or NULL when the list is shorter.
 */
static const char*
mod_conf_word(const char* list, int n, size_t* len)
{
	for(;;) {
		list += strspn(list, " \t");
		if(!*list)
			return NULL;
		*len = strcspn(list, " \t");
		if(n-- == 0)
			return list;
		list += *len;
	}
}

/**
 * Whether word n of a list is name.
 * @param list: module-config.
 * @param n: the position.
 * @param name: the module name.
 * @return 1 if it is.
 */
static int
mod_conf_is(const char* list, int n, const char* name)
{
	size_t len;
	const char* w = mod_conf_word(list, n, &len);
	return w && len == strlen(name) && strncmp(w, name, len) == 0;
}

/**
 * Check that no module before this one could resolve or cache a name,
 * and that dns64 works.  Allowed: this module first, or second behind
 * dns64 ("dns64 dynlib ...").  dns64 never resolves by itself: it
 * rewrites a client's AAAA or ip6.arpa PTR question into sub-queries
 * that start at dns64's own position and so pass this module next, and
 * the client's question passes it too.  dns64 only sets itself up on
 * module_event_new, which only the first module gets, so it must be
 * first or it silently skips PTR synthesis, dns64-synthall and
 * dns64-ignore-aaaa.  Any other module before this one (respip,
 * subnetcache, cachedb, ipsecmod, python, the validator, the iterator)
 * is refused.
 * @param env: module environment.
 * @param id: this module's id.
 * @return 1 if the order is safe, 0 (logged) if not.
 */
static int
mod_check_order(struct module_env* env, int id)
{
	const char* mc = env->cfg->module_conf ? env->cfg->module_conf : "";
	size_t len;
	int i;
	if(id > 1 || (id == 1 && !mod_conf_is(mc, 0, "dns64"))) {
		log_err("sinkhole: the dynlib module must be the first in "
			"module-config, or second behind dns64 (found at "
			"position %d in \"%s\"): another module before it "
			"could resolve or cache sinkholed names; use \"dynlib "
			"validator iterator\" or \"dns64 dynlib validator "
			"iterator\"", id + 1, mc);
		return 0;
	}
	for(i = id + 1; mod_conf_word(mc, i, &len); i++) {
		if(!mod_conf_is(mc, i, "dns64"))
			continue;
		log_err("sinkhole: dns64 must come before the dynlib module "
			"in module-config (found \"%s\"): behind another "
			"module Unbound's dns64 never sees a new query and "
			"skips PTR synthesis, dns64-synthall and "
			"dns64-ignore-aaaa; use \"dns64 dynlib validator "
			"iterator\"", mc);
		return 0;
	}
	return 1;
}

/**
 * Load every feed of the configured directory into a new store and
 * publish the first snapshot.  Broken feeds are reported and left out;
 * if no feed at all could be loaded while some failed, the module
 * refuses to start, so it never runs silently without protection.
 * @param me: module state; its snapshot is published.
 * @param cfg: the configuration (ownership passes to the snapshot, also
 *	on failure).
 * @param store: set to the new store (caller owns it) on success.
 * @return 1 on success, 0 on failure (logged).
 */
static int
mod_first_snapshot(struct sh_mod_env* me, struct sh_config* cfg,
	struct sh_store** store)
{
	struct sh_scan_result res;
	if(!(*store = sh_store_new())) {
		log_err("sinkhole: out of memory building the indicator set");
		goto error;
	}
	if(!sh_store_scan(*store, cfg->feed_dir, &cfg->limits, time(NULL),
		sh_mod_diag, NULL, &res))
		goto error;
	if(res.loaded == 0 && res.failed > 0) {
		log_err("sinkhole: none of the %u feed files in %s could be "
			"loaded; refusing to run without protection",
			(unsigned)res.failed, cfg->feed_dir);
		goto error;
	}
	if(res.loaded == 0)
		log_warn("sinkhole: no feed files in %s: nothing is "
			"sinkholed", cfg->feed_dir);
	if(!sh_store_publish(*store, cfg, 1, &me->snap, sh_mod_diag, NULL)) {
		cfg = NULL; /* freed by sh_store_publish */
		goto error;
	}
	return 1;
error:
	sh_config_free(cfg);
	sh_store_free(*store);
	*store = NULL;
	return 0;
}

/**
 * Free the module state and everything it owns.  NULL is fine.  The
 * reload thread must be stopped and no resolver thread may run.
 * @param me: the state.
 */
static void
mod_env_free(struct sh_mod_env* me)
{
	if(!me)
		return;
	sh_mod_reload_stop(me);
	sh_log_close(me->log);
	sh_snapshot_publish(&me->snap, NULL);
	sh_psl_unload();
	free(me);
}

/**
 * Register the inplace callbacks: the egress guard on outgoing queries,
 * the sanitiser on upstream responses, and the reply hook (normal and
 * SERVFAIL replies) that adds the EDE and logs each client.  They go
 * through dynlibmod's wrappers, which Unbound's function pointer
 * whitelist accepts.
 * @param de: the dynlib environment.
 * @param env: module environment.
 * @param id: module id.
 * @param me: module state, passed to every callback.
 * @return 1 on success, 0 (logged) on failure.
 */
static int
mod_register(struct dynlibmod_env* de, struct module_env* env, int id,
	struct sh_mod_env* me)
{
	if(de->inplace_cb_register_wrapped((void*)&sh_mod_query_cb,
		inplace_cb_query, me, env, id) &&
		de->inplace_cb_register_wrapped((void*)&sh_mod_response_cb,
		inplace_cb_query_response, me, env, id) &&
		de->inplace_cb_register_wrapped((void*)&sh_mod_reply_cb,
		inplace_cb_reply, me, env, id) &&
		de->inplace_cb_register_wrapped((void*)&sh_mod_reply_cb,
		inplace_cb_reply_servfail, me, env, id))
		return 1;
	log_err("sinkhole: cannot register the inplace callbacks");
	return 0;
}

/**
 * Remove every inplace callback of this module (and free the wrappers).
 * @param de: the dynlib environment.
 * @param env: module environment.
 * @param id: module id.
 */
static void
mod_unregister(struct dynlibmod_env* de, struct module_env* env, int id)
{
	de->inplace_cb_delete_wrapped(env, inplace_cb_query, id);
	de->inplace_cb_delete_wrapped(env, inplace_cb_query_response, id);
	de->inplace_cb_delete_wrapped(env, inplace_cb_reply, id);
	de->inplace_cb_delete_wrapped(env, inplace_cb_reply_servfail, id);
}

int
init(struct module_env* env, int id)
{
	struct dynlibmod_env* de = (struct dynlibmod_env*)env->modinfo[id];
	struct sh_mod_env* me;
	struct sh_config* cfg;
	struct sh_config_source src;
	struct sh_store* store = NULL;
	const char* path = sh_config_path();
	if(!sh_mod_abi_check(env, id) || !de || !mod_check_order(env, id))
		return 0;
	if(!(me = calloc(1, sizeof(*me)))) {
		log_err("sinkhole: out of memory");
		return 0;
	}
	me->started = time(NULL);
	/* the worker threads of a previous load are gone: reuse their
	 * reader slots (when the module stayed mapped across the reload) */
	sh_snapshot_readers_reclaim();
	/* Each reload allocates and frees multi-megabyte blocks (parsed
	 * feeds, set tables).  glibc raises its mmap threshold after such a
	 * free, moving later large blocks into the heap, where they
	 * fragment it and resident memory ratchets up reload after reload.
	 * A fixed threshold (glibc's initial default) keeps them mmapped
	 * and returned to the kernel when freed. */
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if(!(cfg = sh_config_read(path, &src, sh_mod_diag, NULL))) {
		log_err("sinkhole: cannot use configuration %s (set %s to "
			"choose another file)", path, SH_CONFIG_ENV);
		goto error;
	}
	/* the public suffix list for the log's dns.question fields: read
	 * here, never by a resolver thread */
	if(!sh_psl_load())
		log_info("sinkhole: public suffix list file not readable (chroot?);"
			" using libpsl's built-in list");
	if(!(me->log = sh_log_open(cfg->log_file, cfg->log_queue_bytes,
		cfg->identity, sh_mod_diag, NULL))) {
		sh_config_free(cfg);
		goto error;
	}
	if(!mod_first_snapshot(me, cfg, &store))
		goto error;
	log_info("sinkhole: %u indicators from %u feeds in %s, log %s",
		(unsigned)sh_set_count(me->snap->set),
		(unsigned)sh_set_num_feeds(me->snap->set),
		me->snap->cfg->feed_dir, me->snap->cfg->log_file);
	/* the reload thread owns the store and the configuration's text
	 * from here, even on failure */
	if(!sh_mod_reload_start(me, env, path, &src, store))
		goto error;
	de->dyn_env = me;
	if(!mod_register(de, env, id, me))
		goto error;
	return 1;
error:
	sh_config_source_clear(&src); /* zeroed once the reloader has it */
	if(de->dyn_env) {
		mod_unregister(de, env, id);
		de->dyn_env = NULL;
	}
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
	mod_unregister(de, env, id);
	de->dyn_env = NULL;
	log_info("sinkhole: stopped after %llu sinkholed queries, %llu "
		"events logged, %llu dropped",
		(unsigned long long)me->count.hits,
		(unsigned long long)me->count.events,
		(unsigned long long)me->count.events_dropped);
	mod_env_free(me);
}

/**
 * Match a new query and, if it is on a feed, answer it from the
 * sinkhole.  A client's query gets the configured action.  A query the
 * resolver makes by itself (a name server address, a DS or DNSKEY, a
 * prefetch) never gets a sinkhole address back, which it could go on
 * to use: it gets NXDOMAIN, and the clients behind it are logged with
 * reason "subquery".
 * @param qstate: the query.
 * @param id: module id.
 * @param me: module state.
 * @param snap: the published snapshot.
 * @return 1 if the query was answered (the module finished it), 0 if
 *	it should pass to the next module.  On internal failure the query
 *	is finished with SERVFAIL and 1 is returned: it must not leak.
 */
static int
mod_handle_new(struct module_qstate* qstate, int id, struct sh_mod_env* me,
	const struct sh_snapshot* snap)
{
	struct sh_match m;
	struct sh_answer_plan plan;
	struct sh_mod_qstate* sq;
	int internal;
	if(!sh_set_match(snap->set, qstate->qinfo.qname, &m))
		return 0;
	if(m.action == SH_ACTION_ALLOW) {
		__atomic_fetch_add(&me->count.allowed, 1, __ATOMIC_RELAXED);
		return 0;
	}
	internal = sh_mod_is_internal(qstate);
	sh_answer_plan_query(snap->cfg, &m, qstate->qinfo.qtype,
		qstate->qinfo.qclass, internal, &plan);
	qstate->no_cache_store = 1;
	qstate->return_rcode = LDNS_RCODE_NOERROR;
	if(!(sq = sh_mod_qstate_get(qstate, id)) ||
		!sh_mod_qstate_block(qstate, sq, internal ?
			SH_REASON_SUBQUERY : SH_REASON_QUERY, &m, NULL) ||
		!(qstate->return_msg = sh_mod_answer_build(qstate, snap,
		&plan))) {
		log_err("sinkhole: out of memory answering a sinkholed "
			"query; answering SERVFAIL");
		qstate->return_msg = NULL;
		qstate->return_rcode = LDNS_RCODE_SERVFAIL;
		plan.rcode = SH_RCODE_SERVFAIL;
	}
	if(sq) {
		sq->answered = 1;
		sq->rcode = plan.rcode;
	}
	__atomic_fetch_add(&me->count.hits, 1, __ATOMIC_RELAXED);
	if(internal) {
		__atomic_fetch_add(&me->count.guard[SH_REASON_SUBQUERY], 1,
			__ATOMIC_RELAXED);
		if(sq)
			sh_mod_log_clients(me, snap, qstate, sq);
	}
	return 1;
}

/**
 * Whether the modules below produced no usable answer.
 * @param qstate: the query.
 * @return 1 if the result is an error or SERVFAIL.
 */
static int
mod_result_failed(const struct module_qstate* qstate)
{
	return qstate->return_rcode != LDNS_RCODE_NOERROR ||
		!qstate->return_msg || !qstate->return_msg->rep ||
		FLAGS_GET_RCODE(qstate->return_msg->rep->flags) ==
		LDNS_RCODE_SERVFAIL;
}

/**
 * The egress guard stopped an outgoing query of this query.  If the
 * resolution failed because of it, the query is sinkholed (the chain
 * to the sinkholed name and the action, or SERVFAIL); if the iterator
 * found another way (a minimisation probe for an exact entry, retried
 * with the full name), the answer stands and the firing is logged.
 * @param qstate: the query.
 * @param me: module state.
 * @param snap: the published snapshot.
 * @param sq: its state, with sq->egress set.
 */
static void
mod_after_egress(struct module_qstate* qstate, struct sh_mod_env* me,
	const struct sh_snapshot* snap, struct sh_mod_qstate* sq)
{
	struct sh_mod_qstate* e = sq->egress;
	if(!mod_result_failed(qstate)) {
		e->ede = 0;
		e->note = 1;
		e->rcode = FLAGS_GET_RCODE(qstate->return_msg->rep->flags);
		sh_mod_log_clients(me, snap, qstate, e);
		return;
	}
	sq->blocked = e->blocked;
	sq->ede = e->ede;
	sq->reason = e->reason;
	sq->action = e->action;
	sq->indicator = e->indicator;
	sq->target = e->target;
	sq->rule = e->rule;
	sh_mod_answer_chain(qstate, snap, sq);
	__atomic_fetch_add(&me->count.hits, 1, __ATOMIC_RELAXED);
	if(sh_mod_is_internal(qstate))
		sh_mod_log_clients(me, snap, qstate, sq);
}

/**
 * The modules below have finished a query.  If the guard stopped its
 * resolution on the way (an upstream CNAME into a sinkholed name, a
 * delegation to sinkholed name servers, an outgoing query about a
 * sinkholed name), replace whatever they produced with the answer the
 * client should get, and keep it out of the cache so repeats are
 * logged too.
 * @param qstate: the query.
 * @param id: module id.
 * @param me: module state.
 * @param snap: the published snapshot.
 */
static void
mod_handle_moddone(struct module_qstate* qstate, int id,
	struct sh_mod_env* me, const struct sh_snapshot* snap)
{
	struct sh_mod_qstate* sq = (struct sh_mod_qstate*)qstate->minfo[id];
	if(!sq || sq->answered)
		return;
	if(!sq->blocked) {
		if(sq->egress)
			mod_after_egress(qstate, me, snap, sq);
		return;
	}
	qstate->no_cache_store = 1;
	if(sq->reason == SH_REASON_NS) {
		qstate->return_msg = NULL;
		qstate->return_rcode = LDNS_RCODE_SERVFAIL;
		sq->rcode = SH_RCODE_SERVFAIL;
	} else	sh_mod_answer_chain(qstate, snap, sq);
	__atomic_fetch_add(&me->count.hits, 1, __ATOMIC_RELAXED);
	if(sh_mod_is_internal(qstate))
		sh_mod_log_clients(me, snap, qstate, sq);
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
		/* a query is new here at its first visit: module_event_new
		 * when this module is first, module_event_pass behind dns64
		 * (for the client's query and dns64's sub-queries alike) */
		int first = qstate->ext_state[id] == module_state_initial;
		qstate->ext_state[id] = module_wait_module;
		if(first) {
			sh_snapshot_read_lock();
			if(mod_handle_new(qstate, id, me,
				sh_snapshot_get(&me->snap)))
				qstate->ext_state[id] = module_finished;
			sh_snapshot_read_unlock();
		}
		return;
	}
	if(event == module_event_moddone) {
		sh_snapshot_read_lock();
		mod_handle_moddone(qstate, id, me, sh_snapshot_get(&me->snap));
		sh_snapshot_read_unlock();
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
	size_t mem;
	if(!me)
		return 0;
	sh_snapshot_read_lock();
	mem = sizeof(*me) + sh_set_memory(sh_snapshot_get(&me->snap)->set);
	sh_snapshot_read_unlock();
	return mem;
}
