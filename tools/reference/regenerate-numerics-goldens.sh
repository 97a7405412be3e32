#!/usr/bin/env bash
# Rewrites src/test/resources/golden/numerics/<fixture>.json: the Java writer builds each fixture model
# (the same deterministic files the tests build), then the independent numpy reference computes the goldens.
# Needs python3 with numpy. Run from anywhere; takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="$(bin/java-home)"
mvn -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
models=target/numerics-fixtures
rm -rf "$models"
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.lorafoundry.model.NumericsFixtures "$models"
python3 tools/reference/make_numerics_goldens.py --models "$models" \
  --fixtures src/test/resources/golden/numerics/fixtures.json --out src/test/resources/golden/numerics
