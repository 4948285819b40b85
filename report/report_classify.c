/*
 * tools/report_classify.c - per-client aggregation, bursts and patterns.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The report keeps no log line.  Per client it keeps counters (queries,
 * first and last seen, distinct indicators), small counted sets (feeds,
 * query types, transports) and its bursts: events less than
 * SH_REPORT_BURST_GAP_MS apart, as (start, end, count).  Timestamps go
 * to a small unsorted pending buffer first; when it is full (and before
 * classification) it is sorted and merged into the sorted bursts, so
 * lines out of order, clock-skewed lines and files given in any order
 * give the same bursts as sorted input.  At most SH_REPORT_BURST_CAP
 * bursts are kept per client: beyond that the oldest are dropped and
 * counted, and events older than the kept window are counted as "late"
 * (queries, first and last seen stay exact; the burst count is then a
 * close lower bound).  The memory of a client is thus bounded by about
 * 100 KB, and a typical client (a few bursts) takes a few hundred bytes;
 * what grows is the number of clients and (indicator, client) pairs.
 *
 * Classification of a client, after all input:
 *  - one-off: its last query is at most SH_REPORT_ONEOFF_SPAN_MS after
 *    its first (a person's ping, nslookup, traceroute);
 *  - periodic: at least SH_REPORT_MIN_INTERVALS intervals between burst
 *    starts, and jitter = MAD / median of those intervals at most
 *    SH_REPORT_MAX_JITTER (MAD: median absolute deviation from the
 *    median);
 *  - repeated: anything else.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* ------------------------------------------------------------------ */
/* String interning                                                    */
/* ------------------------------------------------------------------ */

/**
 * FNV-1a hash of a string.
 * @param s: the string.
 * @return the hash.
 */
static uint64_t
str_hash(const char* s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for(; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/**
 * Slot of a string in the table: its own, or the empty one to use.
 * @param m: the table, with slots.
 * @param s: the string.
 * @param h: its hash.
 * @return the slot index.
 */
static size_t
strmap_slot(const struct sh_report_strmap* m, const char* s, uint64_t h)
{
	size_t mask = m->nslots - 1, i = (size_t)h & mask;
	while(m->slot[i] && (m->hash[i] != h ||
		strcmp(m->str[m->slot[i] - 1], s) != 0))
		i = (i + 1) & mask;
	return i;
}

/**
 * Double the slots (or make the first ones) and rehash.
 * @param m: the table.
 * @return 1 on success, 0 on out of memory.
 */
static int
strmap_grow(struct sh_report_strmap* m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64, i, k;
	uint64_t* hash = calloc(n, sizeof(*hash));
	uint32_t* slot = calloc(n, sizeof(*slot));
	if(!hash || !slot) {
		free(hash);
		free(slot);
		return 0;
	}
	for(i = 0; i < m->nslots; i++) {
		if(!m->slot[i])
			continue;
		for(k = (size_t)m->hash[i] & (n - 1); slot[k]; k = (k + 1) &
			(n - 1))
			;
		hash[k] = m->hash[i];
		slot[k] = m->slot[i];
	}
	free(m->hash);
	free(m->slot);
	m->hash = hash;
	m->slot = slot;
	m->nslots = n;
	return 1;
}

int
sh_report_strmap_intern(struct sh_report_strmap* m, const char* s,
	uint32_t* id)
{
	uint64_t h = str_hash(s);
	size_t i;
	char** v;
	if(m->nslots && m->slot[i = strmap_slot(m, s, h)]) {
		*id = m->slot[i] - 1;
		return 1;
	}
	if(((size_t)m->n + 1) * 2 > m->nslots && !strmap_grow(m))
		return 0;
	if(m->n == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 16;
		if(!(v = realloc(m->str, cap * sizeof(*v))))
			return 0;
		m->str = v;
		m->cap = cap;
	}
	if(!(m->str[m->n] = strdup(s)))
		return 0;
	i = strmap_slot(m, s, h);
	m->hash[i] = h;
	m->slot[i] = ++m->n;
	*id = m->n - 1;
	return 2;
}

uint32_t
sh_report_strmap_find(const struct sh_report_strmap* m, const char* s)
{
	size_t i;
	if(!m->nslots)
		return UINT32_MAX;
	i = strmap_slot(m, s, str_hash(s));
	return m->slot[i] ? m->slot[i] - 1 : UINT32_MAX;
}

void
sh_report_strmap_clear(struct sh_report_strmap* m)
{
	uint32_t i;
	for(i = 0; i < m->n; i++)
		free(m->str[i]);
	free(m->str);
	free(m->hash);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* Aggregation                                                         */
/* ------------------------------------------------------------------ */

int
sh_report_agg_init(struct sh_report_agg* a)
{
	memset(a, 0, sizeof(*a));
	a->first = INT64_MAX;
	a->last = INT64_MIN;
	a->scratch = malloc((SH_REPORT_BURST_CAP + SH_REPORT_PENDING_CAP) *
		sizeof(*a->scratch));
	return a->scratch != NULL;
}

void
sh_report_agg_clear(struct sh_report_agg* a)
{
	uint32_t i;
	for(i = 0; i < a->client_ids.n; i++) {
		struct sh_report_client* c = &a->clients[i];
		free(c->feeds.v);
		free(c->types.v);
		free(c->transports.v);
		free(c->resolvers.v);
		free(c->bursts);
		free(c->pending);
		sh_report_contacts_clear(c);
	}
	for(i = 0; i < a->ind_ids.n; i++)
		free(a->inds[i].feeds.v);
	free(a->clients);
	free(a->inds);
	free(a->pairs);
	free(a->pairslot);
	free(a->scratch);
	free(a->order);
	sh_report_strmap_clear(&a->client_ids);
	sh_report_strmap_clear(&a->ind_ids);
	sh_report_strmap_clear(&a->atoms);
	memset(a, 0, sizeof(*a));
}

/**
 * Count one more of a member of a small set.
 * @param t: the set.
 * @param id: the member.
 * @return 1 on success, 0 on out of memory.
 */
static int
tally_add(struct sh_report_tallies* t, uint32_t id)
{
	uint32_t i;
	struct sh_report_tally* v;
	for(i = 0; i < t->n; i++) {
		if(t->v[i].id == id) {
			t->v[i].count++;
			return 1;
		}
	}
	if(t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 2;
		if(!(v = realloc(t->v, cap * sizeof(*v))))
			return 0;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].id = id;
	t->v[t->n++].count = 1;
	return 1;
}

/**
 * Intern a string and count it in a small set.
 * @param a: the aggregation (its atoms table).
 * @param t: the set.
 * @param s: the string.
 * @return 1 on success, 0 on out of memory.
 */
int
sh_report_tally_str(struct sh_report_agg* a, struct sh_report_tallies* t,
	const char* s)
{
	uint32_t id;
	return sh_report_strmap_intern(&a->atoms, s, &id) && tally_add(t, id);
}

/**
 * Compare two timestamps for qsort.
 * @param x: one.
 * @param y: the other.
 * @return <0, 0, >0.
 */
static int
ts_cmp(const void* x, const void* y)
{
	int64_t a = *(const int64_t*)x, b = *(const int64_t*)y;
	return (a > b) - (a < b);
}

/**
 * Append a burst to a sorted run, merging it with the last one when it
 * starts less than the burst gap after that one ends.
 * @param v: the run.
 * @param n: its length; updated.
 * @param b: the burst, starting no earlier than the last one.
 */
static void
burst_push(struct sh_report_burst* v, uint32_t* n,
	const struct sh_report_burst* b)
{
	struct sh_report_burst* last = *n ? &v[*n - 1] : NULL;
	if(last && b->start - last->end < SH_REPORT_BURST_GAP_MS) {
		if(b->end > last->end)
			last->end = b->end;
		last->count += b->count;
		return;
	}
	v[(*n)++] = *b;
}

/**
 * Merge a client's sorted pending timestamps with its bursts into the
 * aggregation's scratch.  With bursts dropped before, timestamps older
 * than the kept window are counted as late and left out.
 * @param a: the aggregation.
 * @param c: the client, pending sorted.
 * @return the number of bursts in the scratch.
 */
static uint32_t
bursts_sweep(struct sh_report_agg* a, struct sh_report_client* c)
{
	struct sh_report_burst* out = a->scratch, b;
	uint32_t n = 0, i = 0, k = 0;
	int64_t floor = (c->dropped && c->nb) ? c->bursts[0].start -
		SH_REPORT_BURST_GAP_MS : INT64_MIN;
	while(k < c->np && c->pending[k] < floor) {
		c->late++;
		k++;
	}
	while(i < c->nb || k < c->np) {
		if(k >= c->np || (i < c->nb &&
			c->bursts[i].start <= c->pending[k]))
			b = c->bursts[i++];
		else {
			b.start = b.end = c->pending[k++];
			b.count = 1;
		}
		burst_push(out, &n, &b);
	}
	return n;
}

/**
 * Merge a client's pending timestamps into its bursts, dropping the
 * oldest bursts beyond SH_REPORT_BURST_CAP.
 * @param a: the aggregation.
 * @param c: the client.
 * @return 1 on success, 0 on out of memory (the pending are kept).
 */
static int
bursts_merge(struct sh_report_agg* a, struct sh_report_client* c)
{
	uint32_t n, drop = 0, cap;
	struct sh_report_burst* v;
	if(c->np == 0)
		return 1;
	qsort(c->pending, c->np, sizeof(*c->pending), ts_cmp);
	n = bursts_sweep(a, c);
	if(n > SH_REPORT_BURST_CAP) {
		drop = n - SH_REPORT_BURST_CAP;
		c->dropped += drop;
		n = SH_REPORT_BURST_CAP;
	}
	if(n > c->capb) {
		cap = c->capb ? c->capb : 4;
		while(cap < n)
			cap *= 2;
		if(cap > SH_REPORT_BURST_CAP)
			cap = SH_REPORT_BURST_CAP;
		if(!(v = realloc(c->bursts, cap * sizeof(*v))))
			return 0;
		c->bursts = v;
		c->capb = cap;
	}
	memcpy(c->bursts, a->scratch + drop, n * sizeof(*v));
	c->nb = n;
	c->np = 0;
	return 1;
}

/**
 * Remember a timestamp of a client.
 * @param a: the aggregation.
 * @param c: the client.
 * @param ts: the time.
 * @return 1 on success, 0 on out of memory.
 */
static int
client_push(struct sh_report_agg* a, struct sh_report_client* c,
	int64_t ts)
{
	int64_t* v;
	if(c->np == c->capp) {
		if(c->capp < SH_REPORT_PENDING_CAP) {
			uint32_t cap = c->capp ? c->capp * 2 : 4;
			if(!(v = realloc(c->pending, cap * sizeof(*v))))
				return 0;
			c->pending = v;
			c->capp = cap;
		} else if(!bursts_merge(a, c))
			return 0;
	}
	c->pending[c->np++] = ts;
	return 1;
}

/**
 * Make room for one more element in a growing array.
 * @param v: the array pointer.
 * @param cap: its capacity; updated.
 * @param n: elements used.
 * @param size: element size.
 * @return 1 on success, 0 on out of memory.
 */
static int
array_room(void** v, uint32_t* cap, uint32_t n, size_t size)
{
	uint32_t nc;
	void* p;
	if(n < *cap)
		return 1;
	nc = *cap ? *cap * 2 : 64;
	if(!(p = realloc(*v, (size_t)nc * size)))
		return 0;
	memset((char*)p + (size_t)*cap * size, 0, (size_t)(nc - *cap) * size);
	*v = p;
	*cap = nc;
	return 1;
}

struct sh_report_client*
sh_report_agg_client(struct sh_report_agg* a, const char* client, int64_t ts)
{
	struct sh_report_client* c;
	uint32_t id;
	int r;
	if(!array_room((void**)&a->clients, &a->capc, a->client_ids.n,
		sizeof(*a->clients)))
		return NULL;
	if(!(r = sh_report_strmap_intern(&a->client_ids, client, &id)))
		return NULL;
	c = &a->clients[id];
	if(r == 2) {
		c->key = a->client_ids.str[id];
		c->first = c->last = ts;
		c->contact.first = c->contact.app_first = INT64_MAX;
		c->contact.last = c->contact.app_last = INT64_MIN;
	}
	if(ts < c->first)
		c->first = ts;
	if(ts > c->last)
		c->last = ts;
	if(ts < a->first)
		a->first = ts;
	if(ts > a->last)
		a->last = ts;
	return c;
}

struct sh_report_client*
sh_report_agg_client_time(struct sh_report_agg* a, const char* client,
	int64_t ts)
{
	struct sh_report_client* c = sh_report_agg_client(a, client, ts);
	if(!c)
		return NULL;
	c->queries++;
	return client_push(a, c, ts) ? c : NULL;
}

/**
 * The indicator of an event, counted.
 * @param a: the aggregation.
 * @param ev: the event.
 * @param id: set to its id.
 * @return the indicator, or NULL on out of memory.
 */
static struct sh_report_indicator*
agg_indicator(struct sh_report_agg* a, const struct sh_report_event* ev,
	uint32_t* id)
{
	struct sh_report_indicator* ind;
	int r;
	if(!array_room((void**)&a->inds, &a->capi, a->ind_ids.n,
		sizeof(*a->inds)))
		return NULL;
	if(!(r = sh_report_strmap_intern(&a->ind_ids, ev->rule, id)))
		return NULL;
	ind = &a->inds[*id];
	if(r == 2) {
		ind->name = a->ind_ids.str[*id];
		ind->first = ind->last = ev->ts_ms;
	}
	ind->queries++;
	if(ev->ts_ms < ind->first)
		ind->first = ev->ts_ms;
	if(ev->ts_ms > ind->last)
		ind->last = ev->ts_ms;
	return sh_report_tally_str(a, &ind->feeds, ev->ruleset) ? ind : NULL;
}

/**
 * Hash slot of an (indicator, client) pair: its own or the empty one.
 * @param a: the aggregation, with pair slots.
 * @param ind: indicator id.
 * @param client: client id.
 * @return the slot index.
 */
static size_t
pair_slot(const struct sh_report_agg* a, uint32_t ind, uint32_t client)
{
	uint64_t key = ((uint64_t)ind << 32) | client;
	size_t mask = a->npairslots - 1;
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
	const struct sh_report_pair* p;
	while(a->pairslot[i]) {
		p = &a->pairs[a->pairslot[i] - 1];
		if(p->ind == ind && p->client == client)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/**
 * Double the pair slots and rehash.
 * @param a: the aggregation.
 * @return 1 on success, 0 on out of memory.
 */
static int
pairs_grow(struct sh_report_agg* a)
{
	size_t n = a->npairslots ? a->npairslots * 2 : 256, i;
	uint32_t* old = a->pairslot;
	size_t oldn = a->npairslots;
	if(!(a->pairslot = calloc(n, sizeof(*a->pairslot)))) {
		a->pairslot = old;
		return 0;
	}
	a->npairslots = n;
	for(i = 0; i < oldn; i++) {
		const struct sh_report_pair* p;
		if(!old[i])
			continue;
		p = &a->pairs[old[i] - 1];
		a->pairslot[pair_slot(a, p->ind, p->client)] = old[i];
	}
	free(old);
	return 1;
}

/**
 * Find or add an (indicator, client) pair.
 * @param a: the aggregation.
 * @param ind: indicator id.
 * @param client: client id.
 * @param added: set to 1 if the pair is new.
 * @return the pair, or NULL on out of memory.
 */
static struct sh_report_pair*
agg_pair(struct sh_report_agg* a, uint32_t ind, uint32_t client,
	int* added)
{
	size_t i;
	struct sh_report_pair* v;
	*added = 0;
	if((a->npairs + 1) * 2 > a->npairslots && !pairs_grow(a))
		return NULL;
	i = pair_slot(a, ind, client);
	if(a->pairslot[i])
		return &a->pairs[a->pairslot[i] - 1];
	if(a->npairs == a->cappairs) {
		size_t cap = a->cappairs ? a->cappairs * 2 : 64;
		if(!(v = realloc(a->pairs, cap * sizeof(*v))))
			return NULL;
		a->pairs = v;
		a->cappairs = cap;
	}
	v = &a->pairs[a->npairs];
	memset(v, 0, sizeof(*v));
	v->ind = ind;
	v->client = client;
	v->first = INT64_MAX;
	v->last = INT64_MIN;
	a->pairslot[i] = (uint32_t)++a->npairs;
	*added = 1;
	return v;
}

int
sh_report_agg_add(struct sh_report_agg* a, const struct sh_report_event* ev)
{
	struct sh_report_client* c;
	struct sh_report_indicator* ind;
	struct sh_report_pair* p;
	uint32_t iid, cid;
	int added;
	if(!(c = sh_report_agg_client_time(a, ev->client, ev->ts_ms)))
		return 0;
	cid = (uint32_t)(c - a->clients);
	if(!(ind = agg_indicator(a, ev, &iid)) ||
		!(p = agg_pair(a, iid, cid, &added)))
		return 0;
	if(added) {
		c->n_indicators++;
		ind->n_clients++;
	}
	p->count++;
	if(ev->ts_ms < p->first)
		p->first = ev->ts_ms;
	if(ev->ts_ms > p->last)
		p->last = ev->ts_ms;
	return sh_report_tally_str(a, &c->feeds, ev->ruleset) &&
		sh_report_tally_str(a, &c->types, ev->qtype) &&
		sh_report_tally_str(a, &c->transports, ev->transport) &&
		sh_report_tally_str(a, &c->resolvers, ev->observer ? ev->observer : "?");
}

/* ------------------------------------------------------------------ */
/* Classification                                                      */
/* ------------------------------------------------------------------ */

/**
 * Compare two doubles for qsort.
 * @param x: one.
 * @param y: the other.
 * @return <0, 0, >0.
 */
static int
dbl_cmp(const void* x, const void* y)
{
	double a = *(const double*)x, b = *(const double*)y;
	return (a > b) - (a < b);
}

/**
 * Median of values, sorting them.
 * @param v: the values, n > 0; sorted on return.
 * @param n: how many.
 * @return the median (mean of the middle two for an even n).
 */
static double
median(double* v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	if(n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/**
 * Median interval between burst starts and the jitter (MAD / median).
 * @param c: the client, bursts merged.
 * @param v: scratch of at least nb doubles.
 */
static void
client_rhythm(struct sh_report_client* c, double* v)
{
	uint32_t i, n = c->nb ? c->nb - 1 : 0;
	double med;
	c->median_ms = 0;
	c->jitter = 0;
	if(n == 0)
		return;
	for(i = 0; i < n; i++)
		v[i] = (double)(c->bursts[i + 1].start - c->bursts[i].start);
	c->median_ms = med = median(v, n);
	if(n < 2 || med <= 0)
		return;
	for(i = 0; i < n; i++)
		v[i] = fabs(v[i] - med);
	c->jitter = median(v, n) / med;
}

void
sh_report_classify_client(struct sh_report_agg* a,
	struct sh_report_client* c)
{
	/* the scratch holds CAP + PENDING_CAP bursts: room for CAP doubles */
	double* v = (double*)(void*)a->scratch;
	if(!bursts_merge(a, c))
		c->np = 0;	/* out of memory: classify what is merged */
	c->n_bursts = c->nb + c->dropped;
	client_rhythm(c, v);
	if(c->last - c->first <= SH_REPORT_ONEOFF_SPAN_MS)
		c->pattern = SH_REPORT_ONEOFF;
	else if(c->nb >= SH_REPORT_MIN_INTERVALS + 1 &&
		c->jitter <= SH_REPORT_MAX_JITTER)
		c->pattern = SH_REPORT_PERIODIC;
	else	c->pattern = SH_REPORT_REPEATED;
}

/**
 * Ranking of clients for qsort_r: the likely compromised first.
 * @param x: a client index.
 * @param y: another.
 * @param arg: the aggregation.
 * @return <0 if x comes first.
 */
static int
client_rank_cmp(const void* x, const void* y, void* arg)
{
	const struct sh_report_agg* a = (const struct sh_report_agg*)arg;
	const struct sh_report_client* c = &a->clients[*(const uint32_t*)x];
	const struct sh_report_client* d = &a->clients[*(const uint32_t*)y];
	/* with a listener log, what a client did with the sinkhole comes
	 * first: a periodic application contact before a one-off one */
	if(a->counts.listener && c->verdict != d->verdict)
		return (int)c->verdict - (int)d->verdict;
	if(a->counts.listener && c->periodic_contact != d->periodic_contact)
		return d->periodic_contact - c->periodic_contact;
	if(c->pattern != d->pattern)
		return (int)c->pattern - (int)d->pattern;
	if(c->n_bursts != d->n_bursts)
		return c->n_bursts > d->n_bursts ? -1 : 1;
	if(c->queries != d->queries)
		return c->queries > d->queries ? -1 : 1;
	if(c->last != d->last)
		return c->last > d->last ? -1 : 1;
	return strcmp(c->key, d->key);
}

/**
 * Order of small-set members for qsort_r: more first, then by name, so
 * the outputs do not depend on the order of the input.
 * @param x: a member.
 * @param y: another.
 * @param arg: the aggregation.
 * @return <0 if x comes first.
 */
static int
tally_cmp(const void* x, const void* y, void* arg)
{
	const struct sh_report_agg* a = (const struct sh_report_agg*)arg;
	const struct sh_report_tally* p = (const struct sh_report_tally*)x;
	const struct sh_report_tally* q = (const struct sh_report_tally*)y;
	if(p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return strcmp(a->atoms.str[p->id], a->atoms.str[q->id]);
}

void
sh_report_tally_sort(struct sh_report_agg* a, struct sh_report_tallies* t)
{
	if(t->n < 2)
		return;		/* also: no NULL array to qsort_r */
	qsort_r(t->v, t->n, sizeof(*t->v), tally_cmp, a);
}

int
sh_report_classify(struct sh_report_agg* a)
{
	uint32_t i, n = a->client_ids.n;
	for(i = 0; i < n; i++) {
		sh_report_classify_client(a, &a->clients[i]);
		sh_report_tally_sort(a, &a->clients[i].feeds);
		sh_report_tally_sort(a, &a->clients[i].types);
		sh_report_tally_sort(a, &a->clients[i].transports);
		sh_report_tally_sort(a, &a->clients[i].resolvers);
	}
	for(i = 0; i < a->ind_ids.n; i++)
		sh_report_tally_sort(a, &a->inds[i].feeds);
	if(a->counts.listener)
		sh_report_verdicts(a);
	free(a->order);
	if(!(a->order = malloc(((size_t)n + 1) * sizeof(*a->order))))
		return 0;
	for(i = 0; i < n; i++)
		a->order[i] = i;
	qsort_r(a->order, n, sizeof(*a->order), client_rank_cmp, a);
	return 1;
}

const char*
sh_report_pattern_name(enum sh_report_pattern p)
{
	switch(p) {
	case SH_REPORT_PERIODIC: return "periodic";
	case SH_REPORT_REPEATED: return "repeated";
	case SH_REPORT_ONEOFF: return "one-off";
	}
	return "?";
}

/**
 * Order of pairs for qsort_r: more events first, then indicator name,
 * then client key.
 * @param x: a pair pointer.
 * @param y: another.
 * @param arg: the aggregation.
 * @return <0 if x comes first.
 */
static int
pair_cmp(const void* x, const void* y, void* arg)
{
	const struct sh_report_agg* a = (const struct sh_report_agg*)arg;
	const struct sh_report_pair* p = *(const struct sh_report_pair* const*)x;
	const struct sh_report_pair* q = *(const struct sh_report_pair* const*)y;
	int r;
	if(p->count != q->count)
		return p->count > q->count ? -1 : 1;
	if((r = strcmp(a->inds[p->ind].name, a->inds[q->ind].name)) != 0)
		return r;
	return strcmp(a->clients[p->client].key, a->clients[q->client].key);
}

const struct sh_report_pair**
sh_report_pairs_group(const struct sh_report_agg* a, int by_client,
	size_t** off)
{
	size_t groups = by_client ? a->client_ids.n : a->ind_ids.n, i, g;
	const struct sh_report_pair** sorted = malloc((a->npairs + 1) *
		sizeof(*sorted));
	const struct sh_report_pair** v = malloc((a->npairs + 1) *
		sizeof(*v));
	size_t* o = calloc(groups + 2, sizeof(*o));
	if(!sorted || !v || !o)
		goto error;
	for(i = 0; i < a->npairs; i++)
		sorted[i] = &a->pairs[i];
	qsort_r(sorted, a->npairs, sizeof(*sorted), pair_cmp, (void*)a);
	/* a stable counting sort by group keeps the order inside groups */
	for(i = 0; i < a->npairs; i++)
		o[(by_client ? sorted[i]->client : sorted[i]->ind) + 2]++;
	for(g = 2; g < groups + 2; g++)
		o[g] += o[g - 1];
	for(i = 0; i < a->npairs; i++)
		v[o[(by_client ? sorted[i]->client : sorted[i]->ind) + 1]++] =
			sorted[i];
	free(sorted);
	*off = o;
	return v;
error:
	free(sorted);
	free(v);
	free(o);
	*off = NULL;
	return NULL;
}
