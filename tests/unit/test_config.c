/*
 * test_config.c - unit tests of the module configuration reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of lib/config.c: defaults, every key, and the errors
 * (relative paths, missing keys, ranges, addresses, names, unknown keys)
 * with their line and column; sh_config_path and sh_config_load.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sinkhole.h"

/** Most diagnostics kept by the collector. */
#define MAX_DIAGS 32

/** One collected diagnostic. */
struct diag {
	/** severity */
	enum sh_severity sev;
	/** line */
	unsigned line;
	/** column */
	unsigned column;
	/** text */
	char text[512];
};

/** Diagnostics of the current test. */
static struct diag diags[MAX_DIAGS];
/** Number of diagnostics collected. */
static size_t ndiags;

/**
 * sh_diag_fn that keeps diagnostics in diags[].
 * @param arg: unused.
 * @param m: the diagnostic.
 */
static void
collect(void* arg, const struct sh_diag_msg* m)
{
	(void)arg;
	if(ndiags >= MAX_DIAGS)
		return;
	diags[ndiags].sev = m->severity;
	diags[ndiags].line = m->line;
	diags[ndiags].column = m->column;
	snprintf(diags[ndiags].text, sizeof(diags[0].text), "%s", m->text);
	ndiags++;
}

/**
 * Parse a configuration from a string.
 * @param text: YAML.
 * @return the config or NULL.
 */
static struct sh_config*
parse(const char* text)
{
	ndiags = 0;
	return sh_config_parse("c.yaml", text, strlen(text), collect, NULL);
}

/**
 * Assert that a configuration is refused with an error at a position.
 * @param text: YAML.
 * @param line: line.
 * @param column: column.
 * @param w1: word of the message.
 * @param w2: another word, or NULL.
 */
static void
refused(const char* text, unsigned line, unsigned column, const char* w1,
	const char* w2)
{
	size_t i;

	assert_null(parse(text));
	for(i = 0; i < ndiags; i++)
		if(diags[i].sev == SH_SEV_ERROR && diags[i].line == line
			&& diags[i].column == column && strstr(diags[i].text,
			w1) && (!w2 || strstr(diags[i].text, w2)))
			return;
	for(i = 0; i < ndiags; i++)
		print_message("have %u:%u %s\n", diags[i].line,
			diags[i].column, diags[i].text);
	fail_msg("no error %u:%u with '%s'", line, column, w1);
}

/** The two required keys give a config with every default. */
static void
test_defaults(void** state)
{
	static const uint8_t zero16[16];
	char host[256];
	struct sh_config* cfg = parse(
		"feeds: /etc/unbound/sinkhole.d\n"
		"log:\n"
		"  file: /var/log/unbound/sinkhole.json\n");
	(void)state;
	assert_non_null(cfg);
	assert_int_equal(ndiags, 0);
	assert_string_equal(cfg->path, "c.yaml");
	memset(host, 0, sizeof(host));
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_string_equal(cfg->identity, host);
	assert_string_equal(cfg->feed_dir, "/etc/unbound/sinkhole.d");
	assert_string_equal(cfg->log_file, "/var/log/unbound/sinkhole.json");
	assert_int_equal(cfg->log_queue_bytes, 4 * 1024 * 1024);
	assert_int_equal(cfg->action, SH_ACTION_SINKHOLE);
	assert_memory_equal(cfg->ipv4, zero16, 4);
	assert_memory_equal(cfg->ipv6, zero16, 16);
	assert_int_equal(cfg->ttl, 10);
	assert_memory_equal(cfg->soa_mname, "\10sinkhole\7invalid", 18);
	assert_memory_equal(cfg->soa_rname,
		"\12hostmaster\10sinkhole\7invalid", 29);
	assert_int_equal(cfg->ede, 1);
	assert_int_equal(cfg->limits.max_file_bytes, 64 * 1024 * 1024);
	assert_int_equal(cfg->limits.max_depth, 16);
	assert_int_equal(cfg->limits.max_indicators, 2000000);
	assert_int_equal(cfg->limits.max_scalar_bytes, 4096);
	sh_config_free(cfg);
	sh_config_free(NULL);
}

/** Every key given. */
static void
test_full(void** state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x53 };
	struct sh_config* cfg = parse(
		"identity: resolver-01\n"
		"feeds: /etc/unbound/sinkhole.d\n"
		"log:\n"
		"  file: /var/log/sinkhole.json\n"
		"  queue_bytes: 65536\n"
		"action: nxdomain\n"
		"sinkhole:\n"
		"  ipv4: 192.0.2.53\n"
		"  ipv6: \"2001:db8::53\"\n"
		"  ttl: 0\n"
		"soa:\n"
		"  mname: NS.Sinkhole.Example.\n"
		"  rname: hostmaster.example\n"
		"ede: false\n"
		"limits:\n"
		"  max_file_bytes: 1048576\n"
		"  max_depth: 8\n"
		"  max_indicators: 1000\n"
		"  max_scalar_bytes: 1024\n");
	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cfg->identity, "resolver-01");
	assert_int_equal(cfg->log_queue_bytes, 65536);
	assert_int_equal(cfg->action, SH_ACTION_NXDOMAIN);
	assert_memory_equal(cfg->ipv4, "\300\000\002\065", 4);
	assert_memory_equal(cfg->ipv6, v6, 16);
	assert_int_equal(cfg->ttl, 0);
	assert_memory_equal(cfg->soa_mname, "\2ns\10sinkhole\7example", 21);
	assert_memory_equal(cfg->soa_rname, "\12hostmaster\7example", 20);
	assert_int_equal(cfg->ede, 0);
	assert_int_equal(cfg->limits.max_file_bytes, 1048576);
	assert_int_equal(cfg->limits.max_depth, 8);
	assert_int_equal(cfg->limits.max_indicators, 1000);
	assert_int_equal(cfg->limits.max_scalar_bytes, 1024);
	sh_config_free(cfg);
}

/** Refusals, each at its position. */
static void
test_errors(void** state)
{
	(void)state;
	refused("feeds: sinkhole.d\nlog: {file: /var/log/x}\n", 1, 8,
		"'feeds' must be an absolute path", "chroot");
	refused("feeds: /x\nlog:\n  file: x.json\n", 3, 9,
		"'file' must be an absolute path", NULL);
	refused("log: {file: /var/log/x}\n", 1, 1, "missing required key "
		"'feeds'", NULL);
	refused("feeds: /x\n", 1, 1, "missing required key 'log'", NULL);
	refused("feeds: /x\nlog:\n  queue_bytes: 65536\n", 3, 3,
		"missing required key 'file' in the 'log' section", NULL);
	refused("feeds: /x\nlog:\n  file: /y\n  queue_bytes: 1024\n", 4, 16,
		"'queue_bytes' must be between 65536 and 1073741824", "1024");
	refused("feeds: /x\nlog: {file: /y}\nsinkhole:\n  ttl: 86401\n", 4, 8,
		"'ttl' must be between 0 and 86400", NULL);
	refused("feeds: /x\nlog: {file: /y}\nsinkhole:\n  ttl: ten\n", 4, 8,
		"'ttl' must be a whole number", "ten");
	refused("feeds: /x\nlog: {file: /y}\nsinkhole:\n  ipv4: 1.2.3\n", 4, 9,
		"'ipv4' must be an IPv4 address", "1.2.3");
	refused("feeds: /x\nlog: {file: /y}\nsinkhole:\n  ipv6: 1.2.3.4\n", 4,
		9, "'ipv6' must be an IPv6 address", NULL);
	refused("feeds: /x\nlog: {file: /y}\nsinkhole:\n  ipv5: 1.2.3.4\n", 4,
		3, "'ipv5' is not a known key of the 'sinkhole' section",
		"expected ipv4, ipv6, ttl");
	refused("feeds: /x\nlog: {file: /y}\naction: allow\n", 3, 9,
		"'action' must be one of sinkhole, nxdomain, nodata, refuse",
		NULL);
	refused("feeds: /x\nlog: {file: /y}\nsoa: {mname: a..b}\n", 3, 14,
		"'mname' must be a domain name", "empty label");
	refused("feeds: /x\nlog: {file: /y}\nede: 1\n", 3, 6,
		"'ede' must be true or false", NULL);
	refused("feeds: /x\nlog: {file: /y}\nlimits: {max_depth: 2}\n", 3, 21,
		"'max_depth' must be between 4 and 1024", NULL);
	refused("feeds: /x\nlog: {file: /y}\nlimits: {max_indicator: 2}\n", 3,
		10, "'max_indicator' is not a known key", NULL);
	refused("feeds: /x\nfeeds: /y\nlog: {file: /y}\n", 2, 1,
		"duplicate key 'feeds'", NULL);
	refused("feeds: /x\nlog: {file: /y}\nidentity: \"\"\n", 3, 11,
		"'identity' must not be empty", NULL);
	refused("feed: /x\nlog: {file: /y}\n", 1, 1, "'feed' is not a known "
		"key of the configuration", NULL);
}

/** The listener section: defaults, values, and its errors with
 * positions. */
static void
test_listener(void** state)
{
	struct sh_config* cfg;
	(void)state;
	cfg = parse("feeds: /x\nlog: {file: /y}\n");
	assert_non_null(cfg);
	assert_int_equal(cfg->listener.present, 0);
	assert_int_equal(cfg->listener.num_ports, 2);
	assert_int_equal(cfg->listener.ports[0], 80);
	assert_int_equal(cfg->listener.ports[1], 443);
	assert_int_equal(cfg->listener.max_connections, 256);
	assert_true(cfg->listener.icmp && cfg->listener.udp);
	sh_config_free(cfg);
	cfg = parse("feeds: /x\nlog: {file: /y}\nsinkhole: {ipv4: 10.66.0.66}\n"
		"listener:\n  log: /var/log/l.json\n  ports: [8000, 22]\n"
		"  user: nobody\n  max_connections: 8\n  max_bytes: 4096\n"
		"  timeout_ms: 250\n  icmp: false\n  udp: false\n"
		"  max_packets_per_second: 7\n");
	assert_non_null(cfg);
	assert_int_equal(cfg->listener.present, 1);
	assert_string_equal(cfg->listener.log_file, "/var/log/l.json");
	assert_int_equal(cfg->listener.num_ports, 2);
	assert_int_equal(cfg->listener.ports[0], 8000);
	assert_int_equal(cfg->listener.ports[1], 22);
	assert_string_equal(cfg->listener.user, "nobody");
	assert_int_equal(cfg->listener.max_connections, 8);
	assert_int_equal(cfg->listener.max_bytes, 4096);
	assert_int_equal(cfg->listener.timeout_ms, 250);
	assert_false(cfg->listener.icmp || cfg->listener.udp);
	assert_int_equal(cfg->listener.max_packets_per_second, 7);
	sh_config_free(cfg);
	refused("feeds: /x\nlog: {file: /y}\nlistener:\n  ports: [80]\n", 4, 3,
		"missing required key 'log' in the 'listener' section", NULL);
	refused("feeds: /x\nlog: {file: /y}\nlistener:\n  log: l.json\n", 4, 8,
		"'log' must be an absolute path", NULL);
	refused("feeds: /x\nlog: {file: /y}\nlistener:\n  log: /l\n"
		"  ports: [80, 443, 80]\n", 5, 20, "port 80 is listed twice",
		NULL);
	refused("feeds: /x\nlog: {file: /y}\nlistener:\n  log: /l\n"
		"  ports: [0]\n", 5, 11, "must be between 1 and 65535", NULL);
	refused("feeds: /x\nlog: {file: /y}\nlistener:\n  log: /l\n"
		"  max_bytes: 10\n", 5, 14, "'max_bytes' must be between 512",
		NULL);
	refused("feeds: /x\nlog: {file: /y}\nlistener:\n  log: /l\n"
		"  proxy: true\n", 5, 3, "'proxy' is not a known key of the "
		"'listener' section", NULL);
}

/** sh_config_path follows the environment. */
static void
test_path(void** state)
{
	(void)state;
	unsetenv(SH_CONFIG_ENV);
	assert_string_equal(sh_config_path(), SH_CONFIG_DEFAULT);
	setenv(SH_CONFIG_ENV, "", 1);
	assert_string_equal(sh_config_path(), SH_CONFIG_DEFAULT);
	setenv(SH_CONFIG_ENV, "/tmp/other.yaml", 1);
	assert_string_equal(sh_config_path(), "/tmp/other.yaml");
	unsetenv(SH_CONFIG_ENV);
}

/** sh_config_load from a file, and a missing file. */
static void
test_load(void** state)
{
	char path[] = "/tmp/h1_cfgXXXXXX";
	struct sh_config* cfg;
	FILE* fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("feeds: /x\nlog: {file: /y}\nidentity: r1\n", fp);
	fclose(fp);
	ndiags = 0;
	cfg = sh_config_load(path, collect, NULL);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->identity, "r1");
	sh_config_free(cfg);
	unlink(path);
	ndiags = 0;
	assert_null(sh_config_load(path, collect, NULL));
	assert_int_equal(ndiags, 1);
	assert_non_null(strstr(diags[0].text, "cannot open"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_listener),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
