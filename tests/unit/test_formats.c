/*
 * test_formats.c - unit tests of the format framework: detection, the
 * feed builder, per-indicator addresses and source rules.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * What every format shares: the detector (by content, the extension as
 * a hint), the feed-file rule of the directory loaders, a file reaching
 * its format's reader, the builder's name rules with positions,
 * the native keys 'addresses' and 'rule' (what convert writes), the
 * answer policy honouring an indicator's own addresses, and the rule of
 * a converted indicator reaching the log as rule.uuid and
 * rule.description.
 */
#include "feedtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>

/** Detection by content first, extension as a hint. */
static void
test_detect(void** state)
{
	(void)state;
	assert_string_equal(sh_feed_format_detect("a.yaml",
		"feed: {id: a}\n", 14), "native");
	assert_string_equal(sh_feed_format_detect("a.json",
		"{\"feed\": {\"id\": \"a\"}}", 21), "native");
	assert_string_equal(sh_feed_format_detect("a.yml",
		"title: x\nlogsource:\n  category: dns\ndetection: {}\n", 49),
		"sigma");
	/* content wins over the extension */
	assert_string_equal(sh_feed_format_detect("rule.txt",
		"title: x\ndetection:\n", 20), "sigma");
	assert_string_equal(sh_feed_format_detect("b.yaml",
		"{\"type\": \"bundle\", \"id\": \"bundle--1\"}", 37), "stix");
	assert_string_equal(sh_feed_format_detect("b.yaml",
		"type: bundle\nobjects: []\n", 25), "stix");
	assert_string_equal(sh_feed_format_detect(NULL,
		"\xef\xbb\xbf  [ ]", 8), "stix");
	assert_string_equal(sh_feed_format_detect("z.txt",
		"$TTL 300\n@ SOA a. b. 1 2 3 4 5\n", 31), "rpz");
	assert_string_equal(sh_feed_format_detect("z",
		"evil.example CNAME .\n", 21), "rpz");
	assert_string_equal(sh_feed_format_detect("z.zone", "", 0), "rpz");
	assert_string_equal(sh_feed_format_detect("l.hosts",
		"0.0.0.0 evil.example\n", 21), "list");
	assert_string_equal(sh_feed_format_detect("l",
		"evil.example\n", 13), "list");
	assert_string_equal(sh_feed_format_detect("l.yaml",
		"# only a comment\n", 17), "native");
}

/** Which directory entries are feed files. */
static void
test_file_wanted(void** state)
{
	static const char* const yes[] = { "a.yaml", "a.yml", "b.json",
		"c.rpz", "c.zone", "d.txt", "d.hosts", "d.list", NULL };
	static const char* const no[] = { ".a.yaml", "a.yaml~", "a.yaml.swp",
		"a.yaml.tmp", "a.md", "README", ".yaml", "a.conf", "", NULL };
	size_t i;
	(void)state;
	for(i = 0; yes[i]; i++)
		assert_true(sh_feed_file_wanted(yes[i]));
	for(i = 0; no[i]; i++)
		assert_false(sh_feed_file_wanted(no[i]));
}

/** The native reader says nothing about the mapping; others do. */
static void
test_native_no_mapping(void** state)
{
	struct sh_feed* f;
	size_t i;
	(void)state;
	f = ft_loads("n.yaml", "feed: {id: n}\nindicators: [a.example]\n",
		"native");
	for(i = 0; i < ft_ndiags; i++)
		assert_false(ft_diags[i].mapping);
	assert_int_equal(f->num_skipped, 0);
	assert_null(f->sources);
	sh_feed_unref(f);
}

/** Native 'addresses' and 'rule', as convert writes them. */
static void
test_native_addresses_rule(void** state)
{
	const struct sh_indicator* a, *b, *c;
	struct sh_feed* f;
	(void)state;
	f = ft_loads("n.yaml", "feed: {id: n}\nindicators:\n"
		"  - domain: a.example\n    addresses: [192.0.2.7, '2001:db8::7']\n"
		"    rule: {id: 5a1c2b3d-0000-4000-8000-000000000001, "
		"title: 'A rule'}\n"
		"  - domain: b.example\n    addresses: ['2001:db8::8']\n"
		"    rule: {id: 5a1c2b3d-0000-4000-8000-000000000001, "
		"title: 'A rule'}\n"
		"  - c.example\n", "native");
	a = ft_need(f, "a.example", 0);
	b = ft_need(f, "b.example", 0);
	c = ft_need(f, "c.example", 0);
	assert_non_null(a->addr);
	assert_true(a->addr->have4 && a->addr->have6);
	assert_int_equal(a->addr->ipv4[3], 7);
	assert_int_equal(a->addr->ipv6[15], 7);
	assert_false(b->addr->have4);
	assert_true(b->addr->have6);
	assert_null(c->addr);
	assert_non_null(a->src);
	assert_ptr_equal(a->src, b->src); /* one source, shared */
	assert_string_equal(a->src->title, "A rule");
	assert_null(c->src);
	assert_non_null(f->sources);
	assert_non_null(f->sources[0]);
	assert_null(f->sources[1]);
	sh_feed_unref(f);

	ft_refused("n.yaml", "feed: {id: n}\nindicators:\n"
		"  - domain: a.example\n    addresses: [192.0.2.7, 192.0.2.8]\n",
		4, 28, "second of its family");
	ft_refused("n.yaml", "feed: {id: n}\nindicators:\n"
		"  - domain: a.example\n    addresses: [not-an-ip]\n", 4, 17,
		"not an IPv4 or IPv6 address");
	ft_refused("n.yaml", "feed: {id: n}\nallow:\n"
		"  - domain: a.example\n    addresses: [192.0.2.1]\n", 4, 5,
		"'addresses' is not a known key of an allow entry");
	ft_refused("n.yaml", "feed: {id: n}\nindicators:\n"
		"  - domain: a.example\n    rule: {name: x}\n", 4, 12,
		"'name' is not a known key");
}

/** Refusals of the shared name rules carry the position. */
static void
test_builder_names(void** state)
{
	(void)state;
	ft_refused("n.yaml", "feed: {id: n}\nindicators:\n  - com\n", 3, 5,
		"top-level domain");
	ft_refused("n.yaml", "feed: {id: n}\nindicators:\n  - '.'\n", 3, 5,
		"root domain");
	ft_refused("n.yaml", "feed: {id: n}\nindicators:\n  - 'a..b'\n", 3,
		5, "invalid domain name");
}

/** The answer honours an indicator's own addresses. */
static void
test_policy_own_address(void** state)
{
	struct sh_config cfg;
	struct sh_indicator ind;
	struct sh_ind_addr ia;
	struct sh_match m;
	struct sh_answer_plan p;
	uint8_t owner[SH_NAME_MAX];
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ipv4[0] = 10;
	cfg.ttl = 60;
	memset(&ia, 0, sizeof(ia));
	ia.have4 = 1;
	ia.ipv4[0] = 192; ia.ipv4[1] = 0; ia.ipv4[2] = 2; ia.ipv4[3] = 9;
	memset(&ind, 0, sizeof(ind));
	ind.addr = &ia;
	assert_true(sh_name_from_text("a.example", owner, NULL) > 0);
	memset(&m, 0, sizeof(m));
	m.action = SH_ACTION_SINKHOLE;
	m.name = owner;
	m.ind = ind;
	sh_answer_plan(&cfg, &m, SH_TYPE_A, &p);
	assert_int_equal(p.an_type, SH_TYPE_A);
	assert_memory_equal(p.an_rdata, ia.ipv4, 4);
	/* no own IPv6 address: NODATA, not the configuration's */
	sh_answer_plan(&cfg, &m, SH_TYPE_AAAA, &p);
	assert_int_equal(p.an_type, 0);
	assert_true(p.soa);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	/* no own addresses: the configuration's */
	m.ind.addr = NULL;
	sh_answer_plan(&cfg, &m, SH_TYPE_A, &p);
	assert_memory_equal(p.an_rdata, cfg.ipv4, 4);
}

/** A converted indicator's rule reaches the log. */
static void
test_event_rule(void** state)
{
	struct sh_feed* f;
	struct sh_event ev;
	struct sockaddr_in c;
	char buf[SH_EVENT_LINE_MAX];
	(void)state;
	f = ft_loads("n.yaml", "feed: {id: n}\nindicators:\n"
		"  - domain: a.example\n    rule: {id: 0f0e0d0c-aaaa-4bbb-8ccc-"
		"0123456789ab, title: 'Sample \"C2\" rule'}\n", "native");
	memset(&ev, 0, sizeof(ev));
	memset(&c, 0, sizeof(c));
	c.sin_family = AF_INET;
	ev.client = (const struct sockaddr*)&c;
	ev.client_len = sizeof(c);
	ev.qname = ind_at(f, 0)->name;
	ev.qtype = SH_TYPE_A;
	ev.qclass = SH_CLASS_IN;
	ev.action = SH_ACTION_SINKHOLE;
	ev.indicator = ind_at(f, 0)->name;
	sh_event_set_rule(&ev, f, ind_at(f, 0));
	assert_true(sh_event_format(&ev, "r", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"rule\":{\"name\":\"a.example\","
		"\"uuid\":\"0f0e0d0c-aaaa-4bbb-8ccc-0123456789ab\","
		"\"description\":\"Sample \\\"C2\\\" rule\",\"ruleset\":\"n\""));
	sh_feed_unref(f);
}

/** A file in another format goes to its reader, whose errors carry
 * their position, and the first mapping note names the format. */
static void
test_not_yet(void** state)
{
	(void)state;
	ft_refused("z.rpz", "$TTL 300\nevil.example CNAME .\n", 2, 1,
		"an RPZ zone starts with its SOA record");
	assert_true(ft_has(SH_SEV_NOTE, 0, 0, "read as format 'rpz'"));
	assert_true(ft_diags[0].mapping);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_file_wanted),
		cmocka_unit_test(test_native_no_mapping),
		cmocka_unit_test(test_native_addresses_rule),
		cmocka_unit_test(test_builder_names),
		cmocka_unit_test(test_policy_own_address),
		cmocka_unit_test(test_event_rule),
		cmocka_unit_test(test_not_yet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
