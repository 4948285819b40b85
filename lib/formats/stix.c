/*
 * stix.c - the reader of STIX 2.1 bundles.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Takes the host names of a STIX 2.1 bundle (JSON, which the strict
 * YAML reader parses, or the same written as YAML) as indicators;
 * README.md "STIX 2.1 bundles" has the mapping for operators.  The
 * bundle's objects are read one at a time, so a large bundle is never
 * held as a whole tree.
 *  - indicator objects with pattern_type stix (or none, as in STIX
 *    2.0): every comparison of a pattern on domain-name:value with =,
 *    IN or LIKE (a '%.x' suffix is x's subdomains, an exact value the
 *    name only), and url:value, whose host is taken with a note.  OR
 *    takes each; AND, FOLLOWEDBY and qualifiers only narrow the
 *    pattern and are reported as ignored; NOT, MATCHES and the other
 *    operators, and comparisons on other objects (file:hashes,
 *    ipv4-addr, ...) are counted and reported, never errors;
 *  - domain-name objects (SCOs): the name itself;
 *  - valid_until is the expiry, revoked: true leaves the indicator out,
 *    confidence carries over, labels and indicator_types become tags,
 *    name and id reach the log (rule.description, rule.uuid),
 *    description becomes the comment and external_references' URLs the
 *    feed's references;
 *  - the bundle id is the feed id (the file name when there is none).
 * A pattern that does not parse is reported and left out; only a file
 * that is not JSON/YAML or not a STIX bundle is refused.
 */
#include "formats/formats.h"
#include "formats/ytree.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Most references taken into the feed from external_references. */
#define STIX_MAX_REFS 32
/** Longest pattern token kept. */
#define STIX_TOKEN_MAX 1024

/** The reader's state. */
struct stix {
	/** the builder */
	struct sh_fb* fb;
	/** the current object */
	const struct sh_ynode* obj;
	/** the rule the current object's indicators come from */
	const struct sh_source* src;
	/** objects of the bundle, by what became of them */
	size_t indicators, scos, other;
	/** indicators whose pattern gave no host name */
	size_t no_host;
	/** references taken into the feed */
	size_t refs;
	/** 1 once an object list was read */
	int had_objects;
};

/** A pattern token. */
struct stix_tok {
	/** the kind: 'w' word, 's' string, or the character itself
	 * ('[', ']', '(', ')', ','), 0 at the end, '!' for a bad token */
	int kind;
	/** the text (string contents unescaped) */
	char text[STIX_TOKEN_MAX];
};

/**
 * Read the next pattern token.
 * @param p: the pattern.
 * @param i: position, advanced.
 * @param t: the token.
 */
static void
stix_next(const char* p, size_t* i, struct stix_tok* t)
{
	size_t n = 0;

	while(p[*i] == ' ' || p[*i] == '\t' || p[*i] == '\n' || p[*i] == '\r')
		(*i)++;
	t->text[0] = 0;
	if(p[*i] == 0) {
		t->kind = 0;
		return;
	}
	if(strchr("[](),", p[*i])) {
		t->kind = p[(*i)++];
		return;
	}
	if(p[*i] == '\'') {
		t->kind = 's';
		for((*i)++; p[*i] && p[*i] != '\''; (*i)++) {
			if(p[*i] == '\\' && (p[*i + 1] == '\''
				|| p[*i + 1] == '\\'))
				(*i)++;
			if(n + 1 < sizeof(t->text))
				t->text[n++] = p[*i];
		}
		t->text[n] = 0;
		if(p[*i] != '\'') {
			t->kind = '!';
			return;
		}
		(*i)++;
		return;
	}
	t->kind = 'w';
	if(strchr("=!<>", p[*i])) {
		while(p[*i] && strchr("=!<>", p[*i]) && n + 1 < 4)
			t->text[n++] = p[(*i)++];
		t->text[n] = 0;
		return;
	}
	while(p[*i] && (!strchr(" \t\r\n[](),=!<>", p[*i]) || (p[*i] == '['
		&& n > 0 && (p[*i + 1] == '*' || (p[*i + 1] >= '0'
		&& p[*i + 1] <= '9'))) || (p[*i] == ']' && n > 0
		&& strchr("*0123456789", t->text[n - 1])
		&& memchr(t->text, '[', n)))) {
		/* a quoted path component: file:hashes.'SHA-256', or a
		 * typed literal: t'2023-...', h'..', b'..' */
		if(p[*i] == '\'') {
			do {
				if(n + 1 < sizeof(t->text))
					t->text[n++] = p[*i];
				(*i)++;
			} while(p[*i] && p[*i] != '\'');
			if(p[*i] != '\'') {
				t->kind = '!';
				return;
			}
		}
		if(n + 1 < sizeof(t->text))
			t->text[n++] = p[*i];
		(*i)++;
	}
	t->text[n] = 0;
}

/** How a comparison's value names hosts. */
enum stix_kind {
	/** not a host comparison */
	SK_NONE,
	/** domain-name:value = 'x' or IN: the name */
	SK_EXACT,
	/** domain-name:value LIKE '%.x': x and its subdomains */
	SK_SUBDOMAINS,
	/** url:value = '...': the URL's host */
	SK_URL
};

/**
 * Take one host name of a pattern.
 * @param S: the reader.
 * @param kind: how the value names a host.
 * @param v: the value.
 * @param ind0: the indicator's metadata (copied).
 */
static void
stix_take(struct stix* S, enum stix_kind kind, const char* v,
	const struct sh_indicator* ind0)
{
	const struct sh_ynode* pat = sh_ytree_get(S->obj, "pattern");
	char host[SH_NAME_TEXT_MAX];
	struct sh_indicator ind = *ind0;
	size_t n = strlen(v), b = 0, e, before;
	size_t i;

	if(kind == SK_URL) {
		const char* s = strstr(v, "://");
		b = s ? (size_t)(s - v) + 3 : 0;
		for(e = b; e < n && !strchr("/?#", v[e]); e++)
			;
		for(i = b; i < e; i++)
			if(v[i] == '@')
				b = i + 1;
		for(i = e; i > b; i--)
			if(v[i - 1] == ':') {
				e = i - 1;
				break;
			}
	} else	e = n;
	if(e - b >= sizeof(host) || !sh_fb_hostlike(v + b, e - b)) {
		sh_fb_skip(S->fb, pat->mark.line, pat->mark.column, "'%.100s' "
			"is not a host name; not taken", v);
		return;
	}
	memcpy(host, v + b, e - b);
	host[e - b] = 0;
	ind.tags = NULL;
	ind.comment = NULL;
	for(i = 0; ind0->tags && ind0->tags[i]; i++)
		if(!sh_fb_strv_add(&ind.tags, ind0->tags[i]))
			goto oom;
	if(ind0->comment && !(ind.comment = sh_strdup(ind0->comment)))
		goto oom;
	if(kind == SK_EXACT || kind == SK_URL)
		ind.flags |= SH_IND_EXACT;
	before = S->fb->feed->num_ind;
	if(!sh_fb_add(S->fb, &ind, host, strlen(host), SH_SEV_WARNING)) {
		if(!S->fb->fatal)
			S->fb->feed->num_skipped++;
		return;
	}
	if(S->fb->feed->num_ind == before)
		return;
	sh_fb_map(S->fb, pat->mark.line, pat->mark.column, "took '%s' as %s%s",
		host, kind == SK_SUBDOMAINS ? "the name and its subdomains "
		"(LIKE '%.x' does not match x itself, the sinkhole does)" :
		"that name only", kind == SK_URL ? " (the host of a url:value; "
		"the sinkhole blocks the whole host, not only the URL)" : "");
	return;
oom:
	sh_strv_free(ind.tags);
	sh_fb_report(S->fb, SH_SEV_ERROR, 0, 0, "out of memory");
	S->fb->fatal = 1;
}

/**
 * What a LIKE value means as a name.
 * @param v: the LIKE pattern; rewritten in place to the name.
 * @return SK_EXACT, SK_SUBDOMAINS, or SK_NONE when it has no name
 *	equivalent.
 */
static enum stix_kind
stix_like(char* v)
{
	size_t n = strlen(v);

	if(n > 2 && v[0] == '%' && v[1] == '.' && !strpbrk(v + 2, "%_")) {
		memmove(v, v + 2, n - 1);
		return SK_SUBDOMAINS;
	}
	return strpbrk(v, "%_") ? SK_NONE : SK_EXACT;
}

/** State of a pattern walk. */
struct stix_walk {
	/** the pattern */
	const char* p;
	/** position */
	size_t i;
	/** the current token */
	struct stix_tok t;
	/** host names taken */
	size_t hosts;
	/** comparisons not on host names, or not taken */
	size_t other;
	/** 1 if AND, FOLLOWEDBY or a qualifier narrows the pattern */
	int narrowed;
	/** 1 if the pattern does not parse */
	int bad;
};

/**
 * Skip an optional NOT, then expect a word (an object path or an
 * operator).
 * @param W: the walk.
 * @param neg: set to 1 when a NOT was skipped.
 * @param out: the word, STIX_TOKEN_MAX bytes.
 * @return 1 if a word was read (the walk is after it), 0 if not (bad).
 */
static int
stix_word(struct stix_walk* W, int* neg, char* out)
{
	if(W->t.kind == 'w' && strcmp(W->t.text, "NOT") == 0) {
		*neg = 1;
		stix_next(W->p, &W->i, &W->t);
	}
	if(W->t.kind != 'w') {
		W->bad = 1;
		return 0;
	}
	snprintf(out, STIX_TOKEN_MAX, "%s", W->t.text);
	stix_next(W->p, &W->i, &W->t);
	return 1;
}

/**
 * Walk one comparison: [NOT] path op value.
 * @param S: the reader.
 * @param W: the walk, at the path.
 * @param ind: the indicator's metadata.
 */
static void
stix_comparison(struct stix* S, struct stix_walk* W,
	const struct sh_indicator* ind)
{
	char path[STIX_TOKEN_MAX], op[STIX_TOKEN_MAX];
	int neg = 0, dom, url;
	enum stix_kind k;

	if(!stix_word(W, &neg, path) || !stix_word(W, &neg, op))
		return;
	dom = strcmp(path, "domain-name:value") == 0;
	url = strcmp(path, "url:value") == 0;
	if(strcmp(op, "IN") == 0) {
		if(W->t.kind != '(') {
			W->bad = 1;
			return;
		}
		for(stix_next(W->p, &W->i, &W->t); W->t.kind == 's'
			|| W->t.kind == 'w' || W->t.kind == ',';
			stix_next(W->p, &W->i, &W->t)) {
			if(W->t.kind == ',')
				continue;
			if((dom || url) && !neg && W->t.kind == 's') {
				stix_take(S, dom ? SK_EXACT : SK_URL, W->t.text,
					ind);
				W->hosts++;
			} else	W->other++;
		}
		if(W->t.kind != ')')
			W->bad = 1;
		else	stix_next(W->p, &W->i, &W->t);
		return;
	}
	if(W->t.kind != 's' && W->t.kind != 'w') {
		W->bad = 1;
		return;
	}
	k = SK_NONE;
	if(!neg && W->t.kind == 's' && strcmp(op, "=") == 0)
		k = dom ? SK_EXACT : url ? SK_URL : SK_NONE;
	else if(!neg && W->t.kind == 's' && dom && strcmp(op, "LIKE") == 0)
		k = stix_like(W->t.text);
	if(k != SK_NONE) {
		stix_take(S, k, W->t.text, ind);
		W->hosts++;
	} else {
		const struct sh_ynode* pat = sh_ytree_get(S->obj, "pattern");
		W->other++;
		if(dom || url)
			sh_fb_skip(S->fb, pat->mark.line, pat->mark.column,
				"%s%s %s '%.100s' has no DNS name equivalent; "
				"not taken", neg ? "NOT " : "", path, op,
				W->t.text);
	}
	stix_next(W->p, &W->i, &W->t);
}

/**
 * Walk a pattern: observation expressions in brackets, joined by OR,
 * AND or FOLLOWEDBY, in parentheses, with qualifiers.
 * @param S: the reader.
 * @param W: the walk.
 * @param ind: the indicator's metadata.
 */
static void
stix_pattern(struct stix* S, struct stix_walk* W,
	const struct sh_indicator* ind)
{
	int depth = 0;

	stix_next(W->p, &W->i, &W->t);
	while(W->t.kind && !W->bad && !S->fb->fatal) {
		switch(W->t.kind) {
		case '[':
			if(depth++ != 0)
				W->bad = 1;
			stix_next(W->p, &W->i, &W->t);
			break;
		case ']':
			if(--depth != 0)
				W->bad = 1;
			stix_next(W->p, &W->i, &W->t);
			break;
		case '(':
		case ')':
			stix_next(W->p, &W->i, &W->t);
			break;
		case 'w':
			if(strcmp(W->t.text, "OR") == 0) {
				stix_next(W->p, &W->i, &W->t);
				break;
			}
			if(strcmp(W->t.text, "AND") == 0 || (depth == 0
				&& strcmp(W->t.text, "OR") != 0)) {
				/* AND, FOLLOWEDBY, WITHIN n SECONDS, REPEATS n
				 * TIMES, START t STOP t */
				W->narrowed = 1;
				stix_next(W->p, &W->i, &W->t);
				break;
			}
			stix_comparison(S, W, ind);
			break;
		default:
			W->bad = 1;
			break;
		}
	}
	if(depth != 0)
		W->bad = 1;
}

/**
 * Copy a string list property (labels, indicator_types) into tags.
 * @param o: the object.
 * @param key: the property.
 * @param tags: the tags, grown.
 * @return 1 on success, 0 when out of memory.
 */
static int
stix_tags(const struct sh_ynode* o, const char* key, char*** tags)
{
	const struct sh_ynode* v = sh_ytree_get(o, key);
	size_t i;

	for(i = 0; v && v->kind == SH_YAML_SEQ && i < v->n; i++)
		if(v->kids[i]->kind == SH_YAML_SCALAR && v->kids[i]->text[0]
			&& !sh_fb_strv_add(tags, v->kids[i]->text))
			return 0;
	return 1;
}

/**
 * Take the URLs of external_references into the feed's references.
 * @param S: the reader.
 * @return 1 on success, 0 when out of memory.
 */
static int
stix_refs(struct stix* S)
{
	const struct sh_ynode* er = sh_ytree_get(S->obj,
		"external_references");
	struct sh_feed* f = S->fb->feed;
	size_t i, j;

	for(i = 0; er && er->kind == SH_YAML_SEQ && i < er->n; i++) {
		const char* url = sh_ytree_str(er->kids[i], "url");
		int have = 0;
		if(!url || !sh_fb_url_valid(url) || S->refs >= STIX_MAX_REFS)
			continue;
		for(j = 0; f->references && f->references[j]; j++)
			if(strcmp(f->references[j], url) == 0)
				have = 1;
		if(have)
			continue;
		if(!sh_fb_strv_add(&f->references, url))
			return 0;
		S->refs++;
	}
	return 1;
}

/**
 * Read an indicator's metadata into a template indicator.
 * @param S: the reader.
 * @param ind: the template, set up.
 * @return 1 on success, 0 on an error (reported).
 */
static int
stix_ind_meta(struct stix* S, struct sh_indicator* ind)
{
	const struct sh_ynode* pat = sh_ytree_get(S->obj, "pattern");
	const char* until = sh_ytree_str(S->obj, "valid_until");
	const char* from = sh_ytree_str(S->obj, "valid_from");
	const char* conf = sh_ytree_str(S->obj, "confidence");
	const char* desc = sh_ytree_str(S->obj, "description");
	char* end = NULL;
	long c;

	sh_fb_ind_init(ind, pat->mark.line, pat->mark.column, 0);
	if(until && !sh_yaml_parse_time(until, strlen(until), &ind->expires)) {
		const struct sh_ynode* u = sh_ytree_get(S->obj, "valid_until");
		sh_fb_map(S->fb, u->mark.line, u->mark.column, "valid_until "
			"'%.40s' is not a timestamp; ignored", until);
		ind->expires = 0;
	} else if(until && ind->expires <= 0)
		ind->expires = 1; /* long past, not "never" */
	if(from && !sh_yaml_parse_time(from, strlen(from), &ind->first_seen))
		ind->first_seen = 0;
	if(conf && (c = strtol(conf, &end, 10)) >= 0 && c <= 100 && end
		&& *end == 0)
		ind->confidence = (int)c;
	ind->src = S->src;
	if((desc && !(ind->comment = sh_strdup(desc)))
		|| !stix_tags(S->obj, "labels", &ind->tags)
		|| !stix_tags(S->obj, "indicator_types", &ind->tags)
		|| !stix_refs(S)) {
		sh_fb_report(S->fb, SH_SEV_ERROR, 0, 0, "out of memory");
		S->fb->fatal = 1;
		return 0;
	}
	return 1;
}

/**
 * Map an indicator object.
 * @param S: the reader, with S->obj set.
 */
static void
stix_indicator(struct stix* S)
{
	const struct sh_ynode* o = S->obj;
	const struct sh_ynode* pat = sh_ytree_get(o, "pattern");
	const struct sh_ynode* rev = sh_ytree_get(o, "revoked");
	const char* ptype = sh_ytree_str(o, "pattern_type");
	const char* id = sh_ytree_str(o, "id");
	struct sh_indicator tmpl;
	struct stix_walk W;

	S->indicators++;
	if(!pat || pat->kind != SH_YAML_SCALAR) {
		sh_fb_skip(S->fb, o->mark.line, o->mark.column, "indicator "
			"%.100s has no pattern; not taken", id ? id : "?");
		return;
	}
	if(rev && rev->kind == SH_YAML_SCALAR && strcmp(rev->text, "true")
		== 0) {
		sh_fb_skip(S->fb, rev->mark.line, rev->mark.column, "indicator "
			"%.100s is revoked; not taken", id ? id : "?");
		return;
	}
	if(ptype && strcmp(ptype, "stix") != 0) {
		sh_fb_skip(S->fb, pat->mark.line, pat->mark.column, "indicator "
			"%.100s has a %.40s pattern, not a STIX one; not taken",
			id ? id : "?", ptype);
		return;
	}
	if((id || sh_ytree_str(o, "name")) && !(S->src = sh_fb_source(S->fb,
		id, sh_ytree_str(o, "name"))))
		return;
	if(!stix_ind_meta(S, &tmpl))
		return;
	memset(&W, 0, sizeof(W));
	W.p = pat->text;
	stix_pattern(S, &W, &tmpl);
	sh_strv_free(tmpl.tags);
	free(tmpl.comment);
	if(W.bad)
		sh_fb_skip(S->fb, pat->mark.line, pat->mark.column, "the "
			"pattern of %.100s does not parse as a STIX pattern; "
			"what it named before the error is taken, the rest "
			"not", id ? id : "?");
	else if(W.hosts == 0) {
		S->no_host++;
		sh_fb_skip(S->fb, pat->mark.line, pat->mark.column, "the "
			"pattern of %.100s names no host (%zu comparisons on "
			"other objects); not taken", id ? id : "?", W.other);
	} else if(W.narrowed)
		sh_fb_map(S->fb, pat->mark.line, pat->mark.column, "the "
			"pattern of %.100s joins observations with AND or "
			"FOLLOWEDBY, or has qualifiers: ignored, each host "
			"name is blocked on its own", id ? id : "?");
}

/**
 * Map a domain-name SCO.
 * @param S: the reader, with S->obj set.
 */
static void
stix_sco(struct stix* S)
{
	const struct sh_ynode* v = sh_ytree_get(S->obj, "value");
	struct sh_indicator ind;
	size_t before;

	S->scos++;
	if(!v || v->kind != SH_YAML_SCALAR || !sh_fb_hostlike(v->text,
		v->len)) {
		sh_fb_skip(S->fb, S->obj->mark.line, S->obj->mark.column,
			"domain-name object without a host name value; not "
			"taken");
		return;
	}
	sh_fb_ind_init(&ind, v->mark.line, v->mark.column, 0);
	ind.flags |= SH_IND_EXACT;
	before = S->fb->feed->num_ind;
	if(!sh_fb_add(S->fb, &ind, v->text, v->len, SH_SEV_WARNING)) {
		if(!S->fb->fatal)
			S->fb->feed->num_skipped++;
		return;
	}
	if(S->fb->feed->num_ind != before)
		sh_fb_map(S->fb, v->mark.line, v->mark.column, "took "
			"domain-name '%s' as that name only", v->text);
}

/**
 * Map one object of the bundle.
 * @param S: the reader.
 * @param o: the object.
 */
static void
stix_object(struct stix* S, const struct sh_ynode* o)
{
	const char* type = sh_ytree_str(o, "type");

	S->obj = o;
	S->src = NULL;
	if(o->kind != SH_YAML_MAP || !type) {
		sh_fb_skip(S->fb, o->mark.line, o->mark.column, "not a STIX "
			"object (a mapping with a 'type'); not taken");
		return;
	}
	if(strcmp(type, "indicator") == 0)
		stix_indicator(S);
	else if(strcmp(type, "domain-name") == 0)
		stix_sco(S);
	else	S->other++;
}

/**
 * Read the objects list, one object at a time.
 * @param S: the reader.
 * @param y: the YAML reader, before the list.
 */
static void
stix_objects(struct stix* S, struct sh_yaml* y)
{
	S->had_objects = 1;
	if(!sh_yaml_seq_begin(y, "objects"))
		return;
	while(!S->fb->fatal && sh_yaml_seq_next(y)) {
		struct sh_ynode* o = sh_ytree_read(y);
		if(!o)
			continue;
		stix_object(S, o);
		sh_ytree_free(o);
	}
}

/**
 * Read the bundle's top level: objects streamed, the other properties
 * kept in a small tree.
 * @param S: the reader.
 * @param y: the YAML reader, in the document.
 * @param top: set to the tree of the other top-level properties.
 * @return 1 on success, 0 on an error (reported).
 */
static int
stix_top(struct stix* S, struct sh_yaml* y, struct sh_ynode** top)
{
	static const struct sh_yaml_keys any = { "a STIX bundle", NULL, 0 };
	struct sh_yaml_mark at;
	struct sh_yaml_map m;
	struct sh_ynode* t = calloc(1, sizeof(*t));
	struct sh_ynode** k;
	char* key;

	*top = t;
	if(!t)
		return 0;
	t->kind = SH_YAML_MAP;
	if(!sh_yaml_map_begin(y, NULL, &any, &m))
		return 0;
	t->mark = m.start;
	while(sh_yaml_map_next_any(y, &key, &at)) {
		const struct sh_ynode* dup = sh_ytree_get(t, key);
		struct sh_ynode* v;
		if(dup || (strcmp(key, "objects") == 0 && S->had_objects)) {
			sh_yaml_report(y, SH_SEV_ERROR, &at, "duplicate key "
				"'%.60s'%s", key, dup ? "" : " (objects)");
			free(key);
			if(!sh_yaml_skip(y))
				break;
			continue;
		}
		if(strcmp(key, "objects") == 0) {
			free(key);
			stix_objects(S, y);
			continue;
		}
		if(!(v = sh_ytree_read(y)) || !(k = realloc(t->kids, (t->n + 1)
			* sizeof(*k)))) {
			free(key);
			sh_ytree_free(v);
			continue;
		}
		v->key = key;
		v->key_mark = at;
		t->kids = k;
		t->kids[t->n++] = v;
	}
	return !sh_yaml_fatal(y);
}

int
sh_read_stix(struct sh_fb* fb, const char* data, size_t len)
{
	struct sh_ynode* top = NULL;
	const char* type;
	struct sh_yaml y;
	struct stix S;
	int ok = 0;

	memset(&S, 0, sizeof(S));
	S.fb = fb;
	fb->merge = 1;
	if(!sh_yaml_open(&y, fb->file, data, len, &fb->lim, fb->diag,
		fb->arg))
		goto done;
	if(!stix_top(&S, &y, &top) || fb->fatal)
		goto done;
	(void)sh_yaml_finish(&y);
	type = sh_ytree_str(top, "type");
	if(!S.had_objects && type && (strcmp(type, "indicator") == 0
		|| strcmp(type, "domain-name") == 0)) {
		stix_object(&S, top); /* a lone object, not a bundle */
	} else if(!type || strcmp(type, "bundle") != 0) {
		sh_fb_report(fb, SH_SEV_ERROR, top->mark.line, top->mark.column,
			"not a STIX bundle: the top level needs \"type\": "
			"\"bundle\"");
		goto done;
	}
	if(!(fb->feed->id = sh_ytree_str(top, "id") ? sh_fb_id_from(
		sh_ytree_str(top, "id"), strlen(sh_ytree_str(top, "id"))) :
		NULL) && !sh_fb_id_from_file(fb, "the bundle has no 'id'"))
		goto done;
	if(!fb->feed->description) {
		char d[160];
		snprintf(d, sizeof(d), "STIX bundle: %zu indicators, %zu "
			"domain-name objects", S.indicators, S.scos);
		fb->feed->description = sh_strdup(d);
	}
	sh_fb_map(fb, 0, 0, "%zu indicator objects (%zu without a host "
		"name), %zu domain-name objects, %zu other objects ignored",
		S.indicators, S.no_host, S.scos, S.other);
	ok = sh_yaml_errors(&y) == 0;
done:
	if(sh_yaml_fatal(&y))
		fb->fatal = 1;
	ok = ok && sh_yaml_errors(&y) == 0 && !sh_yaml_fatal(&y);
	sh_yaml_close(&y);
	sh_ytree_free(top);
	return ok;
}
