#!/usr/bin/env bash
# Builds the GC-pressure agent jar: tools/gc-pressure/build.sh [OUT.jar] (default /tmp/gc-pressure.jar).
# Use: CKCOOP_JAVA_OPTS="-javaagent:/tmp/gc-pressure.jar=2" bin/ckcoop run ...   (System.gc() every 2 ms)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-/tmp/gc-pressure.jar}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
javac --release 17 -d "$WORK" "$HERE/GcPressureAgent.java"
printf 'Premain-Class: GcPressureAgent\n' > "$WORK/manifest.txt"
jar --create --file "$OUT" --manifest "$WORK/manifest.txt" -C "$WORK" GcPressureAgent.class
echo "$OUT"
