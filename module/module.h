/*
 * module/module.h - private declarations of the Unbound-facing glue.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The glue between Unbound's dynlib module API and the core library
 * (include/sinkhole.h).  Every file of module/ shares this header:
 *  - sinkhole_mod.c: the six dynlib entry points and the operate state
 *    machine;
 *  - diag.c: core diagnostics into Unbound's log (sh_mod_diag);
 *  - qstate.c: the per-query state and what the log needs of a match;
 *  - answer.c: turns an sh_answer_plan into an Unbound dns_msg in the
 *    query's region, and rebuilds CNAME chains;
 *  - guard.c: the response sanitiser and the egress guard;
 *  - reload.c: the reload thread (feeds, configuration, status file);
 *  - reply.c: the inplace reply callback that attaches the Extended DNS
 *    Error and writes one log event per client reply;
 *  - abi.c: refuses a daemon the module was not built for.
 * Policy (what an answer contains, what is logged) is decided in the
 * core; the glue only translates to and from Unbound's structures.
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
struct ub_packed_rrset_key;
struct sockaddr_storage;

/** Why the module acted on a query; the names are event.reason. */
enum sh_mod_reason {
	/** a client asked for a name on a feed */
	SH_REASON_QUERY = 0,
	/** a CNAME or DNAME chain led into a sinkholed name */
	SH_REASON_CNAME,
	/** a zone's name servers are inside a sinkholed domain */
	SH_REASON_NS,
	/** Unbound asked for a sinkholed name by itself */
	SH_REASON_SUBQUERY,
	/** an outgoing query about a sinkholed name was stopped */
	SH_REASON_EGRESS,
	/** number of reasons */
	SH_REASON_COUNT
};

/** Module-wide counters, updated with relaxed atomics. */
struct sh_mod_counters {
	/** queries answered by the sinkhole (any reason) */
	uint64_t hits;
	/** queries that matched an allow entry */
	uint64_t allowed;
	/** client events handed to the log */
	uint64_t events;
	/** client events the log could not take (queue full) */
	uint64_t events_dropped;
	/** reloads that published a new snapshot */
	uint64_t reloads_ok;
	/** reloads in which a feed or the config was refused */
	uint64_t reloads_failed;
	/** guard firings by reason (SH_REASON_CNAME and later) */
	uint64_t guard[SH_REASON_COUNT];
};

struct sh_reloader;

/**
 * The module's global state, one per loaded module.  Created by init,
 * freed by deinit; stored in the dynlib env's dyn_env pointer.  The
 * configuration and the indicator set that belong together are one
 * snapshot, published by the reload thread with read-copy-update:
 * resolver threads read it inside sh_snapshot_read_lock sections and
 * copy what must outlive the section into the query's region.
 */
struct sh_mod_env {
	/** the published snapshot (RCU slot; owned) */
	struct sh_snapshot* snap;
	/** the event log (owned); its file is the first config's */
	struct sh_log* log;
	/** the reload thread (owned), NULL when not running */
	struct sh_reloader* reloader;
	/** when the module started */
	time_t started;
	/** counters */
	struct sh_mod_counters count;
};

/**
 * Per-query state, allocated in qstate->region and stored in
 * qstate->minfo[id] when the module answers a query, when the guard
 * fires on it, or when an upstream response for it carried CNAME or
 * DNAME records (kept to rebuild a chain).  Copies what the reply
 * callback and the log need, so nothing here points into the set.
 */
struct sh_mod_qstate {
	/** 1 once the query is sinkholed: its replies carry EDE and are
	 * logged; 0 while only CNAME/DNAME records are being collected */
	int blocked;
	/** 1 when the module itself answered the query at its start */
	int answered;
	/** attach the EDE to replies */
	int ede;
	/** a note: the guard fired but the answer is the normal one */
	int note;
	/** why */
	enum sh_mod_reason reason;
	/** action taken */
	enum sh_action action;
	/** response code of the answer */
	int rcode;
	/** the matched indicator's wire name (in the region) */
	uint8_t* indicator;
	/** the sinkholed name that was reached: the chain's end, the name
	 * server's name, or the name of a stopped query (in the region) */
	uint8_t* target;
	/** what the log says about the match, copied into the region so
	 * nothing points into the set: the event's rule fields (feed_id,
	 * feed_reference, confidence, rule_uuid, rule_title,
	 * indicator_unicode) */
	struct sh_mod_rule {
		/** the matched feed id */
		char* feed_id;
		/** the feed's first reference, or NULL */
		char* feed_reference;
		/** the indicator's confidence, else the feed's; -1 none */
		int confidence;
		/** the source rule's id, or NULL */
		char* rule_uuid;
		/** the source rule's title, or NULL */
		char* rule_title;
		/** the indicator's U-label form, or NULL */
		char* indicator_unicode;
	} rule;
	/** CNAME and DNAME rrsets of this query's upstream responses, in
	 * arrival order (region owned, like the responses) */
	struct ub_packed_rrset_key** seen;
	/** number of rrsets in seen */
	size_t num_seen;
	/** capacity of seen */
	size_t cap_seen;
	/** when the egress guard stopped one of this query's outgoing
	 * queries: what it matched (a blocked state of its own, region
	 * owned).  The iterator may still resolve the question another
	 * way (a qname-minimisation probe for an exact entry is retried
	 * with the full name); only if it fails is the query sinkholed. */
	struct sh_mod_qstate* egress;
	/** destinations the egress guard overwrote, with their original
	 * contents, restored at the query's next response (Unbound has
	 * copied them by then); at most four are remembered (the size of
	 * the array): a fifth is still diverted, but not restored */
	struct sh_mod_divert {
		/** the overwritten destination (the iterator's copy) */
		struct sockaddr_storage* where;
		/** its original contents */
		struct sockaddr_storage orig;
		/** its length */
		socklen_t len;
	} divert[4];
	/** number of entries in divert */
	size_t num_divert;
	/** the names from the question to target, for reason cname */
	const uint8_t* chain[SH_CHAIN_MAX];
	/** number of names in chain */
	size_t chain_len;
};

/**
 * Diagnostic callback forwarding core diagnostics to Unbound's log
 * with the module prefix: errors with log_err, warnings with log_warn,
 * notes at verbosity 1.
 * @param arg: unused.
 * @param msg: the diagnostic.
 */
void sh_mod_diag(void* arg, const struct sh_diag_msg* msg);

/**
 * Get the module state from the environment.
 * @param env: Unbound's module environment.
 * @param id: the module id.
 * @return the state, or NULL before init completed.
 */
struct sh_mod_env* sh_mod_env_get(struct module_env* env, int id);

/**
 * Allocate a one-record rrset in a region, in the layout of
 * packed_rrset_ptr_fixup, with a relative TTL, insecure, no signature.
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
struct ub_packed_rrset_key* sh_mod_rrset_new(struct regional* region,
	uint8_t* owner, size_t ownerlen, uint16_t type, uint16_t klass,
	uint32_t ttl, const uint8_t* rdata, size_t rdlen);

/**
 * Build the sinkhole answer for a query in its region.
 * @param qstate: the query; its region receives every allocation.
 * @param snap: the published snapshot (config, SOA serial).
 * @param plan: what the answer contains.
 * @return the message (region owned), or NULL when out of memory.
 */
struct dns_msg* sh_mod_answer_build(struct module_qstate* qstate,
	const struct sh_snapshot* snap, const struct sh_answer_plan* plan);

/**
 * Get the per-query state, creating an empty one (not blocked) in the
 * query's region when there is none.
 * @param qstate: the query.
 * @param id: module id.
 * @return the state, or NULL when out of memory.
 */
struct sh_mod_qstate* sh_mod_qstate_get(struct module_qstate* qstate,
	int id);

/**
 * Mark a query as sinkholed and record what the log needs about the
 * match, copied into the query's region.
 * @param qstate: the query.
 * @param sq: its state.
 * @param reason: why.
 * @param m: the match (a blocking entry).
 * @param target: the sinkholed name reached (copied), or NULL for the
 *	question's name.
 * @return 1 on success, 0 when out of memory.
 */
int sh_mod_qstate_block(struct module_qstate* qstate,
	struct sh_mod_qstate* sq, enum sh_mod_reason reason,
	const struct sh_match* m, const uint8_t* target);

/**
 * Name of a reason as logged in event.reason.
 * @param reason: the reason.
 * @return static string.
 */
const char* sh_mod_reason_name(enum sh_mod_reason reason);

/**
 * Whether a name is covered by a blocking entry of the set.
 * @param snap: the published snapshot.
 * @param name: valid wire name.
 * @param m: filled in on a match (may be NULL).
 * @return 1 if blocked, 0 if not on a feed or allowed.
 */
int sh_mod_blocked(const struct sh_snapshot* snap, const uint8_t* name,
	struct sh_match* m);

/**
 * Whether a query state has no client of its own: a sub-query, a
 * prefetch or a serve-expired refresh.
 * @param qstate: the query.
 * @return 1 if internal.
 */
int sh_mod_is_internal(const struct module_qstate* qstate);

/**
 * Replace the answer of a query whose resolution the guard stopped
 * (reason cname or egress): the CNAME/DNAME chain from the question to
 * the sinkholed name, then the configured action for that name.  When
 * the chain cannot be rebuilt, the answer is SERVFAIL.
 * @param qstate: the query; return_msg and return_rcode are set.
 * @param snap: the published snapshot.
 * @param sq: the query's state (target set; chain is filled in).
 */
void sh_mod_answer_chain(struct module_qstate* qstate,
	const struct sh_snapshot* snap, struct sh_mod_qstate* sq);

/**
 * Inplace query callback, the egress guard: runs just before Unbound
 * sends a query upstream.  Signature of inplace_cb_query_func_type.
 * @return 1 always (Unbound ignores the value).
 */
int sh_mod_query_cb(struct query_info* qinfo, uint16_t flags,
	struct module_qstate* qstate, struct sockaddr_storage* addr,
	socklen_t addrlen, uint8_t* zone, size_t zonelen,
	struct regional* region, int id, void* cb_args);

/**
 * Inplace query-response callback, the response sanitiser: runs on
 * every upstream response before the iterator acts on it.  Signature of
 * inplace_cb_query_response_func_type.
 * @return 1 always.
 */
int sh_mod_response_cb(struct module_qstate* qstate,
	struct dns_msg* response, int id, void* cb_args);

/**
 * Log an event now, outside a reply: one per client waiting for the
 * query, directly or through the queries that started it (the mesh's
 * super states), or one "internal" event when no client is known.
 * Used for internal queries, which have no replies of their own, and
 * for notes about a query that is answered normally.
 * @param me: module state (log, counters).
 * @param snap: the published snapshot (identity).
 * @param qstate: the query.
 * @param sq: the event's state.
 */
void sh_mod_log_clients(struct sh_mod_env* me,
	const struct sh_snapshot* snap, struct module_qstate* qstate,
	const struct sh_mod_qstate* sq);

/**
 * Start the reload thread: it watches the feed directory and the
 * configuration (inotify, plus a periodic rescan), builds new snapshots
 * off the query path, publishes them, expires cache entries the new set
 * covers, and writes reload and stats events and the status file.
 * @param me: module state, with its first snapshot published.
 * @param env: module environment (caches).
 * @param config_path: the configuration file.
 * @param src: the text and identity of the configuration the first
 *	snapshot was built from (ownership passes to the reloader, also on
 *	failure; src is zeroed), so the file is not read a second time.
 * @param store: the feed store the first snapshot was built from
 *	(ownership passes to the reloader, also on failure).
 * @return 1 on success, 0 (logged) on failure.
 */
int sh_mod_reload_start(struct sh_mod_env* me, struct module_env* env,
	const char* config_path, struct sh_config_source* src,
	struct sh_store* store);

/**
 * Stop the reload thread and free it.  Safe when it is not running.
 * @param me: module state.
 */
void sh_mod_reload_stop(struct sh_mod_env* me);

/**
 * Fill the operational counters from the module state.
 * @param me: module state.
 * @param st: filled in.
 */
void sh_mod_stats(struct sh_mod_env* me, struct sh_stats* st);

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

/**
 * Refuse an Unbound the module was not built for (abi.c): the running
 * program's GNU build-id must be one recorded at build time, and the
 * dynlib env must point into the daemon.  Reads memory only (no file:
 * init runs after chroot).
 * @param env: module environment, as handed to init (not kept).
 * @param id: module id.
 * @return 1 to go on, 0 (error logged) to refuse.
 */
int sh_mod_abi_check(struct module_env* env, int id);

#endif /* SH_MODULE_H */
