/*
 * fuzz_config.c - libFuzzer target for the configuration file parser.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Parses arbitrary bytes with sh_config_parse.  A configuration must
 * come back exactly when no error was reported, and a configuration
 * that comes back must satisfy what the rest of the module relies on:
 * absolute feed and log paths, an identity, a blocking default action,
 * valid canonical SOA names, a TTL and a queue size and limits within
 * their documented ranges.  Everything is freed; LeakSanitizer reports
 * leaks as failures.
 */
#include "sinkhole.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** The file name given to the parser. */
#define FUZZ_FILE "fuzz-config.yaml"

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
fail(const char* what)
{
	fprintf(stderr, "fuzz_config: property violated: %s\n", what);
	abort();
}

/**
 * Diagnostics callback: counts errors and checks the message.
 * @param arg: a size_t error counter.
 * @param msg: the diagnostic.
 */
static void
on_diag(void* arg, const struct sh_diag_msg* msg)
{
	size_t* errors = arg;
	char buf[64];

	if(!msg || !msg->file || !msg->text)
		fail("diagnostic without file or text");
	if(strcmp(msg->file, FUZZ_FILE) != 0)
		fail("diagnostic names the wrong file");
	if(msg->severity == SH_SEV_ERROR)
		(*errors)++;
	if(sh_diag_format(msg, buf, sizeof(buf)) <= 0)
		fail("sh_diag_format gave nothing");
}

/**
 * Check that a stored name is a valid canonical wire name.
 * @param w: the name, SH_NAME_MAX bytes.
 * @param what: which name, for the message.
 */
static void
check_name(const uint8_t* w, const char* what)
{
	uint8_t canon[SH_NAME_MAX];
	size_t n = sh_name_canon(w, SH_NAME_MAX, canon);

	if(n == 0 || memcmp(canon, w, n) != 0)
		fail(what);
}

/**
 * Check a loaded configuration.
 * @param cfg: the configuration.
 */
static void
check_config(const struct sh_config* cfg)
{
	if(!cfg->path || strcmp(cfg->path, FUZZ_FILE) != 0)
		fail("config path is not the name given");
	if(!cfg->identity || !cfg->identity[0])
		fail("config without an identity");
	if(!cfg->feed_dir || cfg->feed_dir[0] != '/')
		fail("config without an absolute feed directory");
	if(!cfg->log_file || cfg->log_file[0] != '/')
		fail("config without an absolute log file");
	if(cfg->log_queue_bytes < 64 * 1024 ||
		cfg->log_queue_bytes > (size_t)1024 * 1024 * 1024)
		fail("log queue size out of range");
	if(cfg->action != SH_ACTION_SINKHOLE &&
		cfg->action != SH_ACTION_NXDOMAIN &&
		cfg->action != SH_ACTION_NODATA &&
		cfg->action != SH_ACTION_REFUSE)
		fail("default action is not a blocking action");
	if(cfg->ttl > 86400)
		fail("TTL out of range");
	if(cfg->ede != 0 && cfg->ede != 1)
		fail("ede is not a boolean");
	check_name(cfg->soa_mname, "SOA MNAME is not a canonical wire name");
	check_name(cfg->soa_rname, "SOA RNAME is not a canonical wire name");
	if(cfg->limits.max_file_bytes < 1024 || cfg->limits.max_depth < 4 ||
		cfg->limits.max_depth > 1024 ||
		cfg->limits.max_indicators < 1 ||
		cfg->limits.max_indicators > 0x7fffffff ||
		cfg->limits.max_scalar_bytes < 256 ||
		cfg->limits.max_scalar_bytes > 16 * 1024 * 1024)
		fail("a limit is out of its range");
}

/**
 * libFuzzer entry point.
 * @param data: the input.
 * @param size: its length.
 * @return 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	size_t errors = 0;
	struct sh_config* cfg;

	cfg = sh_config_parse(FUZZ_FILE, (const char*)data, size, on_diag,
		&errors);
	if((cfg != NULL) != (errors == 0))
		fail(cfg ? "a config loaded although an error was reported" :
			"a config was refused without an error");
	if(cfg)
		check_config(cfg);
	sh_config_free(cfg);
	return 0;
}
