#!/usr/bin/env bash
# The main job: builds the demo and runs it on a real QEMU guest with qemu-guest-agent (the e2e fixture, installed
# and started here and stopped on exit unless it was already running): the guest's writes stop while it is frozen,
# the frozen window, each snapshot's file system clean, then list -> rollback (both guards) -> delete.
#   demo.sh                 the real guest (root, to start the fixture)
#   demo.sh --test-driver   libvirt's test driver instead: no fixture, and no guest is frozen
# Maven honours MAVEN_OPTS (e.g. MAVEN_OPTS=-Dmaven.repo.local=DIR); ELASTISNAP_E2E_DIR moves the fixture.
set -euo pipefail
cd "$(dirname "$0")/../.."
. resources/scripts/common.sh

finish() {
    local rc=$?
    stop_fixture_if_started
    echo "demo.sh: exit $rc, wall time $((SECONDS / 60)) min $((SECONDS % 60)) s"
}
trap finish EXIT

ensure_build_tools
ensure_packages libvirt0 e2fsprogs
build_log=$(mktemp /tmp/elastisnap-demo-build.XXXXXX)
echo "building the demo: mvn -B -q -DskipTests -pl src/demo -am install"
# Maven 3.8 writes terminal reset codes to stdout even with -B; its output stays in a file unless the build fails
if ! mvn -B -q -DskipTests -pl src/demo -am install >"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "error: the build failed (output above, kept in $build_log)" >&2
    exit 1
fi
rm -f "$build_log"

case " $* " in
    *" --test-driver "*|*" --help "*|*" -h "*) ;;
    *) start_fixture_unless_running ;;
esac
java -jar src/demo/target/elastisnap-demo.jar "$@"
