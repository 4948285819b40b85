/*
 * internal.h - private helpers shared by the core library's files.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Declarations used across lib/ but not part of the public API in
 * include/sinkhole.h: diagnostic helpers and small utilities.  Nothing
 * here may include an Unbound header.
 */

#ifndef SH_INTERNAL_H
#define SH_INTERNAL_H

#include "sinkhole.h"

#if defined(__GNUC__)
#define SH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SH_PRINTF(f, a)
#endif

/**
 * Bytes a record with a name of namelen bytes takes in a feed's record
 * arena: the head, the name, rounded up to 4.
 * @param namelen: length of the name.
 * @return the record's size.
 */
static inline size_t
sh_rec_size(size_t namelen)
{
	return (SH_REC_HEAD + namelen + 3) & ~(size_t)3;
}

/**
 * The record at a position of a feed.
 * @param feed: the feed.
 * @param pos: position of a record (segment index << SH_SEG_SHIFT,
 *	plus its offset in the segment).
 * @return the record.
 */
static inline const struct sh_rec*
sh_rec_at(const struct sh_feed* feed, size_t pos)
{
	return (const struct sh_rec*)(const void*)(feed->segs[pos >>
		SH_SEG_SHIFT]->recs + (pos & (SH_SEG_BYTES - 1)));
}

/**
 * One past the last position a feed's records can have.
 * @param feed: the feed.
 * @return the end of its positions.
 */
static inline size_t
sh_feed_pos_end(const struct sh_feed* feed)
{
	return feed->num_segs << SH_SEG_SHIFT;
}

/**
 * The position of the record after one.
 * @param feed: the feed.
 * @param pos: position of a record.
 * @return the next record's, or sh_feed_pos_end after the last.
 */
static inline size_t
sh_feed_pos_next(const struct sh_feed* feed, size_t pos)
{
	size_t si = pos >> SH_SEG_SHIFT;
	size_t next = pos + sh_rec_size(sh_rec_at(feed, pos)->namelen);
	if((next & (SH_SEG_BYTES - 1)) >= feed->segs[si]->len)
		next = (si + 1) << SH_SEG_SHIFT;
	return next;
}

/**
 * The line of the record at a position, in the file.
 * @param feed: the feed.
 * @param pos: position of a record.
 * @return its 1-based line.
 */
static inline unsigned
sh_rec_line(const struct sh_feed* feed, size_t pos)
{
	return feed->seg_line[pos >> SH_SEG_SHIFT] + sh_rec_at(feed,
		pos)->line;
}

/**
 * Report a diagnostic through a callback, formatting the text.
 * Does nothing when diag is NULL.
 * @param diag: callback, may be NULL.
 * @param arg: its argument.
 * @param sev: severity.
 * @param file: file name, NULL for "-".
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format of the text.
 */
void sh_diag_emit(sh_diag_fn diag, void* arg, enum sh_severity sev,
	const char* file, unsigned line, unsigned column,
	const char* fmt, ...) SH_PRINTF(7, 8);

/**
 * sh_diag_emit with a va_list, and the mapping flag of the message.
 * @param diag: callback, may be NULL.
 * @param arg: its argument.
 * @param sev: severity.
 * @param mapping: 1 for a mapping note (struct sh_diag_msg).
 * @param file: file name, NULL for "-".
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format of the text.
 * @param ap: its arguments.
 */
void sh_diag_vemit(sh_diag_fn diag, void* arg, enum sh_severity sev,
	int mapping, const char* file, unsigned line, unsigned column,
	const char* fmt, va_list ap) SH_PRINTF(8, 0);

/**
 * strdup that reports nothing; NULL in gives NULL out.
 * @param s: string or NULL.
 * @return malloced copy (caller frees) or NULL (also on out of memory).
 */
char* sh_strdup(const char* s);

/**
 * Free a NULL-terminated array of malloced strings, and the array.
 * @param v: the array, may be NULL.
 */
void sh_strv_free(char** v);

/**
 * ASCII lower-case of one byte, locale independent.
 * @param c: the byte.
 * @return lower-case byte.
 */
static inline uint8_t
sh_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

struct sh_yaml;

/**
 * Read an absolute path from the configuration (lib/config.c).
 * @param y: the reader, before the value.
 * @param name: the key, for messages.
 * @param out: set to the malloced path (caller frees); a previous value
 *	is freed.
 * @return 1 on success, 0 on error (reported with file:line:column).
 */
int sh_config_read_path(struct sh_yaml* y, const char* name, char** out);

/**
 * Fill the listener settings with their defaults (README "Triage").
 * @param lc: the settings.
 */
void sh_config_listener_default(struct sh_listener_config* lc);

/**
 * Read the "listener" section of the configuration (lib/config_listener.c).
 * Errors are reported through the reader with file:line:column.
 * @param y: the reader, before the section's value.
 * @param lc: the settings to fill; strings are malloced, freed by
 *	sh_config_listener_free.
 */
void sh_config_listener_read(struct sh_yaml* y,
	struct sh_listener_config* lc);

/**
 * Free the strings of the listener settings.
 * @param lc: the settings.
 */
void sh_config_listener_free(struct sh_listener_config* lc);

/* ------------------------------------------------------------------ */
/* JSON lines (lib/event.c), shared with the sinkhole listener         */
/* ------------------------------------------------------------------ */

/** A JSON line being written into a caller's buffer. */
struct sh_jbuf {
	/** destination (the caller's) */
	char* buf;
	/** its size */
	size_t len;
	/** bytes written so far */
	size_t pos;
	/** 0 once something did not fit */
	int ok;
};

/**
 * Start a line in a caller's buffer.
 * @param b: the line to set up.
 * @param buf: destination, owned by the caller; NULL makes every append
 *	fail.
 * @param len: its size.
 */
void sh_jb_init(struct sh_jbuf* b, char* buf, size_t len);

/**
 * Append bytes as they are (JSON punctuation, keys).
 * @param b: the line; marked failed when the bytes do not fit.
 * @param s: the bytes.
 * @param n: their number.
 */
void sh_jb_mem(struct sh_jbuf* b, const char* s, size_t n);

/**
 * Append a NUL terminated literal as it is.
 * @param b: the line.
 * @param s: the text.
 */
void sh_jb_raw(struct sh_jbuf* b, const char* s);

/**
 * Append a quoted JSON string, escaped with sh_json_escape.
 * @param b: the line.
 * @param s: the bytes; NULL is written as an empty string.
 * @param n: their number.
 */
void sh_jb_strn(struct sh_jbuf* b, const char* s, size_t n);

/**
 * Append a key and a quoted, escaped NUL terminated string value.
 * @param b: the line.
 * @param key: literal text before the value, e.g. ",\"name\":".
 * @param s: the value; NULL is written as an empty string.
 */
void sh_jb_kstr(struct sh_jbuf* b, const char* key, const char* s);

/**
 * Append a key and an unsigned number.
 * @param b: the line.
 * @param key: literal text before the value.
 * @param v: the number.
 */
void sh_jb_kuint(struct sh_jbuf* b, const char* key, unsigned long v);

/**
 * Open an ECS line: '{', "@timestamp" and "ecs.version".
 * @param b: the line.
 * @param ts: the time of the event.
 */
void sh_jb_open(struct sh_jbuf* b, const struct timespec* ts);

/**
 * End a line: '\n' and, when there is room, a NUL after it.
 * @param b: the line.
 * @return the line length including '\n', or 0 if it did not fit (the
 *	caller must then not write the buffer).
 */
size_t sh_jb_close(struct sh_jbuf* b);

/**
 * Text of a socket address.  An IPv4-mapped IPv6 address is written as
 * the IPv4 address.
 * @param sa: the address.
 * @param salen: its length.
 * @param ip: destination of INET6_ADDRSTRLEN bytes.
 * @param port: set to the port.
 * @param v6: set to 1 for IPv6, 0 for IPv4.
 * @return 1 on success, 0 for an unknown or short address.
 */
int sh_sockaddr_text(const struct sockaddr* sa, socklen_t salen, char* ip,
	unsigned* port, int* v6);

#endif /* SH_INTERNAL_H */
