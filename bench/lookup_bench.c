/*
 * lookup_bench.c - microbenchmark of the compiled domain set (lib/set.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Loads a generated feed with sh_feed_load, builds the set with
 * sh_set_build, and times sh_set_match on four kinds of query names:
 *  - hit:  the indicators themselves, in random order;
 *  - miss: unlisted names from the same generator (misses.txt);
 *  - deep: ten random labels below a random indicator (a hit found
 *          ten probes up the name);
 *  - long: thirty-label names under no indicator (a miss that probes
 *          every one of its suffixes);
 *  - hot:  HOT indicators asked over and over, the working set of real
 *          traffic (a few names are asked often), for comparison.
 * Query names are converted to wire format up front, packed in their
 * own buffer (not the feed's memory), and walked in a shuffled order so
 * the table is not read sequentially.  Each kind is timed in batches of
 * BATCH lookups after one warm-up pass; before a batch is timed its
 * names are copied into a small staging buffer, so that (as for a name
 * in a packet just received) the query name itself is in the CPU cache
 * and only the set's memory is cold.  The median and the 99th
 * percentile are taken over the batches' ns per lookup.
 *
 * Then, as an experiment on the layout, the feed's indicator array and
 * name bytes (one allocation) are collapsed into transparent huge pages
 * with madvise(MADV_COLLAPSE) where the kernel has it, and the hits are
 * timed again ("hit_thp"): the difference is what TLB misses on the
 * names cost (the set's own table is already advised for huge pages).
 *
 * Also measured: time to parse the feed, time to build the set, the
 * set's own bytes (sh_set_memory) and the memory the feed and the set
 * hold once built: the heap (glibc mallinfo2, so freed parser memory is
 * not counted) plus the feed's record bytes, which live in its load
 * arena, mapped outside the malloc heap (lib/formats/segment.c).
 *
 * Last, the floor the memory puts under a lookup on this machine
 * ("latency"): a dependent pointer chase through a random single cycle
 * of 64-byte lines, in buffers as large as the set's pre-filter, its
 * table and the feed's record arena, advised for huge pages like them.
 * One step is one cold read at that working set: a miss costs at least
 * one read of the filter (the suffixes' blocks are prefetched
 * together), a hit at least one of the table and then one of the
 * record it names (its filter block comes alongside its slot).
 *
 * Output: one JSON object on stdout.  Usage:
 *   lookup_bench FEED.yaml MISSES.txt [LOOKUPS_PER_KIND]
 */
#include "sinkhole.h"
#include "bloom.h"
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** lookups per timed batch */
#define BATCH 1000
/** labels added below an indicator for the "deep" kind */
#define DEEP_LABELS 10
/** labels of a "long" name */
#define LONG_LABELS 30
/** indicators in the "hot" working set */
#define HOT 1000

/** A packed list of wire names. */
struct qlist {
	/** the names back to back */
	uint8_t* buf;
	/** bytes used */
	size_t len;
	/** bytes allocated */
	size_t cap;
	/** offset of each name */
	size_t* off;
	/** number of names */
	size_t n;
	/** offsets allocated */
	size_t ncap;
};

/** State of the xorshift64* generator (fixed seed: same run, same names). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/**
 * Next pseudo-random number.
 * @return 64 random bits.
 */
static uint64_t
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/**
 * Seconds of the monotonic clock.
 * @return the time.
 */
static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * Print a diagnostic of the loader to stderr (errors only).
 * @param arg: unused.
 * @param msg: the diagnostic.
 */
static void
diag_print(void* arg, const struct sh_diag_msg* msg)
{
	char buf[1024];
	(void)arg;
	if(msg->severity != SH_SEV_ERROR)
		return;
	sh_diag_format(msg, buf, sizeof(buf));
	fprintf(stderr, "lookup_bench: %s\n", buf);
}

/**
 * Exit with a message.
 * @param what: the message.
 */
static void
die(const char* what)
{
	fprintf(stderr, "lookup_bench: %s\n", what);
	exit(1);
}

/**
 * Append a wire name to a list.
 * @param q: the list.
 * @param wire: the name.
 * @param len: its wire length.
 */
static void
qlist_add(struct qlist* q, const uint8_t* wire, size_t len)
{
	if(q->len + len > q->cap) {
		q->cap = (q->cap + len) * 2;
		if(!(q->buf = realloc(q->buf, q->cap)))
			die("out of memory");
	}
	if(q->n == q->ncap) {
		q->ncap = q->ncap ? q->ncap * 2 : 1024;
		if(!(q->off = realloc(q->off, q->ncap * sizeof(*q->off))))
			die("out of memory");
	}
	memcpy(q->buf + q->len, wire, len);
	q->off[q->n++] = q->len;
	q->len += len;
}

/**
 * Length of the k-th name of a list.
 * @param q: the list.
 * @param k: index, below q->n.
 * @return its length.
 */
static size_t
qlist_len(const struct qlist* q, size_t k)
{
	return (k + 1 < q->n ? q->off[k + 1] : q->len) - q->off[k];
}

/**
 * Shuffle the order of a list's names (Fisher-Yates on the offsets).
 * @param q: the list.
 */
static void
qlist_shuffle(struct qlist* q)
{
	size_t i;
	for(i = q->n; i > 1; i--) {
		size_t j = (size_t)(rng_next() % i), t = q->off[i - 1];
		q->off[i - 1] = q->off[j];
		q->off[j] = t;
	}
}

/**
 * Write random lower-case labels as wire: count labels of lo..hi bytes.
 * @param out: destination.
 * @param count: number of labels.
 * @param lo: shortest label.
 * @param hi: longest label.
 * @return bytes written.
 */
static size_t
random_labels(uint8_t* out, unsigned count, unsigned lo, unsigned hi)
{
	size_t p = 0;
	unsigned i, k;
	for(i = 0; i < count; i++) {
		unsigned n = lo + (unsigned)(rng_next() % (hi - lo + 1));
		out[p++] = (uint8_t)n;
		for(k = 0; k < n; k++)
			out[p++] = (uint8_t)('a' + rng_next() % 26);
	}
	return p;
}

/**
 * Read presentation names, one a line, into a list.
 * @param path: the file.
 * @param q: the list.
 */
static void
read_names(const char* path, struct qlist* q)
{
	char line[1100];
	uint8_t wire[SH_NAME_MAX];
	FILE* f = fopen(path, "r");
	if(!f)
		die("cannot open the misses file");
	while(fgets(line, sizeof(line), f)) {
		size_t n;
		line[strcspn(line, "\r\n")] = 0;
		if(!line[0])
			continue;
		if((n = sh_name_from_text(line, wire, NULL)) == 0)
			die("bad name in the misses file");
		qlist_add(q, wire, n);
	}
	fclose(f);
}

/**
 * Compare two doubles for qsort.
 * @param a: first.
 * @param b: second.
 * @return -1, 0 or 1.
 */
static int
cmp_double(const void* a, const void* b)
{
	double x = *(const double*)a, y = *(const double*)b;
	return x < y ? -1 : x > y;
}

/**
 * Time one kind of lookups and print its JSON member.
 * @param set: the set.
 * @param kind: name of the kind.
 * @param q: the query names.
 * @param lookups: number of timed lookups (rounded up to whole batches).
 * @param expect: 1 if every name should match, 0 if none should.
 * @param last: 1 for the last member (no comma).
 */
static void
time_kind(const struct sh_set* set, const char* kind, struct qlist* q,
	size_t lookups, int expect, int last)
{
	size_t batches = (lookups + BATCH - 1) / BATCH, b, j, k = 0;
	size_t matched = 0, wrong = 0, soff[BATCH];
	double* ns = malloc(batches * sizeof(*ns)), sum = 0;
	uint8_t* stage = malloc((size_t)BATCH * SH_NAME_MAX);
	struct sh_match m;
	if(!ns || !stage)
		die("out of memory");
	qlist_shuffle(q);
	/* warm-up: one pass over the names */
	for(j = 0; j < q->n; j++)
		matched += (size_t)sh_set_match(set, q->buf + q->off[j], &m);
	matched = 0;
	for(b = 0; b < batches; b++) {
		double t0, t1;
		size_t hit = 0, len = 0;
		/* the batch's names, packed into a small buffer first (not
		 * timed): in a resolver the query name sits in a packet
		 * that was just read, so only the set's memory is cold */
		for(j = 0; j < BATCH; j++) {
			const uint8_t* n = q->buf + q->off[k];
			size_t nl = (size_t)((k + 1 < q->n && q->off[k + 1] >
				q->off[k]) ? q->off[k + 1] - q->off[k] :
				q->len - q->off[k]);
			if(nl > SH_NAME_MAX)
				nl = SH_NAME_MAX;
			memcpy(stage + len, n, nl);
			soff[j] = len;
			len += nl;
			if(++k == q->n)
				k = 0;
		}
		t0 = now_s();
		for(j = 0; j < BATCH; j++)
			hit += (size_t)sh_set_match(set, stage + soff[j], &m);
		t1 = now_s();
		ns[b] = (t1 - t0) * 1e9 / BATCH;
		sum += ns[b];
		matched += hit;
	}
	wrong = expect ? batches * BATCH - matched : matched;
	qsort(ns, batches, sizeof(*ns), cmp_double);
	printf("  \"%s\": {\"names\": %zu, \"lookups\": %zu, \"batch\": %d, "
		"\"median_ns\": %.1f, \"p99_ns\": %.1f, \"mean_ns\": %.1f, "
		"\"min_ns\": %.1f, \"matched\": %zu, \"unexpected\": %zu}%s\n",
		kind, q->n, batches * BATCH, BATCH, ns[batches / 2],
		ns[(size_t)((double)batches * 0.99) < batches ?
		(size_t)((double)batches * 0.99) : batches - 1],
		sum / (double)batches, ns[0], matched, wrong, last ? "" : ",");
	free(ns);
	free(stage);
}

/**
 * Collapse the pages holding a feed's indicator records into huge
 * pages (Linux 6.1+ MADV_COLLAPSE; 25 when the headers lack it): every
 * 2 MiB window that a segment touches, where the window is mapped as
 * one (segments the allocator put side by side in its heap).
 * @param feed: the feed.
 * @return 1 if the kernel collapsed any window, 0 if none.
 */
static int
collapse_feed(const struct sh_feed* feed)
{
	const uintptr_t huge = (uintptr_t)2 * 1024 * 1024;
	uintptr_t done = 0, w;
	size_t i;
	int any = 0;
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
	for(i = 0; i < feed->num_segs; i++) {
		uintptr_t lo = (uintptr_t)feed->segs[i]->recs;
		uintptr_t hi = lo + feed->segs[i]->len;
		for(w = lo & ~(huge - 1); w < hi; w += huge) {
			if(w == done)
				continue;
			done = w;
			if(madvise((void*)w, huge, MADV_COLLAPSE) == 0)
				any = 1;
		}
	}
	return any;
}

/** steps of one timed pointer-chase round */
#define CHASE_STEPS 200000
/** timed pointer-chase rounds (the median is reported) */
#define CHASE_ROUNDS 7

/**
 * Link the 64-byte lines of a buffer into one random cycle (Sattolo's
 * shuffle), each line holding the address of the next.
 * @param buf: the buffer, 64-byte aligned.
 * @param lines: number of lines, at least 2.
 * @return 1 on success, 0 when out of memory.
 */
static int
chase_link(uint8_t* buf, size_t lines)
{
	size_t* perm = malloc(lines * sizeof(*perm)), i;
	if(!perm)
		return 0;
	for(i = 0; i < lines; i++)
		perm[i] = i;
	for(i = lines - 1; i > 0; i--) {
		size_t j = (size_t)(rng_next() % i), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for(i = 0; i < lines; i++)
		*(uint8_t**)(buf + perm[i] * 64) =
			buf + perm[(i + 1) % lines] * 64;
	free(perm);
	return 1;
}

/**
 * Nanoseconds of one dependent cold read in a working set of a given
 * size: the median over rounds of a pointer chase.
 * @param bytes: size of the working set.
 * @return ns per read, or -1 when it could not be measured.
 */
static double
chase_ns(size_t bytes)
{
	const size_t huge = (size_t)2 * 1024 * 1024;
	size_t len = (bytes + huge - 1) & ~(huge - 1), r, s;
	double ns[CHASE_ROUNDS];
	uint8_t* buf;
	void* p;
	if(bytes < 128 || !(buf = aligned_alloc(huge, len)))
		return -1;
#ifdef MADV_HUGEPAGE
	(void)madvise(buf, len, MADV_HUGEPAGE);
#endif
	if(!chase_link(buf, bytes / 64)) {
		free(buf);
		return -1;
	}
	p = buf;
	for(s = 0; s < CHASE_STEPS; s++)	/* warm-up round */
		p = *(void* volatile*)p;
	for(r = 0; r < CHASE_ROUNDS; r++) {
		double t0 = now_s();
		for(s = 0; s < CHASE_STEPS; s++)
			p = *(void* volatile*)p;
		ns[r] = (now_s() - t0) * 1e9 / CHASE_STEPS;
	}
	free(buf);
	qsort(ns, CHASE_ROUNDS, sizeof(*ns), cmp_double);
	return p ? ns[CHASE_ROUNDS / 2] : -1;
}

/**
 * Print the "latency" member, the last one: the memory's floor under a
 * miss and a hit.  The filter's size is worked out as lib/bloom.c sizes
 * it; the table is the rest of the set's memory.
 * @param set: the set.
 * @param feed: the feed (its record arena's size).
 */
static void
print_latency(const struct sh_set* set, const struct sh_feed* feed)
{
	size_t fb = (sh_set_count(set) * SH_BLOOM_BITS + 511) / 512 *
		SH_BLOOM_WORDS * sizeof(uint64_t);
	size_t tb = sh_set_memory(set) - fb, rb = feed->recs_len;
	double f = chase_ns(fb), t = chase_ns(tb), r = chase_ns(rb);
	printf("  \"latency\": {\"filter_bytes\": %zu, \"filter_ns\": %.1f, "
		"\"table_bytes\": %zu, \"table_ns\": %.1f, "
		"\"records_bytes\": %zu, \"records_ns\": %.1f, "
		"\"floor_miss_ns\": %.1f, \"floor_hit_ns\": %.1f}\n",
		fb, f, tb, t, rb, r, f, t >= 0 && r >= 0 ? t + r : -1);
}

/**
 * Heap bytes in use (glibc: small blocks plus mmapped ones).
 * @return bytes.
 */
static size_t
heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/**
 * Load, build, and time every kind.
 * @param argc: argument count.
 * @param argv: FEED.yaml MISSES.txt [LOOKUPS_PER_KIND].
 * @return 0 on success.
 */
int
main(int argc, char** argv)
{
	struct qlist hit = {0}, miss = {0}, deep = {0}, lng = {0}, hot = {0};
	struct sh_feed* feed;
	struct sh_set* set;
	struct sh_limits lim;
	struct sh_feed_iter it;
	struct sh_indicator view;
	size_t lookups, i, heap0, heap1, hits_n;
	double t0, t1, t2;
	uint8_t wire[SH_NAME_MAX];
	if(argc < 3)
		die("usage: lookup_bench FEED.yaml MISSES.txt [LOOKUPS]");
	lookups = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 2000000;
	if(lookups < BATCH)
		lookups = BATCH;
	sh_limits_default(&lim);
	lim.max_indicators = 16000000;
	lim.max_file_bytes = (size_t)1 << 30;
	heap0 = heap_used();
	t0 = now_s();
	if(!(feed = sh_feed_load(argv[1], &lim, time(NULL), diag_print, NULL)))
		die("cannot load the feed");
	t1 = now_s();
	if(!(set = sh_set_build(&feed, 1, SH_ACTION_SINKHOLE, diag_print,
		NULL)))
		die("cannot build the set");
	t2 = now_s();
	heap1 = heap_used();
	/* hits: every indicator, copied out of the feed's memory */
	sh_feed_iter_init(&it, feed);
	while(sh_feed_iter_next(&it, &view))
		qlist_add(&hit, view.name, view.namelen);
	read_names(argv[2], &miss);
	/* deep and long: as many names as misses, at most the hits */
	hits_n = miss.n < feed->num_ind ? miss.n : feed->num_ind;
	for(i = 0; i < hits_n; i++) {
		size_t k = rng_next() % hit.n;
		size_t len = qlist_len(&hit, k);
		size_t p = random_labels(wire, DEEP_LABELS, 3, 8);
		if(p + len > SH_NAME_MAX)
			continue;
		memcpy(wire + p, hit.buf + hit.off[k], len);
		qlist_add(&deep, wire, p + len);
	}
	for(i = 0; i < HOT && i < hit.n; i++) {
		size_t k = rng_next() % hit.n;
		qlist_add(&hot, hit.buf + hit.off[k],
			qlist_len(&hit, k));
	}
	for(i = 0; i < hits_n; i++) {
		size_t p = random_labels(wire, LONG_LABELS, 3, 5);
		/* under a TLD no generated indicator uses */
		memcpy(wire + p, "\005bench\000", 7);
		qlist_add(&lng, wire, p + 7);
	}
	printf("{\n  \"indicators\": %zu,\n  \"entries\": %zu,\n"
		"  \"parse_s\": %.4f,\n  \"build_s\": %.4f,\n"
		"  \"set_bytes\": %zu,\n  \"heap_bytes\": %zu,\n"
		"  \"heap_bytes_per_indicator\": %.1f,\n"
		"  \"record_bytes_per_indicator\": %.1f,\n"
		"  \"meta_entries\": %zu,\n",
		feed->num_ind, sh_set_count(set), t1 - t0, t2 - t1,
		sh_set_memory(set), heap1 - heap0 + feed->recs_len,
		(double)(heap1 - heap0 + feed->recs_len) /
		(double)(feed->num_ind ?
		feed->num_ind : 1), (double)feed->recs_len /
		(double)(feed->num_ind ? feed->num_ind : 1), feed->num_meta);
	time_kind(set, "hit", &hit, lookups, 1, 0);
	time_kind(set, "miss", &miss, lookups, 0, 0);
	time_kind(set, "deep", &deep, lookups, 1, 0);
	time_kind(set, "long", &lng, lookups, 0, 0);
	time_kind(set, "hot", &hot, lookups, 1, 0);
	printf("  \"thp_collapsed\": %s,\n", collapse_feed(feed) ? "true" :
		"false");
	time_kind(set, "hit_thp", &hit, lookups, 1, 0);
	print_latency(set, feed);
	printf("}\n");
	sh_set_free(set);
	sh_feed_unref(feed);
	free(hit.buf); free(hit.off);
	free(miss.buf); free(miss.off);
	free(deep.buf); free(deep.off);
	free(lng.buf); free(lng.off);
	free(hot.buf); free(hot.off);
	return 0;
}
