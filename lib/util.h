/*
 * lib/util.h - the small helpers every part of unbound-sinkhole shares.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * One home for the helpers that used to be written again in each file
 * that needed them: reading a whole file under a size limit, UTF-8
 * validation, RFC 3339 and civil-date parsing, writing a whole buffer,
 * the diagnostic forwarder that keeps the first error, and starting a
 * thread with every signal blocked.  (Which directory entries are feed
 * files is the formats' rule: sh_feed_file_wanted, lib/formats/detect.c.)  The header needs neither the core's public
 * header nor an Unbound one, so the core (lib/), the module glue
 * (module/), sinkholectl (tools/) and the report (report/) all use it.
 * Every name starts with sh_.
 */

#ifndef SH_UTIL_H
#define SH_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct sh_diag_msg;

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/** Why sh_file_read failed. */
enum sh_file_error {
	/** the file was read */
	SH_FILE_OK = 0,
	/** open(2) failed; errno in sys_errno */
	SH_FILE_EOPEN,
	/** not a regular file (a directory, a device, a FIFO) */
	SH_FILE_ENOTREG,
	/** larger than the limit; its size in st.st_size */
	SH_FILE_ETOOBIG,
	/** out of memory */
	SH_FILE_ENOMEM,
	/** fstat(2) or read(2) failed; errno in sys_errno */
	SH_FILE_EREAD
};

/** A whole file read into memory. */
struct sh_file {
	/** the contents, NUL terminated (malloced, caller frees); NULL on
	 * failure */
	char* data;
	/** their length; at most the limit plus one (a file that grew past
	 * the limit after fstat is read one byte over it, for the caller's
	 * size check) */
	size_t len;
	/** identity of the file read, from fstat(2) of the descriptor the
	 * bytes came from (set unless the error is SH_FILE_EOPEN) */
	struct stat st;
	/** the reason of a failure, SH_FILE_OK on success */
	enum sh_file_error error;
	/** errno of SH_FILE_EOPEN and SH_FILE_EREAD, else 0 */
	int sys_errno;
};

/**
 * Read a whole regular file, refusing one over the size limit.  The
 * bytes and the identity come from one descriptor, so a file replaced
 * while it is read is never paired with the other version's stat.
 * @param path: the file.
 * @param max: the size limit in bytes.
 * @param out: filled in; out->data is malloced (caller frees) on
 *	success and NULL on failure.
 * @return 1 on success, 0 on failure (out->error says why).
 */
int sh_file_read(const char* path, size_t max, struct sh_file* out);

/**
 * Open a regular file for reading, refusing one over the size limit:
 * the checks of sh_file_read, without the read.  Symbolic links are
 * followed; the descriptor is close-on-exec and non-blocking (a FIFO
 * put in place of a file cannot hang the open).
 * @param path: the file.
 * @param max: the size limit in bytes.
 * @param out: cleared; out->st, out->error and out->sys_errno filled in
 *	as sh_file_read does (out->data stays NULL).
 * @return the descriptor (caller closes), or -1 on failure (out->error
 *	says why).
 */
int sh_file_open(const char* path, size_t max, struct sh_file* out);

/**
 * Read from a descriptor until EOF or cap bytes; EINTR is retried.
 * @param fd: the descriptor.
 * @param buf: destination of cap bytes.
 * @param cap: how many to read at most.
 * @param have: set to how many were read (also on an error).
 * @return 1 on success, 0 on a read error (errno set).
 */
int sh_file_read_fd(int fd, char* buf, size_t cap, size_t* have);

/**
 * Describe a failure of sh_file_read, without the file name, for
 * instance "cannot open: No such file or directory" or "file is 30
 * bytes, larger than the limit of 20 bytes".
 * @param f: the failed read.
 * @param buf: destination, NUL terminated.
 * @param len: its size.
 * @return buf.
 */
const char* sh_file_strerror(const struct sh_file* f, char* buf, size_t len);

/**
 * Whether two stats are the same version of a file: device, inode,
 * size, modification and change times all equal.
 * @param a: one stat.
 * @param b: the other.
 * @return 1 if the same, 0 if not.
 */
int sh_file_same(const struct stat* a, const struct stat* b);

/**
 * Write a whole buffer, looping on partial writes and EINTR.
 * @param fd: the descriptor.
 * @param buf: the bytes.
 * @param n: their number.
 * @return the number of bytes written; less than n on an error (errno
 *	set by write(2)).
 */
size_t sh_write_all(int fd, const char* buf, size_t n);

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/**
 * Length of the UTF-8 sequence at s, strictly per RFC 3629: no overlong
 * forms, no surrogates, nothing over U+10FFFF.
 * @param s: the bytes; at least one is readable.
 * @param n: bytes readable at s, >= 1.
 * @return 1 for an ASCII byte, 2 to 4 for a valid sequence, 0 if the
 *	bytes are not valid UTF-8 (or the sequence is cut off by n).
 */
size_t sh_utf8_len(const unsigned char* s, size_t n);

/**
 * Write a Unicode code point as UTF-8.
 * @param cp: the code point, at most 0x10ffff and not a surrogate.
 * @param out: destination of 4 bytes (not NUL terminated).
 * @return the bytes written, 1 to 4.
 */
size_t sh_utf8_put(unsigned long cp, char out[4]);

/**
 * Value of four hexadecimal digits (a JSON \u escape).
 * @param s: the digits; 4 bytes must be readable.
 * @return the value, or -1 if one is not a hex digit.
 */
long sh_hex4(const char* s);

/**
 * Parse an RFC 3339 date-time ("2026-11-29T08:44:16.123Z", 't' or ' '
 * for 'T', 'z' for 'Z', or a "+HH:MM"/"-HH:MM" offset; the fraction is
 * truncated to milliseconds) or, when allowed, a civil date alone
 * ("YYYY-MM-DD", midnight UTC).  Dates are proleptic Gregorian and
 * checked (no February 30); a leap second :60 is accepted.
 * @param s: the text, need not be NUL terminated.
 * @param len: its length; the whole text must be the time.
 * @param date_ok: 1 to accept a date alone, 0 to require a date-time.
 * @param ms: set to milliseconds since 1970-01-01T00:00:00Z.
 * @return 1 on success, 0 if the text is not such a time.
 */
int sh_time_parse(const char* s, size_t len, int date_ok, int64_t* ms);

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */
/* ------------------------------------------------------------------ */

/** Diagnostic forwarding that keeps the first error. */
struct sh_diag_first {
	/** the callback every diagnostic goes on to, or NULL */
	void (*diag)(void* arg, const struct sh_diag_msg* msg);
	/** its argument */
	void* arg;
	/** the first error, as "file:line:column: error: text" (malloced,
	 * the owner frees; sh_diag_first_take hands it over), or NULL */
	char* first;
	/** errors after the first one, so the kept text can say so */
	unsigned more;
};

/**
 * A sh_diag_fn: keep the first error's text in a struct sh_diag_first
 * and forward every diagnostic to its callback.
 * @param arg: a struct sh_diag_first.
 * @param msg: the diagnostic.
 */
void sh_diag_first_cb(void* arg, const struct sh_diag_msg* msg);

/**
 * Take the first error kept so far and start over.  When more errors
 * followed it, the text ends with "(and N more errors: ...)", so that a
 * status file or a reload_failed event that carries one error does not
 * hide the others (every one went to the callback).
 * @param df: the forwarder.
 * @return the malloced text (caller frees), or NULL if none was kept.
 */
char* sh_diag_first_take(struct sh_diag_first* df);

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

/**
 * Start a thread with every signal blocked in it, so that signals keep
 * going to the resolver's own threads.  The caller's mask is restored.
 * @param thread: set to the new thread.
 * @param fn: its function.
 * @param arg: fn's argument.
 * @param name: thread name shown in /proc/PID/task/TID/comm (at most 15
 *	bytes), so that its CPU time can be told from the resolver's.
 * @return 1 on success, 0 on failure (errno set).
 */
int sh_thread_start(pthread_t* thread, void* (*fn)(void*), void* arg,
	const char* name);

/* ------------------------------------------------------------------ */

/** allocations of at least this many bytes are advised for huge pages */
#define SH_HUGE_PAGE ((size_t)2 * 1024 * 1024)

/**
 * Allocate zeroed memory for a large table that is read at random: at
 * least SH_HUGE_PAGE bytes are aligned to and advised for transparent
 * huge pages (one TLB entry per 2 MiB), smaller ones to align.
 * @param bytes: size, more than 0.
 * @param align: alignment of a small allocation, a power of two and a
 *	multiple of sizeof(void*).
 * @return the memory, to be freed with free(), or NULL when out of
 *	memory.
 */
void* sh_alloc_zero_huge(size_t bytes, size_t align);

#endif /* SH_UTIL_H */
