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
 * This is read-copy-update, and we use the proven implementation in
 * Debian's liburcu, in its "bulletproof" flavour (urcu-bp).  The other
 * flavours need every reader thread to register with the library (or to
 * announce quiescent states); the readers here are Unbound's worker
 * threads, which the module does not create, so it cannot register them
 * when they start or unregister them when they end.  urcu-bp registers a
 * thread on its first read-side lock, and notices by itself when it is
 * gone.  Its read side is a thread-local counter update, no atomic
 * read-modify-write, and never blocks.  sh_snapshot_publish swaps the
 * pointer (rcu_xchg_pointer), waits for a grace period (synchronize_rcu:
 * every reader that could have seen the old pointer has left its
 * critical section), then frees the old snapshot.  Only the reload thread
 * publishes, and it never publishes inside a read-side section.
 *
 * ThreadSanitizer cannot see liburcu's barriers (the library is not
 * instrumented), so TSan builds annotate the two orderings RCU gives:
 * publication (the writer's release before the pointer swap, the
 * reader's acquire after reading the pointer: the reader sees the
 * snapshot fully built) and the grace period (every read unlock is a
 * release, the end of synchronize_rcu an acquire: the writer frees only
 * after the readers are done).
 */

#include <malloc.h>
#include <stdlib.h>
#include <time.h>
#include <urcu-bp.h>
#include "internal.h"

#if defined(__SANITIZE_THREAD__)
#define SH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SH_TSAN 1
#endif
#endif

#ifdef SH_TSAN
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
/** The sync object of the grace-period annotations. */
static char snapshot_grace;
#define SH_TSAN_RELEASE(a) __tsan_release(a)
#define SH_TSAN_ACQUIRE(a) __tsan_acquire(a)
#else
#define SH_TSAN_RELEASE(a) do { } while(0)
#define SH_TSAN_ACQUIRE(a) do { } while(0)
#endif

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
sh_snapshot_read_lock(void)
{
	rcu_read_lock();
}

void
sh_snapshot_read_unlock(void)
{
	SH_TSAN_RELEASE(&snapshot_grace);
	rcu_read_unlock();
}

struct sh_snapshot*
sh_snapshot_get(struct sh_snapshot** slot)
{
	struct sh_snapshot* snap = rcu_dereference(*slot);
	SH_TSAN_ACQUIRE(slot);
	return snap;
}

void
sh_snapshot_publish(struct sh_snapshot** slot, struct sh_snapshot* snap)
{
	struct sh_snapshot* old;
	SH_TSAN_RELEASE(slot);
	old = rcu_xchg_pointer(slot, snap);
	if(!old)
		return;
	synchronize_rcu();
	SH_TSAN_ACQUIRE(&snapshot_grace);
	sh_snapshot_free(old);
	/* the old set's large blocks may have come from the heap (glibc
	 * raises its mmap threshold dynamically): give the pages back, so
	 * resident memory does not ratchet up across reloads */
	(void)malloc_trim(0);
}
