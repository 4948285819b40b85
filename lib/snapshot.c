/*
 * lib/snapshot.c - publish config and indicator set together, read without locks.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Resolver threads read the current snapshot (configuration plus
 * indicator set) on every query; the reload thread replaces it.  Readers
 * must never take a lock or wait, and must never see a half-built set;
 * the old snapshot may be freed only when no reader can still hold it.
 *
 * This is read-copy-update with module-owned reader counters, in C11
 * atomics (GCC's __atomic builtins, which implement the C11 memory
 * model on plain types, as the rest of the tree uses them).  It keeps
 * nothing outside the module: no library, no pthread key, no TLS
 * destructor, no atexit handler.  That matters because Unbound dlcloses
 * the module at shutdown and reload while its threads live on; anything
 * a thread runs at its exit after the unload would run in unmapped
 * memory (liburcu-bp, used before, registered such a per-thread
 * destructor; tests/integration/unload.test).
 *
 * Readers.  A fixed table of SH_READER_OWNED cache-line-sized slots
 * (plus SH_READER_SHARED shared ones) counts the readers inside a
 * section.  A thread claims a free slot at its first read (a bounded
 * scan with compare-and-swap) and remembers it in plain thread-local
 * storage (__thread, no destructor) together with the load generation
 * it claimed it in.  sh_snapshot_readers_reclaim starts a new
 * generation (the module calls it in init, when Unbound's worker threads
 * have been replaced): every slot is free again and every thread claims
 * anew at its next read, so slots of threads that exited are reused.
 * When all slots are taken a thread uses one of the shared slots.  A
 * slot's count is only changed by atomic read-modify-write, so several
 * threads on one slot (a shared slot, or a slot reclaimed while its old
 * owner is still inside a section) simply add up.  Nested sections are
 * counted in TLS; only the outermost one touches the slot.
 *
 * The read side is wait-free: the outermost lock is one increment
 * (R1), sh_snapshot_get one load of the pointer (R2), the outermost
 * unlock one decrement (R3); the claim is a scan of at most
 * SH_READER_OWNED slots, once per thread and generation.
 *
 * The writer (sh_snapshot_publish; one writer per pointer, never inside
 * a section of its own) swaps the pointer (W1), then waits, sleeping
 * with a bounded back-off, until it has seen each slot's count at zero
 * (W2, one load per look), then frees the old snapshot.
 *
 * Memory ordering.  R1, R2, R3, W1 and W2 are all seq_cst.  This is the
 * store-buffer (Dekker) pattern: the reader writes its count then reads
 * the pointer, the writer writes the pointer then reads the counts.
 * With acquire/release alone both could read the old values (each store
 * still sitting in its CPU's store buffer): the reader takes the old
 * pointer while the writer sees a zero count and frees it.  seq_cst puts
 * all five in one total order S, consistent with each thread's program
 * order.  Take a reader that got the old snapshot: its R2 read the old
 * pointer, so R2 precedes W1 in S, and R1 precedes R2.  The writer's W2
 * on that reader's slot follows W1, so it follows R1 and reads R1's
 * increment or a later value of the count.  Each thread's contribution
 * to a count is never negative (its decrement follows its increment),
 * so a zero read after R1 means the reader's R3 came first in the
 * count's modification order; W2 reads R3 or a later read-modify-write
 * (all of them are in R3's release sequence), so R3 synchronises with
 * W2 and every use the reader made of the old snapshot happens before
 * the free.  A reader whose R1 follows the writer's W2 in S has its R2
 * after W1 as well, and reads the new pointer: it never held the old
 * one.  Publication needs no more: W1 is a release of the fully built
 * snapshot and R2 an acquire of it.
 *
 * The cost: R1 and R3 are locked instructions on a thread-private cache
 * line (about as cheap as liburcu-bp's fenced counter update), R2 a
 * plain load on x86.  The writer can wait long only on a shared slot
 * that is never idle (more reader threads than SH_READER_OWNED, all
 * busy); on an owned slot a thread is inside a section only while it
 * handles one query.
 *
 * ThreadSanitizer understands these atomics natively (the happens-before
 * edges are R3 to W2 and W1 to R2), so the code needs no annotation
 * (tests/integration/tsan_storm.test).
 */

#include <malloc.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include "internal.h"

/** Slots a thread can own. */
#define SH_READER_OWNED 256
/** Slots shared by the threads that found no free owned slot. */
#define SH_READER_SHARED 16
/** Bytes of a cache line: each slot gets its own. */
#define SH_CACHE_LINE 64
/** Looks at a busy slot before the writer starts sleeping. */
#define SH_WAIT_SPINS 64
/** The writer's first sleep between looks, in ns. */
#define SH_WAIT_MIN_NS 1000L
/** Longest sleep (1 ms). */
#define SH_WAIT_MAX_NS 1000000L

/** One reader slot, alone on its cache line. */
struct sh_reader_slot {
	/** readers inside a section through this slot (seq_cst RMW only) */
	unsigned long active;
	/** generation in which a thread owns it; owned slots only */
	unsigned long owner;
} __attribute__((aligned(SH_CACHE_LINE)));

/** What a thread remembers about its slot (plain TLS, no destructor). */
struct sh_reader_local {
	/** the slot, NULL before the first read */
	struct sh_reader_slot* slot;
	/** the generation slot was claimed in */
	unsigned long gen;
	/** nesting depth of this thread's read-side sections */
	unsigned depth;
};

/** The reader slots: owned ones first, then the shared ones. */
static struct sh_reader_slot sh_readers[SH_READER_OWNED + SH_READER_SHARED];
/** The current load generation; slot owners of others are free. */
static unsigned long sh_reader_gen = 1;
/** The shared slot the next thread without an owned one gets. */
static unsigned sh_reader_next_shared;
/** This thread's slot. */
static __thread struct sh_reader_local sh_reader_me;

struct sh_snapshot*
sh_snapshot_new(struct sh_config* cfg, struct sh_set* set,
	uint64_t generation)
{
	struct sh_snapshot* snap = calloc(1, sizeof(*snap));
	if(!snap) {
		sh_config_free(cfg);
		sh_set_free(set);
		return NULL;
	}
	snap->cfg = cfg;
	snap->set = set;
	snap->serial = (uint32_t)time(NULL);
	snap->generation = generation;
	return snap;
}

void
sh_snapshot_free(struct sh_snapshot* snap)
{
	if(!snap)
		return;
	sh_set_free(snap->set);
	sh_config_free(snap->cfg);
	free(snap);
}

void
sh_snapshot_readers_reclaim(void)
{
	__atomic_fetch_add(&sh_reader_gen, 1, __ATOMIC_RELAXED);
}

/**
 * Claim a free owned slot for this thread, or a shared one when none is
 * free.  At most SH_READER_OWNED compare-and-swaps.  Ownership is only a
 * hint against sharing, never needed for correctness: relaxed.
 * @param gen: the current generation.
 * @return the slot.
 */
static struct sh_reader_slot*
reader_claim(unsigned long gen)
{
	size_t i;
	unsigned long o;
	for(i = 0; i < SH_READER_OWNED; i++) {
		o = __atomic_load_n(&sh_readers[i].owner, __ATOMIC_RELAXED);
		if(o != gen && __atomic_compare_exchange_n(
			&sh_readers[i].owner, &o, gen, 0, __ATOMIC_RELAXED,
			__ATOMIC_RELAXED))
			return &sh_readers[i];
	}
	/* round robin: thread ids are aligned, bad for a modulo */
	return &sh_readers[SH_READER_OWNED + __atomic_fetch_add(
		&sh_reader_next_shared, 1, __ATOMIC_RELAXED) % SH_READER_SHARED];
}

void
sh_snapshot_read_lock(void)
{
	struct sh_reader_local* me = &sh_reader_me;
	unsigned long gen;
	if(me->depth++ > 0)
		return;
	gen = __atomic_load_n(&sh_reader_gen, __ATOMIC_RELAXED);
	if(!me->slot || me->gen != gen) {
		me->slot = reader_claim(gen);
		me->gen = gen;
	}
	/* R1: before the pointer load, in the single order (file comment) */
	__atomic_fetch_add(&me->slot->active, 1, __ATOMIC_SEQ_CST);
}

void
sh_snapshot_read_unlock(void)
{
	struct sh_reader_local* me = &sh_reader_me;
	if(--me->depth > 0)
		return;
	/* R3: every use of the snapshot happens before the writer's free */
	__atomic_fetch_sub(&me->slot->active, 1, __ATOMIC_SEQ_CST);
}

struct sh_snapshot*
sh_snapshot_get(struct sh_snapshot** slot)
{
	/* R2 */
	return __atomic_load_n(slot, __ATOMIC_SEQ_CST);
}

/**
 * Wait until a reader slot has been seen with no reader inside: spin a
 * little (a section lasts one query), then sleep with a doubling pause
 * up to SH_WAIT_MAX_NS.
 * @param s: the slot.
 */
static void
reader_wait(struct sh_reader_slot* s)
{
	struct timespec ts = { 0, SH_WAIT_MIN_NS };
	int spins = 0;
	/* W2 */
	while(__atomic_load_n(&s->active, __ATOMIC_SEQ_CST) != 0) {
		if(spins++ < SH_WAIT_SPINS) {
			sched_yield();
			continue;
		}
		nanosleep(&ts, NULL);
		if(ts.tv_nsec < SH_WAIT_MAX_NS / 2)
			ts.tv_nsec *= 2;
		else	ts.tv_nsec = SH_WAIT_MAX_NS;
	}
}

void
sh_snapshot_publish(struct sh_snapshot** slot, struct sh_snapshot* snap)
{
	struct sh_snapshot* old;
	size_t i;
	/* W1 */
	old = __atomic_exchange_n(slot, snap, __ATOMIC_SEQ_CST);
	if(!old)
		return;
	for(i = 0; i < SH_READER_OWNED + SH_READER_SHARED; i++)
		reader_wait(&sh_readers[i]);
	sh_snapshot_free(old);
	/* the old set's large blocks may have come from the heap (glibc
	 * raises its mmap threshold dynamically): give the pages back, so
	 * resident memory does not ratchet up across reloads */
	(void)malloc_trim(0);
}
