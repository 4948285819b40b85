/*
 * sinkhole.h - public API of the unbound-sinkhole core library.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The core of unbound-sinkhole: domain names, indicator feeds, the compiled
 * domain set, the module configuration, the answer policy and the client
 * event log.  Everything declared here is plain C99 with POSIX threads; no
 * Unbound header is needed to use it.  The Unbound-facing glue in module/
 * and the sinkholectl tool in tools/ are both built on this API, and the
 * unit tests in tests/unit exercise it directly.
 *
 * Conventions, as in Unbound:
 *  - functions that can fail return 1 on success and 0 on failure, unless
 *    documented otherwise; errors about input are reported through an
 *    sh_diag callback with file, line and column;
 *  - "wire" names are uncompressed DNS wire format, at most SH_NAME_MAX
 *    bytes including the root label; "canonical" means lower-cased ASCII
 *    letters (RFC 4034 section 6.2);
 *  - ownership is written on every function that allocates: the caller
 *    frees what a *_new, *_load or *_build returns with the matching
 *    *_free or *_unref.
 */

#ifndef SINKHOLE_H
#define SINKHOLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

/** Maximum length of a wire-format domain name, including the root. */
#define SH_NAME_MAX 255
/** Maximum length of one label. */
#define SH_LABEL_MAX 63
/**
 * Maximum length of a name in escaped presentation format: every byte of
 * a 255 byte name escaped as \DDD, plus the terminating NUL.
 */
#define SH_NAME_TEXT_MAX (SH_NAME_MAX * 4 + 1)

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */
/* ------------------------------------------------------------------ */

/** Severity of a diagnostic. */
enum sh_severity {
	/** the input is refused */
	SH_SEV_ERROR = 0,
	/** the input is accepted, but the operator should look at it */
	SH_SEV_WARNING,
	/** informational, for instance an expired indicator skipped */
	SH_SEV_NOTE
};

/** One diagnostic about an input file. */
struct sh_diag_msg {
	/** severity */
	enum sh_severity severity;
	/** file name as given to the loader; never NULL ("-" for none) */
	const char* file;
	/** 1-based line, 0 when not known */
	unsigned line;
	/** 1-based column, 0 when not known */
	unsigned column;
	/** the message, without file and position; never NULL */
	const char* text;
	/** 1 for a mapping note: what a feed reader took from a file in
	 * another format, or left out and why (sinkholectl lint prints
	 * them; the module logs them only at verbosity 3); 0 otherwise */
	int mapping;
};

/**
 * Callback that receives diagnostics.  The message and its strings are
 * only valid during the call.
 * @param arg: user argument given to the loader.
 * @param msg: the diagnostic.
 */
typedef void (*sh_diag_fn)(void* arg, const struct sh_diag_msg* msg);

/**
 * Format a diagnostic as "file:line:column: error: text".
 * Line and column are left out when zero.
 * @param msg: the diagnostic.
 * @param buf: destination, always NUL terminated when len > 0.
 * @param len: size of buf.
 * @return the length the full string would have (as snprintf).
 */
int sh_diag_format(const struct sh_diag_msg* msg, char* buf, size_t len);

/* ------------------------------------------------------------------ */
/* Domain names                                                        */
/* ------------------------------------------------------------------ */

/**
 * Parse a name in presentation format into canonical wire format.
 * Accepts an optional trailing dot, RFC 1035 escapes (\X and \DDD), and
 * letters in any case (lower-cased in the output).  Refuses empty labels,
 * labels over 63 bytes, names over 255 bytes and bad escapes.  The root
 * name "." is parsed (callers decide whether they accept it).
 * @param text: NUL terminated presentation name.
 * @param out: destination of SH_NAME_MAX bytes.
 * @param err: if not NULL, set to a static description on failure.
 * @return the wire length (>= 1), or 0 on failure.
 */
size_t sh_name_from_text(const char* text, uint8_t out[SH_NAME_MAX],
	const char** err);

/**
 * Validate an uncompressed wire name and copy it in canonical form.
 * @param wire: the name; need not be NUL terminated.
 * @param maxlen: bytes available at wire.
 * @param out: destination of SH_NAME_MAX bytes.
 * @return the wire length, or 0 if the name is malformed (bad label
 *	length, compression pointer, longer than maxlen or SH_NAME_MAX).
 */
size_t sh_name_canon(const uint8_t* wire, size_t maxlen,
	uint8_t out[SH_NAME_MAX]);

/**
 * Number of labels in a valid wire name, not counting the root label.
 * @param wire: valid wire name.
 * @return label count; 0 for the root.
 */
unsigned sh_name_labels(const uint8_t* wire);

/**
 * Write a valid wire name in presentation format, escaped losslessly:
 * "." inside a label becomes "\.", "\" becomes "\\", a '"' becomes "\"",
 * and every byte outside printable ASCII (0x21..0x7e) becomes \DDD, so
 * the result is pure printable ASCII and parses back to the same bytes
 * with sh_name_from_text.  The root is ".", other names carry no
 * trailing dot.
 * @param wire: valid wire name.
 * @param out: destination.
 * @param outlen: size of out; SH_NAME_TEXT_MAX is always enough.
 * @return length written (excluding NUL), or 0 if out is too small.
 */
size_t sh_name_to_text(const uint8_t* wire, char* out, size_t outlen);

/**
 * Compare two wire names for equality, ignoring ASCII case.
 * @param a: a valid wire name.
 * @param b: another valid wire name.
 * @return 1 if equal, 0 if not.
 */
int sh_name_equal(const uint8_t* a, const uint8_t* b);

/** Size of the warning and error texts of struct sh_feed_name. */
#define SH_FEED_NAME_MSG_MAX 768

/** A domain name as written in a feed, parsed by sh_name_from_feed. */
struct sh_feed_name {
	/** canonical wire name: A-labels, never raw UTF-8 from the text */
	uint8_t wire[SH_NAME_MAX];
	/** its length */
	size_t len;
	/** the name with U-labels (UTF-8, lower case, no trailing dot)
	 * when it has valid A-labels, else NULL; malloced, the caller
	 * frees it (or takes it over) */
	char* unicode;
	/** a warning for the operator, "" when none */
	char warning[SH_FEED_NAME_MSG_MAX];
	/** why the name was refused, "" on success */
	char error[SH_FEED_NAME_MSG_MAX];
};

/**
 * Parse a domain name as written by a person or a feed publisher, with
 * the rules every feed reader applies (documented in README.md, "Names
 * in feeds"):
 *  - a name with non-ASCII characters is an internationalised name: it
 *    is converted to A-labels with IDNA2008 and UTS #46 processing
 *    (non-transitional, as libidn2 does it), so bücher.example becomes
 *    xn--bcher-kva.example, the name clients ask for; what does not
 *    convert is refused; such a name may not hold backslashes;
 *  - in an ASCII name, only the escapes sh_name_to_text writes are
 *    taken: \. (a dot inside a label), \\ (a backslash), \" and \DDD
 *    (any byte); any other \X is refused as ambiguous (RFC 1035 reads
 *    it as X, which is never what "back\slash" meant);
 *  - xn-- labels are checked; an invalid one is kept as written, with
 *    a warning.  Raw bytes >= 0x80 given with \DDD are kept, with a
 *    warning (clients that use IDNA never ask for them).
 * @param text: NUL terminated name.
 * @param out: filled in; on success the caller frees out->unicode.
 * @return 1 on success, 0 if refused (out->error says why, nothing to
 *	free).
 */
int sh_name_from_feed(const char* text, struct sh_feed_name* out);

/* ------------------------------------------------------------------ */
/* The public suffix list (ECS dns.question fields)                    */
/* ------------------------------------------------------------------ */

/** A name split by the public suffix list, in presentation form. */
struct sh_psl_parts {
	/** the public suffix, ECS top_level_domain ("co.uk"); never empty
	 * for a name that is not the root */
	char top_level_domain[SH_NAME_TEXT_MAX];
	/** one label more, ECS registered_domain ("evil.co.uk"); empty
	 * when the name is itself a public suffix */
	char registered_domain[SH_NAME_TEXT_MAX];
	/** the labels under it, ECS subdomain ("www.cdn"); empty when none */
	char subdomain[SH_NAME_TEXT_MAX];
};

/**
 * Read the public suffix list: the newer of the packaged file
 * (/usr/share/publicsuffix) and libpsl's built-in copy.  Call once at
 * startup, before threads split names (it reads a file); without it the
 * built-in copy is used.
 * @return 1 if a list was read, 0 if not (the built-in one stays).
 */
int sh_psl_load(void);

/** Free the list sh_psl_load read.  Not while names are being split. */
void sh_psl_unload(void);

/**
 * Split a name by the public suffix list.  Never reads a file, never
 * allocates; any thread may call it.  Names are written escaped as
 * sh_name_to_text does, without a trailing dot.
 * @param wire: a valid wire name.
 * @param p: filled in (all empty on failure).
 * @return 1, or 0 for the root.
 */
int sh_psl_split(const uint8_t* wire, struct sh_psl_parts* p);

/* ------------------------------------------------------------------ */
/* DNS mnemonics                                                       */
/* ------------------------------------------------------------------ */

/**
 * Mnemonic of an RR type ("A", "AAAA", "HTTPS", ...), or "TYPEnnn"
 * (RFC 3597) written to buf for unknown types.
 * @param type: the type.
 * @param buf: scratch of at least 16 bytes, used for unknown types.
 * @return the name, static or buf.
 */
const char* sh_rrtype_name(uint16_t type, char buf[16]);
/**
 * Mnemonic of a class ("IN", "CH", ...), or "CLASSnnn" (RFC 3597)
 * written to buf for unknown classes.
 * @param klass: the class.
 * @param buf: scratch of at least 16 bytes, used for unknown classes.
 * @return the name, static or buf.
 */
const char* sh_rrclass_name(uint16_t klass, char buf[16]);
/**
 * Mnemonic of an rcode ("NOERROR", "NXDOMAIN", ...), or "RCODEnn"
 * written to buf for unknown ones.
 * @param rcode: the response code.
 * @param buf: scratch of at least 16 bytes, used for unknown codes.
 * @return the name, static or buf.
 */
const char* sh_rcode_name(int rcode, char buf[16]);

/* ------------------------------------------------------------------ */
/* Actions                                                             */
/* ------------------------------------------------------------------ */

/** What the resolver does with a name that matched. */
enum sh_action {
	/** no decision: inherit (feed default, then config default) */
	SH_ACTION_INHERIT = 0,
	/** A/AAAA from the sinkhole addresses, NODATA for other types */
	SH_ACTION_SINKHOLE,
	/** NXDOMAIN with the sinkhole SOA */
	SH_ACTION_NXDOMAIN,
	/** NOERROR, no answer, the sinkhole SOA */
	SH_ACTION_NODATA,
	/** REFUSED */
	SH_ACTION_REFUSE,
	/** allow-list entry: resolve normally */
	SH_ACTION_ALLOW
};

/**
 * Name of an action as written in YAML ("sinkhole", "nxdomain", ...).
 * @param action: the action.
 * @return static string; "inherit" for SH_ACTION_INHERIT.
 */
const char* sh_action_name(enum sh_action action);

/**
 * Parse an action name.  "allow" and "inherit" are not accepted.
 * @param text: the name, exact lower case.
 * @param out: the action.
 * @return 1 on success, 0 if unknown.
 */
int sh_action_parse(const char* text, enum sh_action* out);

/* ------------------------------------------------------------------ */
/* Indicator feeds                                                     */
/* ------------------------------------------------------------------ */

/** Limits applied while reading YAML files (feeds and config). */
struct sh_limits {
	/** maximum file size in bytes */
	size_t max_file_bytes;
	/** maximum nesting depth of YAML collections */
	unsigned max_depth;
	/** maximum number of indicators (block and allow) in one feed */
	size_t max_indicators;
	/** maximum length of a scalar string value in bytes */
	size_t max_scalar_bytes;
};

/**
 * Fill limits with the documented defaults: 64 MiB, depth 16,
 * 2,000,000 indicators, 4096-byte scalars.
 * @param lim: limits to fill.
 */
void sh_limits_default(struct sh_limits* lim);

/** Indicator flag: matches only the name itself, not subdomains. */
#define SH_IND_EXACT 0x01
/** Indicator flag: an allow-list entry. */
#define SH_IND_ALLOW 0x02

/**
 * The rule or object an indicator was taken from, in a feed converted
 * from another format (a Sigma rule, a STIX indicator).  Logged as
 * rule.uuid and rule.description.  Owned by its sh_feed.
 */
struct sh_source {
	/** the rule's id (Sigma id, STIX id), or NULL */
	char* id;
	/** the rule's title (Sigma title, STIX name), or NULL */
	char* title;
};

/**
 * Sinkhole addresses of one indicator, overriding the configuration's
 * for that indicator (RPZ local data: "name A 192.0.2.1").  A query of
 * a type the indicator has no address for gets NODATA.  Owned by its
 * sh_feed.
 */
struct sh_ind_addr {
	/** 1 when ipv4 is set */
	uint8_t have4;
	/** 1 when ipv6 is set */
	uint8_t have6;
	/** IPv4 address, network order */
	uint8_t ipv4[4];
	/** IPv6 address, network order */
	uint8_t ipv6[16];
};

/**
 * One indicator of a feed, as a view: filled from the feed's compact
 * storage by sh_feed_iter_next, sh_feed_ind_get or a match.  The view
 * is the caller's; every pointer in it points into the feed, which owns
 * what it points to.  Format readers fill one to hand an indicator to
 * the builder, which takes over comment, tags, addr and unicode.
 */
struct sh_indicator {
	/** canonical wire name (in the feed's record) */
	const uint8_t* name;
	/** length of name */
	size_t namelen;
	/** position of the indicator's record in its feed (segment index
	 * and offset, see SH_SEG_SHIFT); it tells two indicators of a feed
	 * apart */
	size_t off;
	/** SH_IND_* flags */
	unsigned flags;
	/** own action, or SH_ACTION_INHERIT; SH_ACTION_ALLOW for allows */
	enum sh_action action;
	/** line and column of the indicator in the file */
	unsigned line, column;
	/** first_seen as UTC seconds, or 0 */
	time_t first_seen;
	/** expires as UTC seconds, or 0 for never */
	time_t expires;
	/** confidence 0..100, or -1 when not given */
	int confidence;
	/** comment, or NULL */
	char* comment;
	/** tags, NULL-terminated array, or NULL */
	char** tags;
	/** own sinkhole addresses, or NULL for the configuration's */
	struct sh_ind_addr* addr;
	/** the rule it came from (one of feed->sources), or NULL */
	const struct sh_source* src;
	/** the name with U-labels (UTF-8) when it has A-labels, or NULL;
	 * logged as threat.indicator.name */
	char* unicode;
};

/** Record flag: the indicator has an entry in its segment's meta. */
#define SH_REC_META 0x80
/** Bytes of a record before its name. */
#define SH_REC_HEAD 11

/**
 * One indicator as a feed stores it: a variable-size record in one of
 * the feed's record segments, 4-byte aligned, SH_REC_HEAD bytes and
 * then the name.  Most indicators are a name and nothing else, so the
 * record holds only what every one has; the optional fields live in
 * the segment's meta.  Use sh_feed_iter_next rather than reading
 * records.
 */
struct sh_rec {
	/** line of the indicator in the file, counted from the line of
	 * its segment's first record (feed->seg_line), so that a segment
	 * reads the same wherever lines were added or removed above it */
	uint32_t line;
	/** column of the indicator in the file */
	uint32_t column;
	/** SH_IND_* flags, and SH_REC_META */
	uint8_t flags;
	/** own action (enum sh_action) */
	uint8_t action;
	/** length of name */
	uint8_t namelen;
	/** canonical wire name, namelen bytes */
	uint8_t name[];
};

/**
 * The optional fields of one indicator, for the indicators of a feed
 * that have any.  Owned by the record segment.
 */
struct sh_ind_meta {
	/** offset of the indicator's record in its segment */
	size_t off;
	/** confidence 0..100, or -1 */
	int confidence;
	/** first_seen, or 0 */
	time_t first_seen;
	/** expires, or 0 */
	time_t expires;
	/** comment (malloced), or NULL */
	char* comment;
	/** tags (malloced NULL-terminated array), or NULL */
	char** tags;
	/** own sinkhole addresses (malloced), or NULL */
	struct sh_ind_addr* addr;
	/** the rule it came from (one of feed->sources), or NULL */
	const struct sh_source* src;
	/** U-label form of the name (malloced), or NULL */
	char* unicode;
};

/** Bits of a record position (struct sh_indicator off) that hold the
 * offset inside its segment; the bits above hold the segment's index. */
#define SH_SEG_SHIFT 20
/** Most bytes of records one segment holds (1 MiB). */
#define SH_SEG_BYTES ((size_t)1 << SH_SEG_SHIFT)

struct sh_seg_arena;

/**
 * A run of consecutive records of a feed, a few thousand indicators
 * long, and their optional fields.  The unit that two versions of a
 * feed file share: a reload that finds a segment byte for byte the same
 * as one of the previous version (its lines counted from its first
 * record, so lines added above do not matter) takes that one over
 * instead of keeping a second copy.  Reference counted (atomically) by
 * the feeds that use it; immutable once sealed.
 */
struct sh_seg {
	/** references held by feeds; freed when it drops to 0 */
	unsigned refs;
	/** 1 if it may be shared: no meta entry points at its feed's
	 * sources (which the next version does not keep) */
	int shareable;
	/** records, back to back */
	uint8_t* recs;
	/** the load arena recs lies in (lib/formats/segment.c), or NULL
	 * when recs is a malloc'd block of its own */
	struct sh_seg_arena* arena;
	/** bytes of recs in use, at most SH_SEG_BYTES */
	size_t len;
	/** number of records */
	size_t num_ind;
	/** optional fields of the records that have any, sorted by off */
	struct sh_ind_meta* meta;
	/** number of meta entries */
	size_t num_meta;
	/** hash of the records and meta entries, to find a twin */
	uint64_t digest;
};

/**
 * One parsed feed file.  Reference counted (atomically), immutable once
 * loaded.  Only the loader creates feeds.  The indicators are records
 * (struct sh_rec) back to back in segments, so an indicator costs
 * SH_REC_HEAD bytes plus its name, rounded up to 4; the few with
 * optional fields also have an entry in their segment's meta.  A
 * record's position is its segment's index shifted by SH_SEG_SHIFT
 * plus its offset in the segment.
 */
struct sh_feed {
	/** references held; the feed is freed when it drops to 0 */
	unsigned refs;
	/** path the feed was read from */
	char* path;
	/** feed id, unique across the loaded feeds */
	char* id;
	/** description, or NULL */
	char* description;
	/** reference URLs, NULL-terminated array, or NULL */
	char** references;
	/** optional version string given in the file, or NULL */
	char* version;
	/** default action of the feed, or SH_ACTION_INHERIT */
	enum sh_action default_action;
	/** default confidence, or -1 */
	int default_confidence;
	/** SHA-256 of the file contents, lower-case hex, NUL terminated */
	char sha256[65];
	/** when the file was loaded, UTC seconds */
	time_t loaded_at;
	/** record segments (block and allow), in file order; none is
	 * empty */
	struct sh_seg** segs;
	/** line of each segment's first record */
	unsigned* seg_line;
	/** number of segments */
	size_t num_segs;
	/** segments taken over from the previous version of the file */
	size_t num_shared;
	/** bytes of records, all segments together */
	size_t recs_len;
	/** number of indicators */
	size_t num_ind;
	/** number of meta entries, all segments together */
	size_t num_meta;
	/** how many indicators were skipped because they expired */
	size_t num_expired;
	/** the format the file was read as: "native", "sigma", "stix",
	 * "rpz" or "list" (static string) */
	const char* format;
	/** rules the indicators came from, NULL-terminated array of
	 * malloced sources, or NULL */
	struct sh_source** sources;
	/** items of the file that were not taken (not a host name, an
	 * unsupported modifier or trigger, revoked), counted by readers of
	 * other formats */
	size_t num_skipped;
};

/**
 * Parse one feed file, in any supported format: the native YAML feed,
 * a Sigma rule file, a STIX 2.1 bundle, an RPZ zone, a plain list or
 * hosts file.  The format is recognised by content, with the file name
 * extension as a hint (see sh_feed_format_detect).  The whole file is
 * refused on any error; diagnostics carry file:line:column.  Readers of
 * other formats report what they took and what they left out, and why,
 * as notes with the mapping flag set.  Expired indicators (expires at
 * or before now) are left out and counted, with a note per indicator.
 * @param path: file to read.
 * @param lim: limits, or NULL for the defaults.
 * @param now: the current time, for expiry.
 * @param diag: receives errors, warnings and notes; may be NULL.
 * @param arg: argument for diag.
 * @return a new feed with one reference (caller unrefs it), or NULL on
 *	failure (an error was reported through diag).
 */
struct sh_feed* sh_feed_load(const char* path, const struct sh_limits* lim,
	time_t now, sh_diag_fn diag, void* arg);

/**
 * Load a new version of a feed file, as sh_feed_load, sharing with the
 * previous version every record segment that is the same in both (see
 * struct sh_seg): a reload with a few lines changed holds a few new
 * segments next to the running version, not a second copy of it.
 * feed->num_shared tells how many segments were shared.
 * @param path: file to read.
 * @param prev: the version loaded before from the same file (the
 *	caller keeps its reference), or NULL.
 * @param lim: limits, or NULL for the defaults.
 * @param now: the current time, for expiry.
 * @param diag: receives errors, warnings and notes; may be NULL.
 * @param arg: argument for diag.
 * @return a new feed with one reference (caller unrefs it), or NULL on
 *	failure (an error was reported through diag).
 */
struct sh_feed* sh_feed_load_next(const char* path,
	const struct sh_feed* prev, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg);

/**
 * Parse a feed from memory, as sh_feed_load.
 * @param name: file name to use in diagnostics.
 * @param data: the YAML text; need not be NUL terminated.
 * @param len: its length.
 * @param lim: limits, or NULL for the defaults.
 * @param now: the current time, for expiry.
 * @param diag: receives errors, warnings and notes; may be NULL.
 * @param arg: argument for diag.
 * @return as sh_feed_load.
 */
struct sh_feed* sh_feed_parse(const char* name, const char* data,
	size_t len, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg);

/**
 * Which format a feed file is in, by content, with the extension of
 * name as a hint when the content does not tell.
 * @param name: file name (for its extension), or NULL.
 * @param data: the contents.
 * @param len: their length.
 * @return "native", "sigma", "stix", "rpz" or "list" (static).
 */
const char* sh_feed_format_detect(const char* name, const char* data,
	size_t len);

/**
 * Whether a directory entry names a feed file the loaders read: not a
 * dotfile, an editor's backup (~), swap (.swp) or temporary (.tmp)
 * file, and ending in .yaml, .yml (native, Sigma, STIX in YAML), .json
 * (STIX), .rpz, .zone (RPZ), .txt, .hosts or .list (plain lists).
 * @param name: the entry name.
 * @return 1 if it is a feed file.
 */
int sh_feed_file_wanted(const char* name);

/**
 * Write a feed, whatever format it was read from, as a native YAML feed
 * (sinkholectl convert).  Loading the text gives the same indicators,
 * flags, actions, times, confidences, tags, comments, own addresses and
 * rules, and the same feed id, description, version, references and
 * defaults.
 * @param feed: the feed.
 * @param len: set to the length of the text.
 * @return the text, malloced (caller frees), NUL terminated; NULL when
 *	out of memory.
 */
char* sh_feed_to_yaml(const struct sh_feed* feed, size_t* len);

/**
 * SHA-256 of bytes as lower-case hex, as feeds' sha256 fields hold it.
 * @param data: the bytes.
 * @param len: their number.
 * @param hex: destination of 65 bytes, NUL terminated.
 */
void sh_sha256_hex(const char* data, size_t len, char hex[65]);

/** A cursor over the indicators of a feed, in file order. */
struct sh_feed_iter {
	/** the feed */
	const struct sh_feed* feed;
	/** position of the next record */
	size_t off;
	/** index of the next meta entry in the record's segment */
	size_t meta;
};

/**
 * Start a cursor at a feed's first indicator.
 * @param it: the cursor.
 * @param feed: the feed; it must outlive the cursor's use.
 */
void sh_feed_iter_init(struct sh_feed_iter* it, const struct sh_feed* feed);

/**
 * The next indicator of a feed.
 * @param it: the cursor.
 * @param ind: filled in (a view into the feed).
 * @return ind, or NULL after the last indicator.
 */
const struct sh_indicator* sh_feed_iter_next(struct sh_feed_iter* it,
	struct sh_indicator* ind);

/**
 * The indicator whose record is at a position (a match's ind.off, a
 * set's reference); its optional fields are found by binary search.
 * @param feed: the feed.
 * @param off: position of a record in the feed.
 * @param ind: filled in (a view into the feed).
 * @return ind.
 */
const struct sh_indicator* sh_feed_ind_get(const struct sh_feed* feed,
	size_t off, struct sh_indicator* ind);

/**
 * Take a reference to a feed (atomic: any thread may).
 * @param feed: the feed, or NULL.
 * @return feed; the caller drops the reference with sh_feed_unref.
 */
struct sh_feed* sh_feed_ref(struct sh_feed* feed);
/**
 * Drop a reference to a feed; the last one frees it.
 * @param feed: the feed; NULL is fine.
 */
void sh_feed_unref(struct sh_feed* feed);

/* ------------------------------------------------------------------ */
/* The compiled domain set                                             */
/* ------------------------------------------------------------------ */

/** The compiled, immutable set of all indicators.  Read-only once built,
 * so any number of threads may match against it without locking. */
struct sh_set;

/** The result of a match. */
struct sh_match {
	/** effective action: the indicator's, else its feed's default,
	 * else the default given to sh_set_build.  SH_ACTION_ALLOW when an
	 * allow entry is the most specific match. */
	enum sh_action action;
	/** the matched entry's canonical wire name, inside the set */
	const uint8_t* name;
	/** the feed of the matched entry */
	const struct sh_feed* feed;
	/** the matched indicator (a view into feed) */
	struct sh_indicator ind;
};

/**
 * Build a set from feeds.  Feeds are taken in array order; when two
 * feeds list the same name with the same exact flag, the first one
 * wins and a warning is reported.  Two feeds with the same id are an
 * error: the later one is left out.
 * @param feeds: the feeds; the set takes its own references.
 * @param num: number of feeds.
 * @param default_action: action for indicators and feeds that give none.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return the new set (caller frees with sh_set_free), or NULL when out
 *	of memory.
 */
struct sh_set* sh_set_build(struct sh_feed* const* feeds, size_t num,
	enum sh_action default_action, sh_diag_fn diag, void* arg);

/**
 * Free a set and drop its feed references.
 * @param set: the set; NULL is fine.
 */
void sh_set_free(struct sh_set* set);

/**
 * Find the most specific entry that covers a name.  An entry covers its
 * own name, and every name below it unless it is exact.  Matching is
 * ASCII case-insensitive; qname need not be canonical.
 * @param set: the set.
 * @param qname: a valid wire name.
 * @param m: filled in on a match.
 * @return 1 if an entry matched (including an allow entry), 0 if none.
 */
int sh_set_match(const struct sh_set* set, const uint8_t* qname,
	struct sh_match* m);

/**
 * Number of entries (block and allow) in the set.
 * @param set: the set.
 * @return the count.
 */
size_t sh_set_count(const struct sh_set* set);
/**
 * Number of feeds in the set.
 * @param set: the set.
 * @return the count.
 */
size_t sh_set_num_feeds(const struct sh_set* set);
/**
 * The i-th feed of the set, in the order given to sh_set_build.
 * @param set: the set.
 * @param i: index below sh_set_num_feeds.
 * @return the feed (the set holds a reference; valid while the set is).
 */
const struct sh_feed* sh_set_feed(const struct sh_set* set, size_t i);
/**
 * Bytes of memory held by the set itself (not the feeds).
 * @param set: the set.
 * @return the bytes.
 */
size_t sh_set_memory(const struct sh_set* set);

/**
 * Callback of sh_set_foreach: one entry of the set.
 * @param arg: user argument.
 * @param m: the entry as a match would return it (its effective action,
 *	name, feed and indicator); valid only during the call.
 * @return 1 to go on, 0 to stop.
 */
typedef int (*sh_set_entry_fn)(void* arg, const struct sh_match* m);

/**
 * Visit every entry of the set once, in no particular order: the
 * entries that won over duplicates, with their effective action, as
 * sh_set_match would report them.  Used by export.
 * @param set: the set.
 * @param fn: called for each entry.
 * @param arg: argument for fn.
 * @return 1 if every entry was visited, 0 if fn stopped early.
 */
int sh_set_foreach(const struct sh_set* set, sh_set_entry_fn fn, void* arg);

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

/** Environment variable naming the module's configuration file. */
#define SH_CONFIG_ENV "UNBOUND_SINKHOLE_CONF"
#ifndef SH_CONFIG_DEFAULT
/** Compiled-in default path of the configuration file. */
#define SH_CONFIG_DEFAULT "/etc/unbound/sinkhole.yaml"
#endif

/** Most TCP ports the sinkhole listener binds. */
#define SH_LISTENER_PORTS_MAX 64

/**
 * Settings of the sinkhole listener (sinkhole-listener), the "listener"
 * section of the same file.  The module reads and ignores them; the
 * listener binds the sinkhole.ipv4 and sinkhole.ipv6 addresses of the
 * same file, so both always agree on the address handed out.
 */
struct sh_listener_config {
	/** 1 if the file has a listener section */
	int present;
	/** the listener's event log (JSON lines), absolute path */
	char* log_file;
	/** TCP ports to listen on */
	uint16_t ports[SH_LISTENER_PORTS_MAX];
	/** number of ports */
	size_t num_ports;
	/** user to switch to after binding, or NULL to stay (not as root) */
	char* user;
	/** most connections open at once; more are closed at accept */
	unsigned max_connections;
	/** most bytes read from one connection */
	size_t max_bytes;
	/** longest a connection stays open, ms */
	unsigned timeout_ms;
	/** record ICMP echo requests (a raw socket) */
	int icmp;
	/** record UDP probes (a raw socket) */
	int udp;
	/** most ICMP and UDP events logged per second; more are counted */
	unsigned max_packets_per_second;
};

/** The module configuration. */
struct sh_config {
	/** path the configuration was read from */
	char* path;
	/** identity of this resolver in the log (default: host name) */
	char* identity;
	/** directory with feed files */
	char* feed_dir;
	/** event log file */
	char* log_file;
	/** capacity of the event queue between resolver threads and the
	 * log writer, in bytes */
	size_t log_queue_bytes;
	/** default action */
	enum sh_action action;
	/** sinkhole IPv4 address, network order */
	uint8_t ipv4[4];
	/** sinkhole IPv6 address, network order */
	uint8_t ipv6[16];
	/** TTL of sinkhole answers, and SOA minimum */
	uint32_t ttl;
	/** SOA MNAME of sinkhole answers, canonical wire */
	uint8_t soa_mname[SH_NAME_MAX];
	/** SOA RNAME of sinkhole answers, canonical wire */
	uint8_t soa_rname[SH_NAME_MAX];
	/** attach Extended DNS Error 15 (Blocked) when the client sent EDNS */
	int ede;
	/** limits for reading feeds */
	struct sh_limits limits;
	/** seconds between periodic rescans of the feed directory (a
	 * fallback for missed inotify events); 0 disables them */
	unsigned reload_interval;
	/** quiet time after a change before the reload starts, ms */
	unsigned reload_debounce_ms;
	/** status file, rewritten atomically (default: log file + ".status") */
	char* status_file;
	/** seconds between stats events in the log and status rewrites */
	unsigned stats_interval;
	/** the sinkhole listener's settings */
	struct sh_listener_config listener;
};

/**
 * Find the configuration file: the SH_CONFIG_ENV variable if set and
 * not empty, else SH_CONFIG_DEFAULT.
 * @return static or environment string; do not free.
 */
const char* sh_config_path(void);

/**
 * Read and validate the configuration.  Unknown keys, wrong types and
 * bad values are errors with file:line:column.
 * @param path: the YAML file.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return a new config (caller frees with sh_config_free), or NULL.
 */
struct sh_config* sh_config_load(const char* path, sh_diag_fn diag,
	void* arg);

/** The text a configuration was parsed from and its file's identity,
 * so a reload can keep the last good text and tell whether the file
 * changed without reading it again. */
struct sh_config_source {
	/** the file's bytes, NUL terminated (malloced; free with
	 * sh_config_source_clear) */
	char* text;
	/** their length */
	size_t len;
	/** identity of the version read: fstat(2) of the descriptor the
	 * bytes came from */
	struct stat st;
};

/**
 * Read and validate the configuration, as sh_config_load, reading the
 * file exactly once, and hand back what was parsed.
 * @param path: the YAML file.
 * @param src: if not NULL, filled in on success with the text parsed
 *	and the identity of the file it came from (ownership passes to the
 *	caller); zeroed on failure.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return a new config (caller frees with sh_config_free), or NULL.
 */
struct sh_config* sh_config_read(const char* path,
	struct sh_config_source* src, sh_diag_fn diag, void* arg);

/**
 * Free the text of a configuration source and zero it.
 * @param src: the source.
 */
void sh_config_source_clear(struct sh_config_source* src);

/**
 * Parse a configuration from memory, as sh_config_load.
 * @param name: file name to use in diagnostics.
 * @param data: the YAML text; need not be NUL terminated.
 * @param len: its length.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return a new config (caller frees with sh_config_free), or NULL.
 */
struct sh_config* sh_config_parse(const char* name, const char* data,
	size_t len, sh_diag_fn diag, void* arg);

/**
 * Free a configuration.
 * @param cfg: the configuration; NULL is fine.
 */
void sh_config_free(struct sh_config* cfg);

/* ------------------------------------------------------------------ */
/* Answer policy                                                       */
/* ------------------------------------------------------------------ */

/** DNS constants used by the policy; values from RFC 1035 and later. */
enum {
	SH_TYPE_A = 1, SH_TYPE_NS = 2, SH_TYPE_CNAME = 5, SH_TYPE_SOA = 6,
	SH_TYPE_AAAA = 28, SH_TYPE_DS = 43, SH_TYPE_RRSIG = 46,
	SH_TYPE_DNSKEY = 48, SH_TYPE_ANY = 255,
	SH_CLASS_IN = 1,
	SH_RCODE_NOERROR = 0, SH_RCODE_SERVFAIL = 2, SH_RCODE_NXDOMAIN = 3,
	SH_RCODE_REFUSED = 5,
	SH_EDE_BLOCKED = 15
};

/** What the answer to a sinkholed query contains. */
struct sh_answer_plan {
	/** response code */
	int rcode;
	/** AA flag */
	int aa;
	/** answer RR type (SH_TYPE_A or SH_TYPE_AAAA), 0 for no answer */
	uint16_t an_type;
	/** answer rdata (4 or 16 bytes) */
	const uint8_t* an_rdata;
	/** answer rdata length */
	size_t an_rdlen;
	/** 1 if the authority section carries the sinkhole SOA */
	int soa;
	/** owner of the SOA: the matched indicator's name (a valid wire
	 * name inside the set) */
	const uint8_t* soa_owner;
	/** TTL of every record */
	uint32_t ttl;
};

/**
 * Decide the answer for a query that matched a blocking entry.
 * ANY is answered like A.  For sinkhole, types other than A and AAAA
 * get NODATA with the SOA.
 * @param cfg: configuration (addresses, TTL).
 * @param m: the match; m->action must be a blocking action.
 * @param qtype: the query type.
 * @param plan: filled in.
 */
void sh_answer_plan(const struct sh_config* cfg, const struct sh_match* m,
	uint16_t qtype, struct sh_answer_plan* plan);

/**
 * Decide the answer for a query that matched a blocking entry, with
 * the rules that depend on who asks and in which class: addresses only
 * exist in class IN (another class gets NODATA with the SOA), and a
 * query the resolver makes by itself (a name server address, a DS, a
 * prefetch) is never handed a sinkhole address, which it could go on to
 * use: it gets NXDOMAIN with the SOA.  Otherwise as sh_answer_plan.
 * The module's first answer and its rebuilt CNAME chains both use it.
 * @param cfg: configuration (addresses, TTL).
 * @param m: the match; m->action must be a blocking action.
 * @param qtype: the query type.
 * @param qclass: the query class.
 * @param internal: 1 when the resolver itself asks (no client).
 * @param plan: filled in.
 */
void sh_answer_plan_query(const struct sh_config* cfg,
	const struct sh_match* m, uint16_t qtype, uint16_t qclass,
	int internal, struct sh_answer_plan* plan);

/**
 * Encode SOA rdata for the sinkhole zone: MNAME, RNAME, serial,
 * refresh 3600, retry 600, expire 86400, minimum = ttl.
 * @param cfg: configuration.
 * @param serial: the serial (for instance the set's load time).
 * @param out: destination of at least 2*SH_NAME_MAX+20 bytes.
 * @return rdata length.
 */
size_t sh_soa_rdata(const struct sh_config* cfg, uint32_t serial,
	uint8_t* out);

/**
 * Text for Extended DNS Error 15: "blocked by unbound-sinkhole feed ID".
 * @param feed_id: the feed id.
 * @param buf: destination.
 * @param len: size of buf.
 * @return length of the text (truncated to len-1).
 */
size_t sh_ede_text(const char* feed_id, char* buf, size_t len);

/* ------------------------------------------------------------------ */
/* Client events                                                       */
/* ------------------------------------------------------------------ */

/** Transport a query arrived over. */
enum sh_transport {
	SH_TRANSPORT_UDP = 0,
	SH_TRANSPORT_TCP,
	SH_TRANSPORT_TLS,
	SH_TRANSPORT_HTTPS,
	/** no client: the resolver asked by itself */
	SH_TRANSPORT_INTERNAL
};

/** One sinkholed query by one client, as handed to the event log. */
struct sh_event {
	/** when, UTC */
	struct timespec time;
	/** client address, or NULL for internal queries */
	const struct sockaddr* client;
	/** length of client */
	socklen_t client_len;
	/** transport */
	enum sh_transport transport;
	/** query name as the client sent it (case kept), valid wire */
	const uint8_t* qname;
	/** query type */
	uint16_t qtype;
	/** query class */
	uint16_t qclass;
	/** DNS message id of the client's query */
	uint16_t qid;
	/** action taken */
	enum sh_action action;
	/** response code sent */
	int rcode;
	/** why: "query" for a client's own question; later reasons are
	 * "cname", "ns", "subquery", "egress" */
	const char* reason;
	/** the matched indicator's wire name */
	const uint8_t* indicator;
	/** the matched feed's id (rule.ruleset), or NULL */
	const char* feed_id;
	/** the feed's first reference URL (rule.reference), or NULL */
	const char* feed_reference;
	/** threat.indicator.confidence, 0..100: the indicator's own, else
	 * its feed's default; -1 for none ("Not Specified") */
	int confidence;
	/** id of the rule the indicator came from (rule.uuid), or NULL */
	const char* rule_uuid;
	/** title of that rule (rule.description), or NULL */
	const char* rule_title;
	/** the indicator's U-label form when it has A-labels, logged as
	 * threat.indicator.name (its display name; rule.name keeps the
	 * A-labels), or NULL */
	const char* indicator_unicode;
	/** for reason "cname": the names from the question to the
	 * sinkholed name (valid wire names), logged as
	 * unbound_sinkhole.chain; NULL when there is none */
	const uint8_t* const* chain;
	/** number of names in chain, at most SH_CHAIN_MAX */
	size_t chain_len;
	/** 1 for a note: the guard fired while resolving the question, but
	 * the client got the normal answer (a stopped minimisation probe, a
	 * sinkholed name server dropped from a zone that has others).
	 * Logged with event.kind "event" and event.type ["info"] instead
	 * of an alert. */
	int note;
};

/** Most names in an event's chain (Unbound follows at most 11 CNAMEs). */
#define SH_CHAIN_MAX 16

/**
 * Longest event line sh_event_format can produce: a 255-byte name of
 * escaped bytes takes about 1.3 KB, and feed ids and reference URLs
 * may each be up to max_scalar_bytes, and a chain has up to
 * SH_CHAIN_MAX names.
 */
#define SH_EVENT_LINE_MAX 32768

/**
 * Fill an event's rule fields from the matched feed and indicator:
 * feed_id, feed_reference, confidence, rule_uuid, rule_title and
 * indicator_unicode.  The
 * event points into them (borrowed): they must outlive its formatting.
 * @param ev: the event.
 * @param feed: the matched feed, or NULL.
 * @param ind: the matched indicator, or NULL.
 */
void sh_event_set_rule(struct sh_event* ev, const struct sh_feed* feed,
	const struct sh_indicator* ind);

/**
 * Format an event as one ECS JSON line, terminated by '\n'.  The field
 * reference is in README.md.  Every string is JSON-escaped; the query
 * name is escaped losslessly with sh_name_to_text first.
 * @param ev: the event.
 * @param identity: the resolver identity (observer.name).
 * @param buf: destination.
 * @param len: size of buf; SH_EVENT_LINE_MAX is always enough.
 * @return the line length including '\n', or 0 if buf was too small
 *	(a truncated line is never written).
 */
size_t sh_event_format(const struct sh_event* ev, const char* identity,
	char* buf, size_t len);

/**
 * Append s as JSON string contents (no quotes) to buf: '"', '\' and
 * control characters are escaped; bytes >= 0x80 that do not form valid
 * UTF-8 are written as \u00XX of the byte value.
 * @param buf: destination.
 * @param len: size of buf.
 * @param s: source bytes.
 * @param slen: number of source bytes.
 * @return bytes written, or (size_t)-1 if buf is too small.
 */
size_t sh_json_escape(char* buf, size_t len, const char* s, size_t slen);

/* ------------------------------------------------------------------ */
/* Event log writer                                                    */
/* ------------------------------------------------------------------ */

/** The asynchronous event log.  Thread-safe. */
struct sh_log;

/** Counters of a log. */
struct sh_log_stats {
	/** lines accepted into the queue */
	uint64_t submitted;
	/** lines written to the file */
	uint64_t written;
	/** lines dropped because the queue was full or the file failed */
	uint64_t dropped;
	/** times the file was reopened (rotation) */
	uint64_t reopened;
	/** write errors */
	uint64_t errors;
};

/**
 * Open the log file (O_APPEND|O_CREAT, mode 0640) and start the writer
 * thread.  Resolver threads hand whole lines to sh_log_submit, which
 * copies them into a bounded queue and never waits for the disk.  The
 * writer thread writes whole lines only; every second it checks
 * whether the path still names the open file and reopens it if it was
 * moved or removed (logrotate), and after drops it writes a line with
 * event.action "events_dropped" and the count (kept until a line can be
 * written again, so drops while the disk is full are reported once it
 * has room).  A line that does not reach a file with a name (the file
 * or its directory was deleted) is counted as dropped.
 * @param path: the log file.
 * @param queue_bytes: capacity of the queue; raised to 4096 if smaller,
 *	so that one whole line always fits.
 * @param identity: resolver identity, for the writer's own events.
 * @param diag: diagnostics: the file cannot be opened, out of memory,
 *	and, later, from the writer thread, once per episode, that lines
 *	cannot be written (the file or its directory is gone, the disk is
 *	full); may be NULL.
 * @param arg: argument for diag (kept until sh_log_close).
 * @return the log (caller closes with sh_log_close), or NULL with the
 *	reason logged through diag.
 */
struct sh_log* sh_log_open(const char* path, size_t queue_bytes,
	const char* identity, sh_diag_fn diag, void* arg);

/**
 * Queue one complete line.  Never blocks on I/O; holds a mutex only to
 * copy the line.
 * @param log: the log.
 * @param line: the line, ending in '\n'.
 * @param len: its length.
 * @return 1 if queued, 0 if dropped (counted).
 */
int sh_log_submit(struct sh_log* log, const char* line, size_t len);

/**
 * Ask the writer to reopen the file at its next wake-up (after a
 * rotation).  Never blocks on the disk.
 * @param log: the log.
 */
void sh_log_reopen(struct sh_log* log);

/**
 * Read the counters.
 * @param log: the log.
 * @param st: filled in.
 */
void sh_log_get_stats(struct sh_log* log, struct sh_log_stats* st);

/**
 * Flush the queue, stop the writer thread, close the file and free.
 * @param log: the log; NULL is fine.
 */
void sh_log_close(struct sh_log* log);

/**
 * Current UTC time formatted per RFC 3339 with milliseconds and "Z":
 * "2023-03-29T12:00:00.123Z".
 * @param ts: the time.
 * @param buf: at least 32 bytes.
 * @return length written.
 */
size_t sh_time_format(const struct timespec* ts, char buf[32]);

/* ------------------------------------------------------------------ */
/* Published snapshots (read-copy-update)                              */
/* ------------------------------------------------------------------ */

/**
 * What resolver threads read: the configuration and the indicator set
 * that belong together.  Immutable once published.
 */
struct sh_snapshot {
	/** the configuration (owned) */
	struct sh_config* cfg;
	/** the indicator set (owned) */
	struct sh_set* set;
	/** SOA serial of sinkhole answers: when the set was built */
	uint32_t serial;
	/** 1 for the first snapshot, then counts reloads */
	uint64_t generation;
};

/**
 * Make a snapshot.  Takes ownership of cfg and set (also on failure).
 * @param cfg: configuration.
 * @param set: indicator set.
 * @param generation: its generation number.
 * @return the snapshot (free with sh_snapshot_free) or NULL.
 */
struct sh_snapshot* sh_snapshot_new(struct sh_config* cfg,
	struct sh_set* set, uint64_t generation);

/**
 * Free a snapshot, its config and its set.
 * @param snap: the snapshot; NULL is fine.
 */
void sh_snapshot_free(struct sh_snapshot* snap);

/**
 * Enter a read-side critical section: the snapshot read inside stays
 * valid until sh_snapshot_read_unlock.  Wait-free; may nest.  Callable
 * from any thread, with no registration; a thread's first call claims
 * it a reader slot, remembered in thread-local storage that needs no
 * destructor (nothing runs at thread exit).
 */
void sh_snapshot_read_lock(void);

/**
 * Leave a read-side critical section entered with
 * sh_snapshot_read_lock; snapshots got inside it must not be used
 * after.
 */
void sh_snapshot_read_unlock(void);

/**
 * Start a new reader generation: every reader slot is free again and
 * every thread claims one anew at its next outermost read lock.  Call
 * when the reading threads may have been replaced (the module does in
 * init: Unbound starts new worker threads at each reload), so the slots
 * of threads that exited are reused.  Safe at any time, also while
 * readers are inside a section.
 */
void sh_snapshot_readers_reclaim(void);

/**
 * The published snapshot.  Call inside a read-side critical section.
 * @param slot: where snapshots are published.
 * @return the snapshot, NULL before the first publication.
 */
struct sh_snapshot* sh_snapshot_get(struct sh_snapshot** slot);

/**
 * Publish a snapshot with one atomic pointer swap, wait until no reader
 * can still hold the previous one, and free it.  Only one thread may
 * publish to a slot at a time.  Must not be called inside a read-side
 * critical section.
 * @param slot: where snapshots are published.
 * @param snap: the new snapshot (owned by the slot from now on), or
 *	NULL to unpublish.
 */
void sh_snapshot_publish(struct sh_snapshot** slot, struct sh_snapshot* snap);

/* ------------------------------------------------------------------ */
/* The feed store: last good version of every feed file                */
/* ------------------------------------------------------------------ */

/** What happened to one feed file in a scan. */
enum sh_feed_state {
	/** loaded now (new or changed) */
	SH_FEED_LOADED = 0,
	/** unchanged since the last scan */
	SH_FEED_UNCHANGED,
	/** failed to load; its last good version (if any) stays active */
	SH_FEED_FAILED,
	/** gone: missing in two scans in a row, no longer applied */
	SH_FEED_REMOVED,
	/** missing in this scan: kept until the next scan confirms it */
	SH_FEED_MISSING
};

/**
 * Name of a feed state, as the status file writes it.
 * @param st: the state.
 * @return "loaded", "unchanged", "failed", "removed", "missing", or "?"
 *	(static).
 */
const char* sh_feed_state_name(enum sh_feed_state st);

/** One file of the store, as reported after a scan. */
struct sh_store_file {
	/** file name inside the directory */
	const char* name;
	/** what happened in the last scan */
	enum sh_feed_state state;
	/** the active (last good) feed, or NULL when none */
	const struct sh_feed* feed;
	/** for SH_FEED_FAILED: the first error, "file:line:col: ..." */
	const char* error;
	/** 1 when this scan read the file and its state is new (loaded
	 * now, or failed now); 0 for a state carried over from an earlier
	 * scan (unchanged, or still the same failed version) */
	int fresh;
};

/** Summary of one scan. */
struct sh_scan_result {
	/** files loaded (new or changed) */
	size_t loaded;
	/** files that failed (last good kept) */
	size_t failed;
	/** files removed */
	size_t removed;
	/** files missing once (removal pending) */
	size_t missing;
	/** 1 if the set of active feeds changed: rebuild */
	int changed;
	/** earliest expiry of an active indicator after now, 0 if none */
	time_t next_expiry;
};

/** Per-file last good feeds of one directory. */
struct sh_store;

/**
 * A new empty store.
 * @return the store (free with sh_store_free), or NULL when out of
 *	memory.
 */
struct sh_store* sh_store_new(void);
/**
 * Free a store and drop its feed references.
 * @param st: the store; NULL is fine.
 */
void sh_store_free(struct sh_store* st);

/**
 * Scan a feed directory.  A file whose identity (device, inode, size,
 * modification and change times) is unchanged is not read again;
 * a changed or new file is parsed, and replaces the file's last good
 * feed only if it loads; a file missing in two scans in a row is
 * removed (one missed scan is a rename in progress).  Indicators whose
 * expiry has passed make their feed load again (the loader leaves
 * expired indicators out).
 * @param st: the store.
 * @param dir: the directory.
 * @param lim: limits, or NULL.
 * @param now: the current time.
 * @param diag: diagnostics (errors of failing files included).
 * @param arg: argument for diag.
 * @param res: summary, filled in.
 * @return 1 if the directory was read, 0 if not (nothing changed).
 */
int sh_store_scan(struct sh_store* st, const char* dir,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg,
	struct sh_scan_result* res);

/**
 * The active feeds, in file name order.
 * @param st: the store.
 * @param feeds: set to a malloced array of borrowed feed pointers (the
 *	caller frees the array, not the feeds).
 * @return number of feeds; 0 with *feeds NULL when none or out of memory.
 */
size_t sh_store_feeds(const struct sh_store* st, struct sh_feed*** feeds);

/**
 * The files of the store after the last scan, in name order.
 * @param st: the store.
 * @param n: set to the number of files.
 * @return the files (owned by the store, valid until the next scan).
 */
const struct sh_store_file* sh_store_files(const struct sh_store* st,
	size_t* n);

/**
 * Build a set from the store's active feeds, as sinkholectl and the
 * module both do.
 * @param st: the store.
 * @param def: action for indicators and feeds that give none.
 * @param diag: diagnostics of the build (out of memory included).
 * @param arg: argument for diag.
 * @return the set (caller frees with sh_set_free), or NULL when out of
 *	memory (reported).
 */
struct sh_set* sh_store_set(const struct sh_store* st, enum sh_action def,
	sh_diag_fn diag, void* arg);

/**
 * Build a set from the store's active feeds and publish it with a
 * configuration as one snapshot (sh_snapshot_publish: the previous one
 * is freed after the grace period).  The module's first snapshot and
 * every reload go through here.  Not inside a read-side section.
 * @param st: the store.
 * @param cfg: the configuration (ownership passes, also on failure).
 * @param generation: the snapshot's generation.
 * @param slot: where snapshots are published.
 * @param diag: diagnostics (out of memory included).
 * @param arg: argument for diag.
 * @return the published snapshot (owned by the slot), or NULL when out
 *	of memory (reported; nothing published, cfg freed).
 */
struct sh_snapshot* sh_store_publish(const struct sh_store* st,
	struct sh_config* cfg, uint64_t generation, struct sh_snapshot** slot,
	sh_diag_fn diag, void* arg);

/* ------------------------------------------------------------------ */
/* Operational events and the status file                              */
/* ------------------------------------------------------------------ */

/** Module-wide counters, for stats events and the status file. */
struct sh_stats {
	/** queries answered by the sinkhole */
	uint64_t hits;
	/** events written / dropped by the log */
	uint64_t events_written, events_dropped;
	/** reloads that published a new set / reloads with failures */
	uint64_t reloads_ok, reloads_failed;
	/** guard firings: cname, ns, subquery, egress */
	uint64_t guard_cname, guard_ns, guard_subquery, guard_egress;
	/** generation of the published snapshot */
	uint64_t generation;
	/** indicators (entries) in the published set */
	uint64_t indicators;
	/** when the module started and when the set was last published */
	time_t started, published;
};

/**
 * Format an operational event line (ECS, one line, '\n' terminated):
 * action "reload", "reload_failed", "indicator_expired" or "stats".
 * @param buf: destination.
 * @param len: its size.
 * @param identity: observer.name.
 * @param action: event.action.
 * @param st: counters (for "stats" and "reload"), or NULL.
 * @param files: the store's files (feeds section), or NULL.
 * @param nfiles: number of files.
 * @param message: error.message (for "reload_failed") or a note, or NULL.
 * @param path: file.path (the file the event is about), or NULL.
 * @return line length, 0 if it did not fit.
 */
size_t sh_status_event(char* buf, size_t len, const char* identity,
	const char* action, const struct sh_stats* st,
	const struct sh_store_file* files, size_t nfiles, const char* message,
	const char* path);

/**
 * Write the status file atomically (a temporary file, then rename):
 * one JSON object with the counters and every feed file's id, path,
 * sha256, version, indicators, load time and state.
 * @param path: the status file.
 * @param identity: the resolver identity.
 * @param st: counters.
 * @param files: the store's files.
 * @param nfiles: their number.
 * @return 1 on success, 0 on failure (errno set).
 */
int sh_status_write(const char* path, const char* identity,
	const struct sh_stats* st, const struct sh_store_file* files,
	size_t nfiles);

#ifdef __cplusplus
}
#endif

#endif /* SINKHOLE_H */
