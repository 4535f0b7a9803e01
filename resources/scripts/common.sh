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
