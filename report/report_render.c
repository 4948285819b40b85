/*
 * tools/report_render.c - table, CSV, JSON and HTML output of the report.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Every output is written from a classified sh_report_agg, clients in
 * ranking order (sh_report_agg.order), indicators by events.  Anything
 * that came from a log or a names file is escaped for its output: control
 * bytes become '?' on a terminal; CSV fields are quoted (RFC 4180) and a
 * leading = + - @ is prefixed with ' so spreadsheets do not run it as a
 * formula; JSON strings are escaped and invalid UTF-8 becomes U+FFFD;
 * HTML text and attributes are entity-escaped.  The HTML page is one
 * file: inline CSS, inline SVG, no script, no external reference.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "util.h"

/** Widest text cell of a list column in the terminal table. */
#define TBL_LIST_MAX 40
/** Clients listed per indicator in the terminal table. */
#define TBL_TOP_CLIENTS 5
/** Clients listed per indicator in the HTML page. */
#define HTML_TOP_CLIENTS 100
/** Most rows of the HTML timeline (the first clients in ranking). */
#define HTML_TIMELINE_ROWS 500
/** Geometry of the timeline: label column, plot width, row height. */
#define TL_LABEL 260
#define TL_WIDTH 900
#define TL_ROW 16
#define TL_TOP 28
/** Tick colours by pattern (the tests look for these pixels). */
#define COLOR_PERIODIC "#d62728"
#define COLOR_REPEATED "#ff7f0e"
#define COLOR_ONEOFF "#1f77b4"
/** Colours of the contacts with the sinkhole on the timeline. */
#define COLOR_CONTACT_APP "#7f0000"
#define COLOR_CONTACT_TCP "#8c564b"
#define COLOR_CONTACT_PING "#2ca02c"

/* ------------------------------------------------------------------ */
/* Growing strings                                                     */
/* ------------------------------------------------------------------ */

/** A growing string. */
struct sb {
	/** the text, NUL terminated, or NULL before the first add */
	char* s;
	/** length */
	size_t len;
	/** allocated */
	size_t cap;
	/** 0 after an allocation failure */
	int ok;
};

/**
 * Append formatted text.
 * @param b: the string (zeroed and ok = 1 before first use).
 * @param fmt: printf format.
 */
static void sb_add(struct sb* b, const char* fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_add(struct sb* b, const char* fmt, ...)
{
	va_list ap;
	int n;
	char* p;
	if(!b->ok)
		return;
	for(;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL,
			b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if(n < 0) {
			b->ok = 0;
			return;
		}
		if(b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 64) * 2;
		if(!(p = realloc(b->s, b->cap))) {
			b->ok = 0;
			return;
		}
		b->s = p;
	}
}

/**
 * Empty a growing string, keeping its memory.
 * @param b: the string.
 */
static void
sb_reset(struct sb* b)
{
	b->len = 0;
	if(b->s)
		b->s[0] = 0;
}

/**
 * The text of a growing string.
 * @param b: the string.
 * @return its text, "" when empty.
 */
static const char*
sb_str(const struct sb* b)
{
	return b->s && b->ok ? b->s : "";
}

/* ------------------------------------------------------------------ */
/* Escaping and formatting                                             */
/* ------------------------------------------------------------------ */

void
sh_report_json_str(FILE* out, const char* s)
{
	const unsigned char* p = (const unsigned char*)s;
	size_t n;
	if(!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	for(; *p; p += n ? n : 1) {
		n = *p < 0x80 ? 1 : sh_utf8_len(p, strlen((const char*)p));
		if(n == 0)
			fputs("\\ufffd", out);
		else if(*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if(*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else	fwrite(p, 1, n, out);
	}
	putc('"', out);
}

void
sh_report_html_str(FILE* out, const char* s)
{
	const unsigned char* p = (const unsigned char*)s;
	size_t n;
	for(; p && *p; p += n ? n : 1) {
		n = *p < 0x80 ? 1 : sh_utf8_len(p, strlen((const char*)p));
		if(n == 0 || *p < 0x20 || *p == 0x7f)
			fputs("&#xfffd;", out);
		else if(*p == '&') fputs("&amp;", out);
		else if(*p == '<') fputs("&lt;", out);
		else if(*p == '>') fputs("&gt;", out);
		else if(*p == '"') fputs("&quot;", out);
		else if(*p == '\'') fputs("&#39;", out);
		else	fwrite(p, 1, n, out);
	}
}

void
sh_report_csv_str(FILE* out, const char* s)
{
	const char* p;
	size_t len;
	int formula, quote;
	if(!s)
		s = "";
	len = strlen(s);
	formula = len > 0 && strchr("=+-@\t\r", s[0]) != NULL;
	quote = formula || strpbrk(s, ",\"\r\n") != NULL ||
		(len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
	if(quote)
		putc('"', out);
	if(formula)
		putc('\'', out);
	for(p = s; *p; p++) {
		if(*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	if(quote)
		putc('"', out);
}

char*
sh_report_fmt_dur(double ms, char buf[32])
{
	long s = (long)(ms / 1000.0 + 0.5);
	if(s < 600)
		snprintf(buf, 32, "%lds", s);
	else if(s < 3600)
		snprintf(buf, 32, "%ldm%02lds", s / 60, s % 60);
	else if(s < 172800)
		snprintf(buf, 32, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
	else	snprintf(buf, 32, "%ldd%02ldh", s / 86400, (s % 86400) / 3600);
	return buf;
}

/**
 * The pattern of a client as text: "periodic 60s ±3%" style for the
 * table, the bare name otherwise.
 * @param c: the client.
 * @param buf: destination of 64 bytes.
 * @return buf.
 */
static char*
pattern_text(const struct sh_report_client* c, char buf[64])
{
	char d[32];
	if(c->pattern == SH_REPORT_PERIODIC)
		snprintf(buf, 64, "periodic %s +/-%.0f%%", sh_report_fmt_dur(
			c->median_ms, d), c->jitter * 100.0);
	else	snprintf(buf, 64, "%s", sh_report_pattern_name(c->pattern));
	return buf;
}

/**
 * Write a small set as "a b" (names) or "a:1 b:2" (with counts).
 * @param b: destination.
 * @param a: the aggregation (for the names).
 * @param t: the set.
 * @param counts: 1 to add ":count".
 * @param sep: separator.
 */
static void
tally_text(struct sb* b, const struct sh_report_agg* a,
	const struct sh_report_tallies* t, int counts, const char* sep)
{
	uint32_t i;
	for(i = 0; i < t->n; i++) {
		sb_add(b, "%s%s", i ? sep : "", a->atoms.str[t->v[i].id]);
		if(counts)
			sb_add(b, ":%llu", (unsigned long long)t->v[i].count);
	}
}

/**
 * Write the indicators of a client, or the clients of an indicator.
 * @param b: destination.
 * @param a: the aggregation.
 * @param v: the pairs of the group.
 * @param n: how many.
 * @param clients: 1 to list clients "ip (count)", 0 indicator names.
 * @param max: most entries, then "+N more"; 0 for all.
 */
static void
pairs_text(struct sb* b, const struct sh_report_agg* a,
	const struct sh_report_pair* const* v, size_t n, int clients,
	size_t max)
{
	size_t i;
	for(i = 0; i < n && (max == 0 || i < max); i++) {
		if(clients)
			sb_add(b, "%s%s (%llu)", i ? ", " : "",
				a->clients[v[i]->client].key,
				(unsigned long long)v[i]->count);
		else	sb_add(b, "%s%s", i ? " " : "",
				a->inds[v[i]->ind].name);
	}
	if(i < n)
		sb_add(b, ", +%llu more", (unsigned long long)(n - i));
}

/**
 * Write what the listener saw of a client as counts: "icmp:1 udp:3
 * tcp:2 tls:1 http:1 app:2".
 * @param b: destination.
 * @param k: the client's contacts.
 */
static void
contacts_text(struct sb* b, const struct sh_report_contacts* k)
{
	sb_add(b, "icmp:%llu udp:%llu tcp:%llu tls:%llu http:%llu app:%llu",
		(unsigned long long)k->icmp, (unsigned long long)k->udp,
		(unsigned long long)k->tcp, (unsigned long long)k->tls,
		(unsigned long long)k->http, (unsigned long long)k->app);
}

/**
 * Write a client's evidence: "sni=a,b host=c path=/x ua=\"..\"
 * ports=tcp/443:2" (only what there is), for the table and the page.
 * @param b: destination.
 * @param a: the aggregation.
 * @param k: the client's contacts.
 */
static void
evidence_text(struct sb* b, const struct sh_report_agg* a,
	const struct sh_report_contacts* k)
{
	static const char* const label[] = {"sni=", "host=", "path=", "ua=",
		"ports="};
	const struct sh_report_tallies* t[5];
	int i, first = 1;
	t[0] = &k->sni; t[1] = &k->host; t[2] = &k->path; t[3] = &k->ua;
	t[4] = &k->port;
	for(i = 0; i < 5; i++) {
		if(t[i]->n == 0)
			continue;
		sb_add(b, "%s%s", first ? "" : " ", label[i]);
		tally_text(b, a, t[i], i == 4, i == 3 ? " | " : ",");
		first = 0;
	}
}

/* ------------------------------------------------------------------ */
/* The terminal table                                                  */
/* ------------------------------------------------------------------ */

/** A table of text cells, printed with aligned columns. */
struct tbl {
	/** number of columns */
	int ncols;
	/** the headers */
	const char* const* head;
	/** 'r' for right-aligned columns, else left */
	const char* align;
	/** the cells, row by row, malloced */
	char** cell;
	/** cells used and allocated */
	size_t n, cap;
	/** 0 after an allocation failure */
	int ok;
};

/**
 * Add a cell, cleaned for a terminal (control bytes become '?') and,
 * but in the last column, cut to TBL_LIST_MAX bytes with "...".
 * @param t: the table.
 * @param s: the text.
 */
static void
tbl_add(struct tbl* t, const char* s)
{
	size_t len = strlen(s), i;
	char** v;
	char* c;
	if(!t->ok)
		return;
	if(t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		if(!(v = realloc(t->cell, t->cap * sizeof(*v)))) {
			t->ok = 0;
			return;
		}
		t->cell = v;
	}
	if(!(c = strdup(s))) {
		t->ok = 0;
		return;
	}
	for(i = 0; i < len; i++)
		if((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = '?';
	if(len > TBL_LIST_MAX && (int)(t->n % (size_t)t->ncols) !=
		t->ncols - 1) {
		/* do not cut inside a UTF-8 sequence */
		for(i = TBL_LIST_MAX - 3; i > 0 && ((unsigned char)c[i] &
			0xc0) == 0x80; i--)
			;
		strcpy(c + i, "...");
	}
	t->cell[t->n++] = c;
}

/**
 * Display width of a cell: UTF-8 lead bytes counted.
 * @param s: the text.
 * @return the width.
 */
static size_t
tbl_width(const char* s)
{
	size_t w = 0;
	for(; *s; s++)
		if(((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/**
 * Print one row of cells, padded.
 * @param out: where.
 * @param t: the table.
 * @param row: the cells of the row.
 * @param w: the column widths.
 */
static void
tbl_row(FILE* out, const struct tbl* t, const char* const* row,
	const size_t* w)
{
	int k;
	for(k = 0; k < t->ncols; k++) {
		size_t pad = w[k] - tbl_width(row[k]);
		int last = k == t->ncols - 1;
		if(t->align[k] == 'r')
			fprintf(out, "%*s%s", (int)pad, "", row[k]);
		else	fprintf(out, "%s%*s", row[k], last ? 0 : (int)pad, "");
		fputs(last ? "\n" : "  ", out);
	}
}

/**
 * Print the table and free its cells.
 * @param out: where.
 * @param t: the table.
 */
static void
tbl_print(FILE* out, struct tbl* t)
{
	size_t w[32], i;
	int k;
	for(k = 0; k < t->ncols; k++)
		w[k] = tbl_width(t->head[k]);
	for(i = 0; i < t->n; i++) {
		size_t cw = tbl_width(t->cell[i]);
		if(cw > w[i % (size_t)t->ncols])
			w[i % (size_t)t->ncols] = cw;
	}
	tbl_row(out, t, t->head, w);
	for(i = 0; t->ok && i + (size_t)t->ncols <= t->n; i += (size_t)t->ncols)
		tbl_row(out, t, (const char* const*)t->cell + i, w);
	for(i = 0; i < t->n; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->n = t->cap = 0;
}

/**
 * Print the header of the report: files, counts, period, filters.
 * @param out: where.
 * @param a: the aggregation.
 * @param m: the run.
 */
static void
table_header(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	const struct sh_report_counts* k = &a->counts;
	char t0[32], t1[32];
	fprintf(out, "sinkhole report: %llu file(s), %llu lines: %llu events "
		"(%llu shown), %llu bad, %llu metric, %llu notes, %llu "
		"operational\n",
		(unsigned long long)k->files, (unsigned long long)k->lines,
		(unsigned long long)k->events, (unsigned long long)k->matched,
		(unsigned long long)k->bad, (unsigned long long)k->metric,
		(unsigned long long)k->notes, (unsigned long long)k->ops);
	if(a->first <= a->last)
		fprintf(out, "period: %s .. %s\n", sh_report_fmt_time(a->first,
			0, t0), sh_report_fmt_time(a->last, 0, t1));
	if(m->since != INT64_MIN || m->until != INT64_MAX)
		fprintf(out, "window: %s .. %s\n", m->since == INT64_MIN ?
			"-" : sh_report_fmt_time(m->since, 0, t0),
			m->until == INT64_MAX ? "-" :
			sh_report_fmt_time(m->until, 0, t1));
	fprintf(out, "%llu clients, %llu indicators\n\n",
		(unsigned long long)a->client_ids.n,
		(unsigned long long)a->ind_ids.n);
}

/**
 * Add the cells of one client row.
 * @param t: the table.
 * @param a: the aggregation.
 * @param rank: 1-based rank.
 * @param c: the client.
 * @param v: its pairs.
 * @param n: how many.
 */
static void
table_client(struct tbl* t, const struct sh_report_agg* a, uint32_t rank,
	const struct sh_report_client* c, const struct sh_report_pair* const* v,
	size_t n)
{
	char buf[64], d[32];
	struct sb b = {NULL, 0, 0, 1};
	snprintf(buf, sizeof(buf), "%u", (unsigned)rank);
	tbl_add(t, buf);
	tbl_add(t, pattern_text(c, buf));
	tbl_add(t, c->key);
	tbl_add(t, c->name ? c->name : "-");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->queries);
	tbl_add(t, buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->n_bursts);
	tbl_add(t, buf);
	tbl_add(t, sh_report_fmt_time(c->first, 0, d));
	tbl_add(t, sh_report_fmt_time(c->last, 0, d));
	pairs_text(&b, a, v, n, 0, 0);
	tbl_add(t, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->feeds, 0, " ");
	tbl_add(t, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->types, 0, ",");
	tbl_add(t, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->transports, 0, ",");
	tbl_add(t, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->resolvers, 1, " ");
	tbl_add(t, sb_str(&b));
	if(a->counts.listener) {
		tbl_add(t, sh_report_verdict_text(c));
		sb_reset(&b);
		contacts_text(&b, &c->contact);
		tbl_add(t, sb_str(&b));
		sb_reset(&b);
		evidence_text(&b, a, &c->contact);
		tbl_add(t, b.len ? sb_str(&b) : "-");
	}
	free(b.s);
}

/**
 * Print the clients table.
 * @param out: where.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
static int
table_clients(FILE* out, const struct sh_report_agg* a)
{
	static const char* const head[] = {"#", "PATTERN", "CLIENT", "NAME",
		"QUERIES", "BURSTS", "FIRST SEEN", "LAST SEEN", "INDICATORS",
		"FEEDS", "TYPES", "TRANSPORTS", "RESOLVERS", "VERDICT",
		"CONTACTS", "EVIDENCE"};
	/* the verdict columns only when a listener log was read */
	struct tbl t = {a->counts.listener ? 16 : 13, head, "rlllrrllllllllll",
		NULL, 0, 0, 1};
	size_t* off;
	const struct sh_report_pair** v = sh_report_pairs_group(a, 1, &off);
	uint32_t i, id;
	int ok;
	if(!v)
		return 0;
	if(a->counts.listener)
		fprintf(out, "CLIENTS (likely compromised first: application "
			"contact, TCP contact, ping/traceroute, looked up only; "
			"then periodic, repeated, one-off)\n");
	else	fprintf(out, "CLIENTS (likely compromised first: periodic, "
			"repeated, one-off; then more bursts, more queries, "
			"latest)\n");
	for(i = 0; i < a->client_ids.n; i++) {
		id = a->order[i];
		table_client(&t, a, i + 1, &a->clients[id], v + off[id],
			off[id + 1] - off[id]);
	}
	ok = t.ok;
	tbl_print(out, &t);
	free(v);
	free(off);
	return ok;
}

/**
 * Order of indicators for qsort_r: more events first, then name.
 * @param x: an indicator id.
 * @param y: another.
 * @param arg: the aggregation.
 * @return <0 if x comes first.
 */
static int
ind_cmp(const void* x, const void* y, void* arg)
{
	const struct sh_report_agg* a = (const struct sh_report_agg*)arg;
	const struct sh_report_indicator* p = &a->inds[*(const uint32_t*)x];
	const struct sh_report_indicator* q = &a->inds[*(const uint32_t*)y];
	if(p->queries != q->queries)
		return p->queries > q->queries ? -1 : 1;
	return strcmp(p->name, q->name);
}

/**
 * The indicators by events, most first.
 * @param a: the aggregation.
 * @return malloced array of ids (caller frees), or NULL.
 */
static uint32_t*
ind_order(const struct sh_report_agg* a)
{
	uint32_t* o = malloc(((size_t)a->ind_ids.n + 1) * sizeof(*o)), i;
	if(!o)
		return NULL;
	for(i = 0; i < a->ind_ids.n; i++)
		o[i] = i;
	qsort_r(o, a->ind_ids.n, sizeof(*o), ind_cmp, (void*)a);
	return o;
}

/**
 * Add the cells of one indicator row.
 * @param t: the table.
 * @param a: the aggregation.
 * @param ind: the indicator.
 * @param v: its pairs.
 * @param n: how many.
 */
static void
table_ind(struct tbl* t, const struct sh_report_agg* a,
	const struct sh_report_indicator* ind,
	const struct sh_report_pair* const* v, size_t n)
{
	char buf[64];
	struct sb b = {NULL, 0, 0, 1};
	tbl_add(t, ind->name);
	tally_text(&b, a, &ind->feeds, 0, " ");
	tbl_add(t, sb_str(&b));
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ind->queries);
	tbl_add(t, buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned)ind->n_clients);
	tbl_add(t, buf);
	tbl_add(t, sh_report_fmt_time(ind->first, 0, buf));
	tbl_add(t, sh_report_fmt_time(ind->last, 0, buf));
	sb_reset(&b);
	pairs_text(&b, a, v, n, 1, TBL_TOP_CLIENTS);
	tbl_add(t, sb_str(&b));
	free(b.s);
}

/**
 * Print the indicators table.
 * @param out: where.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
static int
table_inds(FILE* out, const struct sh_report_agg* a)
{
	static const char* const head[] = {"INDICATOR", "FEEDS", "QUERIES",
		"CLIENTS", "FIRST SEEN", "LAST SEEN", "CLIENTS (QUERIES)"};
	struct tbl t = {7, head, "llrrlll", NULL, 0, 0, 1};
	size_t* off;
	const struct sh_report_pair** v = sh_report_pairs_group(a, 0, &off);
	uint32_t* o = ind_order(a), i;
	int ok = v && o;
	fprintf(out, "\nINDICATORS (most queried first)\n");
	for(i = 0; ok && i < a->ind_ids.n; i++)
		table_ind(&t, a, &a->inds[o[i]], v + off[o[i]],
			off[o[i] + 1] - off[o[i]]);
	ok = ok && t.ok;
	tbl_print(out, &t);
	free(v);
	free(off);
	free(o);
	return ok;
}

int
sh_report_render_table(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	table_header(out, a, m);
	if(a->client_ids.n == 0) {
		fprintf(out, "no matching events\n");
		return !ferror(out);
	}
	if(!table_clients(out, a) || !table_inds(out, a))
		return 0;
	return !ferror(out);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

/**
 * Write the verdict columns of a client's CSV row: verdict,
 * periodic_contact, icmp, udp, tcp, tls, http, app, sni, hosts, paths,
 * user_agents, ports (lists space separated; User-Agents " | ").
 * @param out: where.
 * @param a: the aggregation.
 * @param c: the client.
 * @param b: scratch.
 */
static void
csv_contact(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_client* c, struct sb* b)
{
	const struct sh_report_contacts* k = &c->contact;
	const struct sh_report_tallies* t[5];
	int i;
	t[0] = &k->sni; t[1] = &k->host; t[2] = &k->path; t[3] = &k->ua;
	t[4] = &k->port;
	fprintf(out, ",%s,%d,%llu,%llu,%llu,%llu,%llu,%llu",
		sh_report_verdict_name(c->verdict), c->periodic_contact,
		(unsigned long long)k->icmp, (unsigned long long)k->udp,
		(unsigned long long)k->tcp, (unsigned long long)k->tls,
		(unsigned long long)k->http, (unsigned long long)k->app);
	for(i = 0; i < 5; i++) {
		sb_reset(b);
		tally_text(b, a, t[i], i == 4, i == 3 ? " | " : " ");
		putc(',', out);
		sh_report_csv_str(out, sb_str(b));
	}
}

/**
 * Write one client as a CSV row.
 * @param out: where.
 * @param a: the aggregation.
 * @param rank: 1-based rank.
 * @param c: the client.
 * @param v: its pairs.
 * @param n: how many.
 */
static void
csv_client(FILE* out, const struct sh_report_agg* a, uint32_t rank,
	const struct sh_report_client* c, const struct sh_report_pair* const* v,
	size_t n)
{
	char t0[32], t1[32];
	struct sb b = {NULL, 0, 0, 1};
	fprintf(out, "%u,%s,", (unsigned)rank,
		sh_report_pattern_name(c->pattern));
	sh_report_csv_str(out, c->key);
	putc(',', out);
	sh_report_csv_str(out, c->name);
	fprintf(out, ",%llu,%llu,%s,%s,%.3f,", (unsigned long long)c->queries,
		(unsigned long long)c->n_bursts, sh_report_fmt_time(c->first,
		1, t0), sh_report_fmt_time(c->last, 1, t1),
		(double)(c->last - c->first) / 1000.0);
	if(c->nb >= 2)
		fprintf(out, "%.3f", c->median_ms / 1000.0);
	putc(',', out);
	if(c->nb >= 3)
		fprintf(out, "%.4f", c->jitter);
	putc(',', out);
	pairs_text(&b, a, v, n, 0, 0);
	sh_report_csv_str(out, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->feeds, 0, " ");
	putc(',', out);
	sh_report_csv_str(out, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->types, 1, " ");
	putc(',', out);
	sh_report_csv_str(out, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->transports, 1, " ");
	putc(',', out);
	sh_report_csv_str(out, sb_str(&b));
	sb_reset(&b);
	tally_text(&b, a, &c->resolvers, 1, " ");
	putc(',', out);
	sh_report_csv_str(out, sb_str(&b));
	if(a->counts.listener)
		csv_contact(out, a, c, &b);
	putc('\n', out);
	free(b.s);
}

int
sh_report_render_csv(FILE* out, const struct sh_report_agg* a)
{
	size_t* off;
	const struct sh_report_pair** v = sh_report_pairs_group(a, 1, &off);
	uint32_t i, id;
	if(!v)
		return 0;
	fputs("rank,pattern,client,name,queries,bursts,first_seen,last_seen,"
		"span_s,median_interval_s,jitter,indicators,feeds,qtypes,"
		"transports,resolvers", out);
	if(a->counts.listener)
		fputs(",verdict,periodic_contact,icmp,udp,tcp,tls,http,app,sni,"
			"hosts,paths,user_agents,ports", out);
	putc('\n', out);
	for(i = 0; i < a->client_ids.n; i++) {
		id = a->order[i];
		csv_client(out, a, i + 1, &a->clients[id], v + off[id],
			off[id + 1] - off[id]);
	}
	free(v);
	free(off);
	return !ferror(out);
}

int
sh_report_render_csv_pairs(FILE* out, const struct sh_report_agg* a)
{
	size_t* off, k;
	const struct sh_report_pair** v = sh_report_pairs_group(a, 0, &off);
	uint32_t* o = ind_order(a), i;
	char t0[32], t1[32];
	struct sb b = {NULL, 0, 0, 1};
	fputs("indicator,feeds,client,name,pattern,queries,first_seen,"
		"last_seen\n", out);
	for(i = 0; v && o && i < a->ind_ids.n; i++) {
		const struct sh_report_indicator* ind = &a->inds[o[i]];
		sb_reset(&b);
		tally_text(&b, a, &ind->feeds, 0, " ");
		for(k = off[o[i]]; k < off[o[i] + 1]; k++) {
			const struct sh_report_client* c =
				&a->clients[v[k]->client];
			sh_report_csv_str(out, ind->name);
			putc(',', out);
			sh_report_csv_str(out, sb_str(&b));
			putc(',', out);
			sh_report_csv_str(out, c->key);
			putc(',', out);
			sh_report_csv_str(out, c->name);
			fprintf(out, ",%s,%llu,%s,%s\n", sh_report_pattern_name(
				c->pattern), (unsigned long long)v[k]->count,
				sh_report_fmt_time(v[k]->first, 1, t0),
				sh_report_fmt_time(v[k]->last, 1, t1));
		}
	}
	free(b.s);
	free(o);
	free(off);
	if(!v)
		return 0;
	free(v);
	return !ferror(out);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/**
 * Write a small set as a JSON object {"name": count, ...}.
 * @param out: where.
 * @param a: the aggregation.
 * @param t: the set.
 */
static void
json_tally(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_tallies* t)
{
	uint32_t i;
	putc('{', out);
	for(i = 0; i < t->n; i++) {
		if(i)
			putc(',', out);
		sh_report_json_str(out, a->atoms.str[t->v[i].id]);
		fprintf(out, ":%llu", (unsigned long long)t->v[i].count);
	}
	putc('}', out);
}

/**
 * Write a small set's names as a JSON array.
 * @param out: where.
 * @param a: the aggregation.
 * @param t: the set.
 */
static void
json_names(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_tallies* t)
{
	uint32_t i;
	putc('[', out);
	for(i = 0; i < t->n; i++) {
		if(i)
			putc(',', out);
		sh_report_json_str(out, a->atoms.str[t->v[i].id]);
	}
	putc(']', out);
}

/**
 * Write a time as a JSON string, or null.
 * @param out: where.
 * @param ms: the time, or INT64_MIN / INT64_MAX for null.
 */
static void
json_time(FILE* out, int64_t ms)
{
	char t[32];
	if(ms == INT64_MIN || ms == INT64_MAX)
		fputs("null", out);
	else	fprintf(out, "\"%s\"", sh_report_fmt_time(ms, 1, t));
}

/**
 * Write a NULL-terminated list of strings as a JSON array.
 * @param out: where.
 * @param v: the list, may be NULL.
 */
static void
json_strv(FILE* out, const char* const* v)
{
	putc('[', out);
	for(; v && *v; v++) {
		sh_report_json_str(out, *v);
		if(v[1])
			putc(',', out);
	}
	putc(']', out);
}

/**
 * Write the summary object.
 * @param out: where.
 * @param a: the aggregation.
 * @param m: the run.
 */
static void
json_summary(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	const struct sh_report_counts* k = &a->counts;
	fputs("\"summary\":{\"generated\":", out);
	json_time(out, m->now);
	fputs(",\"files\":", out);
	json_strv(out, (const char* const*)m->files);
	fprintf(out, ",\"lines\":%llu,\"events\":%llu,\"matched\":%llu,"
		"\"bad_lines\":%llu,\"metric_lines\":%llu,\"note_lines\":%llu,"
		"\"operational_lines\":%llu,"
		"\"read_errors\":%llu,\"clients\":%u,\"indicators\":%u,"
		"\"first_seen\":", (unsigned long long)k->lines,
		(unsigned long long)k->events, (unsigned long long)k->matched,
		(unsigned long long)k->bad, (unsigned long long)k->metric,
		(unsigned long long)k->notes, (unsigned long long)k->ops,
		(unsigned long long)k->read_errors, (unsigned)a->client_ids.n,
		(unsigned)a->ind_ids.n);
	json_time(out, a->first <= a->last ? a->first : INT64_MIN);
	fputs(",\"last_seen\":", out);
	json_time(out, a->first <= a->last ? a->last : INT64_MIN);
	fputs(",\"filters\":{\"since\":", out);
	json_time(out, m->since);
	fputs(",\"until\":", out);
	json_time(out, m->until);
	fputs(",\"feed\":", out);
	json_strv(out, m->feeds);
	fputs(",\"client\":", out);
	json_strv(out, m->clients);
	fputs(",\"indicator\":", out);
	json_strv(out, m->indicators);
	putc('}', out);
	if(k->listener)
		fprintf(out, ",\"listener_lines\":%llu,\"contacts\":%llu",
			(unsigned long long)k->listener,
			(unsigned long long)k->contacts);
	fprintf(out, ",\"thresholds\":{\"burst_gap_s\":%g,\"one_off_span_s\":"
		"%g,\"min_intervals\":%d,\"max_jitter\":%g,\"burst_cap\":%d}}",
		SH_REPORT_BURST_GAP_MS / 1000.0, SH_REPORT_ONEOFF_SPAN_MS /
		1000.0, SH_REPORT_MIN_INTERVALS, SH_REPORT_MAX_JITTER,
		SH_REPORT_BURST_CAP);
}

/**
 * Write a client's verdict and contacts: "verdict", "verdict_text",
 * "periodic_contact" and "contacts" {counts, first/last, evidence}.
 * @param out: where.
 * @param a: the aggregation.
 * @param c: the client.
 */
static void
json_contact(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_client* c)
{
	const struct sh_report_contacts* k = &c->contact;
	fprintf(out, ",\"verdict\":\"%s\",\"verdict_text\":",
		sh_report_verdict_name(c->verdict));
	sh_report_json_str(out, sh_report_verdict_text(c));
	fprintf(out, ",\"periodic_contact\":%s,\"contacts\":{\"icmp\":%llu,"
		"\"udp\":%llu,\"tcp\":%llu,\"tls\":%llu,\"http\":%llu,"
		"\"app\":%llu,\"first\":", c->periodic_contact ? "true" :
		"false", (unsigned long long)k->icmp, (unsigned long long)k->udp,
		(unsigned long long)k->tcp, (unsigned long long)k->tls,
		(unsigned long long)k->http, (unsigned long long)k->app);
	json_time(out, k->first <= k->last ? k->first : INT64_MIN);
	fputs(",\"last\":", out);
	json_time(out, k->first <= k->last ? k->last : INT64_MIN);
	fputs(",\"sni\":", out);
	json_tally(out, a, &k->sni);
	fputs(",\"hosts\":", out);
	json_tally(out, a, &k->host);
	fputs(",\"paths\":", out);
	json_tally(out, a, &k->path);
	fputs(",\"user_agents\":", out);
	json_tally(out, a, &k->ua);
	fputs(",\"ports\":", out);
	json_tally(out, a, &k->port);
	putc('}', out);
}

/**
 * Write one client object.
 * @param out: where.
 * @param a: the aggregation.
 * @param rank: 1-based rank.
 * @param c: the client.
 * @param v: its pairs.
 * @param n: how many.
 */
static void
json_client(FILE* out, const struct sh_report_agg* a, uint32_t rank,
	const struct sh_report_client* c, const struct sh_report_pair* const* v,
	size_t n)
{
	size_t i;
	fprintf(out, "{\"rank\":%u,\"client\":", (unsigned)rank);
	sh_report_json_str(out, c->key);
	fputs(",\"name\":", out);
	sh_report_json_str(out, c->name);
	fprintf(out, ",\"pattern\":\"%s\",\"queries\":%llu,\"bursts\":%llu,"
		"\"first_seen\":", sh_report_pattern_name(c->pattern),
		(unsigned long long)c->queries, (unsigned long long)c->n_bursts);
	json_time(out, c->first);
	fputs(",\"last_seen\":", out);
	json_time(out, c->last);
	if(c->nb >= 2)
		fprintf(out, ",\"median_interval_s\":%.3f", c->median_ms / 1000.0);
	else	fputs(",\"median_interval_s\":null", out);
	if(c->nb >= 3)
		fprintf(out, ",\"jitter\":%.4f", c->jitter);
	else	fputs(",\"jitter\":null", out);
	fprintf(out, ",\"late_events\":%llu,\"indicators\":[",
		(unsigned long long)c->late);
	for(i = 0; i < n; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		sh_report_json_str(out, a->inds[v[i]->ind].name);
		fprintf(out, ",\"queries\":%llu}", (unsigned long long)v[i]->count);
	}
	fputs("],\"feeds\":", out);
	json_names(out, a, &c->feeds);
	fputs(",\"qtypes\":", out);
	json_tally(out, a, &c->types);
	fputs(",\"transports\":", out);
	json_tally(out, a, &c->transports);
	fputs(",\"resolvers\":", out);
	json_tally(out, a, &c->resolvers);
	if(a->counts.listener)
		json_contact(out, a, c);
	putc('}', out);
}

/**
 * Write one indicator object.
 * @param out: where.
 * @param a: the aggregation.
 * @param ind: the indicator.
 * @param v: its pairs.
 * @param n: how many.
 */
static void
json_ind(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_indicator* ind,
	const struct sh_report_pair* const* v, size_t n)
{
	size_t i;
	fputs("{\"name\":", out);
	sh_report_json_str(out, ind->name);
	fputs(",\"feeds\":", out);
	json_names(out, a, &ind->feeds);
	fprintf(out, ",\"queries\":%llu,\"first_seen\":",
		(unsigned long long)ind->queries);
	json_time(out, ind->first);
	fputs(",\"last_seen\":", out);
	json_time(out, ind->last);
	fputs(",\"clients\":[", out);
	for(i = 0; i < n; i++) {
		const struct sh_report_client* c = &a->clients[v[i]->client];
		fputs(i ? ",{\"client\":" : "{\"client\":", out);
		sh_report_json_str(out, c->key);
		fputs(",\"name\":", out);
		sh_report_json_str(out, c->name);
		fprintf(out, ",\"pattern\":\"%s\",\"queries\":%llu,"
			"\"first_seen\":", sh_report_pattern_name(c->pattern),
			(unsigned long long)v[i]->count);
		json_time(out, v[i]->first);
		fputs(",\"last_seen\":", out);
		json_time(out, v[i]->last);
		putc('}', out);
	}
	fputs("]}", out);
}

int
sh_report_render_json(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	size_t* coff = NULL, *ioff = NULL;
	const struct sh_report_pair** cv = sh_report_pairs_group(a, 1, &coff);
	const struct sh_report_pair** iv = sh_report_pairs_group(a, 0, &ioff);
	uint32_t* o = ind_order(a), i, id;
	int ok = cv && iv && o;
	putc('{', out);
	json_summary(out, a, m);
	fputs(",\"clients\":[", out);
	for(i = 0; ok && i < a->client_ids.n; i++) {
		id = a->order[i];
		fputs(i ? ",\n" : "\n", out);
		json_client(out, a, i + 1, &a->clients[id], cv + coff[id],
			coff[id + 1] - coff[id]);
	}
	fputs("],\"indicators\":[", out);
	for(i = 0; ok && i < a->ind_ids.n; i++) {
		id = o[i];
		fputs(i ? ",\n" : "\n", out);
		json_ind(out, a, &a->inds[id], iv + ioff[id],
			ioff[id + 1] - ioff[id]);
	}
	fputs("]}\n", out);
	free(cv);
	free(iv);
	free(coff);
	free(ioff);
	free(o);
	return ok && !ferror(out);
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */
/* ------------------------------------------------------------------ */

/** The page's style sheet. */
static const char html_css[] =
"body{font:14px/1.4 'DejaVu Sans',sans-serif;margin:20px;color:#222;"
"background:#fff}\n"
"h1{font-size:20px}h2{font-size:16px;margin-top:24px}\n"
"table{border-collapse:collapse;margin:8px 0}\n"
"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;"
"vertical-align:top}\n"
"th{background:#eee}td{white-space:nowrap}td.n{text-align:right}\n"
"td.l{white-space:normal;max-width:420px}\n"
".periodic{background:#fbe3e3}.repeated{background:#fdf0e0}"
".one-off{background:#e6eef7}\n"
".summary td{border:none;padding:0 12px 0 0}\n"
".application_contact{background:#f7c6c6}.tcp_contact{background:#fbe3c8}"
".ping_traceroute{background:#e6eef7}.looked_up_only{background:#eef5e6}\n"
"svg text{font:11px 'DejaVu Sans Mono',monospace;fill:#222}\n";

/**
 * Write the page head and the summary.
 * @param out: where.
 * @param a: the aggregation.
 * @param m: the run.
 */
static void
html_head(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	const struct sh_report_counts* k = &a->counts;
	char t0[32], t1[32];
	int i;
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		"charset=\"utf-8\"><title>unbound-sinkhole report</title>\n"
		"<style>\n%s</style></head><body>\n<h1>unbound-sinkhole "
		"report</h1>\n<table class=\"summary\">\n", html_css);
	fprintf(out, "<tr><td>generated</td><td>%s</td></tr>\n<tr><td>files"
		"</td><td>", sh_report_fmt_time(m->now, 0, t0));
	for(i = 0; i < m->nfiles; i++) {
		fputs(i ? ", " : "", out);
		sh_report_html_str(out, m->files[i]);
	}
	fprintf(out, "</td></tr>\n<tr><td>lines</td><td>%llu</td></tr>\n<tr>"
		"<td>events</td><td>%llu (%llu shown)</td></tr>\n<tr><td>bad "
		"lines</td><td id=\"bad-lines\">%llu</td></tr>\n<tr><td>metric "
		"lines</td><td>%llu</td></tr>\n", (unsigned long long)k->lines,
		(unsigned long long)k->events, (unsigned long long)k->matched,
		(unsigned long long)k->bad, (unsigned long long)k->metric);
	if(a->first <= a->last)
		fprintf(out, "<tr><td>period</td><td>%s .. %s</td></tr>\n",
			sh_report_fmt_time(a->first, 0, t0),
			sh_report_fmt_time(a->last, 0, t1));
	fprintf(out, "<tr><td>clients</td><td>%u</td></tr>\n<tr><td>"
		"indicators</td><td>%u</td></tr>\n</table>\n",
		(unsigned)a->client_ids.n, (unsigned)a->ind_ids.n);
}

/**
 * X coordinate of a time on the timeline.
 * @param a: the aggregation (its first and last).
 * @param t: the time.
 * @return the pixel column, TL_LABEL .. TL_LABEL + TL_WIDTH - 1.
 */
static long
tl_x(const struct sh_report_agg* a, int64_t t)
{
	double span = (double)(a->last - a->first);
	if(span <= 0)
		return TL_LABEL + TL_WIDTH / 2;
	return TL_LABEL + (long)((double)(t - a->first) / span *
		(TL_WIDTH - 1));
}

/**
 * Write the time axis: grid lines and labels.
 * @param out: where.
 * @param a: the aggregation.
 * @param height: height of the plot.
 */
static void
tl_axis(FILE* out, const struct sh_report_agg* a, long height)
{
	char t[32];
	int i;
	for(i = 0; i <= 4; i++) {
		int64_t when = a->first + (int64_t)((double)(a->last - a->first)
			* i / 4.0);
		long x = tl_x(a, when);
		fprintf(out, "<rect x=\"%ld\" y=\"%d\" width=\"1\" height=\"%ld\" "
			"fill=\"#dddddd\"/>\n<text x=\"%ld\" y=\"%d\" "
			"text-anchor=\"%s\">%s</text>\n", x, TL_TOP - 4,
			height - TL_TOP + 4, x, TL_TOP - 8, i == 0 ? "start" :
			i == 4 ? "end" : "middle", sh_report_fmt_time(when, 0, t));
	}
}

/**
 * Write a client's contacts with the sinkhole on its timeline row,
 * above its lookup ticks: a small triangle per contact (one per pixel
 * column and kind), coloured by kind.
 * @param out: where.
 * @param a: the aggregation.
 * @param k: the client's contacts.
 * @param y: top of the row.
 */
static void
tl_marks(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_contacts* k, long y)
{
	static const char* const cls[] = {"contact-ping", "contact-tcp",
		"contact-app"};
	static const char* const colors[] = {COLOR_CONTACT_PING,
		COLOR_CONTACT_TCP, COLOR_CONTACT_APP};
	long last[3] = {-1, -1, -1}, x;
	uint32_t i;
	int kind;
	for(kind = 0; kind < 3; kind++) {
		fprintf(out, "<path class=\"%s\" fill=\"%s\" d=\"", cls[kind],
			colors[kind]);
		for(i = 0; i < k->nmarks; i++) {
			if(k->marks[i].kind != kind)
				continue;
			x = tl_x(a, k->marks[i].t);
			if(x == last[kind])
				continue;
			/* a small down-pointing triangle above the lookup
			 * ticks (which start at y + 3), never covering them */
			fprintf(out, "M%ld %ldh5l-2.5 3z", x - 2, y);
			last[kind] = x;
		}
		fputs("\"/>\n", out);
	}
}

/**
 * Write one client's row of the timeline: a label and one tick per
 * burst (as wide as the burst lasts), ticks sharing a pixel drawn once.
 * @param out: where.
 * @param a: the aggregation.
 * @param c: the client.
 * @param y: top of the row.
 */
static void
tl_row(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_client* c, long y)
{
	static const char* const colors[] = {COLOR_PERIODIC, COLOR_REPEATED,
		COLOR_ONEOFF};
	char buf[64];
	long last = -1, x0, x1;
	uint32_t i;
	fprintf(out, "<g><title>");
	sh_report_html_str(out, c->key);
	fprintf(out, ": %s, %llu queries, %llu bursts</title>\n<text x=\"4\" "
		"y=\"%ld\">", pattern_text(c, buf), (unsigned long long)c->queries,
		(unsigned long long)c->n_bursts, y + TL_ROW - 4);
	sh_report_html_str(out, c->key);
	if(c->name) {
		fputs(" ", out);
		sh_report_html_str(out, c->name);
	}
	fprintf(out, "</text>\n<path fill=\"%s\" d=\"", colors[c->pattern]);
	for(i = 0; i < c->nb; i++) {
		x0 = tl_x(a, c->bursts[i].start);
		x1 = tl_x(a, c->bursts[i].end);
		if(x0 <= last)
			x0 = last + 1;
		if(x1 < x0)
			x1 = x0;
		if(x0 > TL_LABEL + TL_WIDTH - 1)
			continue;
		fprintf(out, "M%ld %ldh%ldv%dh-%ldz", x0, y + 3, x1 - x0 + 1,
			TL_ROW - 6, x1 - x0 + 1);
		last = x1;
	}
	fputs("\"/>\n", out);
	if(c->contact.nmarks)
		tl_marks(out, a, &c->contact, y);
	fputs("</g>\n", out);
}

/**
 * Write the timeline: one row per client (the first HTML_TIMELINE_ROWS
 * in ranking order) along a shared time axis.
 * @param out: where.
 * @param a: the aggregation.
 */
static void
html_timeline(FILE* out, const struct sh_report_agg* a)
{
	uint32_t rows = a->client_ids.n < HTML_TIMELINE_ROWS ?
		a->client_ids.n : HTML_TIMELINE_ROWS, i;
	long height = TL_TOP + (long)rows * TL_ROW + 4;
	fprintf(out, "<h2>Timeline</h2>\n<p>One row per client, one tick per "
		"burst (queries less than %d s apart); colour: "
		"<span style=\"color:%s\">&#9632;</span> periodic "
		"<span style=\"color:%s\">&#9632;</span> repeated "
		"<span style=\"color:%s\">&#9632;</span> one-off.</p>\n",
		SH_REPORT_BURST_GAP_MS / 1000, COLOR_PERIODIC, COLOR_REPEATED,
		COLOR_ONEOFF);
	if(a->counts.listener)
		fprintf(out, "<p>Contacts with the sinkhole address (the "
			"listener's log), on the same rows: "
			"<span style=\"color:%s\">&#9660;</span> application "
			"(TLS, HTTP) <span style=\"color:%s\">&#9660;</span> "
			"other TCP <span style=\"color:%s\">&#9660;</span> "
			"ping, traceroute.</p>\n", COLOR_CONTACT_APP,
			COLOR_CONTACT_TCP, COLOR_CONTACT_PING);
	fprintf(out, "<svg id=\"timeline\" width=\"%d\" height=\"%ld\" "
		"viewBox=\"0 0 %d %ld\" shape-rendering=\"crispEdges\">\n",
		TL_LABEL + TL_WIDTH + 10, height, TL_LABEL + TL_WIDTH + 10,
		height);
	for(i = 0; i < rows; i += 2)
		fprintf(out, "<rect x=\"0\" y=\"%ld\" width=\"%d\" height=\"%d\" "
			"fill=\"#f6f6f6\"/>\n", TL_TOP + (long)i * TL_ROW,
			TL_LABEL + TL_WIDTH, TL_ROW);
	tl_axis(out, a, height);
	for(i = 0; i < rows; i++)
		tl_row(out, a, &a->clients[a->order[i]], TL_TOP + (long)i * TL_ROW);
	fputs("</svg>\n", out);
	if(rows < a->client_ids.n)
		fprintf(out, "<p>%u more clients are in the table below.</p>\n",
			(unsigned)(a->client_ids.n - rows));
}

/**
 * Write a table cell with escaped text.
 * @param out: where.
 * @param cls: class attribute, or NULL.
 * @param s: the text.
 */
static void
html_td(FILE* out, const char* cls, const char* s)
{
	if(cls)
		fprintf(out, "<td class=\"%s\">", cls);
	else	fputs("<td>", out);
	sh_report_html_str(out, s);
	fputs("</td>", out);
}

/**
 * Write one client row of the clients table.
 * @param out: where.
 * @param a: the aggregation.
 * @param rank: 1-based rank.
 * @param c: the client.
 * @param b: scratch string.
 * @param v: its pairs.
 * @param n: how many.
 */
static void
html_client(FILE* out, const struct sh_report_agg* a, uint32_t rank,
	const struct sh_report_client* c, struct sb* b,
	const struct sh_report_pair* const* v, size_t n)
{
	char buf[64], t[32];
	fprintf(out, "<tr><td class=\"n\">%u</td>", (unsigned)rank);
	html_td(out, sh_report_pattern_name(c->pattern), pattern_text(c, buf));
	html_td(out, NULL, c->key);
	html_td(out, NULL, c->name ? c->name : "");
	fprintf(out, "<td class=\"n\">%llu</td><td class=\"n\">%llu</td>",
		(unsigned long long)c->queries, (unsigned long long)c->n_bursts);
	html_td(out, NULL, sh_report_fmt_time(c->first, 0, t));
	html_td(out, NULL, sh_report_fmt_time(c->last, 0, t));
	sb_reset(b);
	pairs_text(b, a, v, n, 0, 0);
	html_td(out, "l", sb_str(b));
	sb_reset(b);
	tally_text(b, a, &c->feeds, 0, " ");
	html_td(out, NULL, sb_str(b));
	sb_reset(b);
	tally_text(b, a, &c->types, 1, " ");
	html_td(out, NULL, sb_str(b));
	sb_reset(b);
	tally_text(b, a, &c->transports, 1, " ");
	html_td(out, NULL, sb_str(b));
	sb_reset(b);
	tally_text(b, a, &c->resolvers, 1, " ");
	html_td(out, NULL, sb_str(b));
	if(a->counts.listener) {
		html_td(out, sh_report_verdict_name(c->verdict),
			sh_report_verdict_text(c));
		sb_reset(b);
		contacts_text(b, &c->contact);
		html_td(out, NULL, sb_str(b));
		sb_reset(b);
		evidence_text(b, a, &c->contact);
		html_td(out, "l evidence", sb_str(b));
	}
	fputs("</tr>\n", out);
}

/**
 * Write the clients table.
 * @param out: where.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
static int
html_clients(FILE* out, const struct sh_report_agg* a)
{
	size_t* off;
	const struct sh_report_pair** v = sh_report_pairs_group(a, 1, &off);
	struct sb b = {NULL, 0, 0, 1};
	uint32_t i, id;
	if(!v)
		return 0;
	fputs("<h2>Clients</h2>\n<p>Likely compromised first: periodic, then "
		"repeated, then one-off; then more bursts, more queries, "
		"latest.</p>\n<table id=\"clients\"><tr><th>#</th><th>pattern"
		"</th><th>client</th><th>name</th><th>queries</th><th>bursts"
		"</th><th>first seen</th><th>last seen</th><th>indicators</th>"
		"<th>feeds</th><th>types</th><th>transports</th>"
		"<th>resolvers</th>", out);
	if(a->counts.listener)
		fputs("<th>verdict</th><th>contacts</th><th>evidence</th>", out);
	fputs("</tr>\n", out);
	for(i = 0; i < a->client_ids.n; i++) {
		id = a->order[i];
		html_client(out, a, i + 1, &a->clients[id], &b, v + off[id],
			off[id + 1] - off[id]);
	}
	fputs("</table>\n", out);
	free(b.s);
	free(v);
	free(off);
	return 1;
}

/**
 * Write the indicators table.
 * @param out: where.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
static int
html_inds(FILE* out, const struct sh_report_agg* a)
{
	size_t* off;
	const struct sh_report_pair** v = sh_report_pairs_group(a, 0, &off);
	uint32_t* o = ind_order(a), i;
	struct sb b = {NULL, 0, 0, 1};
	char t[32];
	int ok = v && o;
	fputs("<h2>Indicators</h2>\n<table id=\"indicators\"><tr><th>indicator"
		"</th><th>feeds</th><th>queries</th><th>clients</th><th>first "
		"seen</th><th>last seen</th><th>clients (queries)</th></tr>\n",
		out);
	for(i = 0; ok && i < a->ind_ids.n; i++) {
		const struct sh_report_indicator* ind = &a->inds[o[i]];
		fputs("<tr>", out);
		html_td(out, NULL, ind->name);
		sb_reset(&b);
		tally_text(&b, a, &ind->feeds, 0, " ");
		html_td(out, NULL, sb_str(&b));
		fprintf(out, "<td class=\"n\">%llu</td><td class=\"n\">%u</td>",
			(unsigned long long)ind->queries, (unsigned)ind->n_clients);
		html_td(out, NULL, sh_report_fmt_time(ind->first, 0, t));
		html_td(out, NULL, sh_report_fmt_time(ind->last, 0, t));
		sb_reset(&b);
		pairs_text(&b, a, v + off[o[i]], off[o[i] + 1] - off[o[i]], 1,
			HTML_TOP_CLIENTS);
		html_td(out, "l", sb_str(&b));
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	free(b.s);
	free(v);
	free(off);
	free(o);
	return ok;
}

int
sh_report_render_html(FILE* out, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	html_head(out, a, m);
	if(a->client_ids.n == 0)
		fputs("<p>No matching events.</p>\n", out);
	else {
		html_timeline(out, a);
		if(!html_clients(out, a) || !html_inds(out, a))
			return 0;
	}
	fputs("</body></html>\n", out);
	return !ferror(out);
}
