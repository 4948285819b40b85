/*
 * config_listener.c - the "listener" section of the configuration.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Settings of the sinkhole listener (listener/), read from the same
 * sinkhole.yaml as the module's, so that the listener binds exactly the
 * sinkhole.ipv4 and sinkhole.ipv6 addresses the module hands out.  The
 * module parses the section too (an error in it is an error of the
 * file) but does not use it.  Keys and defaults are in README.md,
 * "Triage".
 */
#include "yamlread.h"
#include <stdlib.h>
#include <string.h>

/** Default most connections open at once. */
#define LC_CONN_DEFAULT 256
/** Default most bytes read from one connection: 16 KiB. */
#define LC_BYTES_DEFAULT 16384
/** Default longest connection: 5 s. */
#define LC_TIMEOUT_DEFAULT 5000
/** Default most ICMP/UDP events per second. */
#define LC_PPS_DEFAULT 100

/** Keys of the listener section. */
enum { LC_LOG, LC_PORTS, LC_USER, LC_MAXCONN, LC_MAXBYTES, LC_TIMEOUT,
	LC_ICMP, LC_UDP, LC_PPS };
/** Their names. */
static const char* const lc_names[] = { "log", "ports", "user",
	"max_connections", "max_bytes", "timeout_ms", "icmp", "udp",
	"max_packets_per_second" };
/** The listener section. */
static const struct sh_yaml_keys lc_keys = { "the 'listener' section",
	lc_names, 9 };

void
sh_config_listener_default(struct sh_listener_config* lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->ports[0] = 80;
	lc->ports[1] = 443;
	lc->num_ports = 2;
	lc->max_connections = LC_CONN_DEFAULT;
	lc->max_bytes = LC_BYTES_DEFAULT;
	lc->timeout_ms = LC_TIMEOUT_DEFAULT;
	lc->icmp = 1;
	lc->udp = 1;
	lc->max_packets_per_second = LC_PPS_DEFAULT;
}

void
sh_config_listener_free(struct sh_listener_config* lc)
{
	free(lc->log_file);
	free(lc->user);
	lc->log_file = NULL;
	lc->user = NULL;
}

/**
 * Read the port list: a sequence of distinct ports 1..65535.
 * @param y: the reader, before the value.
 * @param lc: the settings.
 */
static void
lc_ports(struct sh_yaml* y, struct sh_listener_config* lc)
{
	struct sh_yaml_mark at;
	long long v;
	size_t i, n = 0;

	if(!sh_yaml_seq_begin(y, "ports"))
		return;
	while(sh_yaml_seq_next(y)) {
		(void)sh_yaml_peek(y, &at);
		if(!sh_yaml_int(y, "items of 'ports'", 1, 65535, &v))
			continue;
		for(i = 0; i < n; i++)
			if(lc->ports[i] == (uint16_t)v)
				break;
		if(i < n) {
			sh_yaml_report(y, SH_SEV_ERROR, &at, "port %lld is "
				"listed twice in 'ports'", v);
			continue;
		}
		if(n == SH_LISTENER_PORTS_MAX) {
			sh_yaml_report(y, SH_SEV_ERROR, &at, "'ports' lists "
				"more than %d ports; to catch every port, "
				"redirect them to one (README \"Triage\")",
				SH_LISTENER_PORTS_MAX);
			continue;
		}
		lc->ports[n++] = (uint16_t)v;
	}
	lc->num_ports = n;
}

/**
 * Read one key's value of the section.
 * @param y: the reader, before the value.
 * @param lc: the settings.
 * @param k: the key, an LC_* index.
 */
static void
lc_key(struct sh_yaml* y, struct sh_listener_config* lc, int k)
{
	long long v;

	switch(k) {
	case LC_LOG: (void)sh_config_read_path(y, "log", &lc->log_file);
		break;
	case LC_PORTS: lc_ports(y, lc); break;
	case LC_USER:
		free(lc->user);
		lc->user = NULL;
		(void)sh_yaml_string(y, "user", &lc->user, NULL);
		break;
	case LC_MAXCONN:
		if(sh_yaml_int(y, "max_connections", 1, 65536, &v))
			lc->max_connections = (unsigned)v;
		break;
	case LC_MAXBYTES:
		if(sh_yaml_int(y, "max_bytes", 512, 1024 * 1024, &v))
			lc->max_bytes = (size_t)v;
		break;
	case LC_TIMEOUT:
		if(sh_yaml_int(y, "timeout_ms", 100, 600000, &v))
			lc->timeout_ms = (unsigned)v;
		break;
	case LC_ICMP: (void)sh_yaml_bool(y, "icmp", &lc->icmp); break;
	case LC_UDP: (void)sh_yaml_bool(y, "udp", &lc->udp); break;
	default:
		if(sh_yaml_int(y, "max_packets_per_second", 1, 100000, &v))
			lc->max_packets_per_second = (unsigned)v;
		break;
	}
}

void
sh_config_listener_read(struct sh_yaml* y, struct sh_listener_config* lc)
{
	struct sh_yaml_map m;
	int k;

	if(!sh_yaml_map_begin(y, "listener", &lc_keys, &m))
		return;
	lc->present = 1;
	while(sh_yaml_map_next(y, &m, &k, NULL))
		lc_key(y, lc, k);
	(void)sh_yaml_map_require(y, &m, LC_LOG);
}
