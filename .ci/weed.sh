#!/usr/bin/env bash
# Prints the path of a SeaweedFS `weed` binary of the pinned version, building
# it once from the Go module proxy into a cache directory and reusing it after.
#
#   .ci/weed.sh            # version from .ci/weed.version
#   .ci/weed.sh --cached   # the path only if already built, else exit 1
#   WEED_VERSION=v0.0.0-… .ci/weed.sh
#
# `go install` refuses SeaweedFS (its go.mod has replace directives), so the
# module is downloaded with `go mod download`, copied out of the read-only
# module cache and built there with its own go.mod and go.sum: nothing of
# this project's go.mod or go.sum is read or touched. Everything but the path
# goes to stderr. The cache: $WEED_CACHE, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/webadmit/weed-<version>/weed. The first
# build takes minutes on 2 cores; later calls print the path at once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${WEED_VERSION:-$(tr -d '[:space:]' <"$here/weed.version")}"
module=github.com/seaweedfs/seaweedfs
case "$version" in
v[0-9]*) ;;
*) echo "weed.sh: version '$version' is not a Go module version" >&2; exit 2 ;;
esac
cache="${WEED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/webadmit/weed-$version}"
bin="$cache/weed"

if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
if [ "${1:-}" = --cached ]; then
  exit 1
fi

start=$(date +%s)
mkdir -p "$cache"
work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "weed.sh: building $module@$version into $cache (minutes on 2 cores, once)" >&2
# Run outside any module so that nothing of this project is involved.
cd "$work"
info="$(GOWORK=off GOFLAGS=-mod=mod go mod download -json "$module@$version")"
dir="$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
  echo "weed.sh: go mod download gave no module directory:" >&2
  printf '%s\n' "$info" >&2
  exit 1
fi
cp -r "$dir" "$work/src"  # the module cache is read-only
chmod -R u+w "$work/src"
cd "$work/src"
# CGO_ENABLED=0 as SeaweedFS's own release build; -trimpath keeps the
# build directory out of the binary; -mod=readonly fails rather than edit
# the copied go.mod.
GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/weed" ./weed
"$work/weed" version >&2
mv "$work/weed" "$bin"  # atomic: a concurrent call sees the whole binary or none
echo "weed.sh: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
