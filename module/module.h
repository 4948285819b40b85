/*
 * module/module.h - private declarations of the Unbound-facing glue.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The glue between Unbound's dynlib module API and the core library
 * (include/sinkhole.h).  Three files share this header:
 *  - sinkhole_mod.c: the six dynlib entry points and the operate state
 *    machine;
 *  - answer.c: turns an sh_answer_plan into an Unbound dns_msg in the
 *    query's region;
 *  - reply.c: the inplace reply callback that attaches the Extended DNS
 *    Error and writes one log event per client reply.
 * Every file that includes this header must include Unbound's config.h
 * first, as Unbound's own sources do.
 */

#ifndef SH_MODULE_H
#define SH_MODULE_H

#include "sinkhole.h"

struct module_env;
struct module_qstate;
struct dns_msg;
struct query_info;
struct reply_info;
struct edns_data;
struct edns_option;
struct comm_reply;
struct regional;
struct timeval;

/** Module-wide counters, updated with relaxed atomics. */
struct sh_mod_counters {
	/** queries answered by the sinkhole */
	uint64_t hits;
	/** queries that matched an allow entry */
	uint64_t allowed;
	/** client events handed to the log */
	uint64_t events;
	/** client events the log could not take (queue full) */
	uint64_t events_dropped;
};

/**
 * The module's global state, one per loaded module.  Created by init,
 * freed by deinit; stored in the dynlib env's dyn_env pointer.  The
 * config and the set are immutable while resolver threads run, so
 * they are read without locks.
 */
struct sh_mod_env {
	/** the configuration (owned) */
	struct sh_config* cfg;
	/** the compiled indicator set (owned) */
	struct sh_set* set;
	/** the event log (owned) */
	struct sh_log* log;
	/** serial of the sinkhole SOA: the time the set was built */
	uint32_t serial;
	/** counters */
	struct sh_mod_counters count;
};

/**
 * Per-query state for a sinkholed query, allocated in qstate->region
 * and stored in qstate->minfo[id].  Copies what the reply callback and
 * the log need, so nothing here points into the set.
 */
struct sh_mod_qstate {
	/** action taken */
	enum sh_action action;
	/** response code of the answer */
	int rcode;
	/** why the query was sinkholed ("query") */
	const char* reason;
	/** the matched indicator's wire name (in the region) */
	uint8_t* indicator;
	/** the matched feed id (in the region) */
	char* feed_id;
	/** a shallow copy of the feed's public fields for the log; its
	 * strings point into the region */
	struct sh_feed feed;
	/** a shallow copy of the matched indicator, for its confidence */
	struct sh_indicator ind;
};

/**
 * Get the module state from the environment.
 * @param env: Unbound's module environment.
 * @param id: the module id.
 * @return the state, or NULL before init completed.
 */
struct sh_mod_env* sh_mod_env_get(struct module_env* env, int id);

/**
 * Build the sinkhole answer for a query in its region.
 * @param qstate: the query; its region receives every allocation.
 * @param me: module state (config, SOA serial).
 * @param plan: what the answer contains.
 * @return the message (region owned), or NULL when out of memory.
 */
struct dns_msg* sh_mod_answer_build(struct module_qstate* qstate,
	const struct sh_mod_env* me, const struct sh_answer_plan* plan);

/**
 * Inplace reply callback: for a sinkholed query, attach EDE 15 when the
 * client sent EDNS and hand one event per client reply to the log.
 * Signature of Unbound's inplace_cb_reply_func_type.
 * @return 1 always (Unbound ignores the value).
 */
int sh_mod_reply_cb(struct query_info* qinfo, struct module_qstate* qstate,
	struct reply_info* rep, int rcode, struct edns_data* edns,
	struct edns_option** opt_list_out, struct comm_reply* repinfo,
	struct regional* region, struct timeval* start_time, int id,
	void* cb_args);

#endif /* SH_MODULE_H */
