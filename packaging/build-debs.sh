#!/bin/bash
# build-debs.sh - build Debian's unbound with dynlib support and the
# unbound-sinkhole package against that exact build (called by
# tools/bootstrap.sh deb; see packaging/README.md).
#
# Usage: packaging/build-debs.sh DSC OUTDIR
#   DSC     Debian's unbound source package (.dsc) of the installed version
#   OUTDIR  where the trees are unpacked and the .deb files are written
#           (_build/deb)
#
# 1. unbound: dpkg-source -x DSC, add --with-dynlibmodule to the daemon's
#    configure in debian/rules (nothing else), a debian/changelog entry
#    VERSION+dynlibN, dpkg-buildpackage -b -uc -us.
# 2. unbound-sinkhole: this tree's tracked files and packaging/debian/ as
#    debian/, configured with --with-unbound-src=<unbound's b/unbound>,
#    dpkg-buildpackage -b -uc -us.
# 3. lintian on both.
# Both builds run with a clean environment and PATH=/usr/sbin:/usr/bin:
# /sbin:/bin, so Debian's /usr/bin/python3 is used, never one found
# earlier on the caller's PATH (pyenv and the like).
# Environment: SINKHOLE_DEB_SUFFIX (default +dynlib1), NPROC,
# SINKHOLE_DEB_MAINTAINER ("Name <mail>" of the changelog entries and of
# unbound-sinkhole's Maintainer; default: git's user.name and user.email).

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DSC=${1:?usage: build-debs.sh DSC OUTDIR}
OUT=${2:?usage: build-debs.sh DSC OUTDIR}
SUFFIX=${SINKHOLE_DEB_SUFFIX:-+dynlib1}
NPROC=${NPROC:-$(nproc 2>/dev/null || echo 2)}
CLEAN_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" LC_ALL=C.UTF-8
	TERM=dumb DEB_BUILD_OPTIONS="parallel=$NPROC")

# Print a step banner.
step() { printf '\n==> %s\n' "$*"; }

# Print an error and exit.
die() { printf 'build-debs: error: %s\n' "$*" >&2; exit 1; }

# Print the field FIELD of the .dsc.
dsc_field() { sed -n "s/^$1: *//p" "$DSC" | head -n 1; }

DEB_VERSION=$(dsc_field Version)
LOCAL_VERSION=$DEB_VERSION$SUFFIX
UPSTREAM=${DEB_VERSION%-*}
UPSTREAM=${UPSTREAM#*:}
ARCH=$(dpkg --print-architecture)
UB_TREE=$OUT/unbound-$UPSTREAM
UB_DEB=$OUT/unbound_${LOCAL_VERSION#*:}_$ARCH.deb
MAINT=${SINKHOLE_DEB_MAINTAINER:-}
if [ -z "$MAINT" ] && git -C "$TOP" config user.email >/dev/null 2>&1; then
	MAINT="$(git -C "$TOP" config user.name) <$(git -C "$TOP" config user.email)>"
fi
: "${MAINT:=unbound-sinkhole local build <root@localhost>}"

# Add --with-dynlibmodule to the daemon's configure (the stanza that
# writes b/unbound/config.h) and to nothing else; fail unless exactly one
# line was added.
patch_rules() {
	local rules=$UB_TREE/debian/rules before after
	before=$(grep -c -- '--with-dynlibmodule' "$rules" || true)
	[ "$before" -eq 0 ] || die "$rules already mentions --with-dynlibmodule"
	sed -i '/^b\/unbound\/config.h:/,/^unbound-build:/ s/^\(\t\t--with-libnghttp2 \\\)$/\1\n\t\t--with-dynlibmodule \\/' "$rules"
	after=$(grep -c -- '--with-dynlibmodule' "$rules" || true)
	[ "$after" -eq 1 ] || die "could not add --with-dynlibmodule to the b/unbound configure of $rules"
	diff -u "$rules.orig" "$rules" | sed 's/^/  /' || true
}

# Prepend the local changelog entry VERSION+SUFFIX.
changelog_entry() {
	local cl=$UB_TREE/debian/changelog dist
	dist=$(dpkg-parsechangelog -l "$cl" -S Distribution)
	{
		printf 'unbound (%s) %s; urgency=medium\n\n' "$LOCAL_VERSION" "$dist"
		printf '  * Local build for unbound-sinkhole: add --with-dynlibmodule to the\n'
		printf '    daemon'"'"'s configure in debian/rules; nothing else is changed.\n\n'
		printf ' -- %s  %s\n\n' "$MAINT" "$(date -R)"
		cat "$cl"
	} >"$cl.new"
	mv "$cl.new" "$cl"
}

# Build Debian's unbound with dynlib support, unless the .deb of this
# version is there and its tree still has the dynlib config.h.
build_unbound() {
	step "deb: unbound $LOCAL_VERSION (Debian's $DEB_VERSION + --with-dynlibmodule)"
	if [ -f "$UB_DEB" ] && grep -q '^#define WITH_DYNLIBMODULE 1' "$UB_TREE/b/unbound/config.h" 2>/dev/null &&
		[ -x "$UB_TREE/b/unbound/unbound" ]; then
		echo "already built: $UB_DEB"
		return 0
	fi
	rm -rf "$UB_TREE"
	rm -f "$OUT"/*.deb "$OUT"/*.ddeb "$OUT"/unbound_*.buildinfo "$OUT"/unbound_*.changes
	dpkg-source -x "$DSC" "$UB_TREE"
	cp "$UB_TREE/debian/rules" "$UB_TREE/debian/rules.orig"
	patch_rules
	rm -f "$UB_TREE/debian/rules.orig"
	changelog_entry
	step "deb: dpkg-buildpackage -b -uc -us (log: $OUT/unbound-build.log)"
	local t0=$SECONDS
	(cd "$UB_TREE" && "${CLEAN_ENV[@]}" dpkg-buildpackage -b -uc -us -j"$NPROC") >"$OUT/unbound-build.log" 2>&1 || {
		tail -n 40 "$OUT/unbound-build.log"
		die "building Debian's unbound failed (log: $OUT/unbound-build.log)"
	}
	echo "built in $((SECONDS - t0)) s"
	[ -f "$UB_DEB" ] || die "no $UB_DEB after the build"
	grep -q '^#define WITH_DYNLIBMODULE 1' "$UB_TREE/b/unbound/config.h" ||
		die "$UB_TREE/b/unbound/config.h lacks WITH_DYNLIBMODULE"
	grep -q '/usr/bin/python3\|python3.11' "$UB_TREE/b/unbound/config.log" ||
		die "the python module was not configured against Debian's python3"
}

# Copy this tree's source files (tracked files when it is a git
# checkout, else everything but _build) to DIR.
stage_tree() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$TOP" && git ls-files -z | tar --null -T - -cf -) | tar -x -C "$dir"
	else
		(cd "$TOP" && tar --exclude=./_build -cf - .) | tar -x -C "$dir"
	fi
	cp -a "$TOP/packaging/debian" "$dir/debian"
	sed -i "s|^Maintainer: .*|Maintainer: $MAINT|" "$dir/debian/control"
}

# Print a checksum of the module package's inputs: this tree's files and
# the unbound build it is compiled against.
sinkhole_inputs() {
	{
		if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
			(cd "$TOP" && git ls-files -z | xargs -0 sha1sum)
		else
			(cd "$TOP" && find . -path ./_build -prune -o -type f -print0 | sort -z | xargs -0 sha1sum)
		fi
		echo "$LOCAL_VERSION"
		sha1sum "$UB_TREE/b/unbound/config.h" "$UB_TREE/b/unbound/unbound"
	} | sha1sum | cut -d' ' -f1
}

# Build unbound-sinkhole against $UB_TREE/b/unbound, depending on
# exactly unbound (= LOCAL_VERSION).
build_sinkhole() {
	local pv sv dir deb sum stamp=$OUT/.sinkhole-inputs
	pv=$(sed -n 's/^AC_INIT(\[unbound-sinkhole\], \[\([^]]*\)\].*/\1/p' "$TOP/configure.ac")
	[ -n "$pv" ] || die "no version in $TOP/configure.ac"
	# 0.1.0-1+unbound1.17.1r2+deb12u4+dynlib1: the unbound build in the
	# revision ("r" for its "-", so lintian's two-dot limit holds)
	sv=$pv-1+unbound$(printf '%s' "${LOCAL_VERSION#*:}" | tr -- '-' 'r')
	dir=$OUT/unbound-sinkhole-$pv
	deb=$OUT/unbound-sinkhole_${sv}_$ARCH.deb
	step "deb: unbound-sinkhole $sv against $UB_TREE/b/unbound"
	sum=$(sinkhole_inputs)
	if [ -f "$deb" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
		echo "already built: $deb"
		SINKHOLE_DEB=$deb
		return 0
	fi
	rm -f "$OUT"/unbound-sinkhole_* "$OUT"/unbound-sinkhole-dbgsym_*
	stage_tree "$dir"
	{
		printf 'unbound-sinkhole (%s) %s; urgency=medium\n\n' "$sv" \
			"$(dpkg-parsechangelog -l "$UB_TREE/debian/changelog" -S Distribution)"
		printf '  * Built against unbound %s.\n\n' "$LOCAL_VERSION"
		printf ' -- %s  %s\n' "$MAINT" "$(date -R)"
	} >"$dir/debian/changelog"
	local t0=$SECONDS
	(cd "$dir" && "${CLEAN_ENV[@]}" SINKHOLE_UNBOUND_BUILD="$UB_TREE/b/unbound" \
		SINKHOLE_UNBOUND_VERSION="$LOCAL_VERSION" dpkg-buildpackage -b -uc -us -j"$NPROC") \
		>"$OUT/unbound-sinkhole-build.log" 2>&1 || {
		tail -n 40 "$OUT/unbound-sinkhole-build.log"
		die "building unbound-sinkhole failed (log: $OUT/unbound-sinkhole-build.log)"
	}
	echo "built in $((SECONDS - t0)) s"
	[ -f "$deb" ] || die "no $deb after the build"
	echo "$sum" >"$stamp"
	SINKHOLE_DEB=$deb
}

# Run lintian on both packages; print what it reports (packaging/README.md
# explains the tags that remain).
run_lintian() {
	step "deb: lintian"
	command -v lintian >/dev/null || die "lintian is not installed"
	lintian --tag-display-limit 0 -I "$UB_DEB" "$SINKHOLE_DEB" 2>&1 | tee "$OUT/lintian.log" || true
	echo "lintian: $(grep -c '^[EW]:' "$OUT/lintian.log" || true) errors and warnings (log: $OUT/lintian.log)"
}

mkdir -p "$OUT"
build_unbound
build_sinkhole
run_lintian
step "deb: packages in $OUT"
ls -l "$UB_DEB" "$SINKHOLE_DEB"
