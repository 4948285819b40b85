/*
 * lib/store.c - the last good version of every feed file of a directory.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The reload thread keeps one store for the feed directory.  Each scan
 * compares every file's identity (device, inode, size, modification and
 * change times) with the last one read; only new and changed files are
 * parsed.  A file that fails keeps its last good feed active, so a
 * broken or hostile file never weakens the protection that is running,
 * and the other files still update.  A file is removed only when it is
 * missing in two scans in a row: a rename in progress (an editor's save,
 * a pipeline's write-then-rename) is not a removal.  Feeds are reference
 * counted, so the sets built from a store share the unchanged feeds.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "internal.h"
#include "util.h"

/** One file of the store. */
struct store_entry {
	/** file name inside the directory (owned) */
	char* name;
	/** the last good feed (a reference), or NULL */
	struct sh_feed* feed;
	/** identity of the version last read, good or not */
	struct stat st;
	/** 1 when st is set */
	int have_st;
	/** what happened in the last scan */
	enum sh_feed_state state;
	/** first error of the last failed load (owned), or NULL */
	char* error;
	/** 1 when this scan gave the entry a new state (loaded or failed) */
	int fresh;
	/** 1 when this scan found the file in the directory */
	int present;
	/** the feed a load in this scan replaced (a reference), kept until
	 * the scan's feed id check, or NULL */
	struct sh_feed* prev;
	/** errno of a stat that failed (dangling link), 0 if none */
	int stat_errno;
	/** scans in a row the file was missing */
	int missing;
	/** earliest expiry of an active indicator of feed, 0 if none */
	time_t next_expiry;
};

struct sh_store {
	/** entries, sorted by name */
	struct store_entry* e;
	/** number of entries */
	size_t n;
	/** capacity */
	size_t cap;
	/** the report of the last scan, one per entry */
	struct sh_store_file* files;
};

const char*
sh_feed_state_name(enum sh_feed_state st)
{
	static const char* const names[] = { "loaded", "unchanged", "failed",
		"removed", "missing" };
	return (unsigned)st < sizeof(names)/sizeof(names[0]) ? names[st] : "?";
}

struct sh_store*
sh_store_new(void)
{
	return calloc(1, sizeof(struct sh_store));
}

/**
 * Release what an entry owns.
 * @param e: the entry.
 */
static void
store_entry_clear(struct store_entry* e)
{
	free(e->name);
	free(e->error);
	sh_feed_unref(e->feed);
	sh_feed_unref(e->prev);
	memset(e, 0, sizeof(*e));
}

void
sh_store_free(struct sh_store* st)
{
	size_t i;
	if(!st)
		return;
	for(i = 0; i < st->n; i++)
		store_entry_clear(&st->e[i]);
	free(st->e);
	free(st->files);
	free(st);
}

/**
 * Find an entry by name (binary search).
 * @param st: the store.
 * @param name: the file name.
 * @param pos: set to the index where it is or would be inserted.
 * @return the entry, or NULL.
 */
static struct store_entry*
store_find(struct sh_store* st, const char* name, size_t* pos)
{
	size_t lo = 0, hi = st->n;
	while(lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(st->e[mid].name, name);
		if(c == 0) {
			*pos = mid;
			return &st->e[mid];
		}
		if(c < 0)
			lo = mid + 1;
		else	hi = mid;
	}
	*pos = lo;
	return NULL;
}

/**
 * Insert a new entry for a file name.
 * @param st: the store.
 * @param name: the file name (copied).
 * @return the entry, or NULL when out of memory.
 */
static struct store_entry*
store_insert(struct sh_store* st, const char* name)
{
	size_t pos;
	char* copy;
	if(store_find(st, name, &pos))
		return &st->e[pos];
	if(st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct store_entry* e = realloc(st->e, cap * sizeof(*e));
		if(!e)
			return NULL;
		st->e = e;
		st->cap = cap;
	}
	if(!(copy = sh_strdup(name)))
		return NULL;
	memmove(&st->e[pos + 1], &st->e[pos], (st->n - pos) * sizeof(*st->e));
	st->n++;
	memset(&st->e[pos], 0, sizeof(*st->e));
	st->e[pos].name = copy;
	return &st->e[pos];
}

/**
 * Whether a file still is the version last read.
 * @param e: the entry.
 * @param sb: the file's current stat.
 * @return 1 if unchanged.
 */
static int
store_same_file(const struct store_entry* e, const struct stat* sb)
{
	return e->have_st && sh_file_same(&e->st, sb);
}

/**
 * Earliest expiry after now among a feed's indicators.
 * @param f: the feed.
 * @param now: the current time.
 * @return the time, 0 if none.
 */
static time_t
store_next_expiry(const struct sh_feed* f, time_t now)
{
	time_t next = 0;
	size_t i, k;
	/* only indicators with a meta entry can expire */
	for(i = 0; i < f->num_segs; i++) {
		const struct sh_seg* seg = f->segs[i];
		for(k = 0; k < seg->num_meta; k++) {
			time_t x = seg->meta[k].expires;
			if(x > now && (next == 0 || x < next))
				next = x;
		}
	}
	return next;
}

/**
 * Mark an entry failed now, with its error; its last good feed stays.
 * @param e: the entry.
 * @param error: the first error (ownership passes), or NULL.
 * @param res: summary to update.
 */
static void
store_fail(struct store_entry* e, char* error, struct sh_scan_result* res)
{
	free(e->error);
	e->error = error ? error : sh_strdup("cannot load");
	e->state = SH_FEED_FAILED;
	e->fresh = 1;
	res->failed++;
}

/**
 * Refuse a name that is not a regular file (a FIFO, a device, a link to
 * one, a directory) or cannot be looked at (a dangling link), once per
 * version: the same refused thing is not reported again.
 * @param e: the entry.
 * @param path: the path.
 * @param sb: its stat, or NULL when stat failed (errno set).
 * @param sd: diagnostics, keeping the first error.
 * @param res: summary to update.
 */
static void
store_refuse_special(struct store_entry* e, const char* path,
	const struct stat* sb, struct sh_diag_first* sd,
	struct sh_scan_result* res)
{
	int err = sb ? 0 : errno;
	if(e->error && ((sb && store_same_file(e, sb)) ||
		(!sb && !e->have_st && e->stat_errno == err))) {
		e->state = SH_FEED_FAILED; /* reported before */
		return;
	}
	free(sh_diag_first_take(sd));
	if(sb)
		sh_diag_emit(sh_diag_first_cb, sd, SH_SEV_ERROR, path, 0, 0,
			"not a regular file (a feed must be one; FIFOs, devices "
			"and directories are refused)");
	else	sh_diag_emit(sh_diag_first_cb, sd, SH_SEV_ERROR, path, 0, 0,
			"cannot open: %s", strerror(err));
	e->have_st = sb != NULL;
	if(sb)
		e->st = *sb;
	e->stat_errno = err;
	store_fail(e, sh_diag_first_take(sd), res);
}

/**
 * Load one file of the directory into its entry if it changed.
 * @param st: the store.
 * @param dir: the directory.
 * @param name: the file name.
 * @param lim: limits.
 * @param now: the current time.
 * @param sd: diagnostics, keeping the file's first error.
 * @param res: summary to update.
 */
static void
store_load_one(struct sh_store* st, const char* dir, const char* name,
	const struct sh_limits* lim, time_t now, struct sh_diag_first* sd,
	struct sh_scan_result* res)
{
	char path[4096];
	struct stat sb;
	struct store_entry* e;
	struct sh_feed* f;
	int ok;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if(!(e = store_insert(st, name)))
		return;
	e->missing = 0;
	e->present = 1;
	ok = stat(path, &sb) == 0;
	if(!ok || !S_ISREG(sb.st_mode)) {
		store_refuse_special(e, path, ok ? &sb : NULL, sd, res);
		return;
	}
	if(store_same_file(e, &sb) && !(e->next_expiry &&
		e->next_expiry <= now)) {
		/* a refused version stays failed, with its error */
		e->state = e->error ? SH_FEED_FAILED : SH_FEED_UNCHANGED;
		return;
	}
	free(sh_diag_first_take(sd));
	f = sh_feed_load_next(path, e->feed, lim, now, sh_diag_first_cb, sd);
	e->st = sb;
	e->have_st = 1;
	e->stat_errno = 0;
	if(!f) {
		store_fail(e, sh_diag_first_take(sd), res);
		return;
	}
	free(sh_diag_first_take(sd));
	free(e->error);
	e->error = NULL;
	e->prev = e->feed; /* until the feed id check */
	e->feed = f;
	e->next_expiry = store_next_expiry(f, now);
	e->state = SH_FEED_LOADED;
	e->fresh = 1;
	res->loaded++;
	res->changed = 1;
}

/**
 * The entry before i, in name order, found in this scan, whose active
 * feed has an id.
 * @param st: the store.
 * @param i: the entry's index.
 * @param id: the feed id.
 * @return the earlier entry, or NULL.
 */
static const struct store_entry*
store_id_owner(const struct sh_store* st, size_t i, const char* id)
{
	size_t k;
	for(k = 0; k < i; k++)
		if(st->e[k].present && st->e[k].feed &&
			strcmp(st->e[k].feed->id, id) == 0)
			return &st->e[k];
	return NULL;
}

/**
 * Refuse feeds whose id a file earlier in name order already uses (both
 * present in the directory), as the set would leave them out, but told: the file is failed with the
 * reason, and a version loaded in this scan gives way to the file's
 * last good one (unless that one's id is taken too).
 * @param st: the store.
 * @param dir: the directory.
 * @param sd: diagnostics, keeping the first error.
 * @param res: summary to update.
 */
static void
store_check_ids(struct sh_store* st, const char* dir,
	struct sh_diag_first* sd, struct sh_scan_result* res)
{
	const struct store_entry* owner;
	char path[4096];
	size_t i;
	for(i = 0; i < st->n; i++) {
		struct store_entry* e = &st->e[i];
		/* a file missing once is a rename in progress: it is not
		 * checked, and owns no id against the files present */
		if(!e->present || !e->feed ||
			!(owner = store_id_owner(st, i, e->feed->id)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->name);
		free(sh_diag_first_take(sd));
		sh_diag_emit(sh_diag_first_cb, sd, SH_SEV_ERROR, path, 0, 0,
			"feed id '%s' is already used by %s/%s; this file is "
			"left out", e->feed->id, dir, owner->name);
		if(e->state == SH_FEED_LOADED)
			res->loaded--;
		res->changed = 1;
		sh_feed_unref(e->feed);
		e->feed = e->prev;
		e->prev = NULL;
		if(e->feed && store_id_owner(st, i, e->feed->id)) {
			sh_feed_unref(e->feed);
			e->feed = NULL;
		}
		store_fail(e, sh_diag_first_take(sd), res);
	}
	for(i = 0; i < st->n; i++) {
		sh_feed_unref(st->e[i].prev);
		st->e[i].prev = NULL;
	}
}

/**
 * Drop the entries reported as removed by the previous scan, and mark
 * the ones whose files are gone now.
 * @param st: the store.
 * @param seen: per entry, 1 if its file is in the directory now.
 * @param res: summary to update.
 */
static void
store_sweep(struct sh_store* st, const unsigned char* seen,
	struct sh_scan_result* res)
{
	size_t i;
	for(i = 0; i < st->n; i++) {
		struct store_entry* e = &st->e[i];
		if(seen[i])
			continue;
		if(++e->missing < 2) {
			e->state = SH_FEED_MISSING;
			res->missing++;
			continue;
		}
		e->state = SH_FEED_REMOVED;
		if(e->feed)
			res->changed = 1;
		sh_feed_unref(e->feed);
		e->feed = NULL;
		res->removed++;
	}
}

/**
 * Forget the entries removed in the previous scan.
 * @param st: the store.
 */
static void
store_purge(struct sh_store* st)
{
	size_t i = 0;
	while(i < st->n) {
		if(st->e[i].state != SH_FEED_REMOVED) {
			i++;
			continue;
		}
		store_entry_clear(&st->e[i]);
		memmove(&st->e[i], &st->e[i + 1],
			(st->n - i - 1) * sizeof(*st->e));
		st->n--;
	}
}

/**
 * Rebuild the report of the last scan.
 * @param st: the store.
 * @param res: summary; next_expiry is filled in.
 */
static void
store_report(struct sh_store* st, struct sh_scan_result* res)
{
	size_t i;
	struct sh_store_file* f = realloc(st->files,
		(st->n ? st->n : 1) * sizeof(*f));
	if(!f)
		return;
	st->files = f;
	for(i = 0; i < st->n; i++) {
		const struct store_entry* e = &st->e[i];
		f[i].name = e->name;
		f[i].state = e->state;
		f[i].feed = e->feed;
		f[i].error = e->error;
		f[i].fresh = e->fresh;
		if(e->feed && e->next_expiry && (res->next_expiry == 0 ||
			e->next_expiry < res->next_expiry))
			res->next_expiry = e->next_expiry;
	}
}

int
sh_store_scan(struct sh_store* st, const char* dir,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg,
	struct sh_scan_result* res)
{
	struct sh_diag_first sd = { diag, arg, NULL, 0 };
	struct dirent* de;
	unsigned char* seen;
	size_t i, pos;
	DIR* d;
	memset(res, 0, sizeof(*res));
	if(!(d = opendir(dir))) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, dir, 0, 0, "cannot read "
			"feed directory: %s", strerror(errno));
		return 0;
	}
	store_purge(st);
	for(i = 0; i < st->n; i++)
		st->e[i].fresh = st->e[i].present = 0;
	while((de = readdir(d)) != NULL)
		if(sh_feed_file_wanted(de->d_name))
			store_load_one(st, dir, de->d_name, lim, now, &sd, res);
	store_check_ids(st, dir, &sd, res);
	rewinddir(d);
	if((seen = calloc(st->n ? st->n : 1, 1)) != NULL) {
		while((de = readdir(d)) != NULL)
			if(store_find(st, de->d_name, &pos))
				seen[pos] = 1;
		store_sweep(st, seen, res);
		free(seen);
	}
	closedir(d);
	for(i = 0; i < st->n; i++)
		if(st->e[i].state == SH_FEED_MISSING && st->e[i].feed == NULL)
			st->e[i].state = SH_FEED_REMOVED;
	store_report(st, res);
	return 1;
}

size_t
sh_store_feeds(const struct sh_store* st, struct sh_feed*** feeds)
{
	size_t i, n = 0;
	*feeds = NULL;
	if(st->n == 0 || !(*feeds = malloc(st->n * sizeof(**feeds))))
		return 0;
	for(i = 0; i < st->n; i++)
		if(st->e[i].feed)
			(*feeds)[n++] = st->e[i].feed;
	return n;
}

const struct sh_store_file*
sh_store_files(const struct sh_store* st, size_t* n)
{
	*n = st->files ? st->n : 0;
	return st->files;
}

struct sh_set*
sh_store_set(const struct sh_store* st, enum sh_action def,
	sh_diag_fn diag, void* arg)
{
	struct sh_feed** feeds = NULL;
	size_t n = sh_store_feeds(st, &feeds);
	struct sh_set* set = sh_set_build(feeds, n, def, diag, arg);
	free(feeds);
	if(!set)
		sh_diag_emit(diag, arg, SH_SEV_ERROR, NULL, 0, 0, "out of "
			"memory building the indicator set");
	return set;
}

struct sh_snapshot*
sh_store_publish(const struct sh_store* st, struct sh_config* cfg,
	uint64_t generation, struct sh_snapshot** slot, sh_diag_fn diag,
	void* arg)
{
	struct sh_set* set = sh_store_set(st, cfg->action, diag, arg);
	struct sh_snapshot* snap;
	if(!set) {
		sh_config_free(cfg);
		return NULL;
	}
	/* sh_snapshot_new frees cfg and set when it fails */
	if(!(snap = sh_snapshot_new(cfg, set, generation))) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, NULL, 0, 0, "out of "
			"memory publishing the indicator set");
		return NULL;
	}
	sh_snapshot_publish(slot, snap);
	return snap;
}
