/*
 * formats.h - feed readers for every format, and the feed builder they share.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Every feed format becomes the same struct sh_feed.  A reader walks its
 * format and hands each indicator to the feed builder (struct sh_fb):
 * the name as text with its position, the action, the optional metadata
 * and, for RPZ local data, the indicator's own sinkhole address.  The
 * builder applies the same rules to every format: name syntax, no root
 * and no top-level domain, max_indicators, expiry, duplicates, the feed
 * id.  So a Sigma rule, a STIX bundle, an RPZ zone and a hosts file get
 * the same limits and the same file:line:column diagnostics as the
 * native YAML feed.
 *
 * Readers of the other formats also say what they took and what they
 * left out, and why: sh_fb_map reports a note with the mapping flag set
 * (struct sh_diag_msg), one per item, which `sinkholectl lint` prints.
 *
 * One reader per file: native.c is lib/feed.c (the native YAML
 * reader), sigma.c, stix.c, rpz.c and list.c here; detect.c recognises
 * the format and dispatches.  Only lib/ includes this header.
 */

#ifndef SH_FORMATS_H
#define SH_FORMATS_H

#include "internal.h"
#include "yamlread.h"

/** Bytes at the start of a file that sh_format_detect looks at: the
 * format of a file is known from its first SH_DETECT_WINDOW bytes. */
#define SH_DETECT_WINDOW 65536

/** The formats a feed file can be in. */
enum sh_format {
	/** our own YAML feed (README "Feed format") */
	SH_FORMAT_NATIVE = 0,
	/** Sigma detection rules, one or several YAML documents */
	SH_FORMAT_SIGMA,
	/** a STIX 2.1 bundle, JSON (or YAML) */
	SH_FORMAT_STIX,
	/** an RPZ zone file */
	SH_FORMAT_RPZ,
	/** a plain list of names, a hosts file, adblock-style lines */
	SH_FORMAT_LIST,
	/** number of formats */
	SH_FORMAT_COUNT
};

/**
 * The feed being built.  Readers use the fields marked public; the rest
 * is the builder's (build.c).
 */
struct sh_fb {
	/** public: the feed; readers set id, description, version,
	 * references, default_action and default_confidence directly (the
	 * builder frees them with the feed) */
	struct sh_feed* feed;
	/** public: file name for diagnostics */
	const char* file;
	/** public: limits */
	struct sh_limits lim;
	/** public: the current time, for expiry */
	time_t now;
	/** public: diagnostics callback, may be NULL */
	sh_diag_fn diag;
	/** public: its argument */
	void* arg;
	/** errors reported through the builder */
	size_t errors;
	/** 1 after an error that stops the reader (a limit, out of memory) */
	int fatal;
	/** entries seen, expired and broken ones included */
	size_t seen;
	/** public: the previous version of the same file, whose segments
	 * the new version shares where they are the same (the caller holds
	 * a reference until sh_fb_finish), or NULL */
	const struct sh_feed* prev;
	/** 1 while the feed's last segment is open (being filled) */
	int seg_open;
	/** entries allocated in feed->segs and feed->seg_line */
	size_t segs_cap;
	/** the arena this load's new segments are written to (a
	 * reference), or NULL before the first */
	struct sh_seg_arena* arena;
	/** entries allocated for the open segment's meta */
	size_t meta_cap;
	/** position of the record stored last */
	size_t last_pos;
	/** merge: the slot of the indicator being stored */
	size_t merge_slot;
	/** the shareable segments of prev, sorted by digest, or NULL */
	struct sh_seg** twins;
	/** number of twins */
	size_t num_twins;
	/** 1 once twins was made (or could not be) */
	int twins_done;
	/** number of feed->sources */
	size_t num_sources;
	/** public: 1 to merge a name given twice (same name, exact flag
	 * and kind: the later one is left out with a mapping note; a name
	 * both blocked and allowed: the later one is left out with a
	 * warning) instead of refusing the file, for formats where one
	 * name in several rules or objects is normal (Sigma, STIX) */
	int merge;
	/** merge: hash slots (high half hash tag, low half record
	 * offset / 4 + 1) */
	uint64_t* slot;
	/** merge: number of slots, a power of two */
	size_t slot_cap;
};

/**
 * A reader: walk data and add its indicators to the builder.
 * @param fb: the builder, with an empty feed.
 * @param data: the file contents; need not be NUL terminated.
 * @param len: their length.
 * @return 1 if the reader found no error, 0 if it did (reported).  The
 *	file is refused when the reader or the builder reported an error.
 */
typedef int (*sh_format_reader)(struct sh_fb* fb, const char* data,
	size_t len);

/** The native YAML reader (lib/feed.c).  @see sh_format_reader */
int sh_read_native(struct sh_fb* fb, const char* data, size_t len);

/**
 * The native YAML reader on a streamed text (lib/feed.c): as
 * sh_read_native, but the text is read from a source as it is parsed
 * (sh_yaml_open_reader), never held whole.
 * @param fb: the builder, with an empty feed.
 * @param read: the source of the text.
 * @param rarg: its argument.
 * @param chunk: bytes read at a time, 0 for SH_YAML_CHUNK.
 * @return as sh_format_reader.
 */
int sh_read_native_stream(struct sh_fb* fb, sh_yaml_read_fn read,
	void* rarg, size_t chunk);

/**
 * Load a native feed from a streamed text (lib/feed.c): sh_feed_parse
 * of a native file, but the text is read from a source as it is parsed
 * and hashed as it is read, so only a window of it is ever held.
 * sh_feed_load streams native files through it; the tests and fuzz_feed
 * call it with sources of their own.  The feed, its diagnostics and its
 * sha256 are those sh_feed_parse gives for the same bytes, except that a
 * bad byte (invalid UTF-8, a control character) after the first window
 * is reported after the errors before it (see yamlread.h).
 * @param name: file name for diagnostics and feed->path, or NULL ("-").
 * @param prev: the previous version of the file, whose record segments
 *	the new one shares where they are the same (the caller keeps its
 *	reference), or NULL.
 * @param read: the source of the text.
 * @param rarg: its argument.
 * @param chunk: bytes read at a time, 0 for SH_YAML_CHUNK.
 * @param lim: limits, or NULL for the defaults; max_file_bytes is
 *	enforced as the bytes arrive.
 * @param now: the current time, for expiry.
 * @param diag: diagnostics, may be NULL.
 * @param arg: their argument.
 * @return a new feed with one reference (caller unrefs), or NULL on an
 *	error (reported); a failure of the source is such an error.
 */
struct sh_feed* sh_feed_stream(const char* name, const struct sh_feed* prev,
	sh_yaml_read_fn read, void* rarg, size_t chunk,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg);
/** The Sigma reader (sigma.c).  @see sh_format_reader */
int sh_read_sigma(struct sh_fb* fb, const char* data, size_t len);
/** The STIX 2.1 reader (stix.c).  @see sh_format_reader */
int sh_read_stix(struct sh_fb* fb, const char* data, size_t len);
/** The RPZ zone reader (rpz.c).  @see sh_format_reader */
int sh_read_rpz(struct sh_fb* fb, const char* data, size_t len);
/** The plain list and hosts file reader (list.c).  @see sh_format_reader */
int sh_read_list(struct sh_fb* fb, const char* data, size_t len);

/**
 * Name of a format as shown by lint and in feed->format.
 * @param f: the format.
 * @return static string ("native", "sigma", "stix", "rpz", "list").
 */
const char* sh_format_name(enum sh_format f);

/**
 * sh_feed_parse, sharing the record segments that are the same with
 * the previous version of the file.
 * @param name: file name for diagnostics.
 * @param data: the contents.
 * @param len: their length.
 * @param prev: the previous version (the caller keeps its reference),
 *	or NULL.
 * @param lim: limits, or NULL for the defaults.
 * @param now: the current time.
 * @param diag: diagnostics, may be NULL.
 * @param arg: their argument.
 * @return a new feed with one reference, or NULL (reported).
 */
struct sh_feed* sh_feed_parse_prev(const char* name, const char* data,
	size_t len, const struct sh_feed* prev, const struct sh_limits* lim,
	time_t now, sh_diag_fn diag, void* arg);

/**
 * Recognise a file's format (sh_feed_format_detect as an enum).  Only
 * the first SH_DETECT_WINDOW bytes are looked at, so the first
 * SH_DETECT_WINDOW bytes of a file (or all of a shorter one) give the
 * same answer as the whole file.
 * @param name: file name, for its extension, or NULL.
 * @param data: contents, or their first SH_DETECT_WINDOW bytes.
 * @param len: their length.
 * @return the format.
 */
enum sh_format sh_format_detect(const char* name, const char* data,
	size_t len);

/* ------------------------------------------------------------------ */
/* Record segments (segment.c)                                         */
/* ------------------------------------------------------------------ */

/**
 * Append an indicator's record to the open segment (opening one, or
 * sealing a full one and opening the next, as needed), and its meta
 * entry when it has optional fields.  A content boundary after it seals
 * the segment, which is then replaced by its twin in fb->prev if there
 * is one.
 * @param fb: the builder.
 * @param ind: the indicator; on success what it owns (comment, tags,
 *	addr, unicode) passes to the segment, on failure it stays with
 *	the caller.
 * @param wire: its canonical name.
 * @param len: its length, at most SH_NAME_MAX.
 * @return 1 on success, 0 when out of memory or out of positions.
 */
int sh_seg_store(struct sh_fb* fb, const struct sh_indicator* ind,
	const uint8_t* wire, size_t len);

/**
 * Seal the open segment, if any, and cut the feed's segment arrays to
 * size; drop the index of fb->prev.
 * @param fb: the builder.
 */
void sh_seg_finish(struct sh_fb* fb);

/**
 * Take a reference to a segment (atomic).
 * @param seg: the segment, or NULL.
 * @return seg.
 */
struct sh_seg* sh_seg_ref(struct sh_seg* seg);

/**
 * Drop a reference to a segment; the last one frees it and what its
 * meta entries own.
 * @param seg: the segment, or NULL.
 */
void sh_seg_unref(struct sh_seg* seg);

/* ------------------------------------------------------------------ */
/* The feed builder (build.c)                                          */
/* ------------------------------------------------------------------ */

/**
 * Start building a feed.
 * @param fb: the builder to set up; finish it with sh_fb_finish, also
 *	after a failure.
 * @param file: file name (copied into feed->path; used in messages).
 * @param lim: limits, or NULL for the defaults.
 * @param now: the current time.
 * @param format: the format being read, for feed->format.
 * @param diag: diagnostics, may be NULL.
 * @param arg: their argument.
 * @return 1 on success, 0 when out of memory (reported).
 */
int sh_fb_init(struct sh_fb* fb, const char* file,
	const struct sh_limits* lim, time_t now, enum sh_format format,
	sh_diag_fn diag, void* arg);

/**
 * Finish the feed: move the names behind the indicators, look for
 * duplicates, hash the file (sh_fb_finish_digest with the SHA-256 of
 * data).
 * @param fb: the builder; released.
 * @param data: the file contents, for the SHA-256.
 * @param len: their length.
 * @param ok: 0 if the reader found an error (the feed is freed).
 * @return the feed with one reference (caller unrefs), or NULL when the
 *	reader or the builder reported an error.
 */
struct sh_feed* sh_fb_finish(struct sh_fb* fb, const char* data,
	size_t len, int ok);

/**
 * Finish the feed as sh_fb_finish does, with the file's SHA-256 already
 * computed: for a file that was streamed and hashed as it was read, and
 * so is not in memory.
 * @param fb: the builder; released.
 * @param sha256: the SHA-256 of the file as 64 lower-case hex digits
 *	and a NUL (as sh_sha256_hex writes it); copied to feed->sha256.
 * @param ok: 0 if the reader found an error (the feed is freed).
 * @return as sh_fb_finish.
 */
struct sh_feed* sh_fb_finish_digest(struct sh_fb* fb, const char sha256[65],
	int ok);

/**
 * A SHA-256 digest as lower-case hex, as feeds' sha256 fields hold it
 * (sh_sha256_hex and the streamed load's incremental hash).
 * @param d: the 32-byte digest.
 * @param hex: destination of 65 bytes, NUL terminated.
 */
void sh_sha256_to_hex(const uint8_t d[32], char hex[65]);

/**
 * Report a diagnostic about the file; errors are counted and refuse it.
 * @param fb: the builder.
 * @param sev: severity.
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format.
 */
void sh_fb_report(struct sh_fb* fb, enum sh_severity sev, unsigned line,
	unsigned column, const char* fmt, ...) SH_PRINTF(5, 6);

/**
 * Report a mapping note: what was taken from an item of the file, or
 * what was left out and why.
 * @param fb: the builder.
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format.
 */
void sh_fb_map(struct sh_fb* fb, unsigned line, unsigned column,
	const char* fmt, ...) SH_PRINTF(4, 5);

/**
 * Report an item left out (a mapping note) and count it in
 * feed->num_skipped.
 * @param fb: the builder.
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format.
 */
void sh_fb_skip(struct sh_fb* fb, unsigned line, unsigned column,
	const char* fmt, ...) SH_PRINTF(4, 5);

/**
 * Set up an indicator for sh_fb_add: no flags, inherit the action,
 * confidence -1, no metadata.  An allow entry gets SH_IND_ALLOW and
 * SH_ACTION_ALLOW.
 * @param ind: the indicator.
 * @param line: its line.
 * @param column: its column.
 * @param allow: 1 for an allow entry.
 */
void sh_fb_ind_init(struct sh_indicator* ind, unsigned line,
	unsigned column, int allow);

/**
 * Count one entry of the file against max_indicators.  Over the limit
 * an error is reported and the builder becomes fatal.
 * @param fb: the builder.
 * @param line: the entry's line.
 * @param column: its column.
 * @return 1 if within the limit.
 */
int sh_fb_count(struct sh_fb* fb, unsigned line, unsigned column);

/**
 * Parse a name for an indicator or allow entry, with the rules every
 * format shares: valid presentation syntax, no NUL, not the root, not a
 * top-level domain.  A refusal is reported at line:column with the
 * severity the reader chooses: SH_SEV_ERROR refuses the file (native
 * feeds, lists), SH_SEV_WARNING leaves the item out (formats where a
 * value that is no usable name is a skip, not a broken file).
 * @param fb: the builder.
 * @param text: the name; need not be NUL terminated.
 * @param len: its length.
 * @param line: its line.
 * @param column: its column.
 * @param allow: 1 for an allow entry (messages).
 * @param sev: severity of a refusal.
 * The name is read with sh_name_from_feed: Unicode names become their
 * A-labels, ambiguous escapes are refused, its warnings are reported.
 * @param wire: destination of SH_NAME_MAX bytes.
 * @param unicode: if not NULL, set to the malloced U-label form (or
 *	NULL; a previous value is freed); the caller owns it.
 * @return the wire length, or 0 if refused (reported).
 */
size_t sh_fb_name(struct sh_fb* fb, const char* text, size_t len,
	unsigned line, unsigned column, int allow, enum sh_severity sev,
	uint8_t wire[SH_NAME_MAX], char** unicode);

/**
 * Store an indicator whose name is already parsed.  An indicator that
 * expired at or before now is left out with a note and counted in
 * feed->num_expired.
 * @param fb: the builder.
 * @param ind: the indicator (line, column, flags, action, metadata);
 *	ownership of its comment, tags, addr and unicode passes to the
 *	builder,
 *	also on failure; src must come from sh_fb_source.
 * @param wire: the canonical wire name.
 * @param len: its length.
 * @return 1 if stored or left out as expired, 0 when out of memory
 *	(reported, fatal).
 */
int sh_fb_add_wire(struct sh_fb* fb, struct sh_indicator* ind,
	const uint8_t* wire, size_t len);

/**
 * Count, parse and store an indicator given as text: sh_fb_count,
 * sh_fb_name, sh_fb_add_wire.
 * @param fb: the builder.
 * @param ind: as sh_fb_add_wire (freed when the name is refused).
 * @param text: the name.
 * @param len: its length.
 * @param sev: severity of a refused name (see sh_fb_name).
 * @return 1 if stored (or expired), 0 if refused or on a fatal error.
 */
int sh_fb_add(struct sh_fb* fb, struct sh_indicator* ind, const char* text,
	size_t len, enum sh_severity sev);

/**
 * Add a source rule to the feed, for ind->src.
 * @param fb: the builder.
 * @param id: the rule id, or NULL (copied).
 * @param title: the rule title, or NULL (copied).
 * @return the source, owned by the feed, or NULL when out of memory
 *	(reported, fatal).
 */
const struct sh_source* sh_fb_source(struct sh_fb* fb, const char* id,
	const char* title);

/**
 * Whether a feed id is valid: [a-z0-9][a-z0-9._-]{0,63}.
 * @param id: the id.
 * @return 1 if valid.
 */
int sh_fb_id_valid(const char* id);

/**
 * Make a valid feed id from free text (a rule id, a zone origin, a file
 * name): lower case, other characters become '-', cut to 64.
 * @param text: the text.
 * @param len: its length.
 * @return a malloced id (caller frees), or NULL when nothing usable is
 *	left or out of memory.
 */
char* sh_fb_id_from(const char* text, size_t len);

/**
 * Set the feed id from the file's base name without its extension
 * (sh_fb_id_from), with a mapping note, for files that give no id.
 * @param fb: the builder.
 * @param why: why, for the note: "the bundle has no 'id'".
 * @return 1 on success, 0 when the name makes no id (reported).
 */
int sh_fb_id_from_file(struct sh_fb* fb, const char* why);

/**
 * Whether a reference is an http:// or https:// URL without spaces.
 * @param url: the reference.
 * @return 1 if acceptable.
 */
int sh_fb_url_valid(const char* url);

/**
 * Append a string to a NULL-terminated string array.
 * @param v: the array (may be NULL); replaced by the grown one.
 * @param s: the string (copied).
 * @return 1 on success, 0 when out of memory (the array is unchanged).
 */
int sh_fb_strv_add(char*** v, const char* s);

/**
 * Whether text looks like a host name: letters, digits, '-', '_', '.'
 * and bytes >= 0x80 (internationalised names), at least one dot, no
 * empty label except a final dot, a last label that is not all digits
 * (an IPv4 address).  Used by readers of formats whose
 * values are not always names (Sigma, STIX) before they take one.
 * @param text: the text.
 * @param len: its length.
 * @return 1 if it is host-like.
 */
int sh_fb_hostlike(const char* text, size_t len);

#endif /* SH_FORMATS_H */
