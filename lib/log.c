/*
 * log.c - the asynchronous client event log writer.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The event log.  Resolver threads hand whole lines to sh_log_submit,
 * which appends them to a bounded queue buffer under a mutex and
 * returns; when the queue lacks room the line is dropped and counted,
 * so a slow disk never stalls resolution.  One writer thread wakes on a
 * condition variable (or after a second), takes everything queued by
 * swapping the queue with its own batch buffer (a pointer swap under
 * the lock, no copy), and writes it with write() on an O_APPEND
 * descriptor.  After a batch it gathers lines for 10 ms before taking
 * the next (woken early only when the queue is a quarter full), so a
 * busy resolver does not pay a wake-up (a futex call and a context
 * switch) per query; an idle writer is woken by the first line.  The
 * mutex is
 * held only while bytes are copied in or out, never across write(),
 * open() or stat().
 *
 * The file only ever receives whole lines: if a write fails midway, the
 * file is truncated back to the end of the last whole line written and
 * the rest of the batch is counted as dropped.  Every second, and when
 * sh_log_reopen asks, the writer compares the path with the open file
 * (st_dev, st_ino) and opens the path afresh if the file was moved or
 * removed (logrotate without copytruncate).  After drops it writes an
 * ECS "events_dropped" line of its own.
 *
 * Counters live under the mutex.  Only the writer thread touches the
 * file descriptor after sh_log_open returns.
 */
#include "internal.h"
#include "util.h"
#include "schema.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/** smallest queue: one maximal event line must fit */
#define LOG_MIN_QUEUE 4096
/** size of the writer's own event lines */
#define LOG_OWN_LINE_MAX 2048
/** flags of the log file */
#define LOG_OPEN_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC)
/** mode of a new log file */
#define LOG_OPEN_MODE 0640
/** How long the writer gathers lines after a batch (10 ms): a line is
 * on disk at most this much later than it would be otherwise. */
#define LOG_GATHER_NS 10000000L
/** The writer is woken early when the queue is 1/LOG_HIGH_WATER full. */
#define LOG_HIGH_WATER 4

/** The event log. */
struct sh_log {
	/** path of the log file (owned) */
	char* path;
	/** the observer object of the writer's own lines, JSON (owned) */
	char* observer;
	/** the open file, or -1; used by the writer thread only */
	int fd;
	/** where the writer says it cannot write (may be NULL) and its
	 * argument; called from the writer thread */
	sh_diag_fn diag;
	/** argument of diag */
	void* diag_arg;
	/** 1 while the writer has said it cannot write and has not
	 * written since; writer thread only */
	int warned;
	/** the writer thread */
	pthread_t thread;
	/** protects everything below */
	pthread_mutex_t lock;
	/** signals the writer: lines queued, reopen or stop asked */
	pthread_cond_t wake;
	/** the queue of whole lines (owned), cap bytes; swapped with
	 * batch when the writer takes it */
	char* ring;
	/** capacity of the queue (and of the batch) */
	size_t cap;
	/** number of queued bytes */
	size_t used;
	/** 1 while the writer waits on an empty queue: the next line
	 * wakes it; otherwise it is gathering and wakes by itself */
	int idle;
	/** 1 when sh_log_close asked the writer to finish */
	int stop;
	/** 1 when sh_log_reopen asked for a check of the path */
	int reopen;
	/** lines dropped since the last events_dropped line */
	uint64_t drops_pending;
	/** the counters */
	struct sh_log_stats st;
	/** the batch being written (owned), cap bytes; touched by the
	 * writer only, outside the lock, between two swaps */
	char* batch;
};

/**
 * Current time of the monotonic clock.
 * @param ts: set to the time.
 */
static void
mono_now(struct timespec* ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/**
 * Whether a monotonic deadline has passed.
 * @param deadline: the deadline.
 * @return 1 if it has, 0 if not.
 */
static int
mono_passed(const struct timespec* deadline)
{
	struct timespec now;
	mono_now(&now);
	return now.tv_sec > deadline->tv_sec ||
		(now.tv_sec == deadline->tv_sec &&
		now.tv_nsec >= deadline->tv_nsec);
}

/**
 * Number of lines (newlines) in bytes.
 * @param buf: the bytes.
 * @param n: their number.
 * @return count of '\n'.
 */
static uint64_t
count_lines(const char* buf, size_t n)
{
	uint64_t lines = 0;
	const char* p = buf, *end = buf + n;
	while(p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

/**
 * Count lines as dropped (caller holds no lock).
 * @param log: the log.
 * @param lines: number of lines lost.
 * @param error: 1 to count a write error as well.
 */
static void
log_count_lost(struct sh_log* log, uint64_t lines, int error)
{
	pthread_mutex_lock(&log->lock);
	log->st.dropped += lines;
	log->drops_pending += lines;
	if(error)
		log->st.errors++;
	pthread_mutex_unlock(&log->lock);
}

/**
 * Write whole lines to the file.  On a failure midway the file is cut
 * back to the end of the last whole line that was written, so that no
 * half line remains.
 * @param log: the log; called by the writer thread.
 * @param buf: whole lines.
 * @param n: their length.
 * @return the number of bytes of whole lines that are in the file.
 */
static size_t
log_write_lines(struct sh_log* log, const char* buf, size_t n)
{
	struct stat st;
	size_t done, keep;
	if(log->fd < 0 || fstat(log->fd, &st) != 0)
		return 0;
	done = sh_write_all(log->fd, buf, n);
	if(done == n)
		return n;
	keep = done;
	while(keep > 0 && buf[keep - 1] != '\n')
		keep--;
	if(keep != done && ftruncate(log->fd, st.st_size + (off_t)keep) != 0)
		return 0;
	return keep;
}

/**
 * Say in the module's log (the diag callback) that lines are lost, once
 * until a write succeeds again.
 * @param log: the log; called by the writer thread.
 * @param lost: lines lost by this batch.
 * @param err: the errno of the failure, 0 for none known.
 */
static void
log_warn_lost(struct sh_log* log, uint64_t lost, int err)
{
	if(log->warned)
		return;
	log->warned = 1;
	sh_diag_emit(log->diag, log->diag_arg, SH_SEV_ERROR, log->path, 0, 0,
		"cannot write the event log%s%s: %llu events lost (counted in "
		"events_dropped); retrying", err ? ": " : "",
		err ? strerror(err) : "", (unsigned long long)lost);
}

/**
 * If the open file was deleted (no name left: its directory removed,
 * or the file unlinked without a rotation), lines written to it are
 * lost: open the path afresh, or write nothing until that works.
 * @param log: the log; called by the writer thread.
 */
static void
log_check_gone(struct sh_log* log)
{
	struct stat fs;
	int fd;
	if(log->fd < 0 || fstat(log->fd, &fs) != 0 || fs.st_nlink > 0)
		return;
	fd = open(log->path, LOG_OPEN_FLAGS, LOG_OPEN_MODE);
	close(log->fd);
	log->fd = fd;
	pthread_mutex_lock(&log->lock);
	if(fd < 0)
		log->st.errors++;
	else	log->st.reopened++;
	pthread_mutex_unlock(&log->lock);
}

/**
 * Write a batch of queued lines and count the result: every line that
 * is not in the file is counted as dropped, and said once.
 * @param log: the log; called by the writer thread.
 * @param buf: the batch, whole lines.
 * @param n: its length.
 */
static void
log_write_batch(struct sh_log* log, const char* buf, size_t n)
{
	uint64_t lines = count_lines(buf, n), ok;
	size_t done;
	int err = 0;
	log_check_gone(log);
	errno = 0;
	done = log->fd >= 0 ? log_write_lines(log, buf, n) : 0;
	if(done != n)
		err = log->fd >= 0 ? errno : ENOENT;
	ok = (done == n) ? lines : count_lines(buf, done);
	pthread_mutex_lock(&log->lock);
	log->st.written += ok;
	pthread_mutex_unlock(&log->lock);
	if(ok < lines) {
		log_count_lost(log, lines - ok, 1);
		log_warn_lost(log, lines - ok, err);
	} else	log->warned = 0;
}

/**
 * Format the writer's own events_dropped line.
 * @param log: the log.
 * @param dropped: lines dropped since the last such line.
 * @param total: lines dropped since the log was opened.
 * @param buf: destination.
 * @param len: size of buf.
 * @return the line length including '\n', or 0 if it does not fit.
 */
static size_t
log_format_dropped(const struct sh_log* log, uint64_t dropped,
	uint64_t total, char* buf, size_t len)
{
	struct timespec now;
	char ts[32];
	int n;
	clock_gettime(CLOCK_REALTIME, &now);
	sh_time_format(&now, ts);
	n = snprintf(buf, len, "{\"@timestamp\":\"%s\",\"ecs\":{\"version\":"
		"\"" SH_ECS_VERSION "\"},\"event\":{\"kind\":\""
		SH_EV_KIND_METRIC "\",\"action\":\"" SH_EV_ACTION_DROPPED "\","
		"\"dataset\":\"" SH_EV_DATASET_LOG "\",\"module\":\""
		SH_EV_MODULE "\"},\"" SH_EV_MODULE "\":{\"dropped\":%llu,"
		"\"dropped_total\":%llu},%s}\n", ts,
		(unsigned long long)dropped, (unsigned long long)total,
		log->observer);
	if(n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}

/**
 * If lines were dropped since the last report, write an events_dropped
 * line.  The line is the writer's own: it is not counted as written;
 * failing to write it counts an error.
 * @param log: the log; called by the writer thread.
 */
static void
log_report_drops(struct sh_log* log)
{
	char line[LOG_OWN_LINE_MAX];
	uint64_t pending, total;
	size_t n;
	pthread_mutex_lock(&log->lock);
	pending = log->drops_pending;
	total = log->st.dropped;
	log->drops_pending = 0;
	pthread_mutex_unlock(&log->lock);
	if(pending == 0)
		return;
	n = log_format_dropped(log, pending, total, line, sizeof(line));
	if(n == 0 || log_write_lines(log, line, n) != n) {
		/* not written (the disk is full): report them with the next
		 * line that fits, so the drops are never untold */
		pthread_mutex_lock(&log->lock);
		log->st.errors++;
		if(n != 0)
			log->drops_pending += pending;
		pthread_mutex_unlock(&log->lock);
	}
}

/**
 * Reopen the file if the path no longer names the open file (it was
 * renamed or removed), or if no file is open.  If the new file cannot
 * be opened the old one is kept (its lines end up in the rotated file)
 * and an error is counted.
 * @param log: the log; called by the writer thread.
 */
static void
log_check_rotate(struct sh_log* log)
{
	struct stat ps, fs;
	int fd;
	if(log->fd >= 0 && stat(log->path, &ps) == 0 &&
		fstat(log->fd, &fs) == 0 && ps.st_dev == fs.st_dev &&
		ps.st_ino == fs.st_ino)
		return;
	fd = open(log->path, LOG_OPEN_FLAGS, LOG_OPEN_MODE);
	pthread_mutex_lock(&log->lock);
	if(fd < 0)
		log->st.errors++;
	else	log->st.reopened++;
	pthread_mutex_unlock(&log->lock);
	if(fd < 0)
		return;
	if(log->fd >= 0)
		close(log->fd);
	log->fd = fd;
}

/**
 * Take every queued byte: swap the queue buffer with the writer's
 * batch buffer, so the lock is held for a pointer swap, never for a copy
 * of the queue.  The queue is always emptied whole, so it never wraps
 * and its bytes start at offset 0.  Caller holds the lock.
 * @param log: the log.
 * @return number of bytes now in log->batch.
 */
static size_t
ring_take(struct sh_log* log)
{
	size_t n = log->used;
	char* full = log->ring;
	log->ring = log->batch;
	log->batch = full;
	log->used = 0;
	return n;
}

/**
 * Append a line to the queue, which has room.  Caller holds the lock.
 * @param log: the log.
 * @param line: the bytes.
 * @param len: their number.
 */
static void
ring_put(struct sh_log* log, const char* line, size_t len)
{
	memcpy(log->ring + log->used, line, len);
	log->used += len;
}

/**
 * Whether the queue holds enough to be written without gathering more.
 * @param log: the log, locked.
 * @return 1 at or above LOG_HIGH_WATER of its capacity.
 */
static int
log_high(const struct sh_log* log)
{
	return log->used >= log->cap / LOG_HIGH_WATER;
}

/**
 * Wait until there is work: queued lines, a reopen or stop request, or
 * the deadline of the next rotation check.  Then take the batch.  After
 * a batch that was not empty, lines are gathered for LOG_GATHER_NS (or
 * until the queue is a LOG_HIGH_WATER part full) before the next one is
 * taken, so that a busy resolver wakes the writer about a hundred times
 * a second and not once a query (each wake-up is a system call and a
 * context switch on both sides); only a line into an idle writer's
 * empty queue wakes it at once.
 * @param log: the log.
 * @param deadline: when the next rotation check is due.
 * @param gather: 1 if the last batch was not empty.
 * @param n: set to the number of bytes taken into log->batch.
 * @param reopen: set to 1 if a reopen was asked.
 * @return 1 if the writer should stop after this batch.
 */
static int
log_wait_batch(struct sh_log* log, const struct timespec* deadline,
	int gather, size_t* n, int* reopen)
{
	struct timespec until;
	int stop;
	mono_now(&until);
	until.tv_nsec += LOG_GATHER_NS;
	if(until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&log->lock);
	while(gather && !log_high(log) && !log->stop && !log->reopen &&
		!mono_passed(&until) && !mono_passed(deadline))
		(void)pthread_cond_timedwait(&log->wake, &log->lock, &until);
	while(log->used == 0 && !log->stop && !log->reopen &&
		!mono_passed(deadline)) {
		log->idle = 1;
		(void)pthread_cond_timedwait(&log->wake, &log->lock, deadline);
	}
	log->idle = 0;
	*n = ring_take(log);
	*reopen = log->reopen;
	log->reopen = 0;
	stop = log->stop;
	pthread_mutex_unlock(&log->lock);
	return stop;
}

/**
 * The writer thread.
 * @param arg: the log.
 * @return NULL.
 */
static void*
log_writer(void* arg)
{
	struct sh_log* log = (struct sh_log*)arg;
	struct timespec deadline;
	size_t n = 0;
	int stop, reopen;
	mono_now(&deadline);
	deadline.tv_sec += 1;
	do {
		stop = log_wait_batch(log, &deadline, n > 0, &n, &reopen);
		if(reopen || mono_passed(&deadline)) {
			log_check_rotate(log);
			mono_now(&deadline);
			deadline.tv_sec += 1;
		}
		if(n > 0)
			log_write_batch(log, log->batch, n);
		log_report_drops(log);
		/* at stop, go round until the queue is empty */
	} while(!stop || n > 0);
	return NULL;
}

/**
 * Make the observer object of the writer's own lines.
 * @param identity: the resolver identity, or NULL.
 * @return malloced JSON text (caller frees), or NULL when out of memory.
 */
static char*
make_observer(const char* identity)
{
	const char* head = "\"observer\":{\"name\":\"";
	const char* tail = "\"," SH_EV_OBSERVER_REST "}";
	size_t ilen = identity ? strlen(identity) : 0;
	size_t cap = strlen(head) + 6 * ilen + strlen(tail) + 1, n, e;
	char* s = malloc(cap);
	if(!s)
		return NULL;
	n = strlen(head);
	memcpy(s, head, n);
	e = sh_json_escape(s + n, cap - n, identity ? identity : "", ilen);
	if(e == (size_t)-1) {
		free(s);
		return NULL;
	}
	n += e;
	memcpy(s + n, tail, strlen(tail) + 1);
	return s;
}

/**
 * Free a log whose thread is not running.  Closes the file.
 * @param log: the log, may be NULL.
 */
static void
log_free(struct sh_log* log)
{
	if(!log)
		return;
	if(log->fd >= 0)
		close(log->fd);
	free(log->path);
	free(log->observer);
	free(log->ring);
	free(log->batch);
	free(log);
}

/**
 * Initialise the mutex and the monotonic condition variable.
 * @param log: the log.
 * @return 1 on success, 0 on failure (nothing to destroy then).
 */
static int
log_init_sync(struct sh_log* log)
{
	pthread_condattr_t ca;
	if(pthread_mutex_init(&log->lock, NULL) != 0)
		return 0;
	if(pthread_condattr_init(&ca) != 0)
		goto error;
	if(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
		pthread_cond_init(&log->wake, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		goto error;
	}
	pthread_condattr_destroy(&ca);
	return 1;
error:
	pthread_mutex_destroy(&log->lock);
	return 0;
}

struct sh_log*
sh_log_open(const char* path, size_t queue_bytes, const char* identity,
	sh_diag_fn diag, void* arg)
{
	struct sh_log* log = calloc(1, sizeof(*log));
	if(!log)
		goto nomem;
	log->fd = -1;
	log->diag = diag;
	log->diag_arg = arg;
	log->cap = queue_bytes < LOG_MIN_QUEUE ? LOG_MIN_QUEUE : queue_bytes;
	log->path = sh_strdup(path);
	log->observer = make_observer(identity);
	log->ring = malloc(log->cap);
	log->batch = malloc(log->cap);
	if(!log->path || !log->observer || !log->ring || !log->batch)
		goto nomem;
	log->fd = open(path, LOG_OPEN_FLAGS, LOG_OPEN_MODE);
	if(log->fd < 0) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
			"cannot open the event log: %s", strerror(errno));
		log_free(log);
		return NULL;
	}
	if(!log_init_sync(log)) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
			"cannot create the event log's lock");
		log_free(log);
		return NULL;
	}
	/* the writer takes no signals: the resolver's threads do */
	if(!sh_thread_start(&log->thread, log_writer, log, "sh-log")) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
			"cannot start the event log writer thread");
		pthread_cond_destroy(&log->wake);
		pthread_mutex_destroy(&log->lock);
		log_free(log);
		return NULL;
	}
	return log;
nomem:
	sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
		"out of memory opening the event log");
	log_free(log);
	return NULL;
}

int
sh_log_submit(struct sh_log* log, const char* line, size_t len)
{
	int wake;
	if(!log)
		return 0;
	pthread_mutex_lock(&log->lock);
	/* only whole lines go in: a line must end in '\n' and fit */
	if(!line || len == 0 || line[len - 1] != '\n' ||
		len > log->cap - log->used) {
		log->st.dropped++;
		log->drops_pending++;
		pthread_mutex_unlock(&log->lock);
		return 0;
	}
	ring_put(log, line, len);
	log->st.submitted++;
	/* an idle writer wakes for the first line; a gathering one when
	 * the queue reaches its high-water mark (once, as it crosses it) */
	wake = (log->idle && log->used == len) || (log_high(log) &&
		log->used - len < log->cap / LOG_HIGH_WATER);
	pthread_mutex_unlock(&log->lock);
	if(wake)
		pthread_cond_signal(&log->wake);
	return 1;
}

void
sh_log_reopen(struct sh_log* log)
{
	if(!log)
		return;
	pthread_mutex_lock(&log->lock);
	log->reopen = 1;
	pthread_cond_signal(&log->wake);
	pthread_mutex_unlock(&log->lock);
}

void
sh_log_get_stats(struct sh_log* log, struct sh_log_stats* st)
{
	if(!log) {
		memset(st, 0, sizeof(*st));
		return;
	}
	pthread_mutex_lock(&log->lock);
	*st = log->st;
	pthread_mutex_unlock(&log->lock);
}

void
sh_log_close(struct sh_log* log)
{
	if(!log)
		return;
	pthread_mutex_lock(&log->lock);
	log->stop = 1;
	pthread_cond_signal(&log->wake);
	pthread_mutex_unlock(&log->lock);
	pthread_join(log->thread, NULL);
	pthread_cond_destroy(&log->wake);
	pthread_mutex_destroy(&log->lock);
	log_free(log);
}
