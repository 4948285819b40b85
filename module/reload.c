/*
 * module/reload.c - the reload thread: feed and config updates without restart.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * One thread, started by init and stopped by deinit, does all the file
 * work, so no resolver thread ever waits for the disk:
 *  - it watches the feed directory and the configuration's directory
 *    with inotify, and rescans every reload.interval seconds in case an
 *    event was missed (network file systems, overflowed queues);
 *  - after a change it waits reload.debounce_ms of quiet, so a burst of
 *    writes (a git pull, an editor's save dance) gives one reload;
 *  - it rescans the directory through the feed store (lib/store.c): only
 *    changed files are parsed, a file that fails keeps its last good
 *    version, a file is removed only after two scans without it;
 *  - it builds the new set and publishes it with the configuration as
 *    one snapshot (lib/snapshot.c, read-copy-update), waits for the grace
 *    period and frees the old one;
 *  - it expires Unbound's cache entries the new set covers, so an answer
 *    cached before an indicator existed cannot hide a client;
 *  - it writes "reload" and "reload_failed" events, a periodic "stats"
 *    event, and the status file.
 * A broken configuration is refused as a whole: the last good one (kept
 * as text) stays in force.  log.file and log.queue_bytes only take
 * effect at a restart.
 */

#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util/module.h"
#include "util/storage/slabhash.h"
#include "util/data/msgreply.h"
#include "util/data/packed_rrset.h"
#include "util/data/dname.h"
#include "services/cache/rrset.h"
#include "sldns/rrdef.h"
#include "module.h"
#include "util.h"
#include "schema.h"

/** The reload thread's state. */
struct sh_reloader {
	/** the thread */
	pthread_t thread;
	/** 1 once the thread runs */
	int running;
	/** module state */
	struct sh_mod_env* me;
	/** Unbound's caches */
	struct module_env* env;
	/** the feed store (owned) */
	struct sh_store* store;
	/** configuration file path (owned) */
	char* config_path;
	/** the last good configuration's text (owned) and the identity of
	 * the configuration file last read, good or refused */
	struct sh_config_source config;
	/** inotify descriptor, -1 if unavailable */
	int ifd;
	/** watch of the feed directory, -1 if none */
	int wd_feeds;
	/** watch of the configuration's directory, -1 if none */
	int wd_config;
	/** the directory wd_feeds watches (owned) */
	char* watched_dir;
	/** pipe to wake the thread up for stopping */
	int wake[2];
	/** set (atomically) to stop the thread */
	int stop;
	/** generation of the next snapshot */
	uint64_t generation;
	/** when the set was last published */
	time_t published;
	/** earliest indicator expiry, 0 if none */
	time_t next_expiry;
	/** the error of the last scan that could not read the feed
	 * directory (owned), so it is reported once, or NULL */
	char* scan_error;
};

/** Milliseconds of a monotonic clock. */
static long long
reload_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sh_mod_stats(struct sh_mod_env* me, struct sh_stats* st)
{
	struct sh_log_stats ls;
	struct sh_snapshot* snap;
	memset(st, 0, sizeof(*st));
	st->hits = __atomic_load_n(&me->count.hits, __ATOMIC_RELAXED);
	st->reloads_ok = __atomic_load_n(&me->count.reloads_ok,
		__ATOMIC_RELAXED);
	st->reloads_failed = __atomic_load_n(&me->count.reloads_failed,
		__ATOMIC_RELAXED);
	st->guard_cname = me->count.guard[SH_REASON_CNAME];
	st->guard_ns = me->count.guard[SH_REASON_NS];
	st->guard_subquery = me->count.guard[SH_REASON_SUBQUERY];
	st->guard_egress = me->count.guard[SH_REASON_EGRESS];
	sh_log_get_stats(me->log, &ls);
	st->events_written = ls.written;
	st->events_dropped = ls.dropped;
	st->started = me->started;
	sh_snapshot_read_lock();
	if((snap = sh_snapshot_get(&me->snap)) != NULL) {
		st->generation = snap->generation;
		st->indicators = sh_set_count(snap->set);
		st->published = (time_t)snap->serial;
	}
	sh_snapshot_read_unlock();
}

/**
 * Write an operational event line to the log.
 * @param r: the reloader.
 * @param action: event.action.
 * @param with_stats: include the counters.
 * @param with_feeds: include the store's files.
 * @param message: error or note text, or NULL.
 * @param path: the file the event is about, or NULL.
 */
static void
reload_event(struct sh_reloader* r, const char* action, int with_stats,
	int with_feeds, const char* message, const char* path)
{
	static char line[262144];
	struct sh_stats st;
	const struct sh_store_file* files = NULL;
	size_t nfiles = 0, len;
	const char* identity = r->me->snap->cfg->identity;
	if(with_stats)
		sh_mod_stats(r->me, &st);
	if(with_feeds)
		files = sh_store_files(r->store, &nfiles);
	len = sh_status_event(line, sizeof(line), identity, action,
		with_stats ? &st : NULL, files, nfiles, message, path);
	if(len == 0 && with_feeds)
		len = sh_status_event(line, sizeof(line), identity, action,
			with_stats ? &st : NULL, NULL, 0, message, path);
	if(len)
		(void)sh_log_submit(r->me->log, line, len);
}

/**
 * Rewrite the status file (best effort; failures go to Unbound's log).
 * @param r: the reloader.
 */
static void
reload_status_file(struct sh_reloader* r)
{
	struct sh_stats st;
	size_t n;
	const struct sh_store_file* files = sh_store_files(r->store, &n);
	const struct sh_config* cfg = r->me->snap->cfg;
	sh_mod_stats(r->me, &st);
	if(cfg->status_file && !sh_status_write(cfg->status_file,
		cfg->identity, &st, files, n))
		log_err("sinkhole: cannot write status file %s: %s",
			cfg->status_file, strerror(errno));
}

/**
 * Read the configuration file if it changed, once, and parse what was
 * read; keep that text as the last good one.
 * @param r: the reloader.
 * @param cfg: set to a new config parsed from the file, or from the last
 *	good text when the file is unchanged or broken (caller frees).
 * @return 1 if the file changed and was accepted, 0 if unchanged, -1
 *	if it changed and was refused (reported; *cfg is the last good).
 */
static int
reload_config(struct sh_reloader* r, struct sh_config** cfg)
{
	struct sh_diag_first first = { sh_mod_diag, NULL, NULL, 0 };
	struct sh_config_source src;
	struct sh_config* c;
	struct stat sb;
	char* why;
	if(stat(r->config_path, &sb) != 0 ||
		sh_file_same(&sb, &r->config.st)) {
		*cfg = sh_config_parse(r->config_path, r->config.text,
			r->config.len, sh_mod_diag, NULL);
		return 0;
	}
	if((c = sh_config_read(r->config_path, &src, sh_diag_first_cb,
		&first))) {
		sh_config_source_clear(&r->config);
		r->config = src;
		*cfg = c;
		return 1;
	}
	/* refused: this version is reported once, the last good text stays */
	r->config.st = sb;
	why = sh_diag_first_take(&first);
	reload_event(r, SH_EV_ACTION_RELOAD_FAILED, 0, 0, why ? why :
		"configuration refused", r->config_path);
	free(why);
	__atomic_fetch_add(&r->me->count.reloads_failed, 1, __ATOMIC_RELAXED);
	*cfg = sh_config_parse(r->config_path, r->config.text, r->config.len,
		sh_mod_diag, NULL);
	return -1;
}

/**
 * Whether a cached name is covered by a blocking entry.
 * @param set: the new set.
 * @param name: a wire name from the cache.
 * @return 1 if blocked.
 */
static int
reload_blocked(const struct sh_set* set, const uint8_t* name)
{
	struct sh_match m;
	return sh_set_match(set, name, &m) && m.action != SH_ACTION_ALLOW;
}

/** What the cache traversal needs. */
struct reload_flush {
	/** the new set */
	const struct sh_set* set;
	/** the time to set as expiry */
	time_t expired;
	/** entries expired */
	size_t count;
};

/**
 * Whether an rrset refers to a sinkholed name: its owner, a CNAME or
 * DNAME target, or an NS name server.
 * @param set: the new set.
 * @param k: the rrset key.
 * @param d: its data.
 * @return 1 if so.
 */
static int
reload_rrset_blocked(const struct sh_set* set,
	const struct ub_packed_rrset_key* k, const struct packed_rrset_data* d)
{
	uint16_t t = ntohs(k->rk.type);
	size_t i;
	if(reload_blocked(set, k->rk.dname))
		return 1;
	if(t != LDNS_RR_TYPE_CNAME && t != LDNS_RR_TYPE_DNAME &&
		t != LDNS_RR_TYPE_NS)
		return 0;
	for(i = 0; i < d->count; i++)
		if(d->rr_len[i] > 2 && dname_valid(d->rr_data[i] + 2,
			d->rr_len[i] - 2) && reload_blocked(set,
			d->rr_data[i] + 2))
			return 1;
	return 0;
}

/**
 * Cache traversal callback: expire an rrset that refers to a sinkholed
 * name (the entry is write-locked by the traversal).
 * @param e: the entry.
 * @param arg: a struct reload_flush.
 */
static void
reload_flush_rrset(struct lruhash_entry* e, void* arg)
{
	struct reload_flush* f = (struct reload_flush*)arg;
	struct ub_packed_rrset_key* k = (struct ub_packed_rrset_key*)e->key;
	struct packed_rrset_data* d = (struct packed_rrset_data*)e->data;
	if(d->ttl > f->expired && reload_rrset_blocked(f->set, k, d)) {
		d->ttl = f->expired;
		f->count++;
	}
}

/**
 * Cache traversal callback: expire a message whose question is
 * sinkholed (messages through a chain are unusable once its rrsets
 * are expired).
 * @param e: the entry.
 * @param arg: a struct reload_flush.
 */
static void
reload_flush_msg(struct lruhash_entry* e, void* arg)
{
	struct reload_flush* f = (struct reload_flush*)arg;
	struct msgreply_entry* k = (struct msgreply_entry*)e->key;
	struct reply_info* d = (struct reply_info*)e->data;
	if(d->ttl > f->expired && reload_blocked(f->set, k->key.qname)) {
		d->ttl = f->expired;
		d->prefetch_ttl = f->expired;
		d->serve_expired_ttl = f->expired;
		f->count++;
	}
}

/**
 * Expire every cache entry the new set covers, as unbound-control
 * flush_zone does (entries are marked expired, 3 s in the past to
 * allow for clock skew between threads).
 * @param r: the reloader.
 * @param set: the new set.
 */
static void
reload_flush_cache(struct sh_reloader* r, const struct sh_set* set)
{
	struct reload_flush f;
	f.set = set;
	f.expired = time(NULL) - 3;
	f.count = 0;
	if(r->env->rrset_cache)
		slabhash_traverse(&r->env->rrset_cache->table, 1,
			&reload_flush_rrset, &f);
	if(r->env->msg_cache)
		slabhash_traverse(r->env->msg_cache, 1, &reload_flush_msg, &f);
	if(f.count)
		verbose(VERB_OPS, "sinkhole: expired %u cache entries covered "
			"by the new indicator set", (unsigned)f.count);
}

/**
 * Log a reload_failed event for every feed file that failed this scan
 * (not again for a failed version an earlier scan reported).
 * @param r: the reloader.
 * @param dir: the feed directory.
 */
static void
reload_report_failures(struct sh_reloader* r, const char* dir)
{
	size_t n, i;
	const struct sh_store_file* files = sh_store_files(r->store, &n);
	char path[4096];
	for(i = 0; i < n; i++) {
		if(files[i].state != SH_FEED_FAILED || !files[i].fresh)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		reload_event(r, SH_EV_ACTION_RELOAD_FAILED, 0, 0,
			files[i].error, path);
		__atomic_fetch_add(&r->me->count.reloads_failed, 1,
			__ATOMIC_RELAXED);
	}
}

/**
 * Diagnostics of a feed scan: errors and warnings go to Unbound's log
 * (failures also become reload_failed events, once per file); notes
 * are expired indicators the loader left out, logged as
 * "indicator_expired" events.  Mapping notes (what a reader of another
 * format took or left out) go to Unbound's log at verbosity 3 only:
 * sinkholectl lint shows them, and a reload should not repeat them.
 * @param arg: the reloader.
 * @param msg: the diagnostic.
 */
static void
reload_scan_diag(void* arg, const struct sh_diag_msg* msg)
{
	struct sh_reloader* r = (struct sh_reloader*)arg;
	char buf[1024];
	if(msg->mapping) {
		if(verbosity >= VERB_ALGO)
			sh_mod_diag(NULL, msg);
		return;
	}
	sh_mod_diag(NULL, msg);
	if(msg->severity != SH_SEV_NOTE)
		return;
	sh_diag_format(msg, buf, sizeof(buf));
	reload_event(r, SH_EV_ACTION_EXPIRED, 0, 0, buf, msg->file);
}

/**
 * Build and publish a snapshot from the store's feeds, then expire the
 * cache entries the new set covers.
 * @param r: the reloader.
 * @param cfg: the configuration (ownership passes).
 * @return 1 on success, 0 (logged) on failure.
 */
static int
reload_publish(struct sh_reloader* r, struct sh_config* cfg)
{
	struct sh_snapshot* snap = sh_store_publish(r->store, cfg,
		r->generation + 1, &r->me->snap, sh_mod_diag, NULL);
	if(!snap)
		return 0;
	r->generation++;
	/* only this thread publishes: snap stays valid until it does */
	reload_flush_cache(r, snap->set);
	r->published = time(NULL);
	__atomic_fetch_add(&r->me->count.reloads_ok, 1, __ATOMIC_RELAXED);
	return 1;
}

/**
 * The feed directory could not be read: say so with a reload_failed
 * event, once per distinct error (rescans of the same missing directory
 * stay quiet); the published set stays.
 * @param r: the reloader.
 * @param dir: the directory.
 * @param why: the error (ownership passes), or NULL.
 */
static void
reload_scan_failed(struct sh_reloader* r, const char* dir, char* why)
{
	if(!why)
		why = strdup("cannot read the feed directory");
	if(why && r->scan_error && strcmp(why, r->scan_error) == 0) {
		free(why);
		return;
	}
	free(r->scan_error);
	r->scan_error = why;
	reload_event(r, SH_EV_ACTION_RELOAD_FAILED, 0, 0, why ? why :
		"cannot read the feed directory", dir);
	__atomic_fetch_add(&r->me->count.reloads_failed, 1, __ATOMIC_RELAXED);
	reload_status_file(r);
}

/**
 * Rescan and, if anything changed, publish a new snapshot.  The status
 * file is rewritten after every reload that changed or refused
 * something, so it never shows a refused file as it was before.
 * @param r: the reloader.
 * @return 1 if a follow-up scan is needed soon (a file is missing once).
 */
static int
reload_run(struct sh_reloader* r)
{
	struct sh_config* cfg = NULL;
	struct sh_scan_result res;
	struct sh_diag_first first = { reload_scan_diag, r, NULL, 0 };
	int cfg_changed = reload_config(r, &cfg);
	if(!cfg)
		return 0;
	if(!sh_store_scan(r->store, cfg->feed_dir, &cfg->limits, time(NULL),
		sh_diag_first_cb, &first, &res)) {
		reload_scan_failed(r, cfg->feed_dir, sh_diag_first_take(&first));
		sh_config_free(cfg);
		return 0;
	}
	free(sh_diag_first_take(&first));
	free(r->scan_error);
	r->scan_error = NULL;
	r->next_expiry = res.next_expiry;
	reload_report_failures(r, cfg->feed_dir);
	if(!res.changed && cfg_changed != 1) {
		sh_config_free(cfg);
		if(res.failed > 0 || cfg_changed < 0)
			reload_status_file(r);
		return res.missing > 0;
	}
	if(reload_publish(r, cfg)) {
		reload_event(r, SH_EV_ACTION_RELOAD, 1, 1, NULL, NULL);
		reload_status_file(r);
	}
	return res.missing > 0;
}

/**
 * (Re)watch the feed directory and the configuration's directory.
 * @param r: the reloader.
 */
static void
reload_watch(struct sh_reloader* r)
{
	const char* dir = r->me->snap->cfg->feed_dir;
	char cdir[PATH_MAX];
	char* slash;
	if(r->ifd < 0 || (r->watched_dir && strcmp(r->watched_dir, dir) == 0))
		return;
	if(r->wd_feeds >= 0)
		(void)inotify_rm_watch(r->ifd, r->wd_feeds);
	r->wd_feeds = inotify_add_watch(r->ifd, dir, IN_CLOSE_WRITE |
		IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |
		IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
	if(r->wd_feeds < 0)
		log_warn("sinkhole: cannot watch %s (%s); rescanning every "
			"reload.interval seconds only", dir, strerror(errno));
	free(r->watched_dir);
	r->watched_dir = strdup(dir);
	if(r->wd_config >= 0)
		return;
	snprintf(cdir, sizeof(cdir), "%s", r->config_path);
	slash = strrchr(cdir, '/');
	if(slash)
		*(slash == cdir ? slash + 1 : slash) = 0;
	r->wd_config = inotify_add_watch(r->ifd, slash ? cdir : ".",
		IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB);
}

/**
 * Drain inotify events.
 * @param r: the reloader.
 * @return 1 if one concerns a feed file or the configuration.
 */
static int
reload_drain(struct sh_reloader* r)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char* base = strrchr(r->config_path, '/');
	ssize_t len;
	int relevant = 0;
	base = base ? base + 1 : r->config_path;
	while((len = read(r->ifd, buf, sizeof(buf))) > 0) {
		char* p = buf;
		while(p < buf + len) {
			struct inotify_event* ev = (struct inotify_event*)p;
			if(ev->wd == r->wd_feeds && (ev->len == 0 ||
				sh_feed_file_wanted(ev->name)))
				relevant = 1;
			else if(ev->wd == r->wd_config && ev->len &&
				strcmp(ev->name, base) == 0)
				relevant = 1;
			if(ev->mask & IN_Q_OVERFLOW)
				relevant = 1;
			p += sizeof(*ev) + ev->len;
		}
	}
	return relevant;
}

/**
 * How long to sleep until the next deadline.
 * @param now: monotonic now, ms.
 * @param d: deadlines (ms), 0 for none.
 * @param n: their number.
 * @return poll timeout in ms.
 */
static int
reload_timeout(long long now, const long long* d, int n)
{
	long long t = 60000;
	int i;
	for(i = 0; i < n; i++)
		if(d[i] && d[i] - now < t)
			t = d[i] - now;
	return t < 0 ? 0 : (int)t;
}

/**
 * The thread's main loop.
 * @param arg: the reloader.
 * @return NULL.
 */
static void*
reload_main(void* arg)
{
	struct sh_reloader* r = (struct sh_reloader*)arg;
	long long now = reload_now_ms(), debounce = 0, rescan, stats;
	const struct sh_config* cfg = r->me->snap->cfg;
	rescan = cfg->reload_interval ? now + cfg->reload_interval * 1000LL : 0;
	stats = now + cfg->stats_interval * 1000LL;
	while(!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p[2];
		long long dl[4], expiry_ms = 0;
		cfg = r->me->snap->cfg; /* only this thread publishes */
		if(r->next_expiry)
			expiry_ms = now + (r->next_expiry - time(NULL)) * 1000LL
				+ 50;
		dl[0] = debounce; dl[1] = rescan; dl[2] = stats;
		dl[3] = expiry_ms;
		p[0].fd = r->wake[0]; p[0].events = POLLIN;
		p[1].fd = r->ifd; p[1].events = POLLIN;
		(void)poll(p, r->ifd >= 0 ? 2 : 1, reload_timeout(now, dl, 4));
		if(__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
			break;
		now = reload_now_ms();
		if(r->ifd >= 0 && (p[1].revents & POLLIN) && reload_drain(r))
			debounce = now + cfg->reload_debounce_ms;
		if((debounce && now >= debounce) || (rescan && now >= rescan) ||
			(expiry_ms && now >= expiry_ms)) {
			int again = reload_run(r);
			cfg = r->me->snap->cfg;
			reload_watch(r);
			now = reload_now_ms();
			debounce = again ? now + (cfg->reload_debounce_ms ?
				cfg->reload_debounce_ms : 500) : 0;
			rescan = cfg->reload_interval ? now +
				cfg->reload_interval * 1000LL : 0;
		}
		if(now >= stats) {
			reload_event(r, SH_EV_ACTION_STATS, 1, 1, NULL, NULL);
			reload_status_file(r);
			stats = now + cfg->stats_interval * 1000LL;
		}
	}
	return NULL;
}

/**
 * Free the reloader (the thread must not run).
 * @param r: the reloader, NULL is fine.
 */
static void
reload_free(struct sh_reloader* r)
{
	if(!r)
		return;
	if(r->ifd >= 0)
		close(r->ifd);
	if(r->wake[0] >= 0)
		close(r->wake[0]);
	if(r->wake[1] >= 0)
		close(r->wake[1]);
	sh_store_free(r->store);
	free(r->config_path);
	sh_config_source_clear(&r->config);
	free(r->watched_dir);
	free(r->scan_error);
	free(r);
}

int
sh_mod_reload_start(struct sh_mod_env* me, struct module_env* env,
	const char* config_path, struct sh_config_source* src,
	struct sh_store* store)
{
	struct sh_reloader* r = calloc(1, sizeof(*r));
	if(!r) {
		sh_store_free(store);
		sh_config_source_clear(src);
		log_err("sinkhole: out of memory starting the reload thread");
		return 0;
	}
	r->me = me; r->env = env; r->store = store;
	r->config = *src;
	memset(src, 0, sizeof(*src));
	r->ifd = r->wake[0] = r->wake[1] = -1;
	r->wd_feeds = r->wd_config = -1;
	r->generation = me->snap->generation;
	if(!(r->config_path = strdup(config_path)) ||
		pipe2(r->wake, O_CLOEXEC | O_NONBLOCK) != 0)
		goto fail;
	if((r->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		log_warn("sinkhole: inotify unavailable (%s); rescanning "
			"every reload.interval seconds only", strerror(errno));
	reload_watch(r);
	me->reloader = r;
	reload_status_file(r);
	/* the thread takes no signals: Unbound's threads handle them */
	r->running = sh_thread_start(&r->thread, reload_main, r, "sh-reload");
	if(r->running)
		return 1;
	me->reloader = NULL;
fail:
	log_err("sinkhole: cannot start the reload thread: %s",
		strerror(errno));
	reload_free(r);
	return 0;
}

void
sh_mod_reload_stop(struct sh_mod_env* me)
{
	struct sh_reloader* r = me->reloader;
	if(!r)
		return;
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	if(write(r->wake[1], "x", 1) < 0)
		log_err("sinkhole: cannot wake the reload thread");
	if(r->running)
		pthread_join(r->thread, NULL);
	me->reloader = NULL;
	reload_free(r);
}
