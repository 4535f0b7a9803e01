# Shared by the README's commands. Sourced, not executed.
# Installs missing Debian packages (the commands run as root on a fresh Debian 12 machine).

ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: packages missing: ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
        return 1
    fi
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# JDK 17 and Maven build the project (bytecode stays Java 11 for CloudStack).
ensure_build_tools() {
    local need=()
    command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || need+=(maven)
    [ ${#need[@]} -eq 0 ] || ensure_packages "${need[@]}"
}

# The simulator's real iSCSI target (IscsiTargetTest, the CHAP e2e): Debian's user-space target tgt, and qemu's
# built-in libiscsi initiator (qemu-block-extra) with libiscsi's tools to read its LUNs.
ensure_iscsi_tools() {
    ensure_packages tgt qemu-block-extra libiscsi-bin
}

# The real-guest fixture (resources/e2e/fixture.sh: libvirtd, QEMU, a guest with qemu-guest-agent). One that is
# already running (in $ELASTISNAP_E2E_DIR, default /var/tmp/elastisnap-e2e) is used and left running; otherwise it is
# installed and started here, and stop_fixture_if_started (call it from an EXIT trap) stops it again.
FIXTURE_STARTED=
start_fixture_unless_running() {
    if resources/e2e/fixture.sh status >/dev/null 2>&1; then
        echo "using the real-guest fixture already running in ${ELASTISNAP_E2E_DIR:-/var/tmp/elastisnap-e2e} (left running)"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: the real-guest fixture is not running and only root can start it (libvirtd, a loop device) — fix: run as root" >&2
        return 1
    fi
    resources/e2e/fixture.sh install
    FIXTURE_STARTED=1   # before start: a start that fails half-way is stopped too
    resources/e2e/fixture.sh start
}

stop_fixture_if_started() {
    if [ -n "$FIXTURE_STARTED" ]; then
        resources/e2e/fixture.sh stop
    fi
}
