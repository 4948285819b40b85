#!/bin/bash
# report_bench.sh - throughput of `sinkholectl report` on a ~1 GB log.
#
# Generates a client event log of realistic lines (the module's own ECS
# layout, ~900 bytes each) in a temp dir with a small C generator, then
# times the report over it (table output to /dev/null) and prints the
# throughput in MB/s and lines/s.  Also times the same log gzip-compressed
# when BENCH_GZIP=1.  Not part of `make check` (timing is not a test).
#
# Usage: bench/report_bench.sh [SIZE_MB]     (default 1024)
# Environment: SINKHOLECTL (default ./tools/sinkholectl), TMPDIR,
#   CC (default cc), BENCH_KEEP=1 keeps the generated log, BENCH_GZIP=1.

set -eu
SIZE_MB=${1:-1024}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SINKHOLECTL=${SINKHOLECTL:-$HERE/tools/sinkholectl}
CC=${CC:-cc}
[ -x "$SINKHOLECTL" ] || { echo "build first: $SINKHOLECTL missing" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/report_bench.XXXXXX")
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT

# The generator: SIZE_MB of lines (about four months at 1 GB); 20,000
# clients:
#  - 50 beacons (60 s .. 1 h, +-10% jitter), most of the volume;
#  - 2,000 "repeated" clients (random lookups at random times);
#  - the rest one-off (3 lookups within seconds).
cat >"$W/gen.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
static const char* inds[] = {"akamaicontainer.com", "msedgeupdate.net",
	"sourceslabs.com", "officeaddons.com", "azureonlinestorage.com",
	"glcloudservice.com", "journalide.org", "pbxcloudeservices.com"};
static uint64_t s = 88172645463325252ULL;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
int main(int argc, char** argv)
{
	uint64_t target = strtoull(argv[1], NULL, 10) << 20, bytes = 0;
	int64_t t = 1764403200000LL, next[50];
	int i, k;
	char ts[40], ip[40];
	for(i = 0; i < 50; i++) next[i] = t + (int64_t)(rnd() % 60000);
	while(bytes < target) {
		/* the earliest beacon, or filler from other clients */
		int b = 0; int64_t now;
		for(i = 1; i < 50; i++) if(next[i] < next[b]) b = i;
		now = next[b];
		if(rnd() % 4 == 0) {
			k = (int)(rnd() % 20000) + 50;
			if(k < 2050 || rnd() % 8 == 0) now += (int64_t)(rnd() % 1000);
		} else {
			int64_t iv = 60000LL * (1 + b % 60);
			k = b;
			next[b] += iv - iv / 10 + (int64_t)(rnd() % (uint64_t)(iv / 5 + 1));
		}
		time_t sec = (time_t)(now / 1000);
		struct tm tm; gmtime_r(&sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", k >> 16, (k >> 8) & 255, k & 255);
		const char* ind = inds[k % 8];
		int n = printf("{\"@timestamp\":\"%s.%03dZ\",\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"alert\",\"category\":[\"network\",\"intrusion_detection\"],\"type\":[\"denied\"],\"action\":\"sinkhole\",\"reason\":\"query\",\"dataset\":\"unbound_sinkhole.query\",\"module\":\"unbound_sinkhole\",\"outcome\":\"success\"},\"client\":{\"ip\":\"%s\",\"port\":%d},\"source\":{\"ip\":\"%s\",\"port\":%d},\"network\":{\"transport\":\"udp\",\"protocol\":\"dns\",\"type\":\"ipv4\"},\"dns\":{\"id\":%d,\"type\":\"query\",\"question\":{\"name\":\"www.%s\",\"type\":\"%s\",\"class\":\"IN\",\"registered_domain\":\"%s\"},\"response_code\":\"NOERROR\"},\"rule\":{\"name\":\"%s\",\"ruleset\":\"3cx-supply-chain-2023\",\"reference\":\"https://www.crowdstrike.com/blog/crowdstrike-detects-and-prevents-active-intrusion-campaign-targeting-3cxdesktopapp-customers/\"},\"threat\":{\"indicator\":{\"type\":\"domain-name\",\"name\":\"%s\",\"confidence\":\"High\"}},\"observer\":{\"name\":\"resolver-01\",\"type\":\"dns\",\"product\":\"unbound-sinkhole\",\"vendor\":\"unbound-sinkhole\"},\"unbound_sinkhole\":{\"origin\":\"client\",\"action\":\"sinkhole\",\"transport\":\"udp\"}}\n",
			ts, (int)(now % 1000), ip, 1024 + (int)(rnd() % 60000), ip,
			1024 + (int)(rnd() % 60000), (int)(rnd() % 65536), ind,
			rnd() % 2 ? "A" : "AAAA", ind, ind, ind);
		bytes += (uint64_t)n;
	}
	return 0;
}
EOF
"$CC" -O2 -o "$W/gen" "$W/gen.c"

echo "generating ${SIZE_MB} MB in $W ..."
"$W/gen" "$SIZE_MB" >"$W/sinkhole.json"
BYTES=$(stat -c %s "$W/sinkhole.json")
LINES=$(wc -l <"$W/sinkhole.json")

# run LABEL FILE: time one report, print throughput over the text size
run() {
	local t0 t1 secs
	t0=$(date +%s.%N)
	"$SINKHOLECTL" report "$2" >"$W/out.txt"
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc -l)
	printf '%s: %d bytes, %d lines in %.2f s: %.0f MB/s, %.0f lines/s\n' \
		"$1" "$BYTES" "$LINES" "$secs" "$(echo "$BYTES / 1048576 / $secs" | bc -l)" \
		"$(echo "$LINES / $secs" | bc -l)"
}

sync
cat "$W/sinkhole.json" >/dev/null	# warm the page cache: time the tool, not the disk
run "plain" "$W/sinkhole.json"
head -n 12 "$W/out.txt" | cut -c1-160
if [ "${BENCH_GZIP:-0}" = 1 ]; then
	gzip -1 -c "$W/sinkhole.json" >"$W/sinkhole.json.1.gz"
	run "gzip " "$W/sinkhole.json.1.gz"
fi
