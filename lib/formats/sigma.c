/*
 * sigma.c - the reader of Sigma detection rules.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Takes the host names a Sigma rule looks for (one or several YAML
 * documents per file) as indicators; README.md "Sigma rules" has the
 * mapping for operators.  In short:
 *  - fields: the ones that carry the host a client looks up or connects
 *    to, per log source (sigma_host_fields); other fields of a selection
 *    narrow the rule in Sigma and are reported as ignored, since the
 *    sinkhole blocks the name for every client;
 *  - values: a plain value is the exact name; "*.x", "|endswith: .x"
 *    are x's subdomains (the sinkhole covers x too, noted); "|endswith:
 *    x" and "|contains: x" cover x and its subdomains, with a note that
 *    Sigma's substring match is wider; every other modifier and
 *    wildcard is reported and not taken;
 *  - conditions: identifiers, "1 of x*", "any of x*", "1 of them",
 *    "all of ..." when it means one selection, "or", parentheses, and
 *    "... and not f" whose host names become allow entries; a
 *    selection without host fields may narrow another ("a and b") and
 *    is reported as ignored; anything else refuses the file at the
 *    condition;
 *  - metadata: id is the feed id (the first rule's), title and id reach
 *    the log (rule.description, rule.uuid), level is the confidence,
 *    date the first_seen, tags carry over, description, references
 *    and the falsepositives (in the comment) too; status deprecated or
 *    unsupported warns.
 */
#include "formats/formats.h"
#include "formats/ytree.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Most identifiers one condition may name. */
#define SIGMA_MAX_IDENTS 256
/** Longest condition token. */
#define SIGMA_TOKEN_MAX 128

/** A log source and the fields of it that carry a host name. */
struct sigma_fields {
	/** "category", "service" or "product" */
	const char* kind;
	/** its value */
	const char* value;
	/** the fields, NULL-terminated */
	const char* const* fields;
};

/** Fields of DNS query logs. */
static const char* const f_dns[] = { "QueryName", "query",
	"dns.question.name", NULL };
/** Fields of network connection logs. */
static const char* const f_net[] = { "DestinationHostname",
	"destination.domain", NULL };
/** Fields of proxy logs. */
static const char* const f_proxy[] = { "cs-host", "r-dns", "url.domain",
	"destination.domain", NULL };
/** Zeek's http log. */
static const char* const f_zeek_http[] = { "host", NULL };
/** Zeek's ssl log. */
static const char* const f_zeek_ssl[] = { "server_name", NULL };

/** The log sources we take host names from (SigmaHQ's taxonomy). */
static const struct sigma_fields sigma_host_fields[] = {
	{ "category", "dns_query", f_dns },
	{ "category", "dns", f_dns },
	{ "service", "dns", f_dns },
	{ "category", "network_connection", f_net },
	{ "category", "proxy", f_proxy },
	{ "service", "http", f_zeek_http },
	{ "service", "ssl", f_zeek_ssl },
	{ NULL, NULL, NULL }
};

/** The reader's state for one rule. */
struct sigma {
	/** the builder */
	struct sh_fb* fb;
	/** the rule document */
	const struct sh_ynode* doc;
	/** host fields of its log source, or NULL */
	const char* const* fields;
	/** the rule, for the log */
	const struct sh_source* src;
	/** confidence from level, or -1 */
	int confidence;
	/** first_seen from date, or 0 */
	time_t first_seen;
	/** comment: the false positives, or NULL (copied per indicator) */
	char* comment;
	/** tags of the rule, or NULL (copied per indicator) */
	char** tags;
	/** indicators and allow entries taken from the rule */
	size_t taken;
};

/** What a condition means once mapped. */
struct sigma_cond {
	/** identifiers whose host names are blocked */
	const char* pos[SIGMA_MAX_IDENTS];
	/** number of pos */
	size_t npos;
	/** identifiers whose host names are allowed ("and not") */
	const char* neg[SIGMA_MAX_IDENTS];
	/** number of neg */
	size_t nneg;
	/** identifiers that only narrow the rule (no host field) */
	const char* narrow[SIGMA_MAX_IDENTS];
	/** number of narrow */
	size_t nnarrow;
};

/** The condition parser. */
struct sigma_parse {
	/** the reader */
	struct sigma* S;
	/** the detection mapping */
	const struct sh_ynode* det;
	/** the condition scalar */
	const struct sh_ynode* cn;
	/** the text */
	const char* p;
	/** position in it */
	size_t i;
	/** the current token */
	char tok[SIGMA_TOKEN_MAX];
	/** where the current token starts in p */
	size_t tok_at;
	/** 1 after an error (reported) */
	int err;
};

/**
 * Report an error in a condition at a place in it and stop.
 * @param P: the parser.
 * @param at: offset of the offending token in the condition.
 * @param what: the message.
 */
static void
sc_error_at(struct sigma_parse* P, size_t at, const char* what)
{
	unsigned col = P->cn->mark.column;

	if(P->err)
		return;
	/* a plain or quoted one-line scalar: point at the token */
	if(!strchr(P->p, '\n'))
		col += (unsigned)at + (P->cn->plain ? 0 : 1);
	sh_fb_report(P->S->fb, SH_SEV_ERROR, P->cn->mark.line, col,
		"condition '%s' cannot be mapped to DNS names: %s", P->p, what);
	P->err = 1;
}

/**
 * Report an error in a condition at the current token and stop.
 * @param P: the parser.
 * @param what: the message.
 */
static void
sc_error(struct sigma_parse* P, const char* what)
{
	sc_error_at(P, P->tok_at, what);
}

/**
 * Read the next token: a word, '(' or ')', or "" at the end.
 * @param P: the parser.
 */
static void
sc_next(struct sigma_parse* P)
{
	size_t n = 0;

	while(P->p[P->i] == ' ' || P->p[P->i] == '\t' || P->p[P->i] == '\n'
		|| P->p[P->i] == '\r')
		P->i++;
	P->tok_at = P->i;
	if(P->p[P->i] == '(' || P->p[P->i] == ')' || P->p[P->i] == '|') {
		P->tok[0] = P->p[P->i++];
		P->tok[1] = 0;
		return;
	}
	while(P->p[P->i] && !strchr(" \t\r\n()|", P->p[P->i])) {
		if(n + 1 < sizeof(P->tok))
			P->tok[n++] = P->p[P->i];
		P->i++;
	}
	P->tok[n] = 0;
}

/**
 * Whether the current token is a keyword, ignoring case.
 * @param P: the parser.
 * @param w: the keyword.
 * @return 1 if it is.
 */
static int
sc_is(const struct sigma_parse* P, const char* w)
{
	return strcasecmp(P->tok, w) == 0;
}

/**
 * Whether an identifier matches a pattern with '*' wildcards.
 * @param pat: the pattern.
 * @param s: the identifier.
 * @return 1 if it matches.
 */
static int
sc_glob(const char* pat, const char* s)
{
	if(*pat == 0)
		return *s == 0;
	if(*pat == '*')
		return sc_glob(pat + 1, s) || (*s && sc_glob(pat, s + 1));
	return *s == *pat && sc_glob(pat + 1, s + 1);
}

/**
 * Whether a selection has a host field of the rule's log source.
 * @param S: the reader.
 * @param sel: the selection node.
 * @return 1 if it has.
 */
static int sigma_sel_has_host(const struct sigma* S,
	const struct sh_ynode* sel);

/** A parsed condition term: the identifiers it ORs together. */
struct sc_term {
	/** the identifiers */
	const char* id[SIGMA_MAX_IDENTS];
	/** their number */
	size_t n;
	/** 1 if it is "not X" */
	int negated;
	/** 1 if it is an AND of identifiers (all of ...), n > 1 */
	int all;
};

/**
 * Add the identifiers matching a pattern ("them" for all) to a term.
 * @param P: the parser.
 * @param t: the term.
 * @param pat: the pattern.
 * @return number added.
 */
static size_t
sc_expand(struct sigma_parse* P, struct sc_term* t, const char* pat)
{
	size_t i, added = 0;

	for(i = 0; i < P->det->n; i++) {
		const char* k = P->det->kids[i]->key;
		if(strcmp(k, "condition") == 0 || strcmp(k, "timeframe") == 0)
			continue;
		if(strcmp(pat, "them") != 0 && !sc_glob(pat, k))
			continue;
		if(t->n < SIGMA_MAX_IDENTS) {
			t->id[t->n++] = k;
			added++;
		}
	}
	return added;
}

/**
 * Parse a primary: an identifier, "1 of x", "any of x", "all of x",
 * "not primary" or a parenthesised OR of primaries.
 * @param P: the parser, at the primary's first token.
 * @param t: the term to fill.
 */
static void sc_or(struct sigma_parse* P, struct sc_term* t);

/**
 * Parse a primary (see sc_or's companions).
 * @param P: the parser.
 * @param t: the term to fill.
 */
static void
sc_primary(struct sigma_parse* P, struct sc_term* t)
{
	if(sc_is(P, "not")) {
		sc_next(P);
		sc_primary(P, t);
		if(t->negated)
			sc_error(P, "'not not' is not supported");
		t->negated = 1;
		return;
	}
	if(sc_is(P, "(")) {
		sc_next(P);
		sc_or(P, t);
		if(!sc_is(P, ")"))
			sc_error(P, "')' expected");
		sc_next(P);
		return;
	}
	if(sc_is(P, "1") || sc_is(P, "any") || sc_is(P, "all")) {
		int all = sc_is(P, "all");
		size_t n;
		sc_next(P);
		if(!sc_is(P, "of")) {
			sc_error(P, "'of' expected");
			return;
		}
		sc_next(P);
		if((n = sc_expand(P, t, P->tok)) == 0)
			sc_error(P, "no selection matches it");
		if(all && n > 1)
			t->all = 1;
		sc_next(P);
		return;
	}
	if(P->tok[0] == 0 || sc_is(P, ")") || sc_is(P, "|") || sc_is(P, "and")
		|| sc_is(P, "or") || sc_is(P, "of")) {
		sc_error(P, "a selection name expected");
		return;
	}
	if(!sh_ytree_get(P->det, P->tok)) {
		sc_error(P, "it names no selection of the rule");
		return;
	}
	t->id[t->n++] = sh_ytree_get(P->det, P->tok)->key;
	sc_next(P);
}

/**
 * Parse the next primary into a fresh term.
 * @param P: the parser.
 * @param p: the term, cleared and filled.
 * @param at: set to where the primary starts.
 * @return 1 on success, 0 after an error (reported).
 */
static int
sc_take(struct sigma_parse* P, struct sc_term* p, size_t* at)
{
	*at = P->tok_at;
	memset(p, 0, sizeof(*p));
	sc_primary(P, p);
	return !P->err;
}

/**
 * Refuse "all of" several selections: no single name matches them all.
 * @param P: the parser.
 * @param p: the primary just parsed.
 * @param at: where it starts.
 * @return 1 if it is fine, 0 if refused (reported).
 */
static int
sc_check_all(struct sigma_parse* P, const struct sc_term* p, size_t at)
{
	if(!p->all || p->n <= 1)
		return 1;
	sc_error_at(P, at, "'all of' several selections asks for all of them "
		"at once, which no single name does");
	return 0;
}

/**
 * Parse an AND of primaries and fold it into one term: positive terms
 * with host fields stay, positive terms without host fields only
 * narrow the rule, negated terms become allow entries.
 * @param P: the parser.
 * @param t: the term of the AND (positive identifiers); its negated
 *	part goes to the parser's condition.
 * @param C: the condition, for negated and narrowing identifiers.
 */
static void
sc_and(struct sigma_parse* P, struct sc_term* t, struct sigma_cond* C)
{
	size_t chain = P->tok_at;
	int first = 1;

	for(;;) {
		struct sc_term p;
		size_t i, at;
		if(!sc_take(P, &p, &at))
			return;
		if(p.negated) {
			for(i = 0; i < p.n && C->nneg < SIGMA_MAX_IDENTS; i++)
				C->neg[C->nneg++] = p.id[i];
		} else if(!sc_check_all(P, &p, at)) {
			return;
		} else {
			int host = 0;
			for(i = 0; i < p.n; i++)
				if(sigma_sel_has_host(P->S, sh_ytree_get(P->det,
					p.id[i])))
					host = 1;
			if(host && !first && t->n > 0) {
				sc_error_at(P, at, "'and' between two "
					"selections of host names asks for both "
					"at once");
				return;
			}
			if(host) {
				for(i = 0; i < p.n; i++)
					t->id[t->n++] = p.id[i];
			} else {
				for(i = 0; i < p.n && C->nnarrow
					< SIGMA_MAX_IDENTS; i++)
					C->narrow[C->nnarrow++] = p.id[i];
			}
			first = 0;
		}
		if(!sc_is(P, "and"))
			break;
		sc_next(P);
	}
	if(t->n == 0 && !P->err)
		sc_error_at(P, chain, "no selection with host names is asked "
			"for");
}

static void
sc_or(struct sigma_parse* P, struct sc_term* t)
{
	for(;;) {
		struct sc_term p;
		size_t i, at;
		if(!sc_take(P, &p, &at))
			return;
		if(p.negated) {
			sc_error_at(P, at, "'not' inside 'or' or parentheses");
			return;
		}
		if(!sc_check_all(P, &p, at))
			return;
		for(i = 0; i < p.n && t->n < SIGMA_MAX_IDENTS; i++)
			t->id[t->n++] = p.id[i];
		if(sc_is(P, "and")) {
			sc_error(P, "'and' inside 'or' or parentheses");
			return;
		}
		if(!sc_is(P, "or"))
			return;
		sc_next(P);
	}
}

/**
 * Parse one condition: ORs of ANDs at the top level.
 * @param S: the reader.
 * @param det: the detection mapping.
 * @param cn: the condition scalar.
 * @param C: filled in.
 * @return 1 if it can be mapped, 0 if not (reported).
 */
static int
sigma_condition(struct sigma* S, const struct sh_ynode* det,
	const struct sh_ynode* cn, struct sigma_cond* C)
{
	struct sigma_parse P;

	memset(&P, 0, sizeof(P));
	P.S = S;
	P.det = det;
	P.cn = cn;
	P.p = cn->text;
	sc_next(&P);
	for(;;) {
		struct sc_term t;
		size_t i;
		memset(&t, 0, sizeof(t));
		sc_and(&P, &t, C);
		if(P.err)
			return 0;
		for(i = 0; i < t.n && C->npos < SIGMA_MAX_IDENTS; i++)
			C->pos[C->npos++] = t.id[i];
		if(!sc_is(&P, "or"))
			break;
		if(C->nneg) {
			sc_error(&P, "'or' after 'and not': the exceptions "
				"would apply to the other branch too");
			return 0;
		}
		sc_next(&P);
	}
	if(P.tok[0] == '|')
		sc_error(&P, "aggregations ('| count()') are not supported");
	else if(P.tok[0])
		sc_error(&P, "unexpected words at the end");
	return !P.err;
}

/**
 * Whether a field is a host field of the rule's log source.
 * @param S: the reader.
 * @param field: the field name (without modifiers).
 * @param n: its length.
 * @return 1 if it is.
 */
static int
sigma_is_host_field(const struct sigma* S, const char* field, size_t n)
{
	size_t i;

	for(i = 0; S->fields && S->fields[i]; i++)
		if(strlen(S->fields[i]) == n && strncasecmp(S->fields[i],
			field, n) == 0)
			return 1;
	return 0;
}

/**
 * Length of the field part of a key "Field|mod|mod".
 * @param key: the key.
 * @return the length.
 */
static size_t
sigma_field_len(const char* key)
{
	const char* bar = strchr(key, '|');
	return bar ? (size_t)(bar - key) : strlen(key);
}

/**
 * Whether a selection map has a host field.
 * @param S: the reader.
 * @param m: a mapping.
 * @return 1 if it has.
 */
static int
sigma_map_has_host(const struct sigma* S, const struct sh_ynode* m)
{
	size_t i;

	for(i = 0; i < m->n; i++)
		if(sigma_is_host_field(S, m->kids[i]->key,
			sigma_field_len(m->kids[i]->key)))
			return 1;
	return 0;
}

static int
sigma_sel_has_host(const struct sigma* S, const struct sh_ynode* sel)
{
	size_t i;

	if(!sel)
		return 0;
	if(sel->kind == SH_YAML_MAP)
		return sigma_map_has_host(S, sel);
	if(sel->kind == SH_YAML_SEQ)
		for(i = 0; i < sel->n; i++)
			if(sel->kids[i]->kind == SH_YAML_MAP
				&& sigma_map_has_host(S, sel->kids[i]))
				return 1;
	return 0;
}

/** How a value is matched, after the modifiers and the wildcards. */
enum sigma_match {
	/** the name itself */
	SM_EXACT,
	/** the name and its subdomains: "*.x", "|endswith: .x" */
	SM_SUBDOMAINS,
	/** a substring or suffix that is taken as a name and subdomains */
	SM_WIDER
};

/**
 * Strip Sigma's wildcards from a value, as its modifiers say.
 * @param v: the value text.
 * @param mods: the modifiers after the field ("" for none).
 * @param out: destination of SH_NAME_TEXT_MAX bytes, the name.
 * @param how: set to how it matches.
 * @param why: set to the reason when it cannot be mapped.
 * @return 1 if mapped, 0 if not (why set).
 */
static int
sigma_value_text(const char* v, const char* mods, char* out,
	enum sigma_match* how, const char** why)
{
	size_t n = strlen(v), b = 0, e;
	int contains = strcmp(mods, "|contains") == 0;
	int ends = strcmp(mods, "|endswith") == 0;

	if(mods[0] && !contains && !ends) {
		*why = "the modifier has no DNS name equivalent";
		return 0;
	}
	e = n;
	/* leading '*' is "ends with"; trailing '*' with a leading one is
	 * "contains" */
	if(b < e && v[b] == '*') {
		b++;
		if(!contains)
			ends = 1;
	}
	if(e > b && v[e - 1] == '*' && (e < 2 || v[e - 2] != '\\')) {
		e--;
		if(!ends && !contains) {
			*why = "a value ending in '*' is a prefix match";
			return 0;
		}
		contains = 1;
		ends = 0;
	}
	if(memchr(v + b, '*', e - b) || memchr(v + b, '?', e - b)
		|| memchr(v + b, '\\', e - b)) {
		*why = "a wildcard or escape inside the value has no DNS name "
			"equivalent";
		return 0;
	}
	if(contains)
		*how = SM_WIDER;
	else if(ends)
		*how = (b < e && v[b] == '.') ? SM_SUBDOMAINS : SM_WIDER;
	else	*how = SM_EXACT;
	if((contains || ends) && b < e && v[b] == '.')
		b++;
	if(e - b >= SH_NAME_TEXT_MAX || !sh_fb_hostlike(v + b, e - b)) {
		*why = "the value is not a host name";
		return 0;
	}
	memcpy(out, v + b, e - b);
	out[e - b] = 0;
	return 1;
}

/**
 * Give an indicator a copy of the rule's tags.
 * @param S: the reader.
 * @param ind: the indicator.
 * @return 1 on success, 0 when out of memory.
 */
static int
sigma_tags_copy(const struct sigma* S, struct sh_indicator* ind)
{
	size_t i;

	for(i = 0; S->tags && S->tags[i]; i++)
		if(!sh_fb_strv_add(&ind->tags, S->tags[i])) {
			sh_strv_free(ind->tags);
			ind->tags = NULL;
			return 0;
		}
	return 1;
}

/**
 * Take one value of a host field.
 * @param S: the reader.
 * @param key: the field with its modifiers.
 * @param v: the value node.
 * @param allow: 1 for a filter (allow entry).
 */
static void
sigma_value(struct sigma* S, const char* key, const struct sh_ynode* v,
	int allow)
{
	const char* mods = key + sigma_field_len(key);
	struct sh_indicator ind;
	enum sigma_match how = SM_EXACT;
	const char* why = NULL;
	char name[SH_NAME_TEXT_MAX];
	char cased[64];
	size_t before;

	/* |cased changes nothing: DNS names are case-insensitive */
	if(strlen(mods) < sizeof(cased)) {
		char* c;
		snprintf(cased, sizeof(cased), "%s", mods);
		if((c = strstr(cased, "|cased")) != NULL)
			memmove(c, c + 6, strlen(c + 6) + 1);
		mods = cased;
	}
	if(v->kind != SH_YAML_SCALAR || sh_ytree_is_null(v)) {
		sh_fb_skip(S->fb, v->mark.line, v->mark.column, "%s: not a "
			"string value; not taken", key);
		return;
	}
	if(!sigma_value_text(v->text, mods, name, &how, &why)) {
		sh_fb_skip(S->fb, v->mark.line, v->mark.column, "%s: '%.100s' "
			"not taken: %s", key, v->text, why);
		return;
	}
	sh_fb_ind_init(&ind, v->mark.line, v->mark.column, allow);
	if(how == SM_EXACT)
		ind.flags |= SH_IND_EXACT;
	ind.src = S->src;
	if(!allow) {
		ind.confidence = S->confidence;
		ind.first_seen = S->first_seen;
	}
	if((S->comment && !(ind.comment = sh_strdup(S->comment)))
		|| !sigma_tags_copy(S, &ind)) {
		sh_fb_report(S->fb, SH_SEV_ERROR, 0, 0, "out of memory");
		S->fb->fatal = 1;
		free(ind.comment);
		return;
	}
	before = S->fb->feed->num_ind;
	if(!sh_fb_add(S->fb, &ind, name, strlen(name), SH_SEV_WARNING)) {
		if(!S->fb->fatal)
			S->fb->feed->num_skipped++;
		return;
	}
	if(S->fb->feed->num_ind == before)
		return; /* expired or given before: reported */
	S->taken++;
	sh_fb_map(S->fb, v->mark.line, v->mark.column, "%s: took '%s' as %s "
		"%s%s", key, name, allow ? "an allow entry for" : "a block of",
		how == SM_EXACT ? "that name only" : "the name and its "
		"subdomains", how == SM_WIDER ? "; Sigma's substring match is "
		"wider than a DNS name match" : how == SM_SUBDOMAINS ? "; "
		"Sigma's match does not cover the name itself, the sinkhole "
		"does" : "");
}

/**
 * Take the host fields of one selection mapping; report the others.
 * @param S: the reader.
 * @param m: the mapping.
 * @param ident: the selection's name, for messages.
 * @param allow: 1 for a filter.
 */
static void
sigma_map(struct sigma* S, const struct sh_ynode* m, const char* ident,
	int allow)
{
	size_t i, j, hosts = 0;

	for(i = 0; i < m->n; i++)
		hosts += (size_t)sigma_is_host_field(S, m->kids[i]->key,
			sigma_field_len(m->kids[i]->key));
	if(hosts > 1)
		sh_fb_map(S->fb, m->mark.line, m->mark.column, "%s: Sigma asks "
			"for all fields of a selection at once; each host-name "
			"field is taken on its own, which is wider", ident);
	for(i = 0; i < m->n; i++) {
		const struct sh_ynode* f = m->kids[i];
		if(!sigma_is_host_field(S, f->key, sigma_field_len(f->key))) {
			if(sigma_map_has_host(S, m))
				sh_fb_map(S->fb, f->key_mark.line,
					f->key_mark.column, "%s: field '%.100s' "
					"narrows the rule and is ignored: the "
					"sinkhole blocks the name for every "
					"client", ident, f->key);
			continue;
		}
		if(f->kind == SH_YAML_SEQ) {
			for(j = 0; j < f->n; j++)
				sigma_value(S, f->key, f->kids[j], allow);
		} else	sigma_value(S, f->key, f, allow);
	}
}

/**
 * Take one selection named by the condition.
 * @param S: the reader.
 * @param det: the detection mapping.
 * @param ident: the selection's name.
 * @param allow: 1 for a filter ("and not").
 */
static void
sigma_selection(struct sigma* S, const struct sh_ynode* det,
	const char* ident, int allow)
{
	const struct sh_ynode* sel = sh_ytree_get(det, ident);
	size_t i;

	if(!sigma_sel_has_host(S, sel)) {
		sh_fb_skip(S->fb, sel->key_mark.line, sel->key_mark.column,
			"selection '%.100s' has no host-name field of this log "
			"source; not taken", ident);
		return;
	}
	if(sel->kind == SH_YAML_MAP) {
		sigma_map(S, sel, ident, allow);
		return;
	}
	for(i = 0; i < sel->n; i++)
		if(sel->kids[i]->kind == SH_YAML_MAP)
			sigma_map(S, sel->kids[i], ident, allow);
		else	sh_fb_skip(S->fb, sel->kids[i]->mark.line,
				sel->kids[i]->mark.column, "%s: a keyword "
				"search, not a field; not taken", ident);
}

/**
 * The host fields of the rule's log source.
 * @param S: the reader; S->fields is set.
 * @return 1 if the log source has host fields.
 */
static int
sigma_logsource(struct sigma* S)
{
	const struct sh_ynode* ls = sh_ytree_get(S->doc, "logsource");
	const struct sigma_fields* t;

	S->fields = NULL;
	for(t = sigma_host_fields; t->kind; t++) {
		const char* v = sh_ytree_str(ls, t->kind);
		if(v && strcasecmp(v, t->value) == 0) {
			S->fields = t->fields;
			return 1;
		}
	}
	return 0;
}

/**
 * Parse a Sigma date: YYYY-MM-DD, or the older YYYY/MM/DD.
 * @param text: the date.
 * @param out: UTC seconds.
 * @return 1 on success.
 */
static int
sigma_date(const char* text, time_t* out)
{
	char d[11];

	if(strlen(text) != 10)
		return 0;
	memcpy(d, text, 11);
	if(d[4] == '/' && d[7] == '/')
		d[4] = d[7] = '-';
	return sh_yaml_parse_time(d, 10, out);
}

/**
 * Confidence of a Sigma level.
 * @param level: the level.
 * @return 0..100, or -1 when unknown.
 */
static int
sigma_level(const char* level)
{
	static const char* const names[] = { "informational", "low",
		"medium", "high", "critical" };
	static const int values[] = { 5, 15, 50, 85, 95 };
	size_t i;

	for(i = 0; level && i < 5; i++)
		if(strcasecmp(level, names[i]) == 0)
			return values[i];
	return -1;
}

/**
 * Append a false positive to the comment, within the scalar limit.
 * @param c: the comment buffer, NUL terminated.
 * @param max: its size.
 * @param fp: the text to add.
 */
static void
sigma_fp_add(char* c, size_t max, const char* fp)
{
	size_t n = strlen(c), k = strlen(fp);

	if(fp[0] == 0)
		return;
	if(c[17] && n + 2 < max) {
		memcpy(c + n, "; ", 3);
		n += 2;
	}
	if(n + k >= max) {
		k = max - n - 1;
		while(k > 0 && ((unsigned char)fp[k] & 0xc0) == 0x80)
			k--;
	}
	memcpy(c + n, fp, k);
	c[n + k] = 0;
}

/**
 * Join the false positives into one comment, no longer than the
 * scalar limit (so a conversion loads again).
 * @param fp: the falsepositives node (a string or a list).
 * @param max: the scalar limit.
 * @return malloced comment, or NULL when there are none.
 */
static char*
sigma_falsepositives(const struct sh_ynode* fp, size_t max)
{
	size_t i;
	char* c;

	if(!fp || max < 32 || !(c = malloc(max)))
		return NULL;
	strcpy(c, "false positives: ");
	if(fp->kind == SH_YAML_SCALAR && !sh_ytree_is_null(fp))
		sigma_fp_add(c, max, fp->text);
	for(i = 0; fp->kind == SH_YAML_SEQ && i < fp->n; i++)
		if(fp->kids[i]->kind == SH_YAML_SCALAR)
			sigma_fp_add(c, max, fp->kids[i]->text);
	if(c[17] == 0) {
		free(c);
		return NULL;
	}
	return c;
}

/**
 * Copy a list of strings (tags, references).
 * @param n: the node: a sequence of scalars, or one scalar.
 * @param out: set to the NULL-terminated array (caller frees).
 * @param urls: 1 to keep only http(s) URLs.
 * @return 1 on success, 0 when out of memory.
 */
static int
sigma_strv(const struct sh_ynode* n, char*** out, int urls)
{
	size_t i;

	if(!n)
		return 1;
	if(n->kind == SH_YAML_SCALAR)
		return sh_ytree_is_null(n) || n->text[0] == 0 || (urls
			&& !sh_fb_url_valid(n->text))
			|| sh_fb_strv_add(out, n->text);
	for(i = 0; n->kind == SH_YAML_SEQ && i < n->n; i++) {
		const struct sh_ynode* k = n->kids[i];
		if(k->kind != SH_YAML_SCALAR || sh_ytree_is_null(k)
			|| k->text[0] == 0 || (urls
			&& !sh_fb_url_valid(k->text)))
			continue;
		if(!sh_fb_strv_add(out, k->text))
			return 0;
	}
	return 1;
}

/**
 * The feed's id, description, version and references from the first
 * rule that gives them.
 * @param S: the reader.
 * @return 1 on success, 0 when out of memory.
 */
static int
sigma_feed_meta(struct sigma* S)
{
	struct sh_feed* f = S->fb->feed;
	const char* id = sh_ytree_str(S->doc, "id");
	const char* v;

	if(!f->id && id) {
		if(!(f->id = sh_fb_id_from(id, strlen(id))))
			return 0;
	}
	if(!f->description && ((v = sh_ytree_str(S->doc, "description"))
		|| (v = sh_ytree_str(S->doc, "title")))
		&& !(f->description = sh_strdup(v)))
		return 0;
	if(!f->version && ((v = sh_ytree_str(S->doc, "modified"))
		|| (v = sh_ytree_str(S->doc, "date")))
		&& !(f->version = sh_strdup(v)))
		return 0;
	if(!f->references && !sigma_strv(sh_ytree_get(S->doc, "references"),
		&f->references, 1))
		return 0;
	return 1;
}

/**
 * Read the rule's metadata into the reader state.
 * @param S: the reader.
 * @return 1 on success, 0 when out of memory (reported).
 */
static int
sigma_rule_meta(struct sigma* S)
{
	const struct sh_ynode* st = sh_ytree_get(S->doc, "status");
	const char* date = sh_ytree_str(S->doc, "date");
	const char* id = sh_ytree_str(S->doc, "id");
	const char* title = sh_ytree_str(S->doc, "title");

	S->confidence = sigma_level(sh_ytree_str(S->doc, "level"));
	S->first_seen = 0;
	if(date && !sigma_date(date, &S->first_seen))
		S->first_seen = 0;
	if(st && st->kind == SH_YAML_SCALAR && (strcmp(st->text, "deprecated")
		== 0 || strcmp(st->text, "unsupported") == 0))
		sh_fb_report(S->fb, SH_SEV_WARNING, st->mark.line,
			st->mark.column, "the rule '%.100s' has status %s; its "
			"names are taken all the same", title ? title : "?",
			st->text);
	S->comment = sigma_falsepositives(sh_ytree_get(S->doc,
		"falsepositives"), S->fb->lim.max_scalar_bytes);
	if(!sigma_strv(sh_ytree_get(S->doc, "tags"), &S->tags, 0)
		|| !sigma_feed_meta(S) || ((id || title)
		&& !(S->src = sh_fb_source(S->fb, id, title)))) {
		sh_fb_report(S->fb, SH_SEV_ERROR, 0, 0, "out of memory");
		S->fb->fatal = 1;
		return 0;
	}
	return 1;
}

/**
 * Map a rule's detection.
 * @param S: the reader.
 * @param det: the detection mapping.
 */
static void
sigma_detection(struct sigma* S, const struct sh_ynode* det)
{
	const struct sh_ynode* cn = sh_ytree_get(det, "condition");
	struct sigma_cond C;
	size_t i, k;

	if(!cn) {
		sh_fb_report(S->fb, SH_SEV_ERROR, det->mark.line,
			det->mark.column, "the detection has no 'condition'");
		return;
	}
	if(sh_ytree_get(det, "timeframe"))
		sh_fb_map(S->fb, sh_ytree_get(det, "timeframe")->key_mark.line,
			sh_ytree_get(det, "timeframe")->key_mark.column,
			"'timeframe' is ignored: a name is blocked whenever it is "
			"asked for");
	for(k = 0; k < (cn->kind == SH_YAML_SEQ ? cn->n : 1); k++) {
		const struct sh_ynode* c = cn->kind == SH_YAML_SEQ ?
			cn->kids[k] : cn;
		if(c->kind != SH_YAML_SCALAR || sh_ytree_is_null(c)) {
			sh_fb_report(S->fb, SH_SEV_ERROR, c->mark.line,
				c->mark.column, "'condition' must be a string "
				"or a list of strings");
			continue;
		}
		memset(&C, 0, sizeof(C));
		if(!sigma_condition(S, det, c, &C))
			continue;
		for(i = 0; i < C.nnarrow; i++)
			sh_fb_map(S->fb, c->mark.line, c->mark.column,
				"selection '%.100s' narrows the rule and is "
				"ignored: the sinkhole blocks the names for "
				"every client", C.narrow[i]);
		for(i = 0; i < C.npos; i++)
			sigma_selection(S, det, C.pos[i], 0);
		for(i = 0; i < C.nneg; i++)
			sigma_selection(S, det, C.neg[i], 1);
	}
}

/**
 * Map one rule document.
 * @param S: the reader, with S->doc set.
 */
static void
sigma_rule(struct sigma* S)
{
	const struct sh_ynode* det = sh_ytree_get(S->doc, "detection");
	const char* title;

	if(S->doc->kind != SH_YAML_MAP) {
		sh_fb_report(S->fb, SH_SEV_ERROR, S->doc->mark.line,
			S->doc->mark.column, "a Sigma rule must be a mapping");
		return;
	}
	title = sh_ytree_str(S->doc, "title");
	if(!det) {
		sh_fb_skip(S->fb, S->doc->mark.line, S->doc->mark.column,
			"document without 'detection' (a correlation, a filter "
			"or a collection's global part); not taken");
		return;
	}
	if(det->kind != SH_YAML_MAP) {
		sh_fb_report(S->fb, SH_SEV_ERROR, det->mark.line,
			det->mark.column, "'detection' must be a mapping");
		return;
	}
	if(!sigma_rule_meta(S))
		return;
	if(!sigma_logsource(S)) {
		const struct sh_ynode* ls = sh_ytree_get(S->doc, "logsource");
		sh_fb_skip(S->fb, ls ? ls->mark.line : S->doc->mark.line,
			ls ? ls->mark.column : S->doc->mark.column, "rule "
			"'%.100s': its log source has no host-name field we "
			"map (dns_query, dns, network_connection, proxy, "
			"zeek http or ssl); not taken", title ? title : "?");
		return;
	}
	sigma_detection(S, det);
	if(S->taken == 0 && S->fb->errors == 0)
		sh_fb_report(S->fb, SH_SEV_WARNING, S->doc->mark.line,
			S->doc->mark.column, "rule '%.100s': no host name "
			"taken", title ? title : "?");
}

int
sh_read_sigma(struct sh_fb* fb, const char* data, size_t len)
{
	struct sh_yaml y;
	struct sigma S;
	int more, ok;

	fb->merge = 1;
	if(!sh_yaml_open(&y, fb->file, data, len, &fb->lim, fb->diag,
		fb->arg)) {
		sh_yaml_close(&y);
		return 0;
	}
	do {
		struct sh_ynode* doc = sh_ytree_read(&y);
		if(!doc)
			break;
		memset(&S, 0, sizeof(S));
		S.fb = fb;
		S.doc = doc;
		sigma_rule(&S);
		free(S.comment);
		sh_strv_free(S.tags);
		sh_ytree_free(doc);
		more = !fb->fatal && sh_yaml_next_document(&y);
	} while(more);
	ok = sh_yaml_errors(&y) == 0 && !sh_yaml_fatal(&y);
	if(sh_yaml_fatal(&y))
		fb->fatal = 1;
	sh_yaml_close(&y);
	if(ok && !fb->fatal && !fb->feed->id && !sh_fb_id_from_file(fb,
		"no rule gives an 'id'"))
		ok = 0;
	return ok;
}
