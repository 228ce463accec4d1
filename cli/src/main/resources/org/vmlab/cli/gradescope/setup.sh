#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu): install a
# JDK 17 or newer if there is none, create the unprivileged user the tests run as, then build
# vmlab, which fetches Maven and every plugin and dependency into a Maven repository beside the
# tree (source/m2), so that grading a submission downloads nothing (run_autograder builds
# offline, with the same repository).
#
# Overridable for a local try: AUTOGRADER_ROOT (default /autograder), VMLAB_MAVEN_FLAGS (say -o),
# VMLAB_TEST_USER (an existing user to run the tests as, instead of creating vmlab-student).
set -euo pipefail
# What this writes must be readable by the test user.
umask 022
source_dir="${AUTOGRADER_ROOT:-/autograder}/source"
tree="$source_dir/vmlab"
# The test JVM reads its jars (JUnit, the grader's) from this repository, as the test user:
# root's own ~/.m2 is not readable by others.
m2="$source_dir/m2"

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

# The user the tests run as: the submission's code runs as nobody who can write the grader's
# files or its reports. A system user, with no home and no login shell.
if [ -n "${VMLAB_TEST_USER:-}" ]; then
  id "$VMLAB_TEST_USER" > /dev/null || { echo "setup: no user $VMLAB_TEST_USER (VMLAB_TEST_USER)" >&2; exit 1; }
  echo "setup: the tests will run as $VMLAB_TEST_USER"
elif [ "$(id -u)" -ne 0 ]; then
  echo "setup: not root, so no test user is created (the tests will run as $(id -un))"
elif id vmlab-student > /dev/null 2>&1; then
  echo "setup: the tests will run as vmlab-student"
else
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vmlab-student
  echo "setup: created the test user vmlab-student"
fi

cd "$tree"
mkdir -p "$m2"
# shellcheck disable=SC2086
./mvnw -B -q ${VMLAB_MAVEN_FLAGS:-} -Dmaven.repo.local="$m2" -DskipTests package -pl cli,labs -am
# Readable (not writable) by the test user, the whole way down: the tree is copied for every
# submission, and the repository is on the test JVM's class path.
chmod -R a+rX,go-w "$source_dir"
echo "setup: vmlab built in $tree"
