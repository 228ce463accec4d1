#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu): install a
# JDK 17 or newer if there is none, then build vmlab, which fetches Maven and every plugin and
# dependency into ~/.m2, so that grading a submission downloads nothing (run_autograder builds
# offline).
#
# Overridable for a local try: AUTOGRADER_ROOT (default /autograder), VMLAB_MAVEN_FLAGS (say -o).
set -euo pipefail
source_dir="${AUTOGRADER_ROOT:-/autograder}/source"
tree="$source_dir/vmlab"

java_version() {
  local java="java"
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; fi
  "$java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

if [ "$(java_version || true)" = "" ] || [ "$(java_version)" -lt 17 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless
fi
echo "setup: $(java -version 2>&1 | head -n 1)"

# The zip does not keep file modes.
chmod +x "$source_dir/run_autograder" "$tree/mvnw" "$tree/vmlab"

cd "$tree"
# shellcheck disable=SC2086
./mvnw -B -q ${VMLAB_MAVEN_FLAGS:-} -DskipTests package -pl cli,labs -am
echo "setup: vmlab built in $tree"
