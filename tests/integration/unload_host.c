/*
 * tests/integration/unload_host.c - load, use and unload sinkhole.so as Unbound does, then let threads exit.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A minimal host for unload.test.  It does with sinkhole.so what
 * Unbound's dynlibmod does (dynlibmod/dynlibmod.c): dlopen with
 * RTLD_LAZY | RTLD_GLOBAL, dlsym of the six entry points, init, work,
 * deinit, dlclose; and what Unbound's hosts do with their threads
 * afterwards (testbound's main ends with pthread_exit, the daemon's
 * worker threads exit after the modules are gone).
 *
 * Each round: load the module and init it (the module starts its reload
 * and log-writer threads); a worker thread and the main thread call
 * get_mem, which reads the published snapshot inside a read-side
 * section, the same path operate takes on every query; deinit; dlclose;
 * check that the module's file is no longer mapped (a module pinned in
 * memory, e.g. by -z nodelete, would hide the bug this test is for);
 * only then let the worker thread exit.  Whatever the module left behind
 * for a thread to run at its exit (a pthread key destructor, a TLS
 * destructor) now points into unmapped memory and the process dies with
 * SIGSEGV or SIGILL.  After the last round the main thread ends with
 * pthread_exit, as testbound does.
 *
 * The Unbound functions the module calls during init and deinit (log_*,
 * verbose) are provided here and exported (-rdynamic), as the daemon
 * exports its own; the module's query-path imports are never called and
 * stay unresolved, which RTLD_LAZY allows.
 *
 * Usage: unload_host MODULE ROUNDS (UNBOUND_SINKHOLE_CONF names the
 * module's configuration).  Prints "unload_host: ok N rounds" on
 * success; exits 1 on a failure it can see, and dies by a signal on the
 * bug.
 */

#include "config.h"
#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/module.h"
#include "util/config_file.h"
#include "util/rbtree.h"
#include "dynlibmod/dynlibmod.h"

/** Export what the module imports (the build hides symbols by default). */
#define HOST_EXPORT __attribute__((visibility("default")))

/** Unbound's log verbosity (data the module imports). */
HOST_EXPORT enum verbosity_value verbosity = NO_VERBOSE;

/** Unbound's sentinel of red-black trees (data the module imports). */
HOST_EXPORT rbnode_type rbtree_null_node = { RBTREE_NULL, RBTREE_NULL, RBTREE_NULL,
	NULL, 0 };

/**
 * Print a log line of the module with a level prefix.
 * @param level: "error", "warning", "info".
 * @param fmt: printf format.
 * @param ap: its arguments.
 */
static void
host_log(const char* level, const char* fmt, va_list ap)
{
	fprintf(stderr, "[host] %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/**
 * Define one of Unbound's printf-style log functions the module imports.
 * @param name: the function (log_err, log_warn, log_info).
 * @param level: its prefix in the test's log.
 */
#define HOST_LOG_FN(name, level) \
	HOST_EXPORT void name(const char* fmt, ...); \
	HOST_EXPORT void \
	name(const char* fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		host_log(level, fmt, ap); \
		va_end(ap); \
	}
HOST_LOG_FN(log_err, "error")
HOST_LOG_FN(log_warn, "warning")
HOST_LOG_FN(log_info, "info")

/** Unbound's verbose: printed at any level (the test's log). */
HOST_EXPORT void
verbose(enum verbosity_value level, const char* fmt, ...)
{
	va_list ap;
	(void)level;
	va_start(ap, fmt);
	host_log("verbose", fmt, ap);
	va_end(ap);
}

/** Stand-in for dynlibmod's inplace_cb_register_wrapped: accept. */
static int
host_cb_register(void* cb, enum inplace_cb_list_type type, void* cbarg,
	struct module_env* env, int id)
{
	(void)cb; (void)type; (void)cbarg; (void)env; (void)id;
	return 1;
}

/** Stand-in for dynlibmod's inplace_cb_delete_wrapped: nothing to do. */
static void
host_cb_delete(struct module_env* env, enum inplace_cb_list_type type,
	int id)
{
	(void)env; (void)type; (void)id;
}

/** One loaded module, as dynlibmod keeps it. */
struct host_mod {
	/** Unbound's environment (mostly zero: no caches, no mesh) */
	struct module_env env;
	/** the configuration the order check reads */
	struct config_file cfg;
	/** dynlibmod's per-module state */
	struct dynlibmod_env de;
};

/** Handshake between the main thread and a round's worker. */
struct host_worker {
	/** the loaded module */
	struct host_mod* mod;
	/** protects the fields below */
	pthread_mutex_t lock;
	/** signalled when a field below changes */
	pthread_cond_t cond;
	/** 1 once the worker called into the module */
	int called;
	/** 1 once the main thread allows the worker to exit */
	int may_exit;
	/** what get_mem returned in the worker */
	size_t mem;
};

/**
 * Look up an entry point.
 * @param h: the library.
 * @param name: the symbol.
 * @return its address, or NULL (printed).
 */
static void*
host_sym(void* h, const char* name)
{
	void* p = dlsym(h, name);
	if(!p)
		fprintf(stderr, "unload_host: dlsym %s: %s\n", name, dlerror());
	return p;
}

/**
 * Open the module and fill in dynlibmod's state as dynlibmod_init does.
 * @param m: zeroed host state.
 * @param path: the module file.
 * @return 1 on success, 0 (printed) on failure.
 */
static int
host_load(struct host_mod* m, const char* path)
{
	void* h = dlopen(path, RTLD_LAZY | RTLD_GLOBAL);
	if(!h) {
		fprintf(stderr, "unload_host: dlopen %s: %s\n", path,
			dlerror());
		return 0;
	}
	m->de.fname = path;
	m->de.dynamic_library = h;
	m->de.func_init = (func_init_t)host_sym(h, "init");
	m->de.func_deinit = (func_deinit_t)host_sym(h, "deinit");
	m->de.func_get_mem = (func_get_mem_t)host_sym(h, "get_mem");
	m->de.inplace_cb_register_wrapped = &host_cb_register;
	m->de.inplace_cb_delete_wrapped = &host_cb_delete;
	m->cfg.module_conf = "dynlib iterator";
	m->env.cfg = &m->cfg;
	m->env.modinfo[0] = &m->de;
	return m->de.func_init && m->de.func_deinit && m->de.func_get_mem;
}

/**
 * Whether a file is mapped into this process.
 * @param path: the file (compared by its base name and full path).
 * @return 1 if /proc/self/maps lists it, 0 if not, -1 if unreadable.
 */
static int
host_mapped(const char* path)
{
	char line[4096], real[4096];
	FILE* f = fopen("/proc/self/maps", "r");
	int found = 0;
	if(!f)
		return -1;
	if(!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	while(!found && fgets(line, sizeof(line), f))
		found = strstr(line, real) != NULL;
	fclose(f);
	return found;
}

/**
 * Count the entries of a /proc/self directory.
 * @param dir: "/proc/self/fd" or "/proc/self/task".
 * @return the number of entries (without . and ..), -1 if unreadable.
 */
static int
host_count(const char* dir)
{
	DIR* d = opendir(dir);
	struct dirent* e;
	int n = 0;
	if(!d)
		return -1;
	while((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - (strcmp(dir, "/proc/self/fd") == 0); /* opendir's own */
}

/**
 * A round's worker: read the snapshot through the module, then wait
 * until the module is unloaded, then exit (running whatever per-thread
 * destructors exist).
 * @param arg: the handshake.
 * @return NULL.
 */
static void*
host_worker_main(void* arg)
{
	struct host_worker* w = (struct host_worker*)arg;
	size_t mem = w->mod->de.func_get_mem(&w->mod->env, 0);
	pthread_mutex_lock(&w->lock);
	w->mem = mem;
	w->called = 1;
	pthread_cond_broadcast(&w->cond);
	while(!w->may_exit)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/**
 * Let the worker exit and wait for it.
 * @param w: the handshake.
 * @param tid: the worker.
 */
static void
host_worker_release(struct host_worker* w, pthread_t tid)
{
	pthread_mutex_lock(&w->lock);
	w->may_exit = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(tid, NULL);
}

/**
 * Start the worker and wait until it has called into the module.
 * @param w: the handshake, its mod set.
 * @param tid: set to the worker.
 * @return 1 on success, 0 (printed) on failure.
 */
static int
host_worker_start(struct host_worker* w, pthread_t* tid)
{
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if(pthread_create(tid, NULL, host_worker_main, w) != 0) {
		fprintf(stderr, "unload_host: pthread_create failed\n");
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	while(!w->called)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return 1;
}

/**
 * One round: load, init, read from two threads, deinit, unload, and
 * only then let the worker exit.
 * @param path: the module file.
 * @param round: the round number (for messages).
 * @return 1 on success, 0 (printed) on failure.
 */
static int
host_round(const char* path, int round)
{
	struct host_mod m;
	struct host_worker w;
	pthread_t tid;
	size_t mem;
	memset(&m, 0, sizeof(m));
	memset(&w, 0, sizeof(w));
	w.mod = &m;
	if(!host_load(&m, path))
		return 0;
	if(!m.de.func_init(&m.env, 0)) {
		fprintf(stderr, "unload_host: round %d: init failed\n", round);
		return 0;
	}
	if(!host_worker_start(&w, &tid))
		return 0;
	mem = m.de.func_get_mem(&m.env, 0);
	m.de.func_deinit(&m.env, 0);
	if(dlclose(m.de.dynamic_library) != 0) {
		fprintf(stderr, "unload_host: dlclose: %s\n", dlerror());
		host_worker_release(&w, tid);
		return 0;
	}
	if(host_mapped(path) != 0) {
		fprintf(stderr, "unload_host: round %d: %s is still mapped "
			"after dlclose (pinned: the test cannot see the "
			"bug)\n", round, path);
		host_worker_release(&w, tid);
		return 0;
	}
	if(host_count("/proc/self/task") != 2) {
		fprintf(stderr, "unload_host: round %d: %d threads after "
			"deinit, expected 2 (main and worker): a module thread "
			"was not joined\n", round,
			host_count("/proc/self/task"));
		host_worker_release(&w, tid);
		return 0;
	}
	printf("# round %d: get_mem %zu (worker) %zu (main), unloaded\n",
		round, w.mem, mem);
	fflush(stdout);
	host_worker_release(&w, tid);
	if(w.mem == 0 || mem == 0) {
		fprintf(stderr, "unload_host: round %d: get_mem returned 0: "
			"the module had no snapshot\n", round);
		return 0;
	}
	return 1;
}

int
main(int argc, char** argv)
{
	int rounds, i, fds;
	if(argc != 3 || (rounds = atoi(argv[2])) < 1 || rounds > 1000) {
		fprintf(stderr, "usage: unload_host MODULE ROUNDS(1..1000)\n");
		return 2;
	}
	fds = host_count("/proc/self/fd");
	for(i = 1; i <= rounds; i++)
		if(!host_round(argv[1], i))
			return 1;
	if(host_count("/proc/self/fd") != fds) {
		fprintf(stderr, "unload_host: %d file descriptors open before "
			"the first load, %d after the last unload\n", fds,
			host_count("/proc/self/fd"));
		return 1;
	}
	printf("unload_host: ok %d rounds\n", rounds);
	fflush(stdout);
	/* as testbound: the main thread's own exit runs its destructors */
	pthread_exit(NULL);
}
