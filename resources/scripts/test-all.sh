#!/usr/bin/env bash
# The whole test suite: unit and integration tests of every module, plus the end-to-end tests on a real libvirtd +
# QEMU guest + qemu-guest-agent (installed and started here and stopped on exit, unless it was already running).
# Run as root on Debian 12. Maven honours MAVEN_OPTS (e.g. MAVEN_OPTS=-Dmaven.repo.local=DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
. resources/scripts/common.sh
ensure_build_tools
ensure_iscsi_tools
trap stop_fixture_if_started EXIT
start_fixture_unless_running
mvn -B verify -Delastisnap.e2e=true "$@"
