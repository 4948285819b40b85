/*
 * yamlread.h - a small, strict, streaming YAML reader for feeds and config.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A pull reader on top of libyaml's event API.  The caller walks the
 * document the way it expects it to look: sh_yaml_map_begin and
 * sh_yaml_map_next for mappings with a fixed set of keys,
 * sh_yaml_seq_begin and sh_yaml_seq_next for sequences, and typed
 * accessors (string, bool, integer, string list, time) for values.
 *
 * Every accessor consumes exactly one node.  When the node has the
 * wrong type, the accessor reports an error with file:line:column,
 * skips the node and returns 0, so the walker can carry on and report
 * every error of a file in one run.  After a fatal error (YAML syntax,
 * invalid UTF-8, nesting too deep) every function returns 0 and the
 * walker unwinds; sh_yaml_fatal tells which case it is.
 *
 * The reader enforces struct sh_limits (file size, nesting depth,
 * scalar length), refuses anchors and aliases (no "billion laughs"),
 * tags other than the YAML core ones, invalid UTF-8, control
 * characters, duplicate mapping keys, unknown keys, and more than one
 * document.  Lines and columns in diagnostics are 1-based.
 *
 * The text comes from memory (sh_yaml_open) or from a source that is
 * read as libyaml asks for more (sh_yaml_open_reader): then only a
 * window of SH_YAML_CHUNK bytes and libyaml's own buffers are held,
 * never the whole text.  Every window is checked before libyaml sees
 * it, with the same messages and positions as a text in memory; a
 * character or a line end cut by the end of a window is checked with
 * the next one.  The one difference: a text in memory is checked whole
 * before it is parsed, a streamed one as it arrives, so a bad byte
 * after the first window is reported after the errors of what comes
 * before it (the file is refused either way).
 */

#ifndef SH_YAMLREAD_H
#define SH_YAMLREAD_H

#include "internal.h"
#include <yaml.h>

/** Bytes a streaming reader asks its source for at a time, unless told
 * otherwise. */
#define SH_YAML_CHUNK 65536
/** Size of the buffer sh_yaml_quote writes to. */
#define SH_YAML_QUOTE_MAX 64
/** Most keys a mapping description can list. */
#define SH_YAML_MAX_KEYS 32

/** A position in a YAML file; 1-based line and column. */
struct sh_yaml_mark {
	/** line, from 1 */
	unsigned line;
	/** column in characters, from 1 */
	unsigned column;
};

/** The kind of the next node, as told by sh_yaml_peek. */
enum sh_yaml_kind {
	/** a fatal error happened; stop walking */
	SH_YAML_ERROR = 0,
	/** a scalar */
	SH_YAML_SCALAR,
	/** a mapping */
	SH_YAML_MAP,
	/** a sequence */
	SH_YAML_SEQ,
	/** an alias (already reported as an error) */
	SH_YAML_ALIAS,
	/** the end of the enclosing collection or of the document */
	SH_YAML_END
};

/** A scalar as returned by sh_yaml_scalar.  Valid until the next call
 * on the reader. */
struct sh_yaml_scalar {
	/** the text, NUL terminated (it may hold NUL bytes: see len) */
	const char* text;
	/** its length in bytes */
	size_t len;
	/** 1 if written plain (not quoted, not a block scalar, no !!str) */
	int plain;
	/** where it starts */
	struct sh_yaml_mark mark;
};

/** The keys one kind of mapping may hold.  Usually a static const. */
struct sh_yaml_keys {
	/** what the mapping is, for messages: "an indicator" */
	const char* what;
	/** the key names; index i is what sh_yaml_map_next returns */
	const char* const* names;
	/** number of names, at most SH_YAML_MAX_KEYS */
	unsigned num;
};

/** State of one mapping being walked.  Lives on the walker's stack. */
struct sh_yaml_map {
	/** the key description */
	const struct sh_yaml_keys* keys;
	/** where the mapping starts */
	struct sh_yaml_mark start;
	/** bit i is set once key i was seen */
	uint32_t seen;
	/** where each seen key was first written */
	struct sh_yaml_mark at[SH_YAML_MAX_KEYS];
};

/**
 * A source of YAML text for sh_yaml_open_reader.  It is called until it
 * gives 0 bytes (the end of the text) or fails; short reads are fine.
 * @param rarg: the source's argument.
 * @param buf: where to put the bytes.
 * @param size: room in buf, at least 1.
 * @param got: set to the number of bytes put in buf, 0 at the end of the
 *	text.
 * @param why: on failure, the reason is written here, NUL terminated:
 *	"read failed: Input/output error".
 * @param whylen: size of why.
 * @return 1 on success (also at the end of the text), 0 on a failure;
 *	the reader reports why as a fatal error of the file.
 */
typedef int (*sh_yaml_read_fn)(void* rarg, char* buf, size_t size,
	size_t* got, char* why, size_t whylen);

/** The reader.  Fields are private to yamlread.c. */
struct sh_yaml {
	/** libyaml parser */
	yaml_parser_t parser;
	/** the lookahead event, valid when have is set */
	yaml_event_t ev;
	/** 1 if ev holds an event not yet consumed */
	int have;
	/** 1 if ev holds a consumed event whose text is still in use */
	int held;
	/** 1 if ev was already reported bad (too long, alias) */
	int bad;
	/** 1 after a fatal error */
	int fatal;
	/** 1 once the parser was initialised */
	int inited;
	/** current collection nesting depth */
	unsigned depth;
	/** number of errors reported */
	size_t errors;
	/** file name for diagnostics */
	const char* file;
	/** the input, for positions of reader errors; NULL when streamed */
	const char* data;
	/** length of the input; when streamed, the bytes read so far */
	size_t len;
	/** streamed: the source, NULL for a text in memory */
	sh_yaml_read_fn read;
	/** streamed: its argument */
	void* rarg;
	/** streamed: the window of text read (malloced, win_cap bytes) */
	char* win;
	/** streamed: size of the window */
	size_t win_cap;
	/** streamed: bytes in the window */
	size_t win_len;
	/** streamed: bytes of the window checked (UTF-8, no control
	 * characters); they end at a character boundary */
	size_t win_ok;
	/** streamed: bytes of the window handed to libyaml */
	size_t win_pos;
	/** streamed: offset of win[0] in the text */
	size_t win_off;
	/** streamed: position of win[0] */
	struct sh_yaml_mark win_mark;
	/** streamed: position of win[win_ok] */
	struct sh_yaml_mark ok_mark;
	/** streamed: 1 once the source gave the end of the text */
	int eof;
	/** limits */
	struct sh_limits lim;
	/** diagnostics callback, may be NULL */
	sh_diag_fn diag;
	/** its argument */
	void* arg;
};

/**
 * Start reading a YAML text: check its size and encoding, and enter
 * its one document.  data must stay valid until sh_yaml_close.
 * @param y: the reader to set up; close it with sh_yaml_close even when
 *	this fails.
 * @param file: file name for diagnostics (not copied).
 * @param data: the YAML text; need not be NUL terminated.
 * @param len: its length.
 * @param lim: limits, or NULL for sh_limits_default.
 * @param diag: diagnostics callback, may be NULL.
 * @param arg: its argument.
 * @return 1 if a document was entered, 0 on error (reported).
 */
int sh_yaml_open(struct sh_yaml* y, const char* file, const char* data,
	size_t len, const struct sh_limits* lim, sh_diag_fn diag, void* arg);

/**
 * Start reading a YAML text from a source, as sh_yaml_open does with a
 * text in memory: the same checks and messages, made on each window of
 * text as it is read.  The size limit (max_file_bytes) is enforced as
 * the bytes arrive; a failure of the source is a fatal error.  libyaml
 * keeps a pointer to y: it must not move until sh_yaml_close.
 * @param y: the reader to set up; close it with sh_yaml_close even when
 *	this fails.
 * @param file: file name for diagnostics (not copied).
 * @param read: the source of the text.
 * @param rarg: its argument; must stay valid until sh_yaml_close.
 * @param chunk: bytes asked of the source at a time, the size of the
 *	window held (malloced by the reader); 0 for SH_YAML_CHUNK.  Tests
 *	and fuzzing pass small ones, so that window ends fall everywhere;
 *	below 16 is taken as 16.
 * @param lim: limits, or NULL for sh_limits_default.
 * @param diag: diagnostics callback, may be NULL.
 * @param arg: its argument.
 * @return 1 if a document was entered, 0 on error (reported).
 */
int sh_yaml_open_reader(struct sh_yaml* y, const char* file,
	sh_yaml_read_fn read, void* rarg, size_t chunk,
	const struct sh_limits* lim, sh_diag_fn diag, void* arg);

/**
 * Leave the document and check that no second one follows.  A streamed
 * text has then been read to its end.
 * @param y: the reader, with the root node consumed.
 * @return 1 on success, 0 on error (reported).
 */
int sh_yaml_finish(struct sh_yaml* y);

/**
 * Free the reader's resources (the window of a streamed text too).  The
 * struct itself is the caller's.
 * @param y: the reader.
 */
void sh_yaml_close(struct sh_yaml* y);

/**
 * Report a diagnostic about the file and count errors.  After 1000
 * errors the reader says so and stops, as after a fatal error; later
 * messages are dropped (still counted).
 * @param y: the reader.
 * @param sev: severity; SH_SEV_ERROR is counted in sh_yaml_errors.
 * @param at: position, or NULL for the whole file.
 * @param fmt: printf format of the text.
 */
void sh_yaml_report(struct sh_yaml* y, enum sh_severity sev,
	const struct sh_yaml_mark* at, const char* fmt, ...) SH_PRINTF(4, 5);

/**
 * Copy a value for a message: control bytes, and bytes >= 0x80 that
 * are not printable UTF-8 (invalid sequences, C1 controls), become '?';
 * long values are cut with "..." (never inside a UTF-8 sequence).  Values can come from
 * double-quoted YAML strings, which may hold any byte.
 * @param s: the value.
 * @param len: its length.
 * @param buf: destination of SH_YAML_QUOTE_MAX bytes.
 * @return buf.
 */
const char* sh_yaml_quote(const char* s, size_t len,
	char buf[SH_YAML_QUOTE_MAX]);

/**
 * Number of errors reported so far.
 * @param y: the reader.
 * @return the count.
 */
size_t sh_yaml_errors(const struct sh_yaml* y);

/**
 * Whether a fatal error stopped the reader.
 * @param y: the reader.
 * @return 1 if fatal.
 */
int sh_yaml_fatal(const struct sh_yaml* y);

/**
 * Look at the next node without consuming it.
 * @param y: the reader.
 * @param at: if not NULL, set to the node's position.
 * @return its kind.
 */
enum sh_yaml_kind sh_yaml_peek(struct sh_yaml* y, struct sh_yaml_mark* at);

/**
 * Consume and ignore the next node, with everything inside it.
 * @param y: the reader.
 * @return 1 on success, 0 on a fatal error.
 */
int sh_yaml_skip(struct sh_yaml* y);

/**
 * Report that the next node is not what the caller expected ("SUBJECT
 * must be EXPECTED, found a sequence"), and skip it.
 * @param y: the reader.
 * @param subject: the node as named in messages: "items of 'allow'".
 * @param expected: what it should have been: "a domain name".
 * @return 1, or 0 on a fatal error.
 */
int sh_yaml_wrong(struct sh_yaml* y, const char* subject,
	const char* expected);

/**
 * Stop the reader, as after a fatal error: every later call returns 0.
 * Use after reporting an error that makes going on pointless (a limit).
 * @param y: the reader.
 */
void sh_yaml_abort(struct sh_yaml* y);

/**
 * Consume the next node if it is a YAML null (an empty plain value,
 * "~" or "null"), for optional values that may be left empty.
 * @param y: the reader.
 * @return 1 if a null was consumed, 0 if the next node is something
 *	else (not consumed) or on a fatal error.
 */
int sh_yaml_null(struct sh_yaml* y);

/**
 * Enter a mapping.  On a node of another kind, report "'name' must be a
 * mapping", skip it and return 0.
 * @param y: the reader.
 * @param name: the key or item the mapping is the value of, for
 *	messages.
 * @param keys: the keys it may hold.
 * @param m: state to set up for sh_yaml_map_next.
 * @return 1 if a mapping was entered.
 */
int sh_yaml_map_begin(struct sh_yaml* y, const char* name,
	const struct sh_yaml_keys* keys, struct sh_yaml_map* m);

/**
 * Read the next key of a mapping.  Unknown, duplicate and non-scalar
 * keys are reported, their values skipped, and reading goes on.
 * @param y: the reader.
 * @param m: the mapping state.
 * @param key: set to the index of the key in m->keys.
 * @param at: if not NULL, set to the key's position.
 * @return 1 with the reader before the key's value, which the caller
 *	must consume; 0 at the end of the mapping (consumed) or on a fatal
 *	error.
 */
int sh_yaml_map_next(struct sh_yaml* y, struct sh_yaml_map* m, int* key,
	struct sh_yaml_mark* at);

/**
 * Read the next key of a mapping entered with sh_yaml_map_begin, any
 * key (the keys given to map_begin are not checked; pass an empty
 * description).  Non-scalar keys are reported and skipped with their
 * values.  Duplicates are the caller's to find.
 * @param y: the reader.
 * @param key: set to a malloced copy of the key (caller frees).
 * @param at: if not NULL, set to the key's position.
 * @return 1 with the reader before the key's value, 0 at the end of
 *	the mapping (consumed) or on a fatal error.
 */
int sh_yaml_map_next_any(struct sh_yaml* y, char** key,
	struct sh_yaml_mark* at);

/**
 * Leave the current document and enter the next one, for formats that
 * allow several documents per file (Sigma).
 * @param y: the reader, with the root node of a document consumed.
 * @return 1 if another document was entered, 0 at the end of the file
 *	or on a fatal error (sh_yaml_fatal tells).
 */
int sh_yaml_next_document(struct sh_yaml* y);

/**
 * Whether a mapping held a key.
 * @param m: the mapping state.
 * @param key: the key index.
 * @return 1 if it was seen.
 */
int sh_yaml_map_has(const struct sh_yaml_map* m, int key);

/**
 * Check that a mapping held a key; report "missing required key" at
 * the start of the mapping if not.
 * @param y: the reader.
 * @param m: the mapping state, after sh_yaml_map_next returned 0.
 * @param key: the key index.
 * @return 1 if it was seen.
 */
int sh_yaml_map_require(struct sh_yaml* y, const struct sh_yaml_map* m,
	int key);

/**
 * Enter a sequence.  On a node of another kind, report, skip, return 0.
 * @param y: the reader.
 * @param name: the key the sequence is the value of, for messages.
 * @return 1 if a sequence was entered.
 */
int sh_yaml_seq_begin(struct sh_yaml* y, const char* name);

/**
 * Whether another item follows in the current sequence.
 * @param y: the reader.
 * @return 1 if an item follows (the caller consumes it), 0 at the end
 *	of the sequence (consumed) or on a fatal error.
 */
int sh_yaml_seq_next(struct sh_yaml* y);

/**
 * Read a scalar of any type.  A scalar too long for the limits, or a
 * node of another kind, is reported, skipped and gives 0.
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param s: filled in; s->text is owned by the reader and valid until
 *	the next call on it.
 * @return 1 on success.
 */
int sh_yaml_scalar(struct sh_yaml* y, const char* name,
	struct sh_yaml_scalar* s);

/**
 * Read a non-empty string without NUL bytes.  A plain number is taken
 * as its text; an empty or null value is an error.
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param out: set to a malloced copy (caller frees); untouched on
 *	failure.
 * @param at: if not NULL, set to the value's position.
 * @return 1 on success.
 */
int sh_yaml_string(struct sh_yaml* y, const char* name, char** out,
	struct sh_yaml_mark* at);

/**
 * Read a boolean: a plain true/false (also True, TRUE, False, FALSE).
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param out: set to 1 or 0.
 * @return 1 on success.
 */
int sh_yaml_bool(struct sh_yaml* y, const char* name, int* out);

/**
 * Read a plain decimal integer within [min, max].
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param min: smallest value allowed.
 * @param max: largest value allowed.
 * @param out: the value.
 * @return 1 on success.
 */
int sh_yaml_int(struct sh_yaml* y, const char* name, long long min,
	long long max, long long* out);

/**
 * Read a sequence of non-empty strings (block or flow).
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param out: set to a malloced NULL-terminated array of malloced
 *	strings (caller frees with sh_strv_free); NULL for an empty
 *	sequence.  Untouched on failure.
 * @return 1 on success.
 */
int sh_yaml_strv(struct sh_yaml* y, const char* name, char*** out);

/**
 * Read a date "YYYY-MM-DD" (midnight UTC) or an RFC 3339 date-time
 * "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)".
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param out: UTC seconds since the epoch.
 * @return 1 on success.
 */
int sh_yaml_time(struct sh_yaml* y, const char* name, time_t* out);

/**
 * Parse a date or RFC 3339 date-time, as sh_yaml_time, from text.
 * @param s: the text.
 * @param len: its length.
 * @param out: UTC seconds since the epoch.
 * @return 1 on success, 0 if it is not a valid date or date-time.
 */
int sh_yaml_parse_time(const char* s, size_t len, time_t* out);

#endif /* SH_YAMLREAD_H */
