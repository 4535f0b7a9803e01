#!/usr/bin/env bash
# The main job: builds the operator CLI and runs the embedded demo — an ElastiCenter simulator on loopback and real
# libvirt (the libvirt test driver, or the end-to-end QEMU guest when resources/e2e/fixture.sh has started it) —
# through create -> list -> rollback -> delete.
set -euo pipefail
cd "$(dirname "$0")/../.."
. resources/scripts/common.sh
ensure_build_tools
ensure_packages libvirt0
mvn -B -q -DskipTests -pl src/demo -am install
exec java -jar src/demo/target/elastisnap-demo.jar "$@"
