#!/usr/bin/env bash
# Rewrites src/test/resources/golden/lora/<fixture>.json: the Java writers build each fixture (a numerics base model
# plus a random PEFT LoRA adapter, the same deterministic files the tests build), then the independent numpy
# reference computes the goldens. Needs python3 with numpy. Run from anywhere; takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="$(bin/java-home)"
classpath_file=target/test-classpath.txt
if ! mvn -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.outputFile="$classpath_file" >/dev/null 2>&1; then
  # Offline without the dependency plugin's own dependencies: take the test classpath Maven prints in debug mode.
  mvn -B -ntp -o -X test-compile 2>/dev/null | sed -n 's/^\[DEBUG\]   (f) testPath = \[\(.*\)\]$/\1/p' | head -1 \
    | sed 's/, /:/g' > "$classpath_file"
fi
[ -s "$classpath_file" ] || { echo "could not determine the test classpath" >&2; exit 1; }
models=target/lora-fixtures
rm -rf "$models"
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  dev.lorafoundry.adapter.LoraFixtures "$models"
python3 tools/reference/make_lora_goldens.py --models "$models" \
  --fixtures src/test/resources/golden/lora/fixtures.json --out src/test/resources/golden/lora
