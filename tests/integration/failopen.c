/*
 * failopen.c - LD_PRELOAD fault injection: fail one open of one file.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Built and preloaded into Unbound by reload_config_once.test.  Counts
 * the opens (open, open64, openat, openat64, fopen, fopen64) of every
 * path whose last component is $SH_FAILOPEN_NAME, but only while the
 * file $SH_FAILOPEN_ARM exists, and fails the $SH_FAILOPEN_AT'th of
 * them with EIO.  Every counted open is appended to $SH_FAILOPEN_LOG as
 * "N PATH ok" or "N PATH failed", so the test sees how many times the
 * module opened the file and which open failed.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/** The real openat. */
typedef int (*openat_fn)(int, const char*, int, ...);
/** The real fopen. */
typedef FILE* (*fopen_fn)(const char*, const char*);

/** Counted opens so far. */
static int failopen_count;

/**
 * The next definition of a symbol.
 * @param name: the symbol.
 * @return its address; aborts when there is none.
 */
static void*
failopen_next(const char* name)
{
	void* p = dlsym(RTLD_NEXT, name);
	if(!p)
		abort();
	return p;
}

/**
 * Append one line to the log, with the real openat.
 * @param line: the line.
 */
static void
failopen_log(const char* line)
{
	const char* logp = getenv("SH_FAILOPEN_LOG");
	openat_fn real = (openat_fn)failopen_next("openat");
	int fd;
	if(!logp)
		return;
	fd = real(AT_FDCWD, logp, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		0644);
	if(fd < 0)
		return;
	/* a short write only shortens the test's evidence */
	(void)!write(fd, line, strlen(line));
	close(fd);
}

/**
 * Decide about one open: count it if it is of the watched file while
 * armed, and say whether it must fail.
 * @param path: the path being opened.
 * @return 1 to fail the open with EIO, 0 to let it through.
 */
static int
failopen_decide(const char* path)
{
	const char* name = getenv("SH_FAILOPEN_NAME");
	const char* arm = getenv("SH_FAILOPEN_ARM");
	const char* at = getenv("SH_FAILOPEN_AT");
	const char* base;
	struct stat sb;
	char line[4200];
	int n, fail;
	if(!path || !name || !arm || !at)
		return 0;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if(strcmp(base, name) != 0 || stat(arm, &sb) != 0)
		return 0;
	n = __atomic_add_fetch(&failopen_count, 1, __ATOMIC_SEQ_CST);
	fail = n == atoi(at);
	snprintf(line, sizeof(line), "%d %s %s\n", n, path,
		fail ? "failed" : "ok");
	failopen_log(line);
	return fail;
}

/**
 * The mode argument of an open that creates.
 * @param flags: the open flags.
 * @param ap: the variable arguments.
 * @return the mode, 0 when none was given.
 */
static mode_t
failopen_mode(int flags, va_list ap)
{
	if((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

int
openat(int dirfd, const char* path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = failopen_mode(flags, ap);
	va_end(ap);
	if(failopen_decide(path)) {
		errno = EIO;
		return -1;
	}
	return ((openat_fn)failopen_next("openat"))(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char* path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = failopen_mode(flags, ap);
	va_end(ap);
	if(failopen_decide(path)) {
		errno = EIO;
		return -1;
	}
	return ((openat_fn)failopen_next("openat64"))(dirfd, path, flags,
		mode);
}

int
open(const char* path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = failopen_mode(flags, ap);
	va_end(ap);
	return openat(AT_FDCWD, path, flags, mode);
}

int
open64(const char* path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	va_start(ap, flags);
	mode = failopen_mode(flags, ap);
	va_end(ap);
	return openat64(AT_FDCWD, path, flags, mode);
}

FILE*
fopen(const char* path, const char* how)
{
	if(failopen_decide(path)) {
		errno = EIO;
		return NULL;
	}
	return ((fopen_fn)failopen_next("fopen"))(path, how);
}

FILE*
fopen64(const char* path, const char* how)
{
	if(failopen_decide(path)) {
		errno = EIO;
		return NULL;
	}
	return ((fopen_fn)failopen_next("fopen64"))(path, how);
}
