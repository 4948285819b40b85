/*
 * lib/status.c - operational events (reloads, stats) and the status file.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Lines the module writes about itself into the event log, next to the
 * client events: "reload" (a new set is live), "reload_failed" (a feed
 * file was refused; its last good version stays), "indicator_expired"
 * and the periodic "stats".  They use the same ECS layout (event.kind
 * "event" or "metric", observer.*), so the SIEM sees one schema.  The
 * status file holds the same counters and the per-feed facts as one JSON
 * object, written to a temporary file and renamed, so `sinkholectl
 * status` never reads half of it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "util.h"
#include "schema.h"

/** A bounded output buffer; ok drops to 0 on overflow. */
struct sbuf {
	/** destination */
	char* buf;
	/** its size */
	size_t len;
	/** bytes written */
	size_t pos;
	/** 0 after an overflow */
	int ok;
};

/**
 * Append printf-formatted text.
 * @param b: the buffer.
 * @param fmt: format.
 */
static void SH_PRINTF(2, 3)
sb_printf(struct sbuf* b, const char* fmt, ...)
{
	va_list ap;
	int n;
	if(!b->ok)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if(n < 0 || (size_t)n >= b->len - b->pos) {
		b->ok = 0;
		return;
	}
	b->pos += (size_t)n;
}

/**
 * Append a JSON string value, quoted and escaped; NULL gives null.
 * @param b: the buffer.
 * @param s: the string or NULL.
 */
static void
sb_str(struct sbuf* b, const char* s)
{
	size_t n;
	if(!b->ok)
		return;
	if(!s) {
		sb_printf(b, "null");
		return;
	}
	sb_printf(b, "\"");
	if(!b->ok)
		return;
	n = sh_json_escape(b->buf + b->pos, b->len - b->pos, s, strlen(s));
	if(n == (size_t)-1) {
		b->ok = 0;
		return;
	}
	b->pos += n;
	sb_printf(b, "\"");
}

/**
 * Append the counters as JSON members (no braces).
 * @param b: the buffer.
 * @param st: the counters.
 */
static void
sb_stats(struct sbuf* b, const struct sh_stats* st)
{
	sb_printf(b, "\"generation\":%llu,\"indicators\":%llu,\"hits\":%llu,"
		"\"events_written\":%llu,\"events_dropped\":%llu,"
		"\"reloads_ok\":%llu,\"reloads_failed\":%llu,"
		"\"guard\":{\"cname\":%llu,\"ns\":%llu,\"subquery\":%llu,"
		"\"egress\":%llu},\"started\":%lld,\"published\":%lld",
		(unsigned long long)st->generation,
		(unsigned long long)st->indicators,
		(unsigned long long)st->hits,
		(unsigned long long)st->events_written,
		(unsigned long long)st->events_dropped,
		(unsigned long long)st->reloads_ok,
		(unsigned long long)st->reloads_failed,
		(unsigned long long)st->guard_cname,
		(unsigned long long)st->guard_ns,
		(unsigned long long)st->guard_subquery,
		(unsigned long long)st->guard_egress,
		(long long)st->started, (long long)st->published);
}

/**
 * Append the feeds array: one object per file of the store.
 * @param b: the buffer.
 * @param files: the files.
 * @param n: their number.
 */
static void
sb_feeds(struct sbuf* b, const struct sh_store_file* files, size_t n)
{
	size_t i;
	sb_printf(b, "\"feeds\":[");
	for(i = 0; i < n; i++) {
		const struct sh_feed* f = files[i].feed;
		sb_printf(b, "%s{\"file\":", i ? "," : "");
		sb_str(b, files[i].name);
		sb_printf(b, ",\"state\":\"%s\",\"id\":",
			sh_feed_state_name(files[i].state));
		sb_str(b, f ? f->id : NULL);
		sb_printf(b, ",\"version\":");
		sb_str(b, f ? f->version : NULL);
		sb_printf(b, ",\"sha256\":");
		sb_str(b, f ? f->sha256 : NULL);
		sb_printf(b, ",\"indicators\":%llu,\"segments\":%llu,"
			"\"segments_shared\":%llu,\"loaded_at\":%lld,"
			"\"error\":", (unsigned long long)(f ? f->num_ind : 0),
			(unsigned long long)(f ? f->num_segs : 0),
			(unsigned long long)(f ? f->num_shared : 0),
			(long long)(f ? f->loaded_at : 0));
		sb_str(b, files[i].error);
		sb_printf(b, "}");
	}
	sb_printf(b, "]");
}

/**
 * The event object of an operational event.
 * @param b: the buffer.
 * @param action: event.action.
 */
static void
sb_event(struct sbuf* b, const char* action)
{
	int stats = strcmp(action, SH_EV_ACTION_STATS) == 0;
	int failed = strcmp(action, SH_EV_ACTION_RELOAD_FAILED) == 0;
	sb_printf(b, ",\"event\":{\"kind\":\"%s\",\"category\":"
		"[\"configuration\"],\"type\":[\"%s\"],\"action\":",
		stats ? SH_EV_KIND_METRIC : SH_EV_KIND_EVENT,
		stats ? "info" : "change");
	sb_str(b, action);
	sb_printf(b, ",\"outcome\":\"%s\",\"dataset\":\"%s\","
		"\"module\":\"" SH_EV_MODULE "\"}", failed ? "failure" :
		"success", stats ? SH_EV_DATASET_STATS : SH_EV_DATASET_RELOAD);
}

size_t
sh_status_event(char* buf, size_t len, const char* identity,
	const char* action, const struct sh_stats* st,
	const struct sh_store_file* files, size_t nfiles, const char* message,
	const char* path)
{
	struct sbuf b = { buf, len, 0, buf != NULL && len > 0 };
	struct timespec now;
	char ts[32];
	clock_gettime(CLOCK_REALTIME, &now);
	sh_time_format(&now, ts);
	sb_printf(&b, "{\"@timestamp\":\"%s\",\"ecs\":{\"version\":\""
		SH_ECS_VERSION "\"}", ts);
	sb_event(&b, action);
	/* a failure's text is error.message; any other note is the
	 * event's own message (ECS has no log.message) */
	if(message && strcmp(action, SH_EV_ACTION_RELOAD_FAILED) == 0) {
		sb_printf(&b, ",\"error\":{\"message\":");
		sb_str(&b, message);
		sb_printf(&b, "}");
	} else if(message) {
		sb_printf(&b, ",\"message\":");
		sb_str(&b, message);
	}
	if(path) {
		sb_printf(&b, ",\"file\":{\"path\":");
		sb_str(&b, path);
		sb_printf(&b, "}");
	}
	sb_printf(&b, ",\"observer\":{\"name\":");
	sb_str(&b, identity);
	sb_printf(&b, "," SH_EV_OBSERVER_REST "},\"" SH_EV_MODULE "\":{");
	if(st)
		sb_stats(&b, st);
	if(files) {
		sb_printf(&b, "%s", st ? "," : "");
		sb_feeds(&b, files, nfiles);
	}
	sb_printf(&b, "}}\n");
	if(!b.ok)
		return 0;
	return b.pos;
}

int
sh_status_write(const char* path, const char* identity,
	const struct sh_stats* st, const struct sh_store_file* files,
	size_t nfiles)
{
	size_t cap = 65536 + nfiles * 1024, plen = strlen(path);
	char* buf = malloc(cap), *tmp = malloc(plen + 8);
	struct sbuf b = { buf, cap, 0, buf != NULL };
	int fd = -1, ok = 0;
	if(!buf || !tmp)
		goto done;
	sb_printf(&b, "{\"identity\":");
	sb_str(&b, identity);
	sb_printf(&b, ",");
	sb_stats(&b, st);
	sb_printf(&b, ",");
	sb_feeds(&b, files, nfiles);
	sb_printf(&b, "}\n");
	if(!b.ok) {
		errno = ENOSPC;
		goto done;
	}
	snprintf(tmp, plen + 8, "%s.tmp", path);
	if((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0)
		goto done;
	ok = sh_write_all(fd, buf, b.pos) == b.pos && fsync(fd) == 0;
	if(close(fd) != 0)
		ok = 0;
	if(ok && rename(tmp, path) != 0)
		ok = 0;
	if(!ok)
		(void)unlink(tmp);
done:
	free(buf);
	free(tmp);
	return ok;
}
