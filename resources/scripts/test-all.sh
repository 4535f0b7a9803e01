#!/usr/bin/env bash
# The whole test suite: unit and integration tests of every module, plus the end-to-end tests on a real libvirtd +
# QEMU guest + qemu-guest-agent (installed and started here, stopped on exit). Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/../.."
. resources/scripts/common.sh
ensure_build_tools
resources/e2e/fixture.sh install
trap 'resources/e2e/fixture.sh stop' EXIT
resources/e2e/fixture.sh start
mvn -B verify -Delastisnap.e2e=true "$@"
