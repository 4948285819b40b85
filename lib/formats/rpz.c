/*
 * rpz.c - the reader of RPZ zone files.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Response policy zones (draft-vixie-dnsop-dns-rpz) as MISP exports
 * them, DNS firewall vendors publish them, Unbound's auth-zone writes
 * them to its zonefile after a transfer, and a zone transfer from NSD
 * prints them (the SOA again at the end).  The file is parsed with
 * ldns.  The zone's SOA comes first: its owner is the zone origin,
 * which becomes the feed id, and its serial the feed version.
 *
 * QNAME triggers only.  The owner below the origin is the trigger
 * ("evil.example.rpz.example." for evil.example); "*.name" triggers the
 * subdomains of name, a bare name the name exactly.  The policy:
 *  - CNAME .             nxdomain
 *  - CNAME *.            nodata
 *  - CNAME rpz-passthru. an allow entry (also the old form, a CNAME to
 *                        the trigger name itself)
 *  - CNAME rpz-drop.     refuse: the module always answers, and REFUSED
 *                        is the closest answer to none (a note says so)
 *  - CNAME rpz-tcp-only. no equivalent (the name would resolve over
 *                        TCP): skipped with a note
 *  - A / AAAA local data sinkhole with these addresses (the indicator's
 *                        own; a type without local data gets NODATA);
 *                        other local data types get NODATA, with a note
 *                        (local data without A or AAAA: nodata)
 *  - CNAME other.name.   a walled garden: sinkholed with the
 *                        configuration's addresses, with a note
 * A name with both a bare and a "*." trigger of the same policy is one
 * entry for the name and its subdomains; with different policies, an
 * exact entry and a subdomains entry.  A "*." trigger alone also covers
 * the name itself (the feed model has no subdomains-only entry; a note
 * says so).  rpz-ip, rpz-nsdname, rpz-nsip and rpz-client-ip triggers
 * are reported and skipped; NS records and DNSSEC records (RRSIG,
 * NSEC, NSEC3, DNSKEY, ...) are ignored; $INCLUDE is refused.
 *
 * The whole zone is read before indicators are made, because the
 * records of one trigger can be anywhere in the file: triggers are kept
 * in a hash table by name, with their names in one arena.
 */
#include "formats/formats.h"
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** How a trigger's records are to be answered. */
enum rpz_kind {
	/** no record for this form of the trigger */
	RPZ_NONE = 0,
	RPZ_NXDOMAIN,
	RPZ_NODATA,
	RPZ_PASSTHRU,
	RPZ_DROP,
	RPZ_TCP_ONLY,
	/** local data: A/AAAA addresses and/or other types */
	RPZ_LOCAL,
	/** a CNAME to another name (a walled garden) */
	RPZ_GARDEN
};

/** The policy of one form (bare or "*.") of a trigger. */
struct rpz_policy {
	/** what it is */
	enum rpz_kind kind;
	/** local data: 1 when an A / AAAA address was given */
	uint8_t have4, have6;
	/** local data: other types were given (answered NODATA) */
	uint8_t other;
	/** the addresses */
	uint8_t ipv4[4], ipv6[16];
	/** position of its first record */
	unsigned line, column;
};

/** One trigger name with its two forms. */
struct rpz_trigger {
	/** offset of its wire name (below the origin) in the arena */
	size_t off;
	/** length of that name */
	size_t len;
	/** the bare name's policy and the "*." form's */
	struct rpz_policy exact, wild;
};

/** The zone being read. */
struct rpz_state {
	/** the builder */
	struct sh_fb* fb;
	/** the file */
	const char* data;
	size_t len;
	/** line counting: offset counted up to, and its line */
	size_t count_off;
	unsigned count_line;
	/** the zone origin (from the SOA), or NULL before it */
	ldns_rdf* origin;
	/** the SOA record, kept to recognise the one that ends an AXFR */
	ldns_rr* soa;
	/** the triggers, in the order of their first record */
	struct rpz_trigger* trig;
	size_t num, cap;
	/** the arena of trigger names */
	uint8_t* names;
	size_t names_len, names_cap;
	/** hash table: index + 1 into trig, 0 for empty */
	size_t* table;
	size_t table_cap;
	/** counts for the summary note */
	size_t skipped_special, ignored;
};

/**
 * Position of the record that starts at or after an offset: blanks,
 * line ends and ';' comments are skipped.
 * @param R: the state; its line count is advanced.
 * @param off: where ldns starts reading the record.
 * @param line: set to the 1-based line.
 * @param column: set to the 1-based column.
 */
static void
rpz_position(struct rpz_state* R, size_t off, unsigned* line,
	unsigned* column)
{
	size_t i = off, bol;

	while(i < R->len) {
		if(R->data[i] == ';')
			while(i < R->len && R->data[i] != '\n')
				i++;
		else if(R->data[i] == ' ' || R->data[i] == '\t'
			|| R->data[i] == '\r' || R->data[i] == '\n')
			i++;
		else	break;
	}
	if(i >= R->len)
		i = R->len;
	for(; R->count_off < i; R->count_off++)
		if(R->data[R->count_off] == '\n')
			R->count_line++;
	for(bol = i; bol > 0 && R->data[bol - 1] != '\n'; bol--)
		;
	*line = R->count_line;
	*column = (unsigned)(i - bol) + 1;
}

/**
 * Hash of a wire name, ASCII case-insensitive.
 * @param w: the name.
 * @param n: its length.
 * @return the hash.
 */
static size_t
rpz_hash(const uint8_t* w, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for(i = 0; i < n; i++)
		h = (h ^ sh_lower(w[i])) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29));
}

/**
 * Double the hash table.
 * @param R: the state.
 * @return 1 on success, 0 when out of memory.
 */
static int
rpz_table_grow(struct rpz_state* R)
{
	size_t ncap = R->table_cap ? R->table_cap * 2 : 1024, i, j;
	size_t* t = calloc(ncap, sizeof(*t));

	if(!t)
		return 0;
	for(i = 0; i < R->num; i++) {
		const struct rpz_trigger* g = &R->trig[i];
		for(j = rpz_hash(R->names + g->off, g->len) & (ncap - 1); t[j];
			j = (j + 1) & (ncap - 1))
			;
		t[j] = i + 1;
	}
	free(R->table);
	R->table = t;
	R->table_cap = ncap;
	return 1;
}

/**
 * Find a trigger by name, or add it.
 * @param R: the state.
 * @param w: its wire name (below the origin).
 * @param n: its length.
 * @return the trigger, or NULL when out of memory.
 */
static struct rpz_trigger*
rpz_trigger_get(struct rpz_state* R, const uint8_t* w, size_t n)
{
	size_t j;

	if((R->num + 1) * 2 > R->table_cap && !rpz_table_grow(R))
		return NULL;
	for(j = rpz_hash(w, n) & (R->table_cap - 1); R->table[j];
		j = (j + 1) & (R->table_cap - 1)) {
		struct rpz_trigger* g = &R->trig[R->table[j] - 1];
		if(g->len == n && sh_name_equal(R->names + g->off, w))
			return g;
	}
	if(R->num == R->cap) {
		size_t ncap = R->cap ? R->cap * 2 : 256;
		struct rpz_trigger* t = realloc(R->trig, ncap * sizeof(*t));
		if(!t)
			return NULL;
		R->trig = t;
		R->cap = ncap;
	}
	if(R->names_len + n > R->names_cap) {
		size_t ncap = R->names_cap ? R->names_cap * 2 : 4096;
		uint8_t* a;
		while(ncap < R->names_len + n)
			ncap *= 2;
		if(!(a = realloc(R->names, ncap)))
			return NULL;
		R->names = a;
		R->names_cap = ncap;
	}
	memcpy(R->names + R->names_len, w, n);
	memset(&R->trig[R->num], 0, sizeof(R->trig[0]));
	R->trig[R->num].off = R->names_len;
	R->trig[R->num].len = n;
	R->names_len += n;
	R->table[j] = ++R->num;
	return &R->trig[R->num - 1];
}

/**
 * Whether a wire name is a given single-label name ("\014rpz-passthru").
 * @param w: the name.
 * @param n: its length.
 * @param label: the label, lower case, NUL terminated.
 * @return 1 if w is label followed by the root.
 */
static int
rpz_is_label(const uint8_t* w, size_t n, const char* label)
{
	size_t k = strlen(label), i;

	if(n != k + 2 || w[0] != k || w[k + 1] != 0)
		return 0;
	for(i = 0; i < k; i++)
		if(sh_lower(w[1 + i]) != (uint8_t)label[i])
			return 0;
	return 1;
}

/**
 * The policy a CNAME target stands for.
 * @param target: the target name.
 * @param trigger: the trigger's name below the origin, as a wire name.
 * @param tlen: its length.
 * @return the kind.
 */
static enum rpz_kind
rpz_cname_kind(const ldns_rdf* target, const uint8_t* trigger, size_t tlen)
{
	const uint8_t* w = ldns_rdf_data(target);
	size_t n = ldns_rdf_size(target);

	if(n == 1)
		return RPZ_NXDOMAIN;
	if(n == 3 && w[0] == 1 && w[1] == '*')
		return RPZ_NODATA;
	if(rpz_is_label(w, n, "rpz-passthru"))
		return RPZ_PASSTHRU;
	if(rpz_is_label(w, n, "rpz-drop"))
		return RPZ_DROP;
	if(rpz_is_label(w, n, "rpz-tcp-only"))
		return RPZ_TCP_ONLY;
	/* the old passthru: a CNAME to the trigger name itself */
	if(n == tlen && sh_name_equal(w, trigger))
		return RPZ_PASSTHRU;
	return RPZ_GARDEN;
}

/**
 * Record one record of a trigger in its policy.
 * @param R: the state.
 * @param rr: the record.
 * @param g: the trigger.
 * @param p: the form of the trigger the record is for.
 * @param line: the record's line.
 * @param column: its column.
 */
static void
rpz_policy_add(struct rpz_state* R, const ldns_rr* rr,
	struct rpz_trigger* g, struct rpz_policy* p, unsigned line,
	unsigned column)
{
	ldns_rr_type t = ldns_rr_get_type(rr);
	enum rpz_kind k = RPZ_LOCAL;
	char text[SH_NAME_TEXT_MAX];

	if(t == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1)
		k = rpz_cname_kind(ldns_rr_rdf(rr, 0), R->names + g->off,
			g->len);
	if(p->kind != RPZ_NONE && (k != RPZ_LOCAL || p->kind != RPZ_LOCAL)) {
		(void)sh_name_to_text(R->names + g->off, text, sizeof(text));
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "a second "
			"policy for '%s%s' (first at line %u): a trigger has one "
			"CNAME, or local data", p == &g->wild ? "*." : "", text,
			p->line);
		return;
	}
	if(p->kind == RPZ_NONE) {
		p->kind = k;
		p->line = line;
		p->column = column;
	}
	if(k != RPZ_LOCAL)
		return;
	if(t == LDNS_RR_TYPE_A && ldns_rr_rd_count(rr) == 1 && !p->have4) {
		memcpy(p->ipv4, ldns_rdf_data(ldns_rr_rdf(rr, 0)), 4);
		p->have4 = 1;
	} else if(t == LDNS_RR_TYPE_AAAA && ldns_rr_rd_count(rr) == 1
		&& !p->have6) {
		memcpy(p->ipv6, ldns_rdf_data(ldns_rr_rdf(rr, 0)), 16);
		p->have6 = 1;
	} else if(t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
		sh_fb_map(R->fb, line, column, "one %s address per indicator: "
			"this one is left out", t == LDNS_RR_TYPE_A ? "IPv4" :
			"IPv6");
	else	p->other = 1;
}

/**
 * Whether a record type is DNSSEC or zone housekeeping, not policy.
 * @param t: the type.
 * @return 1 if it is ignored.
 */
static int
rpz_type_ignored(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC
		|| t == LDNS_RR_TYPE_NSEC3 || t == LDNS_RR_TYPE_NSEC3PARAM
		|| t == LDNS_RR_TYPE_DNSKEY || t == LDNS_RR_TYPE_DS
		|| t == LDNS_RR_TYPE_CDS || t == LDNS_RR_TYPE_CDNSKEY
		|| t == 63 /* ZONEMD */;
}

/**
 * Take the zone's first record, its SOA: origin, feed id, version.
 * @param R: the state.
 * @param rr: the record.
 * @param line: its line.
 * @param column: its column.
 */
static void
rpz_soa(struct rpz_state* R, const ldns_rr* rr, unsigned line,
	unsigned column)
{
	char text[SH_NAME_TEXT_MAX], ver[16];
	struct sh_feed* f = R->fb->feed;
	size_t n;

	if(ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(rr)
		< 3) {
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "an RPZ zone "
			"starts with its SOA record (its owner is the zone "
			"origin)");
		R->fb->fatal = 1;
		return;
	}
	if(!(R->origin = ldns_rdf_clone(ldns_rr_owner(rr))) ||
		!(R->soa = ldns_rr_clone(rr))) {
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "out of memory");
		R->fb->fatal = 1;
		return;
	}
	(void)sh_name_to_text(ldns_rdf_data(R->origin), text, sizeof(text));
	n = strlen(text);
	snprintf(ver, sizeof(ver), "%u", (unsigned)ldns_rdf2native_int32(
		ldns_rr_rdf(rr, 2)));
	if(!(f->id = sh_fb_id_from(text, n)))
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "no feed id can "
			"be made from the zone origin '%s'", text);
	f->version = sh_strdup(ver);
	sh_fb_map(R->fb, line, column, "zone %s, serial %s: feed id '%s', "
		"version %s", text, ver, f->id ? f->id : "?", ver);
}

/**
 * The special trigger a name below the origin is for, if any: its
 * label next to the origin is rpz-ip, rpz-nsdname, rpz-nsip or
 * rpz-client-ip.
 * @param w: the name below the origin.
 * @param n: its length.
 * @return the label, or NULL for a QNAME trigger.
 */
static const char*
rpz_special(const uint8_t* w, size_t n)
{
	static const char* const kinds[] = { "rpz-ip", "rpz-nsdname",
		"rpz-nsip", "rpz-client-ip" };
	const uint8_t* last = w;
	size_t i;

	if(n < 2)
		return NULL;
	while(last[last[0] + 1] != 0)
		last += last[0] + 1;
	for(i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if(rpz_is_label(last, (size_t)last[0] + 2, kinds[i]))
			return kinds[i];
	return NULL;
}

/**
 * Take one record of the zone after its SOA.
 * @param R: the state.
 * @param rr: the record.
 * @param line: its line.
 * @param column: its column.
 */
static void
rpz_record(struct rpz_state* R, const ldns_rr* rr, unsigned line,
	unsigned column)
{
	const ldns_rdf* owner = ldns_rr_owner(rr);
	uint8_t rel[SH_NAME_MAX];
	const uint8_t* w = rel;
	size_t k, n = 0, i;
	struct rpz_trigger* g;
	const char* special;
	char text[SH_NAME_TEXT_MAX];

	if(ldns_dname_compare(owner, R->origin) == 0) {
		if(ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA
			&& ldns_rr_compare(rr, R->soa) != 0)
			sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "a "
				"second, different SOA record");
		/* the SOA again ends a zone transfer; NS and other apex
		 * records are the zone's, not policy */
		R->ignored++;
		return;
	}
	if(!ldns_dname_is_subdomain(owner, R->origin)) {
		(void)sh_name_to_text(ldns_rdf_data(owner), text, sizeof(text));
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "'%s' is not "
			"in the zone", text);
		return;
	}
	/* the labels above the origin's */
	k = ldns_dname_label_count(owner) - ldns_dname_label_count(R->origin);
	for(i = 0; i < k; i++)
		n += (size_t)ldns_rdf_data(owner)[n] + 1;
	memcpy(rel, ldns_rdf_data(owner), n);
	rel[n++] = 0;
	if((special = rpz_special(rel, n)) != NULL) {
		sh_fb_skip(R->fb, line, column, "%s trigger: not supported (only "
			"QNAME triggers are); skipped", special);
		R->skipped_special++;
		return;
	}
	if(rel[0] == 1 && rel[1] == '*')
		w = rel + 2, n -= 2;
	if(n == 1) {
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "'*' at the zone "
			"origin would cover every name");
		return;
	}
	if(!(g = rpz_trigger_get(R, w, n))) {
		sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "out of memory");
		R->fb->fatal = 1;
		return;
	}
	rpz_policy_add(R, rr, g, w == rel ? &g->exact : &g->wild, line,
		column);
}

/**
 * Whether the two forms of a trigger have the same policy.
 * @param a: one.
 * @param b: the other.
 * @return 1 if they are answered alike.
 */
static int
rpz_policy_same(const struct rpz_policy* a, const struct rpz_policy* b)
{
	return a->kind == b->kind && a->have4 == b->have4 && a->have6 ==
		b->have6 && a->other == b->other && (!a->have4 || memcmp(
		a->ipv4, b->ipv4, 4) == 0) && (!a->have6 || memcmp(a->ipv6,
		b->ipv6, 16) == 0);
}

/**
 * Give an indicator the action (and addresses) of a policy, with the
 * notes the mapping needs.
 * @param R: the state.
 * @param p: the policy (not RPZ_NONE, not RPZ_TCP_ONLY).
 * @param ind: the indicator.
 * @param text: the trigger, for notes.
 * @return 1 on success, 0 when out of memory (reported).
 */
static int
rpz_action(struct rpz_state* R, const struct rpz_policy* p,
	struct sh_indicator* ind, const char* text)
{
	switch(p->kind) {
	case RPZ_NXDOMAIN: ind->action = SH_ACTION_NXDOMAIN; return 1;
	case RPZ_NODATA: ind->action = SH_ACTION_NODATA; return 1;
	case RPZ_PASSTHRU: return 1;
	case RPZ_DROP:
		sh_fb_map(R->fb, p->line, p->column, "'%s': rpz-drop is "
			"answered REFUSED (the module always answers; REFUSED "
			"is the closest to no answer)", text);
		ind->action = SH_ACTION_REFUSE;
		return 1;
	case RPZ_GARDEN:
		sh_fb_map(R->fb, p->line, p->column, "'%s': a CNAME to a "
			"walled garden cannot be followed; sinkholed with the "
			"configured addresses", text);
		ind->action = SH_ACTION_SINKHOLE;
		return 1;
	default:
		break;
	}
	if(p->other)
		sh_fb_map(R->fb, p->line, p->column, "'%s': local data other "
			"than A and AAAA cannot be served; those types get "
			"NODATA", text);
	if(!p->have4 && !p->have6) {
		/* no address at all: every type gets NODATA */
		ind->action = SH_ACTION_NODATA;
		return 1;
	}
	ind->action = SH_ACTION_SINKHOLE;
	if(!(ind->addr = calloc(1, sizeof(*ind->addr)))) {
		sh_fb_report(R->fb, SH_SEV_ERROR, p->line, p->column,
			"out of memory");
		R->fb->fatal = 1;
		return 0;
	}
	ind->addr->have4 = p->have4;
	ind->addr->have6 = p->have6;
	memcpy(ind->addr->ipv4, p->ipv4, 4);
	memcpy(ind->addr->ipv6, p->ipv6, 16);
	return 1;
}

/**
 * Make the indicator of one form of a trigger.
 * @param R: the state.
 * @param text: the trigger's name.
 * @param p: the policy.
 * @param exact: 1 for the bare name only, 0 for it and its subdomains.
 * @return 1 on success, 0 on an error (reported).
 */
static int
rpz_emit(struct rpz_state* R, const char* text, const struct rpz_policy* p,
	int exact)
{
	struct sh_indicator ind;

	if(p->kind == RPZ_TCP_ONLY) {
		sh_fb_skip(R->fb, p->line, p->column, "'%s%s': rpz-tcp-only has "
			"no equivalent (the name would resolve over TCP); "
			"skipped", exact ? "" : "*.", text);
		return 1;
	}
	sh_fb_ind_init(&ind, p->line, p->column, p->kind == RPZ_PASSTHRU);
	if(exact)
		ind.flags |= SH_IND_EXACT;
	if(!rpz_action(R, p, &ind, text))
		return 0;
	return sh_fb_add(R->fb, &ind, text, strlen(text), SH_SEV_ERROR);
}

/**
 * Make the indicators of every trigger, in the order of the file.
 * @param R: the state.
 * @return 1 if every trigger gave its indicators, 0 on an error.
 */
static int
rpz_emit_all(struct rpz_state* R)
{
	char text[SH_NAME_TEXT_MAX];
	size_t i;
	int ok = 1;

	for(i = 0; i < R->num && !R->fb->fatal; i++) {
		const struct rpz_trigger* g = &R->trig[i];
		(void)sh_name_to_text(R->names + g->off, text, sizeof(text));
		if(g->exact.kind && g->wild.kind && rpz_policy_same(&g->exact,
			&g->wild)) {
			ok &= rpz_emit(R, text, &g->wild, 0);
			continue;
		}
		if(g->exact.kind)
			ok &= rpz_emit(R, text, &g->exact, 1);
		if(g->wild.kind) {
			if(!g->exact.kind && g->wild.kind != RPZ_TCP_ONLY)
				sh_fb_map(R->fb, g->wild.line, g->wild.column,
					"'*.%s' also covers %s itself (a feed "
					"entry is a name and its subdomains)",
					text, text);
			ok &= rpz_emit(R, text, &g->wild, 0);
		}
	}
	return ok;
}

/**
 * Read every record of the zone.
 * @param R: the state.
 * @param fp: the zone, as a stream over R->data.
 */
static void
rpz_read(struct rpz_state* R, FILE* fp)
{
	ldns_rdf* origin = NULL;
	ldns_rdf* prev = NULL;
	uint32_t ttl = 3600;
	int line_nr = 1;
	unsigned line, column;

	while(!feof(fp) && !R->fb->fatal) {
		ldns_rr* rr = NULL;
		long off = ftell(fp);
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin,
			&prev, &line_nr);
		if(st == LDNS_STATUS_SYNTAX_EMPTY || st ==
			LDNS_STATUS_SYNTAX_TTL || st == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		rpz_position(R, off < 0 ? R->len : (size_t)off, &line,
			&column);
		if(st == LDNS_STATUS_SYNTAX_INCLUDE)
			sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "$INCLUDE "
				"is not followed: a feed is one file");
		else if(st != LDNS_STATUS_OK)
			sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "not a "
				"zone file record: %s", ldns_get_errorstr_by_id(st));
		else if(ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			sh_fb_report(R->fb, SH_SEV_ERROR, line, column, "class "
				"IN only");
		else if(rpz_type_ignored(ldns_rr_get_type(rr)))
			R->ignored++;
		else if(!R->origin)
			rpz_soa(R, rr, line, column);
		else	rpz_record(R, rr, line, column);
		ldns_rr_free(rr);
		if(ftell(fp) == off)
			break; /* ldns made no progress */
	}
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
}

int
sh_read_rpz(struct sh_fb* fb, const char* data, size_t len)
{
	struct rpz_state R;
	FILE* fp;
	int ok = 0;

	memset(&R, 0, sizeof(R));
	R.fb = fb;
	R.data = data;
	R.len = len;
	R.count_line = 1;
	if(len == 0 || !(fp = fmemopen((void*)data, len, "r"))) {
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "%s", len == 0 ? "an empty "
			"file is no zone (an RPZ zone starts with its SOA)" :
			"out of memory");
		return 0;
	}
	rpz_read(&R, fp);
	fclose(fp);
	if(!R.origin && !fb->fatal)
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "no SOA record: an RPZ zone "
			"starts with its SOA");
	else if(!fb->fatal) {
		ok = rpz_emit_all(&R);
		sh_fb_map(fb, 0, 0, "taken: %zu triggers as %zu indicators; "
			"skipped: %zu rpz-ip, rpz-nsdname, rpz-nsip and "
			"rpz-client-ip records; ignored: %zu apex and DNSSEC "
			"records", R.num, fb->feed->num_ind, R.skipped_special,
			R.ignored);
	}
	ldns_rdf_deep_free(R.origin);
	ldns_rr_free(R.soa);
	free(R.trig);
	free(R.names);
	free(R.table);
	return ok && fb->errors == 0;
}
