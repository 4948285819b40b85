# tests/core.sh - the core's sources and libraries, for the scripts that
# compile the core with flags of their own (sanitizers, fuzzing,
# benchmarks): tests/fuzz/fuzz.test, tests/integration/tsan_storm.test
# and bench/run.sh.  Sourced, not run.  Makefile.am's SH_CORE_SOURCES
# and SH_CORE_LIBS say the same for the build; a new core file or
# library goes into both.
#
# Needs: top_srcdir.

# The pkg-config modules the core links.
SH_CORE_PKGS="yaml-0.1 ldns libcrypto libidn2 libpsl"

# Print the core's C sources, one per line.
sh_core_sources() {
	printf '%s\n' "$top_srcdir"/lib/*.c "$top_srcdir"/lib/formats/*.c
}
