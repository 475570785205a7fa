#!/usr/bin/env bash
# Runs the load driver with a JDK >= 21, building load-tests (and what it needs) first when its
# sources changed. Every argument goes to the driver; see README.md or `./run.sh --help`.
#
#   load-tests/run.sh --scenario seq10 --concurrency 4 --duration 60s --warmup 30s
#
# Runs in load-tests/: results go to load-tests/target/loadtest/<scenario>-<timestamp>, and a
# relative --out is relative to load-tests/.
#
# When --engine names anything but gregor (a peer such as littlehorse, or two engines to compare),
# it builds and runs with the root pom's `peer` profile instead: the driver plus
# load-tests-littlehorse on the class path, and the LittleHorse server's own class path (resolved by
# load-tests-littlehorse/lh-server) for the server process it starts, on a Java >= 25.
#
#   load-tests/run.sh --engine littlehorse --scenario seq10 --concurrency 16
#   load-tests/run.sh --engine gregor,littlehorse --rounds 2     # the comparison of issue 3
#
# With `chaos` first, it runs the fault harness instead of the driver (README.md, "Fault harness"):
#
#   load-tests/run.sh chaos --scenarios orchestrator-kill,broker-kill --workflows 300 --rate 8
#
# Environment: JAVA_HOME (used if it is >= 21), LOADTEST_HEAP (default 2g), LOADTEST_JAVA_OPTS,
# MVN (default mvn), LOADTEST_ALSO_MAKE (default -am: build the sibling modules from source; set it
# empty to take them from ~/.m2), LOADTEST_REBUILD=1 to force the build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

# A peer engine lives in a module of the `peer` profile only; pick the module whose class path to run.
peer=false
previous=""
for arg in "$@"; do
  if [ "$previous" = "--engine" ] && [ "$arg" != "gregor" ]; then
    peer=true
  fi
  previous="$arg"
done
if [ "$peer" = true ]; then
  module_dir="$root/load-tests-littlehorse"
  build_modules="load-tests-littlehorse/lh-server,load-tests-littlehorse"
  build_profile="-Ppeer"
else
  module_dir="$here"
  build_modules="load-tests"
  build_profile=""
fi
classpath_file="$module_dir/target/classpath.txt"

# The feature version of a JDK home (21 for 21.0.5), from its release file or `java -version`.
feature_version() {
  local v=""
  if [ -f "$1/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  fi
  if [ -z "$v" ]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
  fi
  [ "$v" = "1" ] && v=8 # "1.8.0": anything before 9 is too old anyway
  echo "${v:-0}"
}

# JAVA_HOME if it is new enough, else the newest JDK >= 21 under /usr/lib/jvm (the default java may be older).
find_java_home() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(feature_version "$JAVA_HOME")" -ge 21 ]; then
    echo "$JAVA_HOME"
    return
  fi
  local best="" best_version=0 home version
  for home in /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] || continue
    version="$(feature_version "$home")"
    if [ "$version" -ge 21 ] && [ "$version" -gt "$best_version" ]; then
      best="$home"
      best_version="$version"
    fi
  done
  if [ -z "$best" ]; then
    echo "run.sh: expected a JDK >= 21 in JAVA_HOME or under /usr/lib/jvm, but found none" >&2
    exit 1
  fi
  echo "$best"
}

needs_build() {
  [ "${LOADTEST_REBUILD:-0}" = 1 ] && return 0
  [ -f "$classpath_file" ] || return 0
  if [ "$peer" = true ]; then
    [ -f "$root/load-tests-littlehorse/lh-server/target/lh-server-classpath.txt" ] || return 0
  fi
  [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/*/pom.xml "$root"/*/src/main -newer "$classpath_file" -print -quit 2>/dev/null)" ]
}

java_home="$(find_java_home)"
if needs_build; then
  echo "run.sh: building $build_modules..." >&2
  # shellcheck disable=SC2086 # MVN, LOADTEST_ALSO_MAKE and build_profile may hold several words or none
  (cd "$root" && ${MVN:-mvn} -q -B -Dstyle.color=never $build_profile -pl "$build_modules" ${LOADTEST_ALSO_MAKE--am} \
      -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
  touch "$classpath_file" # the plugin leaves an unchanged file alone, and its age is what says the build is current
fi

main_class=io.gregor.loadtest.LoadDriver
if [ "${1:-}" = chaos ]; then
  main_class=io.gregor.loadtest.chaos.ChaosMain
  shift
fi

apicurio_home="${GREGOR_APICURIO_HOME:-$(ls -d "$root"/target/apicurio-registry-* 2>/dev/null | head -n 1)}"
cd "$here"
# shellcheck disable=SC2086 # LOADTEST_JAVA_OPTS holds several options
exec "$java_home/bin/java" --enable-native-access=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED -Xmx"${LOADTEST_HEAP:-2g}" \
    -Dgregor.apicurio.home="$apicurio_home" \
    -Dgregor.littlehorse.server.classpath="$root/load-tests-littlehorse/lh-server/target/lh-server-classpath.txt" \
    ${LOADTEST_JAVA_OPTS:-} -cp "$module_dir/target/classes:$(cat "$classpath_file")" "$main_class" "$@"
