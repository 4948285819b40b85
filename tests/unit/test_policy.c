/*
 * test_policy.c - unit tests of the answer policy.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of sh_answer_plan for every blocking action and the query types
 * A, AAAA, TXT, HTTPS and ANY; the SOA rdata bytes; the EDE text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "internal.h"

/** TXT type number */
#define T_TXT 16
/** HTTPS type number */
#define T_HTTPS 65

/** The configuration used by the tests. */
static struct sh_config cfg;
/** The matched name used by the tests. */
static const uint8_t owner[] = "\003bad\007example\000";

/**
 * Fill the test configuration.
 * @param state: unused.
 * @return 0.
 */
static int
setup(void** state)
{
	const uint8_t v4[4] = {192, 0, 2, 1};
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x53};
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.ipv4, v4, 4);
	memcpy(cfg.ipv6, v6, 16);
	cfg.ttl = 300;
	assert_true(sh_name_from_text("ns.sinkhole.invalid", cfg.soa_mname,
		NULL) > 0);
	assert_true(sh_name_from_text("hostmaster.sinkhole.invalid",
		cfg.soa_rname, NULL) > 0);
	return 0;
}

/**
 * Plan an answer.
 * @param action: the match's action.
 * @param qtype: the query type.
 * @param p: the plan.
 */
static void
plan(enum sh_action action, uint16_t qtype, struct sh_answer_plan* p)
{
	struct sh_match m;
	memset(&m, 0, sizeof(m));
	m.action = action;
	m.name = owner;
	memset(p, 0xa5, sizeof(*p));
	sh_answer_plan(&cfg, &m, qtype, p);
	assert_ptr_equal(p->soa_owner, owner);
	assert_int_equal(p->ttl, 300);
}

/** Sinkhole: addresses for A, AAAA and ANY; NODATA+SOA otherwise. */
static void
test_sinkhole(void** state)
{
	struct sh_answer_plan p;
	uint16_t nodata[] = {T_TXT, T_HTTPS, SH_TYPE_NS, SH_TYPE_SOA};
	size_t i;
	(void)state;
	plan(SH_ACTION_SINKHOLE, SH_TYPE_A, &p);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	assert_int_equal(p.aa, 1);
	assert_int_equal(p.an_type, SH_TYPE_A);
	assert_int_equal(p.an_rdlen, 4);
	assert_memory_equal(p.an_rdata, cfg.ipv4, 4);
	assert_int_equal(p.soa, 0);
	plan(SH_ACTION_SINKHOLE, SH_TYPE_AAAA, &p);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	assert_int_equal(p.aa, 1);
	assert_int_equal(p.an_type, SH_TYPE_AAAA);
	assert_int_equal(p.an_rdlen, 16);
	assert_memory_equal(p.an_rdata, cfg.ipv6, 16);
	assert_int_equal(p.soa, 0);
	plan(SH_ACTION_SINKHOLE, SH_TYPE_ANY, &p);
	assert_int_equal(p.an_type, SH_TYPE_A);
	assert_int_equal(p.an_rdlen, 4);
	assert_memory_equal(p.an_rdata, cfg.ipv4, 4);
	for(i = 0; i < sizeof(nodata) / sizeof(nodata[0]); i++) {
		plan(SH_ACTION_SINKHOLE, nodata[i], &p);
		assert_int_equal(p.rcode, SH_RCODE_NOERROR);
		assert_int_equal(p.aa, 1);
		assert_int_equal(p.an_type, 0);
		assert_int_equal(p.an_rdlen, 0);
		assert_null(p.an_rdata);
		assert_int_equal(p.soa, 1);
	}
}

/**
 * Plan an answer with who asks and the class.
 * @param action: the match's action.
 * @param qtype: the query type.
 * @param qclass: the query class.
 * @param internal: 1 for the resolver's own query.
 * @param p: the plan.
 */
static void
plan_query(enum sh_action action, uint16_t qtype, uint16_t qclass,
	int internal, struct sh_answer_plan* p)
{
	struct sh_match m;
	memset(&m, 0, sizeof(m));
	m.action = action;
	m.name = owner;
	memset(p, 0xa5, sizeof(*p));
	sh_answer_plan_query(&cfg, &m, qtype, qclass, internal, p);
	assert_ptr_equal(p->soa_owner, owner);
	assert_int_equal(p->ttl, 300);
}

/** The resolver's own queries and other classes get no address. */
static void
test_plan_query(void** state)
{
	struct sh_answer_plan p;
	(void)state;
	/* a client in class IN: the plain plan */
	plan_query(SH_ACTION_SINKHOLE, SH_TYPE_A, SH_CLASS_IN, 0, &p);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	assert_int_equal(p.an_type, SH_TYPE_A);
	assert_int_equal(p.an_rdlen, 4);
	assert_int_equal(p.soa, 0);
	/* the resolver itself: NXDOMAIN with the SOA, no address */
	plan_query(SH_ACTION_SINKHOLE, SH_TYPE_AAAA, SH_CLASS_IN, 1, &p);
	assert_int_equal(p.rcode, SH_RCODE_NXDOMAIN);
	assert_int_equal(p.an_type, 0);
	assert_int_equal(p.an_rdlen, 0);
	assert_null(p.an_rdata);
	assert_int_equal(p.soa, 1);
	assert_int_equal(p.aa, 1);
	/* another class: NODATA with the SOA */
	plan_query(SH_ACTION_SINKHOLE, SH_TYPE_A, 3, 0, &p);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	assert_int_equal(p.an_type, 0);
	assert_int_equal(p.soa, 1);
	/* actions without an address are left as they are */
	plan_query(SH_ACTION_REFUSE, SH_TYPE_A, SH_CLASS_IN, 1, &p);
	assert_int_equal(p.rcode, SH_RCODE_REFUSED);
	assert_int_equal(p.soa, 0);
	plan_query(SH_ACTION_NODATA, SH_TYPE_A, SH_CLASS_IN, 1, &p);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	assert_int_equal(p.soa, 1);
	/* a type the sinkhole has no address for stays NODATA, also for
	 * the resolver's own query */
	plan_query(SH_ACTION_SINKHOLE, 16, SH_CLASS_IN, 1, &p);
	assert_int_equal(p.rcode, SH_RCODE_NOERROR);
	assert_int_equal(p.soa, 1);
}

/** NXDOMAIN, NODATA and REFUSE ignore the query type. */
static void
test_other_actions(void** state)
{
	uint16_t types[] = {SH_TYPE_A, SH_TYPE_AAAA, T_TXT, T_HTTPS,
		SH_TYPE_ANY};
	struct sh_answer_plan p;
	size_t i;
	(void)state;
	for(i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		plan(SH_ACTION_NXDOMAIN, types[i], &p);
		assert_int_equal(p.rcode, SH_RCODE_NXDOMAIN);
		assert_int_equal(p.aa, 1);
		assert_int_equal(p.an_type, 0);
		assert_int_equal(p.soa, 1);
		plan(SH_ACTION_NODATA, types[i], &p);
		assert_int_equal(p.rcode, SH_RCODE_NOERROR);
		assert_int_equal(p.aa, 1);
		assert_int_equal(p.an_type, 0);
		assert_int_equal(p.soa, 1);
		plan(SH_ACTION_REFUSE, types[i], &p);
		assert_int_equal(p.rcode, SH_RCODE_REFUSED);
		assert_int_equal(p.aa, 0);
		assert_int_equal(p.an_type, 0);
		assert_int_equal(p.soa, 0);
		/* an unresolved action is treated as the sinkhole */
		plan(SH_ACTION_INHERIT, types[i], &p);
		assert_int_equal(p.rcode, SH_RCODE_NOERROR);
		/* allow is not a blocking action: SERVFAIL, no data */
		plan(SH_ACTION_ALLOW, types[i], &p);
		assert_int_equal(p.rcode, SH_RCODE_SERVFAIL);
		assert_int_equal(p.aa, 0);
		assert_int_equal(p.an_type, 0);
		assert_int_equal(p.soa, 0);
	}
}

/** SOA rdata, byte for byte. */
static void
test_soa_rdata(void** state)
{
	uint8_t out[2 * SH_NAME_MAX + 20];
	const uint8_t want[] =
		"\002ns\010sinkhole\007invalid\000"
		"\012hostmaster\010sinkhole\007invalid\000"
		"\x65\x43\x21\x0f"	/* serial */
		"\x00\x00\x0e\x10"	/* refresh 3600 */
		"\x00\x00\x02\x58"	/* retry 600 */
		"\x00\x01\x51\x80"	/* expire 86400 */
		"\x00\x00\x01\x2c";	/* minimum 300 */
	size_t n;
	(void)state;
	n = sh_soa_rdata(&cfg, 0x6543210fu, out);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
}

/** EDE text and its truncation. */
static void
test_ede_text(void** state)
{
	char buf[64];
	(void)state;
	assert_int_equal(sh_ede_text("3cx-2023", buf, sizeof(buf)), 41);
	assert_string_equal(buf, "blocked by unbound-sinkhole feed 3cx-2023");
	assert_int_equal(sh_ede_text("3cx-2023", buf, 11), 10);
	assert_string_equal(buf, "blocked by");
	assert_int_equal(sh_ede_text("x", buf, 0), 0);
	assert_int_equal(sh_ede_text("x", buf, 1), 0);
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sinkhole, setup),
		cmocka_unit_test_setup(test_other_actions, setup),
		cmocka_unit_test_setup(test_plan_query, setup),
		cmocka_unit_test_setup(test_soa_rdata, setup),
		cmocka_unit_test_setup(test_ede_text, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
