#!/usr/bin/env bash
# Builds the native decode kernel (packed_matmul.c) into $1/native/linux-x86_64/ for the class path; run by Maven
# (process-classes). Without Linux x86-64 or a C compiler it only warns: the service then runs the Java Vector API
# kernel alone, which is slower for steps of many rows (see README, "Benchmarks").
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)/packed_matmul.c"
out="$1/native/linux-x86_64"
lib="$out/liblorafoundry_matmul.so"
if [ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]; then
  echo "[WARNING] native kernel not built: it is for Linux x86-64, this is $(uname -s)/$(uname -m)"
  exit 0
fi
cc="${CC:-$(command -v gcc || command -v cc || true)}"
if [ -z "$cc" ]; then
  echo "[WARNING] native kernel not built: no C compiler (install gcc); the Java kernel will do all the work"
  exit 0
fi
if [ -f "$lib" ] && [ "$lib" -nt "$src" ]; then
  exit 0
fi
mkdir -p "$out"
# -mavx512f only in this file: the library checks the CPU at run time (lf_packed_matmul_supported) before use.
"$cc" -O3 -mavx512f -mfma -fPIC -shared -static-libgcc -o "$lib" "$src"
echo "[INFO] native kernel built: $lib"
