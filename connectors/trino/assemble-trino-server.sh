#!/usr/bin/env bash
# Assembles a Trino server of a version for which Maven Central has no server tarball (Trino
# publishes trino-server-core only up to 476; trino-main and the plugins as jars after that), so
# that the tests and benchmarks can run against it:
#
#   connectors/trino/assemble-trino-server.sh 483 /tmp/trino-483
#   mvn -B verify -Pbench -DskipITs -pl conformance-tests -am -Dtest=TpchBench \
#       -Dsurefire.failIfNoSpecifiedTests=false -Dbench.nearest=true \
#       -Dasof.trino.server.dir=/tmp/trino-483 -Dasof.trino.plugin.dir=/tmp/trino-483/plugin
#
# Layout written under DIR: lib/ (trino-main, its runtime dependencies, and the small
# io.trino.server.TrinoServer entry point the tarball would carry), plugin/memory and plugin/tpch
# (each plugin jar, its dependencies, and the META-INF/services entry the plugin packaging adds).
# Needs Maven with access to Maven Central and a JDK >= 24 (TRINO_JAVA_HOME, else the newest
# under /usr/lib/jvm) to compile the entry point.
set -euo pipefail

version=${1:?usage: assemble-trino-server.sh VERSION DIR}
dir=${2:?usage: assemble-trino-server.sh VERSION DIR}
# the JDK with the highest major version under /usr/lib/jvm (by its release file), unless given
newest_jdk() {
    local best="" best_major=0 d major
    for d in /usr/lib/jvm/*/; do
        major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release" 2>/dev/null || true)
        if [[ -n "$major" && "$major" -gt "$best_major" ]]; then
            best=$d best_major=$major
        fi
    done
    echo "$best"
}
java_home=${TRINO_JAVA_HOME:-$(newest_jdk)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir/lib" "$dir/plugin"

# copy ARTIFACT's runtime dependency closure (the artifact included) into TARGET
copy() {
    local artifact=$1 target=$2
    mkdir -p "$work/$artifact"
    cat > "$work/$artifact/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.assemble</groupId>
  <artifactId>$artifact-closure</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.trino</groupId><artifactId>$artifact</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
    mvn -B -q -f "$work/$artifact/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$target"
}

copy trino-main "$dir/lib"

# The entry point trino-server-main would carry (not published for these versions).
mkdir -p "$work/main/src/io/trino/server" "$work/main/classes"
cat > "$work/main/src/io/trino/server/TrinoServer.java" <<EOF
package io.trino.server;

public final class TrinoServer {
    public static void main(String[] args) {
        new Server().start("$version");
    }
}
EOF
"$java_home/bin/javac" -cp "$dir/lib/*" -d "$work/main/classes" "$work/main/src/io/trino/server/TrinoServer.java"
"$java_home/bin/jar" cf "$dir/lib/trino-server-main-$version.jar" -C "$work/main/classes" io

for plugin in memory:io.trino.plugin.memory.MemoryPlugin tpch:io.trino.plugin.tpch.TpchPlugin; do
    name=${plugin%%:*}
    class=${plugin#*:}
    copy "trino-$name" "$dir/plugin/$name"
    mkdir -p "$work/services-$name/META-INF/services"
    echo "$class" > "$work/services-$name/META-INF/services/io.trino.spi.Plugin"
    "$java_home/bin/jar" cf "$dir/plugin/$name/trino-$name-services.jar" -C "$work/services-$name" META-INF
done
echo "Trino $version assembled under $dir"
