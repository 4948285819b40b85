/*
 * report/report.h - declarations shared by the files of `sinkholectl report`.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * `sinkholectl report` streams over client event logs (plain, gzip
 * compressed, or stdin) and answers: who looked up the indicators, when,
 * how often, and does it look like a person (one-off), a habit
 * (repeated) or a beacon (periodic).  The pieces:
 *  - report_parse.c: the buffered line reader (zlib for gzip), a strict
 *    allocation-free JSON scanner for one log line, RFC 3339 time
 *    parsing, CIDR matching, the --names file reader;
 *  - report_classify.c: string interning, per-client and per-indicator
 *    aggregation with bounded memory, bursts and the pattern classifier;
 *  - report_render.c: the table, CSV, JSON and HTML outputs;
 *  - report_contact.c: the sinkhole listener's lines (what a client did
 *    with the sinkhole address) joined per client, and the verdicts;
 *  - report.c: options, filters and the driver, sh_report_main().
 * Every non-static name starts with sh_report_.  Times are milliseconds
 * since the epoch, UTC, in an int64_t.
 */

#ifndef SH_REPORT_H
#define SH_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Classifier thresholds (documented in --help and the README)         */
/* ------------------------------------------------------------------ */

/** Events of one client less than this apart belong to one burst. */
#define SH_REPORT_BURST_GAP_MS 10000
/** A client whose first and last query are at most this far apart is
 * a one-off (a person running ping, nslookup, traceroute). */
#define SH_REPORT_ONEOFF_SPAN_MS 300000
/** Fewest intervals between burst starts for a periodic verdict. */
#define SH_REPORT_MIN_INTERVALS 4
/** Largest jitter (median absolute deviation / median interval) of a
 * periodic client. */
#define SH_REPORT_MAX_JITTER 0.25
/** Most bursts kept per client; beyond it the oldest are dropped (and
 * counted), so the pattern describes the newest bursts. */
#define SH_REPORT_BURST_CAP 4096
/** Most unsorted timestamps buffered per client before they are
 * merged into its bursts. */
#define SH_REPORT_PENDING_CAP 512
/** Longest line read; longer lines are counted as bad. */
#define SH_REPORT_LINE_MAX (1024 * 1024)
/** Key under which events with origin "internal" are grouped. */
#define SH_REPORT_INTERNAL "(internal)"

/** Exit status for usage errors and unreadable files. */
#define SH_REPORT_EXIT_USAGE 2

/* ------------------------------------------------------------------ */
/* Parsing (report_parse.c)                                            */
/* ------------------------------------------------------------------ */

/** What a log line is. */
enum sh_report_kind {
	/** an alert: a sinkholed query, counted */
	SH_REPORT_LINE_EVENT = 0,
	/** the writer's own event.kind "metric" line, skipped */
	SH_REPORT_LINE_METRIC,
	/** an event.kind "event" note about a query (guard information),
	 * skipped */
	SH_REPORT_LINE_NOTE,
	/** the module's own event.kind "event" lines of dataset
	 * unbound_sinkhole.reload (reload, reload_failed,
	 * indicator_expired), skipped and not counted as notes */
	SH_REPORT_LINE_OPS,
	/** a sinkhole listener alert: a client contacted the sinkhole */
	SH_REPORT_LINE_CONTACT,
	/** a sinkhole listener note ("started", "stopped"), skipped */
	SH_REPORT_LINE_LISTENER_NOTE,
	/** not JSON, malformed, or without the fields: counted as bad */
	SH_REPORT_LINE_BAD
};

/**
 * The fields of one log line.  The strings point into the line buffer
 * given to sh_report_parse_line (decoded in place, NUL terminated) and
 * are valid until that buffer changes.  Absent fields are NULL.
 */
struct sh_report_event {
	/** @timestamp in ms since the epoch */
	int64_t ts_ms;
	/** @timestamp as written */
	const char* timestamp;
	/** event.kind */
	const char* kind;
	/** event.reason */
	const char* reason;
	/** client.ip, or SH_REPORT_INTERNAL for origin "internal" */
	const char* client;
	/** rule.name: the indicator */
	const char* rule;
	/** rule.ruleset: the feed id */
	const char* ruleset;
	/** dns.question.name */
	const char* qname;
	/** dns.question.type, "?" when absent */
	const char* qtype;
	/** unbound_sinkhole.transport, else network.transport, else "?" */
	const char* transport;
	/** unbound_sinkhole.origin */
	const char* origin;
	/** network.transport */
	const char* net_transport;
	/** observer.name: the resolver that wrote the line, "?" when
	 * absent */
	const char* observer;
	/** event.dataset */
	const char* dataset;
	/** listener lines: event.action ("icmp_echo", "udp_probe",
	 * "connection", "tls_client_hello", "http_request") */
	const char* action;
	/** listener lines: tls.client.server_name */
	const char* sni;
	/** listener lines: url.domain (the HTTP Host without port) */
	const char* host;
	/** listener lines: url.path */
	const char* path;
	/** listener lines: user_agent.original */
	const char* user_agent;
	/** listener lines: destination.port, -1 when absent */
	int dport;
};

/**
 * Parse one log line strictly: one JSON object (nested objects, any key
 * order, escapes, RFC 8259 numbers and literals), nothing but white
 * space after it.  Allocates nothing: strings are decoded in place.
 * @param line: the line, modified; need not be NUL terminated.
 * @param len: its length, without the newline.
 * @param ev: filled in (all fields reset first).
 * @return what the line is; for SH_REPORT_LINE_EVENT every field the
 *	report needs is present and valid.
 */
enum sh_report_kind sh_report_parse_line(char* line, size_t len,
	struct sh_report_event* ev);

/**
 * Parse an RFC 3339 date-time ("2026-11-29T08:44:16.123Z",
 * "2026-11-29t10:44:16+02:00", fraction of any length, truncated to ms).
 * @param s: NUL terminated text.
 * @param ms: the time, ms since the epoch, UTC.
 * @return 1 on success, 0 if s is not a valid date-time.
 */
int sh_report_parse_time(const char* s, int64_t* ms);

/**
 * Parse a --since/--until argument: an RFC 3339 date-time, a date
 * YYYY-MM-DD (midnight UTC), or a duration before now: a positive
 * number followed by s, m, h, d or w ("24h", "30m", "7d").
 * @param s: the argument.
 * @param now_ms: the current time.
 * @param ms: the time.
 * @return 1 on success, 0 on a bad argument.
 */
int sh_report_parse_when(const char* s, int64_t now_ms, int64_t* ms);

/**
 * Format a time as RFC 3339 UTC.
 * @param ms: ms since the epoch.
 * @param with_ms: 1 to write milliseconds.
 * @param buf: destination of 32 bytes.
 * @return buf.
 */
char* sh_report_fmt_time(int64_t ms, int with_ms, char buf[32]);

/** An address prefix for --client. */
struct sh_report_cidr {
	/** 4 or 6 */
	int family;
	/** prefix length in bits */
	int bits;
	/** address bytes, 4 or 16 used */
	uint8_t addr[16];
};

/**
 * Parse "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or
 * /128).  Host bits are ignored.
 * @param s: the text.
 * @param c: filled in.
 * @return 1 on success, 0 on a bad prefix.
 */
int sh_report_cidr_parse(const char* s, struct sh_report_cidr* c);

/**
 * Is an address inside a prefix?  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) matches the IPv4 prefixes too.
 * @param c: the prefix.
 * @param ip: address text.
 * @return 1 if it is, 0 if not or if ip is not an address.
 */
int sh_report_cidr_match(const struct sh_report_cidr* c, const char* ip);

/**
 * Is a presentation-format name equal to, or below, another?  ASCII
 * case is ignored, a trailing dot on either is ignored, and an escaped
 * dot ("\.") is not a label boundary.
 * @param name: the name.
 * @param parent: the would-be parent.
 * @return 1 if name is parent or a subdomain of it, else 0.
 */
int sh_report_name_below(const char* name, const char* parent);

/** The buffered reader of one log file; see sh_report_reader_open. */
struct sh_report_reader;

/**
 * Open a log: "-" is stdin.  gzip data is recognised by its magic
 * bytes (1f 8b) and read through zlib; anything else is read as is.
 * @param path: the file.
 * @param err: on failure, set to a static or strerror() description.
 * @return the reader (free with sh_report_reader_close), or NULL.
 */
struct sh_report_reader* sh_report_reader_open(const char* path,
	const char** err);

/**
 * Read the next line.
 * @param r: the reader.
 * @param line: set to the line, NUL terminated, without its newline;
 *	valid and writable until the next call.
 * @param len: set to its length.
 * @return 1 for a line, 2 for a line longer than SH_REPORT_LINE_MAX
 *	(skipped, no text), 0 at the end, -1 on a read error, -2 on
 *	corrupt or truncated gzip data (the description in
 *	sh_report_reader_error); errors come after the lines read before.
 */
int sh_report_reader_next(struct sh_report_reader* r, char** line,
	size_t* len);

/**
 * The last error of a reader.
 * @param r: the reader.
 * @return static or reader-owned text, or NULL when there was none.
 */
const char* sh_report_reader_error(struct sh_report_reader* r);

/**
 * Bytes of log text read so far (after decompression).
 * @param r: the reader.
 * @return the count.
 */
uint64_t sh_report_reader_bytes(const struct sh_report_reader* r);

/**
 * Close a reader and free it.
 * @param r: the reader, may be NULL.
 */
void sh_report_reader_close(struct sh_report_reader* r);

/* ------------------------------------------------------------------ */
/* Aggregation and classification (report_classify.c)                 */
/* ------------------------------------------------------------------ */

/** An interning table: distinct strings get dense ids 0, 1, 2, ... */
struct sh_report_strmap {
	/** open addressing slots: (hash, id + 1), 0 is empty */
	uint64_t* hash;
	/** id + 1 per slot */
	uint32_t* slot;
	/** number of slots, a power of two */
	size_t nslots;
	/** the strings by id, malloced */
	char** str;
	/** number of strings */
	uint32_t n;
	/** allocated entries of str */
	uint32_t cap;
};

/**
 * Look a string up, adding it when absent.
 * @param m: the table (zeroed before first use).
 * @param s: the string, NUL terminated; copied when added.
 * @param id: set to its id.
 * @return 1 if it was there, 2 if added, 0 on out of memory.
 */
int sh_report_strmap_intern(struct sh_report_strmap* m, const char* s,
	uint32_t* id);

/**
 * Look a string up.
 * @param m: the table.
 * @param s: the string.
 * @return its id, or UINT32_MAX if absent.
 */
uint32_t sh_report_strmap_find(const struct sh_report_strmap* m,
	const char* s);

/**
 * Free the table's memory (not the struct).
 * @param m: the table.
 */
void sh_report_strmap_clear(struct sh_report_strmap* m);

/** A counted member of a small set: an interned string and a count. */
struct sh_report_tally {
	/** id in sh_report_agg.atoms */
	uint32_t id;
	/** how many times */
	uint64_t count;
};

/** A small counted set, searched linearly (feeds, types, transports). */
struct sh_report_tallies {
	/** the members, in order of first appearance */
	struct sh_report_tally* v;
	/** members used */
	uint32_t n;
	/** members allocated */
	uint32_t cap;
};

/** Events of one client less than SH_REPORT_BURST_GAP_MS apart. */
struct sh_report_burst {
	/** first event */
	int64_t start;
	/** last event */
	int64_t end;
	/** number of events */
	uint64_t count;
};

/** The client's pattern, in ranking order. */
enum sh_report_pattern {
	SH_REPORT_PERIODIC = 0,
	SH_REPORT_REPEATED,
	SH_REPORT_ONEOFF
};

/** Most contact times kept per client for the timeline (the first
 * ones; counts stay exact). */
#define SH_REPORT_MARK_CAP 1024

/** One contact on the timeline. */
struct sh_report_mark {
	/** when */
	int64_t t;
	/** 0 ICMP or UDP, 1 TCP, 2 TLS or HTTP */
	int kind;
};

/** What the sinkhole listener saw of a client, after its DNS lookups. */
struct sh_report_contacts {
	/** ICMP echo requests, UDP probes, TCP connections (all), of
	 * which TLS ClientHellos and HTTP requests */
	uint64_t icmp, udp, tcp, tls, http;
	/** TLS/HTTP contacts naming an indicator (SNI or Host at or below a
	 * looked-up indicator); set by sh_report_verdicts */
	uint64_t app;
	/** first and last contact of any kind (INT64_MAX / INT64_MIN) */
	int64_t first, last;
	/** first and last TLS or HTTP contact */
	int64_t app_first, app_last;
	/** evidence: SNIs, Hosts, paths, User-Agents, destination ports
	 * ("tcp/443", "udp/33434", "icmp") */
	struct sh_report_tallies sni, host, path, ua, port;
	/** contact times for the timeline, at most SH_REPORT_MARK_CAP */
	struct sh_report_mark* marks;
	/** marks used and allocated */
	uint32_t nmarks, capmarks;
};

/** A client's verdict, joining its lookups with its contacts; ranking
 * order.  Only given when a listener log was read. */
enum sh_report_verdict {
	/** TLS with a sinkholed SNI or HTTP with a sinkholed Host: likely
	 * compromised (more so when periodic) */
	SH_REPORT_V_APP = 0,
	/** TCP to the sinkhole, but no application data naming an
	 * indicator (a port probe, nc, an unknown protocol) */
	SH_REPORT_V_TCP,
	/** ICMP echo or UDP probes only: ping or traceroute, curiosity or
	 * troubleshooting */
	SH_REPORT_V_PING,
	/** the name was looked up and nothing more reached the sinkhole */
	SH_REPORT_V_LOOKUP
};

/** Everything known about one client (one client.ip). */
struct sh_report_client {
	/** the key: client.ip or SH_REPORT_INTERNAL; owned by the strmap */
	const char* key;
	/** name from --names, or NULL; owned by the names table */
	const char* name;
	/** number of events */
	uint64_t queries;
	/** first and last event time */
	int64_t first, last;
	/** distinct indicators */
	uint32_t n_indicators;
	/** feeds, query types, transports, and the resolvers
	 * (observer.name) that saw the client */
	struct sh_report_tallies feeds, types, transports, resolvers;
	/** bursts, sorted by start, at most SH_REPORT_BURST_CAP */
	struct sh_report_burst* bursts;
	/** bursts used and allocated */
	uint32_t nb, capb;
	/** timestamps not merged into bursts yet, unsorted */
	int64_t* pending;
	/** pending used and allocated */
	uint32_t np, capp;
	/** bursts dropped from the front at the cap */
	uint64_t dropped;
	/** events older than the kept window after a drop */
	uint64_t late;
	/** results of sh_report_classify: */
	/** the pattern */
	enum sh_report_pattern pattern;
	/** bursts in total (kept + dropped) */
	uint64_t n_bursts;
	/** median interval between burst starts, ms (0 if < 1 interval) */
	double median_ms;
	/** median absolute deviation / median (0 if < 2 intervals) */
	double jitter;
	/** what the sinkhole listener saw */
	struct sh_report_contacts contact;
	/** the verdict (sh_report_verdicts), when a listener log was read */
	enum sh_report_verdict verdict;
	/** 1 for an application contact that repeats regularly: the
	 * lookups are periodic, or at least SH_REPORT_MIN_INTERVALS + 1
	 * contacts over more than SH_REPORT_ONEOFF_SPAN_MS */
	int periodic_contact;
};

/** One (indicator, client) pair. */
struct sh_report_pair {
	/** indicator id and client id */
	uint32_t ind, client;
	/** events */
	uint64_t count;
	/** first and last event */
	int64_t first, last;
};

/** Everything known about one indicator (rule.name). */
struct sh_report_indicator {
	/** the name, owned by the strmap */
	const char* name;
	/** events */
	uint64_t queries;
	/** distinct clients */
	uint32_t n_clients;
	/** first and last event */
	int64_t first, last;
	/** feeds that matched it */
	struct sh_report_tallies feeds;
};

/** Line counters of a run. */
struct sh_report_counts {
	/** lines read, all kinds */
	uint64_t lines;
	/** alert lines parsed */
	uint64_t events;
	/** of those, passing the filters (aggregated) */
	uint64_t matched;
	/** bad lines (corrupt, truncated, foreign, too long) */
	uint64_t bad;
	/** event.kind "metric" lines */
	uint64_t metric;
	/** event.kind "event" lines about queries (guard notes) */
	uint64_t notes;
	/** the module's reload, reload_failed and indicator_expired lines */
	uint64_t ops;
	/** bytes of log text */
	uint64_t bytes;
	/** files read */
	uint64_t files;
	/** files that ended in a read or decompression error */
	uint64_t read_errors;
	/** sinkhole listener lines (contacts and notes) */
	uint64_t listener;
	/** listener contacts aggregated (passing the filters) */
	uint64_t contacts;
};

/** The aggregation of a run. */
struct sh_report_agg {
	/** client keys -> client index */
	struct sh_report_strmap client_ids;
	/** indicator names -> indicator index */
	struct sh_report_strmap ind_ids;
	/** feeds, types, transports */
	struct sh_report_strmap atoms;
	/** clients by id */
	struct sh_report_client* clients;
	/** indicators by id */
	struct sh_report_indicator* inds;
	/** allocated clients and indicators */
	uint32_t capc, capi;
	/** pairs */
	struct sh_report_pair* pairs;
	/** pairs used and allocated */
	size_t npairs, cappairs;
	/** pair hash: slots of pair index + 1 */
	uint32_t* pairslot;
	/** number of pair slots, a power of two */
	size_t npairslots;
	/** scratch for merging bursts */
	struct sh_report_burst* scratch;
	/** first and last event of all (INT64_MAX / INT64_MIN if none) */
	int64_t first, last;
	/** line counters */
	struct sh_report_counts counts;
	/** order of clients after sh_report_classify: indexes */
	uint32_t* order;
};

/**
 * Initialise an aggregation.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
int sh_report_agg_init(struct sh_report_agg* a);

/**
 * Free everything an aggregation holds (not the struct).
 * @param a: the aggregation.
 */
void sh_report_agg_clear(struct sh_report_agg* a);

/**
 * Add one event.
 * @param a: the aggregation.
 * @param ev: a parsed SH_REPORT_LINE_EVENT.
 * @return 1 on success, 0 on out of memory.
 */
int sh_report_agg_add(struct sh_report_agg* a,
	const struct sh_report_event* ev);

/**
 * Add one event of a client by its fields (used by sh_report_agg_add
 * and the tests).
 * @param a: the aggregation.
 * @param client: client key.
 * @param ts: time.
 * @return the client, or NULL on out of memory.
 */
struct sh_report_client* sh_report_agg_client_time(struct sh_report_agg* a,
	const char* client, int64_t ts);

/**
 * Get a client by key, creating it without counting a query, and widen
 * its first/last seen to ts.
 * @param a: the aggregation.
 * @param client: client key.
 * @param ts: time of the activity.
 * @return the client, or NULL on out of memory.
 */
struct sh_report_client* sh_report_agg_client(struct sh_report_agg* a,
	const char* client, int64_t ts);

/**
 * Intern a string and count it in a client's small set.
 * @param a: the aggregation (its atoms).
 * @param t: the set.
 * @param s: the string.
 * @return 1 on success, 0 on out of memory.
 */
int sh_report_tally_str(struct sh_report_agg* a, struct sh_report_tallies* t,
	const char* s);

/**
 * Sort a small set: more first, then by name.
 * @param a: the aggregation.
 * @param t: the set.
 */
void sh_report_tally_sort(struct sh_report_agg* a, struct sh_report_tallies* t);

/**
 * Add one sinkhole listener contact (report_contact.c).
 * @param a: the aggregation.
 * @param ev: a parsed SH_REPORT_LINE_CONTACT.
 * @return 1 on success, 0 on out of memory.
 */
int sh_report_agg_contact(struct sh_report_agg* a,
	const struct sh_report_event* ev);

/**
 * Give every client its verdict (report_contact.c): count the contacts
 * naming an indicator and decide.  Called by sh_report_classify after
 * the patterns, when counts.listener is not 0.
 * @param a: the aggregation.
 */
void sh_report_verdicts(struct sh_report_agg* a);

/**
 * Name of a verdict, as in the CSV and JSON outputs.
 * @param v: the verdict.
 * @return "application_contact", "tcp_contact", "ping_traceroute" or
 *	"looked_up_only".
 */
const char* sh_report_verdict_name(enum sh_report_verdict v);

/**
 * A verdict in words, for the table and the HTML page.
 * @param c: the client, with its verdict.
 * @return static text, e.g. "application contact (likely compromised,
 *	periodic)".
 */
const char* sh_report_verdict_text(const struct sh_report_client* c);

/**
 * Free a client's contact evidence.
 * @param c: the client.
 */
void sh_report_contacts_clear(struct sh_report_client* c);

/**
 * Classify every client and sort them: periodic before repeated before
 * one-off, then more bursts, more queries, later last seen, key.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
int sh_report_classify(struct sh_report_agg* a);

/**
 * Classify one client: merge its pending timestamps into bursts, then
 * set pattern, n_bursts, median_ms and jitter.
 * @param a: the aggregation (for its scratch).
 * @param c: the client.
 */
void sh_report_classify_client(struct sh_report_agg* a,
	struct sh_report_client* c);

/**
 * Name of a pattern.
 * @param p: the pattern.
 * @return "periodic", "repeated" or "one-off".
 */
const char* sh_report_pattern_name(enum sh_report_pattern p);

/**
 * All (indicator, client) pairs, grouped by indicator or by client, each
 * group sorted by events (most first), then indicator name, client key.
 * @param a: the aggregation.
 * @param by_client: 0 to group by indicator id, 1 by client id.
 * @param off: set to a malloced array of (groups + 1) offsets: group g
 *	is v[off[g]] .. v[off[g+1] - 1].  Caller frees.
 * @return malloced array of npairs pair pointers (caller frees), or
 *	NULL on out of memory (then *off is NULL too).  With no pairs, a
 *	valid empty array.
 */
const struct sh_report_pair** sh_report_pairs_group(
	const struct sh_report_agg* a, int by_client, size_t** off);

/* ------------------------------------------------------------------ */
/* Client names (report_parse.c)                                       */
/* ------------------------------------------------------------------ */

/** Names for addresses, read from --names files. */
struct sh_report_names {
	/** addresses (normalised text) -> index in name */
	struct sh_report_strmap ips;
	/** names by index, malloced */
	char** name;
};

/**
 * Read a hosts file ("IP name..."), an ISC dhcpd leases file ("lease IP
 * { ... client-hostname "x"; }") or a dnsmasq leases file ("ts mac ip
 * name id"); the format is recognised per line, later lines win.
 * @param n: the table (zeroed before first use).
 * @param path: the file.
 * @return 1 on success, 0 if the file cannot be read (errno set).
 */
int sh_report_names_load(struct sh_report_names* n, const char* path);

/**
 * Name of an address.
 * @param n: the table.
 * @param ip: address text as logged.
 * @return the name (owned by the table) or NULL.
 */
const char* sh_report_names_get(const struct sh_report_names* n,
	const char* ip);

/**
 * Free the table's memory (not the struct).
 * @param n: the table.
 */
void sh_report_names_clear(struct sh_report_names* n);

/* ------------------------------------------------------------------ */
/* Output (report_render.c)                                            */
/* ------------------------------------------------------------------ */

/** What the run was asked, for the outputs' headers. */
struct sh_report_meta {
	/** the log files */
	char** files;
	/** how many */
	int nfiles;
	/** --since / --until, or INT64_MIN / INT64_MAX */
	int64_t since, until;
	/** the filters as given, for display; NULL-terminated lists */
	const char** feeds;
	const char** clients;
	const char** indicators;
	/** when the report was made */
	int64_t now;
};

/**
 * Write the aligned text tables.
 * @param out: where.
 * @param a: a classified aggregation.
 * @param m: the run.
 * @return 1 on success, 0 on a write error.
 */
int sh_report_render_table(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m);

/**
 * Write the clients as CSV (RFC 4180, header line first).
 * @param out: where.
 * @param a: a classified aggregation.
 * @return 1 on success, 0 on a write error.
 */
int sh_report_render_csv(FILE* out, const struct sh_report_agg* a);

/**
 * Write the (indicator, client) pairs as CSV.
 * @param out: where.
 * @param a: a classified aggregation.
 * @return 1 on success, 0 on a write error.
 */
int sh_report_render_csv_pairs(FILE* out, const struct sh_report_agg* a);

/**
 * Write the report as one JSON document.
 * @param out: where.
 * @param a: a classified aggregation.
 * @param m: the run.
 * @return 1 on success, 0 on a write error.
 */
int sh_report_render_json(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m);

/**
 * Write a self-contained HTML page: summary, timeline (inline SVG),
 * clients and indicators tables.  No script, no external resource.
 * @param out: where.
 * @param a: a classified aggregation.
 * @param m: the run.
 * @return 1 on success, 0 on a write error.
 */
int sh_report_render_html(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m);

/**
 * Write a string CSV-escaped (quoted when needed; a leading = + - @ is
 * prefixed with ' against formula injection).
 * @param out: where.
 * @param s: the string.
 */
void sh_report_csv_str(FILE* out, const char* s);

/**
 * Write a string as a JSON string literal, quotes included; invalid
 * UTF-8 becomes U+FFFD.
 * @param out: where.
 * @param s: the string, or NULL for null.
 */
void sh_report_json_str(FILE* out, const char* s);

/**
 * Write a string HTML-escaped (& < > " '); control bytes and invalid
 * UTF-8 become U+FFFD.
 * @param out: where.
 * @param s: the string.
 */
void sh_report_html_str(FILE* out, const char* s);

/**
 * Format a duration for people: "45s", "5m00s", "1h00m", "2d03h".
 * @param ms: the duration.
 * @param buf: destination of 32 bytes.
 * @return buf.
 */
char* sh_report_fmt_dur(double ms, char buf[32]);

/* ------------------------------------------------------------------ */
/* Driver (report.c)                                                   */
/* ------------------------------------------------------------------ */

/**
 * `sinkholectl report [options] LOG...`.
 * @param argc: argument count.
 * @param argv: arguments; argv[0] is "report".
 * @return exit status: 0 success, 2 usage error or unreadable file.
 */
int sh_report_main(int argc, char** argv);


#endif /* SH_REPORT_H */
