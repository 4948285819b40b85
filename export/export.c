/*
 * export/export.c - `sinkholectl export`: entries, serial, atomic output.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The export command.  The entries come from the compiled set, so what
 * is exported is exactly what the module enforces (duplicates settled,
 * effective actions resolved, expired indicators left out).  They are
 * sorted by name, so the same feeds give the same bytes.
 *
 * The SOA serial follows the content: the header of every export holds
 * the SHA-256 of its body and its serial.  The next export reads them
 * back from the previous output: an unchanged body keeps the serial (a
 * primary that reloads sees nothing to transfer), a changed one gets
 * max(previous + 1, now), so the serial only ever increases and a
 * one-line change is a one-record IXFR.  The file is written to a
 * temporary name and renamed, so a primary never loads half a zone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "export.h"

/** Exit status for usage and write errors, as sinkholectl's. */
#define EXP_EXIT_USAGE 2

/** Header line that carries the digest of the body. */
#define EXP_DIGEST_TAG "; content-sha256: "
/** Header line that carries the serial. */
#define EXP_SERIAL_TAG "; serial: "

int
sh_export_escape(const char* in, char* out, size_t outlen, int* plain)
{
	size_t n = 0;
	*plain = 1;
	for(; *in; in++) {
		int esc = (strchr(";()$@'", *in) != NULL);
		char c = *in;
		if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_' ||
			c == '.'))
			*plain = 0;
		if(n + 3 > outlen)
			return 0;
		if(c == '\\') {
			/* an escape of sh_name_to_text: copy it as it is */
			size_t k = (in[1] >= '0' && in[1] <= '9') ? 3 : 1;
			out[n++] = *in;
			for(; k > 0 && in[1]; k--) {
				if(n + 2 > outlen)
					return 0;
				out[n++] = *++in;
			}
			continue;
		}
		if(esc)
			out[n++] = '\\';
		out[n++] = c;
	}
	out[n] = 0;
	return 1;
}

/** What sh_export_entries collects into. */
struct exp_collect {
	/** the entries */
	struct sh_export_entry* e;
	/** used */
	size_t n;
	/** allocated */
	size_t cap;
};

/**
 * sh_set_foreach callback: add one entry.
 * @param arg: a struct exp_collect.
 * @param m: the entry.
 * @return 1 to go on, 0 when out of memory.
 */
static int
exp_collect_one(void* arg, const struct sh_match* m)
{
	struct exp_collect* c = (struct exp_collect*)arg;
	char text[SH_NAME_TEXT_MAX], esc[2 * SH_NAME_TEXT_MAX];
	struct sh_export_entry* x;
	if(c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct sh_export_entry* e = realloc(c->e, cap * sizeof(*e));
		if(!e)
			return 0;
		c->e = e;
		c->cap = cap;
	}
	x = &c->e[c->n];
	if(!sh_name_to_text(m->name, text, sizeof(text)))
		return 0;
	if(!sh_export_escape(text, esc, sizeof(esc), &x->plain) ||
		!(x->text = strdup(esc)))
		return 0;
	x->exact = (m->ind.flags & SH_IND_EXACT) ? 1 : 0;
	x->own = m->ind.addr ? 1 : 0;
	x->own4[0] = x->own6[0] = 0;
	if(x->own && m->ind.addr->have4)
		inet_ntop(AF_INET, m->ind.addr->ipv4, x->own4, sizeof(x->own4));
	if(x->own && m->ind.addr->have6)
		inet_ntop(AF_INET6, m->ind.addr->ipv6, x->own6,
			sizeof(x->own6));
	x->action = m->action;
	x->feed = m->feed && m->feed->id ? m->feed->id : "?";
	c->n++;
	return 1;
}

/**
 * qsort order: by name, exact before subtree at the same name.
 * @param a: an entry.
 * @param b: another.
 * @return <0, 0, >0.
 */
static int
exp_entry_cmp(const void* a, const void* b)
{
	const struct sh_export_entry* x = a;
	const struct sh_export_entry* y = b;
	int r = strcmp(x->text, y->text);
	return r ? r : y->exact - x->exact;
}

struct sh_export_entry*
sh_export_entries(const struct sh_set* set, size_t* n)
{
	struct exp_collect c = { NULL, 0, 0 };
	*n = 0;
	if(!sh_set_foreach(set, exp_collect_one, &c)) {
		sh_export_entries_free(c.e, c.n);
		return NULL;
	}
	if(!c.e && !(c.e = malloc(sizeof(*c.e))))
		return NULL;
	qsort(c.e, c.n, sizeof(*c.e), exp_entry_cmp);
	*n = c.n;
	return c.e;
}

void
sh_export_entries_free(struct sh_export_entry* e, size_t n)
{
	size_t i;
	for(i = 0; e && i < n; i++)
		free(e[i].text);
	free(e);
}

uint32_t
sh_export_serial(const char* prev_digest, uint32_t prev_serial,
	const char* digest, time_t now)
{
	uint32_t next, t = (uint32_t)now;
	if(!prev_digest)
		return t;
	if(strcmp(prev_digest, digest) == 0)
		return prev_serial;
	next = prev_serial + 1;
	if(next == 0)
		next = 1;
	/* RFC 1982: t is "greater" when it is ahead by less than 2^31 */
	if(t != next && (uint32_t)(t - next) < 0x80000000u)
		return t;
	return next;
}

int
sh_export_read_previous(const char* path, char digest[65],
	uint32_t* serial)
{
	FILE* f = path ? fopen(path, "re") : NULL;
	char line[512];
	int found = 0, lines = 0;
	*serial = 0;
	if(!f)
		return 0;
	/* the tags are in the header: never read a whole zone for them */
	while(lines++ < 64 && fgets(line, sizeof(line), f)) {
		size_t dl = strlen(EXP_DIGEST_TAG), sl = strlen(EXP_SERIAL_TAG);
		if(strncmp(line, EXP_DIGEST_TAG, dl) == 0 &&
			strspn(line + dl, "0123456789abcdef") == 64) {
			memcpy(digest, line + dl, 64);
			digest[64] = 0;
			found |= 1;
		} else if(strncmp(line, EXP_SERIAL_TAG, sl) == 0) {
			*serial = (uint32_t)strtoul(line + sl, NULL, 10);
			found |= 2;
		}
	}
	fclose(f);
	return found == 3;
}

/** Options of the export command. */
struct exp_opts {
	/** the format */
	enum sh_export_format format;
	/** output file, or NULL for stdout */
	const char* output;
	/** earlier export to take the serial from (default: output) */
	const char* previous;
	/** RPZ origin */
	const char* origin;
	/** zone file path for bind-conf and knot-conf */
	const char* zone_file;
	/** TTL override, or -1 */
	long ttl;
};

/**
 * Parse a format name.
 * @param s: the name.
 * @param f: set on success.
 * @return 1, or 0 if unknown.
 */
static int
exp_parse_format(const char* s, enum sh_export_format* f)
{
	static const struct { const char* name; enum sh_export_format f; }
	tab[] = { {"rpz", SH_EXPORT_RPZ}, {"unbound", SH_EXPORT_UNBOUND},
		{"zone", SH_EXPORT_ZONE}, {"bind-conf", SH_EXPORT_BIND_CONF},
		{"knot-conf", SH_EXPORT_KNOT_CONF}, {"hosts", SH_EXPORT_HOSTS} };
	size_t i;
	for(i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if(strcmp(s, tab[i].name) == 0) {
			*f = tab[i].f;
			return 1;
		}
	return 0;
}

/** Print the export usage. @param out: where. */
static void
exp_usage(FILE* out)
{
	fprintf(out,
"usage: sinkholectl [-c CONFIG | -f FEEDS] export [--format FORMAT]\n"
"           [--origin NAME] [--output FILE] [--previous FILE] [--ttl N]\n"
"           [--zone-file PATH]\n"
"formats: rpz (default), unbound, zone, bind-conf, knot-conf, hosts\n"
"  --origin     RPZ zone name (default rpz.sinkhole.invalid.)\n"
"  --output     write FILE atomically (temporary file, then rename)\n"
"  --previous   earlier export whose serial is kept while the content\n"
"               is unchanged (default: the --output file)\n"
"  --zone-file  path of the sinkhole zone file named by bind-conf and\n"
"               knot-conf (default /etc/bind/db.sinkhole)\n");
}

/**
 * Parse the export options.
 * @param argc: argument count.
 * @param argv: arguments.
 * @param o: filled in.
 * @return 1, 0 on a usage error (reported), -1 for --help.
 */
static int
exp_parse_opts(int argc, char** argv, struct exp_opts* o)
{
	int i;
	memset(o, 0, sizeof(*o));
	o->origin = "rpz.sinkhole.invalid.";
	o->zone_file = "/etc/bind/db.sinkhole";
	o->ttl = -1;
	for(i = 0; i < argc; i++) {
		const char* a = argv[i];
		const char* v = i + 1 < argc ? argv[i + 1] : NULL;
		if(strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return -1;
		if(!v || a[0] != '-' || a[1] != '-')
			break;
		i++;
		if(strcmp(a, "--format") == 0) {
			if(!exp_parse_format(v, &o->format))
				break;
		} else if(strcmp(a, "--output") == 0)
			o->output = v;
		else if(strcmp(a, "--previous") == 0)
			o->previous = v;
		else if(strcmp(a, "--origin") == 0)
			o->origin = v;
		else if(strcmp(a, "--zone-file") == 0)
			o->zone_file = v;
		else if(strcmp(a, "--ttl") == 0) {
			char* end;
			o->ttl = strtol(v, &end, 10);
			if(*end || o->ttl < 0 || o->ttl > 86400)
				break;
		} else	break;
	}
	if(i < argc) {
		fprintf(stderr, "sinkholectl: export: bad or incomplete "
			"option: %s\n", argv[i]);
		return 0;
	}
	if(!o->previous)
		o->previous = o->output;
	return 1;
}

/**
 * Write a wire name as an absolute presentation name.
 * @param wire: the name.
 * @param out: destination of SH_NAME_TEXT_MAX + 1 bytes.
 */
static void
exp_abs_name(const uint8_t* wire, char* out)
{
	size_t n = sh_name_to_text(wire, out, SH_NAME_TEXT_MAX);
	if(n > 0 && strcmp(out, ".") != 0) {
		out[n] = '.';
		out[n + 1] = 0;
	}
}

/**
 * Fill the parameters from the options and the configuration.
 * @param p: filled in.
 * @param o: options.
 * @param cfg: configuration, or NULL for the documented defaults.
 * @return 1, or 0 if the origin is not a valid name (reported).
 */
static int
exp_params(struct sh_export_params* p, const struct exp_opts* o,
	const struct sh_config* cfg)
{
	static const uint8_t zero6[16] = {0};
	static const uint8_t mdef[] = "\010sinkhole\007invalid";
	static const uint8_t rdef[] = "\012hostmaster\010sinkhole\007invalid";
	uint8_t wire[SH_NAME_MAX];
	static char origin[SH_NAME_TEXT_MAX + 1];
	const char* err = NULL;
	memset(p, 0, sizeof(*p));
	p->format = o->format;
	p->zone_file = o->zone_file;
	if(!sh_name_from_text(o->origin, wire, &err) || wire[0] == 0) {
		fprintf(stderr, "sinkholectl: export: bad origin %s: %s\n",
			o->origin, err ? err : "the root");
		return 0;
	}
	exp_abs_name(wire, origin);
	p->origin = origin;
	exp_abs_name(cfg ? cfg->soa_mname : mdef, p->mname);
	exp_abs_name(cfg ? cfg->soa_rname : rdef, p->rname);
	p->ttl = o->ttl >= 0 ? (uint32_t)o->ttl : cfg ? cfg->ttl : 10;
	inet_ntop(AF_INET, cfg ? cfg->ipv4 : zero6, p->ipv4, sizeof(p->ipv4));
	inet_ntop(AF_INET6, cfg ? cfg->ipv6 : zero6, p->ipv6,
		sizeof(p->ipv6));
	return 1;
}

/**
 * Write the whole export to a stream: header, then body.
 * @param out: the stream.
 * @param p: parameters.
 * @param body: the body text.
 * @param len: its length.
 * @param prev: earlier export, or NULL.
 * @return 1, or 0 on a write error.
 */
static int
exp_emit(FILE* out, const struct sh_export_params* p, const char* body,
	size_t len, const char* prev)
{
	char digest[65], pdigest[65];
	uint32_t pserial = 0, serial;
	int have = sh_export_read_previous(prev, pdigest, &pserial);
	sh_sha256_hex(body, len, digest);
	serial = sh_export_serial(have ? pdigest : NULL, pserial, digest,
		time(NULL));
	if(!sh_export_write_header(out, p, digest, serial))
		return 0;
	return fwrite(body, 1, len, out) == len;
}

/**
 * Write the export to its file atomically, or to stdout.
 * @param o: options.
 * @param p: parameters.
 * @param body: the body.
 * @param len: its length.
 * @return 1, or 0 (reported).
 */
static int
exp_output(const struct exp_opts* o, const struct sh_export_params* p,
	const char* body, size_t len)
{
	char tmp[4096];
	FILE* f;
	if(!o->output)
		return exp_emit(stdout, p, body, len, o->previous) &&
			fflush(stdout) == 0;
	if((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", o->output,
		(long)getpid()) >= sizeof(tmp) || !(f = fopen(tmp, "we"))) {
		fprintf(stderr, "sinkholectl: export: cannot write %s: %s\n",
			o->output, strerror(errno));
		return 0;
	}
	if(!exp_emit(f, p, body, len, o->previous) || fflush(f) != 0 ||
		fsync(fileno(f)) != 0) {
		fprintf(stderr, "sinkholectl: export: write error on %s: %s\n",
			tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return 0;
	}
	fclose(f);
	if(rename(tmp, o->output) != 0) {
		fprintf(stderr, "sinkholectl: export: cannot rename %s to %s: "
			"%s\n", tmp, o->output, strerror(errno));
		unlink(tmp);
		return 0;
	}
	return 1;
}

int
sh_export_main(const struct sh_set* set, const struct sh_config* cfg,
	int argc, char** argv)
{
	struct sh_export_params p;
	struct sh_export_entry* e;
	struct exp_opts o;
	char* body = NULL;
	size_t n, len = 0;
	FILE* mem;
	int r = exp_parse_opts(argc, argv, &o), ok;
	if(r <= 0) {
		exp_usage(r < 0 ? stdout : stderr);
		return r < 0 ? 0 : EXP_EXIT_USAGE;
	}
	if(!exp_params(&p, &o, cfg))
		return EXP_EXIT_USAGE;
	if(!(e = sh_export_entries(set, &n)) ||
		!(mem = open_memstream(&body, &len))) {
		fprintf(stderr, "sinkholectl: export: out of memory\n");
		sh_export_entries_free(e, n);
		return EXP_EXIT_USAGE;
	}
	ok = sh_export_write_body(mem, &p, e, n);
	ok = (fclose(mem) == 0) && ok;
	sh_export_entries_free(e, n);
	ok = ok && exp_output(&o, &p, body, len);
	free(body);
	return ok ? 0 : EXP_EXIT_USAGE;
}
