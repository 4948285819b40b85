/*
 * config.c - the module's YAML configuration file.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads and validates the configuration file (format in README.md) into
 * a struct sh_config, with the yamlread.h reader.  Every value has a
 * documented default except the feed directory and the log file.  Paths
 * must be absolute, because the module opens them after Unbound has
 * changed its root directory.
 */
#include "yamlread.h"
#include "util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** Largest configuration file read: 1 MiB. */
#define CFG_FILE_MAX ((size_t)1024 * 1024)
/** Default capacity of the event queue: 4 MiB. */
#define CFG_QUEUE_DEFAULT ((size_t)4 * 1024 * 1024)
/** Smallest event queue: 64 KiB. */
#define CFG_QUEUE_MIN (64LL * 1024)
/** Largest event queue: 1 GiB. */
#define CFG_QUEUE_MAX (1024LL * 1024 * 1024)
/** Default TTL of sinkhole answers. */
#define CFG_TTL_DEFAULT 10
/** Largest TTL of sinkhole answers: one day. */
#define CFG_TTL_MAX 86400
/** Default SOA MNAME. */
#define CFG_MNAME_DEFAULT "sinkhole.invalid."
/** Default SOA RNAME. */
#define CFG_RNAME_DEFAULT "hostmaster.sinkhole.invalid."

/** Keys of the top level. */
enum { CF_IDENTITY, CF_FEEDS, CF_LOG, CF_ACTION, CF_SINKHOLE, CF_SOA, CF_EDE,
	CF_RELOAD, CF_STATUS, CF_LISTENER,
	CF_LIMITS };
/** Their names. */
static const char* const cf_names[] = { "identity", "feeds", "log",
	"action", "sinkhole", "soa", "ede", "reload", "status", "listener",
	"limits" };
/** The top level of the configuration. */
static const struct sh_yaml_keys cf_keys = { "the configuration", cf_names,
	11 };

/** Keys of the reload section. */
enum { RL_INTERVAL, RL_DEBOUNCE };
/** Their names. */
static const char* const rl_names[] = { "interval", "debounce_ms" };
/** The reload section. */
static const struct sh_yaml_keys rl_keys = { "the 'reload' section",
	rl_names, 2 };

/** Keys of the status section. */
enum { ST_FILE, ST_INTERVAL };
/** Their names. */
static const char* const st_names[] = { "file", "interval" };
/** The status section. */
static const struct sh_yaml_keys st_keys = { "the 'status' section",
	st_names, 2 };

/** Keys of the log section. */
enum { LG_FILE, LG_QUEUE };
/** Their names. */
static const char* const lg_names[] = { "file", "queue_bytes" };
/** The log section. */
static const struct sh_yaml_keys lg_keys = { "the 'log' section", lg_names,
	2 };

/** Keys of the sinkhole section. */
enum { SK_IPV4, SK_IPV6, SK_TTL };
/** Their names. */
static const char* const sk_names[] = { "ipv4", "ipv6", "ttl" };
/** The sinkhole section. */
static const struct sh_yaml_keys sk_keys = { "the 'sinkhole' section",
	sk_names, 3 };

/** Keys of the soa section. */
enum { SO_MNAME, SO_RNAME };
/** Their names. */
static const char* const so_names[] = { "mname", "rname" };
/** The soa section. */
static const struct sh_yaml_keys so_keys = { "the 'soa' section", so_names,
	2 };

/** Keys of the limits section, in the order of lim_range. */
static const char* const li_names[] = { "max_file_bytes", "max_depth",
	"max_indicators", "max_scalar_bytes" };
/** The limits section. */
static const struct sh_yaml_keys li_keys = { "the 'limits' section",
	li_names, 4 };
/** Allowed range of each limit, in the order of li_names. */
static const long long lim_range[4][2] = {
	{ 1024LL, 4096LL * 1024 * 1024 },	/* 1 KiB .. 4 GiB */
	{ 4, 1024 },				/* a feed nests 4 deep */
	{ 1, 0x7fffffffLL },			/* the set's index range */
	{ 256, 16LL * 1024 * 1024 }		/* 256 bytes .. 16 MiB */
};

const char*
sh_config_path(void)
{
	const char* e = getenv(SH_CONFIG_ENV);

	if(e && *e)
		return e;
	return SH_CONFIG_DEFAULT;
}

void
sh_config_free(struct sh_config* cfg)
{
	if(!cfg)
		return;
	free(cfg->path);
	free(cfg->identity);
	free(cfg->feed_dir);
	free(cfg->log_file);
	free(cfg->status_file);
	sh_config_listener_free(&cfg->listener);
	free(cfg);
}

/**
 * Allocate a configuration with every default filled in, except the
 * identity (set after reading, if the file gives none).
 * @param name: the path, copied.
 * @return the new config (caller frees), or NULL when out of memory.
 */
static struct sh_config*
cfg_new(const char* name)
{
	struct sh_config* cfg = calloc(1, sizeof(*cfg));

	if(!cfg)
		return NULL;
	if(!(cfg->path = sh_strdup(name))) {
		free(cfg);
		return NULL;
	}
	cfg->log_queue_bytes = CFG_QUEUE_DEFAULT;
	cfg->action = SH_ACTION_SINKHOLE;
	/* ipv4 0.0.0.0 and ipv6 :: are all zero, from calloc */
	cfg->ttl = CFG_TTL_DEFAULT;
	(void)sh_name_from_text(CFG_MNAME_DEFAULT, cfg->soa_mname, NULL);
	(void)sh_name_from_text(CFG_RNAME_DEFAULT, cfg->soa_rname, NULL);
	cfg->ede = 1;
	cfg->reload_interval = 30;
	cfg->reload_debounce_ms = 250;
	cfg->stats_interval = 300;
	sh_limits_default(&cfg->limits);
	sh_config_listener_default(&cfg->listener);
	return cfg;
}

/**
 * Read an absolute path.
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param out: set to the malloced path (caller frees); a previous value
 *	is freed.
 * @return 1 on success, 0 on error (reported).
 */
int
sh_config_read_path(struct sh_yaml* y, const char* name, char** out)
{
	struct sh_yaml_mark at;
	char q[SH_YAML_QUOTE_MAX];
	char* p = NULL;

	if(!sh_yaml_string(y, name, &p, &at))
		return 0;
	if(p[0] != '/') {
		sh_yaml_report(y, SH_SEV_ERROR, &at, "'%s' must be an absolute "
			"path, not '%s': the module opens it after Unbound "
			"has started (and possibly chrooted), so a relative "
			"path has no fixed meaning", name,
			sh_yaml_quote(p, strlen(p), q));
		free(p);
		return 0;
	}
	free(*out);
	*out = p;
	return 1;
}

/**
 * Read an IPv4 or IPv6 address.
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param af: AF_INET or AF_INET6.
 * @param out: destination of 4 or 16 bytes.
 * @return 1 on success, 0 on error (reported).
 */
static int
cfg_addr(struct sh_yaml* y, const char* name, int af, uint8_t* out)
{
	struct sh_yaml_scalar s;
	char q[SH_YAML_QUOTE_MAX];
	uint8_t buf[16];

	if(!sh_yaml_scalar(y, name, &s))
		return 0;
	if(strlen(s.text) != s.len || inet_pton(af, s.text, buf) != 1) {
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "'%s' must be an %s "
			"address, found '%s'", name, af == AF_INET ? "IPv4"
			: "IPv6", sh_yaml_quote(s.text, s.len, q));
		return 0;
	}
	memcpy(out, buf, af == AF_INET ? 4 : 16);
	return 1;
}

/**
 * Read a domain name.
 * @param y: the reader.
 * @param name: the key, for messages.
 * @param out: destination of SH_NAME_MAX bytes, canonical wire.
 * @return 1 on success, 0 on error (reported).
 */
static int
cfg_name(struct sh_yaml* y, const char* name, uint8_t out[SH_NAME_MAX])
{
	struct sh_yaml_scalar s;
	uint8_t buf[SH_NAME_MAX];
	char q[SH_YAML_QUOTE_MAX];
	const char* err = "contains a NUL character";

	if(!sh_yaml_scalar(y, name, &s))
		return 0;
	if(strlen(s.text) != s.len || !sh_name_from_text(s.text, buf, &err)) {
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "'%s' must be a "
			"domain name, found '%s': %s", name,
			sh_yaml_quote(s.text, s.len, q), err);
		return 0;
	}
	memcpy(out, buf, SH_NAME_MAX);
	return 1;
}

/**
 * Read the log section.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_log(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_map m;
	long long v;
	int k;

	if(!sh_yaml_map_begin(y, "log", &lg_keys, &m))
		return;
	while(sh_yaml_map_next(y, &m, &k, NULL)) {
		if(k == LG_FILE)
			(void)sh_config_read_path(y, "file", &cfg->log_file);
		else if(sh_yaml_int(y, "queue_bytes", CFG_QUEUE_MIN,
			CFG_QUEUE_MAX, &v))
			cfg->log_queue_bytes = (size_t)v;
	}
	(void)sh_yaml_map_require(y, &m, LG_FILE);
}

/**
 * Read the sinkhole section.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_sinkhole(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_map m;
	long long v;
	int k;

	if(!sh_yaml_map_begin(y, "sinkhole", &sk_keys, &m))
		return;
	while(sh_yaml_map_next(y, &m, &k, NULL)) {
		if(k == SK_IPV4)
			(void)cfg_addr(y, "ipv4", AF_INET, cfg->ipv4);
		else if(k == SK_IPV6)
			(void)cfg_addr(y, "ipv6", AF_INET6, cfg->ipv6);
		else if(sh_yaml_int(y, "ttl", 0, CFG_TTL_MAX, &v))
			cfg->ttl = (uint32_t)v;
	}
}

/**
 * Read the soa section.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_soa(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_map m;
	int k;

	if(!sh_yaml_map_begin(y, "soa", &so_keys, &m))
		return;
	while(sh_yaml_map_next(y, &m, &k, NULL)) {
		if(k == SO_MNAME)
			(void)cfg_name(y, "mname", cfg->soa_mname);
		else	(void)cfg_name(y, "rname", cfg->soa_rname);
	}
}

/**
 * Read the limits section.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_limits(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_map m;
	long long v, max;
	int k;

	if(!sh_yaml_map_begin(y, "limits", &li_keys, &m))
		return;
	while(sh_yaml_map_next(y, &m, &k, NULL)) {
		max = lim_range[k][1];
		if((unsigned long long)max > (unsigned long long)SIZE_MAX)
			max = (long long)(SIZE_MAX >> 1);
		if(!sh_yaml_int(y, li_names[k], lim_range[k][0], max, &v))
			continue;
		switch(k) {
		case 0: cfg->limits.max_file_bytes = (size_t)v; break;
		case 1: cfg->limits.max_depth = (unsigned)v; break;
		case 2: cfg->limits.max_indicators = (size_t)v; break;
		default: cfg->limits.max_scalar_bytes = (size_t)v; break;
		}
	}
}

/**
 * Read the default action.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_action(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_scalar s;
	char q[SH_YAML_QUOTE_MAX];

	if(!sh_yaml_scalar(y, "action", &s))
		return;
	if(!sh_action_parse(s.text, &cfg->action))
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "'action' must be one "
			"of sinkhole, nxdomain, nodata, refuse; found '%s'",
			sh_yaml_quote(s.text, s.len, q));
}

/**
 * Read the reload section.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_reload(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_map m;
	long long v;
	int k;

	if(!sh_yaml_map_begin(y, "reload", &rl_keys, &m))
		return;
	while(sh_yaml_map_next(y, &m, &k, NULL)) {
		if(k == RL_INTERVAL && sh_yaml_int(y, "interval", 0, 86400, &v))
			cfg->reload_interval = (unsigned)v;
		else if(k == RL_DEBOUNCE && sh_yaml_int(y, "debounce_ms", 0,
			10000, &v))
			cfg->reload_debounce_ms = (unsigned)v;
	}
}

/**
 * Read the status section.
 * @param y: the reader.
 * @param cfg: the config to fill.
 */
static void
cfg_status(struct sh_yaml* y, struct sh_config* cfg)
{
	struct sh_yaml_map m;
	long long v;
	int k;

	if(!sh_yaml_map_begin(y, "status", &st_keys, &m))
		return;
	while(sh_yaml_map_next(y, &m, &k, NULL)) {
		if(k == ST_FILE)
			(void)sh_config_read_path(y, "file", &cfg->status_file);
		else if(sh_yaml_int(y, "interval", 1, 86400, &v))
			cfg->stats_interval = (unsigned)v;
	}
}

/**
 * Default the status file to the log file's name plus ".status", in the
 * directory Unbound already writes to.
 * @param cfg: the config.
 * @return 1 on success, 0 when out of memory.
 */
static int
cfg_default_status(struct sh_config* cfg)
{
	size_t n;
	if(cfg->status_file || !cfg->log_file)
		return 1;
	n = strlen(cfg->log_file) + sizeof(".status");
	if(!(cfg->status_file = malloc(n)))
		return 0;
	snprintf(cfg->status_file, n, "%s.status", cfg->log_file);
	return 1;
}

/**
 * Read one top-level key's value.
 * @param y: the reader, before the value.
 * @param cfg: the config to fill.
 * @param k: the key, a CF_* index.
 */
static void
cfg_key(struct sh_yaml* y, struct sh_config* cfg, int k)
{
	switch(k) {
	case CF_IDENTITY:
		free(cfg->identity);
		cfg->identity = NULL;
		(void)sh_yaml_string(y, "identity", &cfg->identity, NULL);
		break;
	case CF_FEEDS: (void)sh_config_read_path(y, "feeds", &cfg->feed_dir); break;
	case CF_LOG: cfg_log(y, cfg); break;
	case CF_ACTION: cfg_action(y, cfg); break;
	case CF_SINKHOLE: cfg_sinkhole(y, cfg); break;
	case CF_SOA: cfg_soa(y, cfg); break;
	case CF_EDE: (void)sh_yaml_bool(y, "ede", &cfg->ede); break;
	case CF_RELOAD: cfg_reload(y, cfg); break;
	case CF_STATUS: cfg_status(y, cfg); break;
	case CF_LISTENER: sh_config_listener_read(y, &cfg->listener); break;
	default: cfg_limits(y, cfg); break;
	}
}

/**
 * Set the identity to the host name when the file gave none.
 * @param cfg: the config.
 * @return 1 on success, 0 when out of memory.
 */
static int
cfg_default_identity(struct sh_config* cfg)
{
	char host[256];

	if(cfg->identity)
		return 1;
	if(gethostname(host, sizeof(host)) != 0 || host[0] == 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = 0;
	cfg->identity = sh_strdup(host);
	return cfg->identity != NULL;
}

struct sh_config*
sh_config_parse(const char* name, const char* data, size_t len,
	sh_diag_fn diag, void* arg)
{
	struct sh_config* cfg;
	struct sh_yaml y;
	struct sh_yaml_map m;
	int k;

	name = name ? name : "-";
	if(!(cfg = cfg_new(name))) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, name, 0, 0,
			"out of memory");
		return NULL;
	}
	if(sh_yaml_open(&y, name, data, len, NULL, diag, arg)
		&& sh_yaml_map_begin(&y, NULL, &cf_keys, &m)) {
		while(sh_yaml_map_next(&y, &m, &k, NULL))
			cfg_key(&y, cfg, k);
		(void)sh_yaml_map_require(&y, &m, CF_FEEDS);
		(void)sh_yaml_map_require(&y, &m, CF_LOG);
		if(!sh_yaml_fatal(&y))
			(void)sh_yaml_finish(&y);
	}
	if(sh_yaml_errors(&y) == 0 && (!cfg_default_identity(cfg) ||
		!cfg_default_status(cfg)))
		sh_yaml_report(&y, SH_SEV_ERROR, NULL, "out of memory");
	sh_yaml_close(&y);
	if(sh_yaml_errors(&y) != 0) {
		sh_config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct sh_config*
sh_config_read(const char* path, struct sh_config_source* src,
	sh_diag_fn diag, void* arg)
{
	struct sh_config* cfg;
	struct sh_file file;
	char why[256];
	if(src)
		memset(src, 0, sizeof(*src));
	if(!sh_file_read(path, CFG_FILE_MAX, &file)) {
		if(file.error == SH_FILE_ETOOBIG)
			sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
				"configuration is larger than %zu bytes",
				CFG_FILE_MAX);
		else if(file.error == SH_FILE_EOPEN)
			sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
				"cannot open configuration: %s",
				strerror(file.sys_errno));
		else	sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
				"configuration: %s",
				sh_file_strerror(&file, why, sizeof(why)));
		return NULL;
	}
	if(file.len > CFG_FILE_MAX) { /* it grew while it was read */
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "configuration "
			"is larger than %zu bytes", CFG_FILE_MAX);
		free(file.data);
		return NULL;
	}
	cfg = sh_config_parse(path, file.data, file.len, diag, arg);
	if(cfg && src) {
		src->text = file.data;
		src->len = file.len;
		src->st = file.st;
		return cfg;
	}
	free(file.data);
	return cfg;
}

struct sh_config*
sh_config_load(const char* path, sh_diag_fn diag, void* arg)
{
	return sh_config_read(path, NULL, diag, arg);
}

void
sh_config_source_clear(struct sh_config_source* src)
{
	free(src->text);
	memset(src, 0, sizeof(*src));
}
