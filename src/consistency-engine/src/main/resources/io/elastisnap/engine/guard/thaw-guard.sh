# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# ElastiSnap thaw guard: the dead man's switch of one freeze of one libvirt domain, outside the process that froze it.
# Started before the freeze as
#   bash -c "$script" elastisnap-thaw-guard VIRSH URI DOMAIN SESSION THAW_TIMEOUT_S RETRY_MS BACKOFF_MS BACKOFF_MAX_MS
# Protocol on stdin/stdout, a pipe to the orchestrating process:
#   it prints ARMED once ready;
#   FREEZE MS   the freeze call starts now: DISARM must follow within MS milliseconds; it answers WATCHING;
#   DISARM      the orchestrator confirmed the thaw (or has nothing frozen of its own): exit, touch nothing.
# End of input before FREEZE: exit without touching the guest. End of input (the orchestrator died) or any other line
# after FREEZE, or no DISARM within MS: thaw now (virsh domfsthaw), confirm by guest-fsfreeze-status, retry with
# doubling backoff for as long as the domain is paused (it stays frozen while paused) and else for RETRY_MS; exit once
# thawed, or when the domain is shut off or gone. SIGTERM (systemd stopping the unit) after FREEZE thaws first.
# Needs nothing a KVM host lacks: bash, virsh, coreutils (date, sleep, timeout).
# Log lines on stderr: "<UTC time> session=<id> event=<thawing|thawed|gone|gave-up> at-ms=<epoch ms> pid=<pid> <details>".
set -u
trap '' HUP INT PIPE
virsh=$1 uri=$2 domain=$3 session=$4 thaw_timeout_s=$5 retry_ms=$6 backoff_ms=$7 backoff_max_ms=$8

now_ms() { date +%s%3N; }
seconds() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
log() {
  local event=$1 ms
  shift
  ms=$(now_ms)
  printf '%s.%03dZ session=%s event=%s at-ms=%s pid=%d %s\n' "$(date -u -d "@$((ms / 1000))" +%Y-%m-%dT%H:%M:%S)" \
    $((ms % 1000)) "$session" "$event" "$ms" "$$" "$*" >&2
}
one_line() { printf '%s' "${1//$'\n'/ }"; }
run_virsh() { timeout -k 1 "$thaw_timeout_s" "$virsh" -c "$uri" "$@" 2>&1; }

thaw() {
  local why=$1 give_up backoff=$backoff_ms attempt=0 status state paused
  trap '' TERM   # being stopped now must not cut the thaw short
  give_up=$(($(now_ms) + retry_ms))
  log thawing "why=$why"
  while :; do
    attempt=$((attempt + 1))
    run_virsh domfsthaw "$domain" >/dev/null
    status=$(run_virsh qemu-agent-command "$domain" '{"execute":"guest-fsfreeze-status"}' --timeout "$thaw_timeout_s")
    case $status in
      *'"thawed"'*) log thawed "why=$why attempts=$attempt"; return 0 ;;
    esac
    paused=0
    if state=$(run_virsh domstate "$domain"); then
      case $state in
        paused*|pmsuspended*) paused=1 ;;
        running*|blocked*|"in shutdown"*) ;;
        *) log gone "state=$(one_line "$state") attempts=$attempt"; return 0 ;;
      esac
    else
      case $state in
        *"failed to get domain"*|*"Domain not found"*) log gone "$(one_line "$state")"; return 0 ;;
      esac
    fi
    if [ "$paused" = 1 ]; then
      give_up=$(($(now_ms) + retry_ms))   # it stays frozen while paused: try until it runs again, then the full period
    elif [ $(($(now_ms) + backoff)) -ge "$give_up" ]; then
      log gave-up "why=$why attempts=$attempt last=$(one_line "$status")"
      return 1
    fi
    sleep "$(seconds "$backoff")"
    backoff=$((backoff * 2 > backoff_max_ms ? backoff_max_ms : backoff * 2))
  done
}

frozen=0
stopped() {
  if [ "$frozen" = 1 ]; then
    thaw stopped
    exit $?
  fi
  exit 0
}
trap stopped TERM

echo ARMED
IFS= read -r line || exit 0
case $line in
  "FREEZE "*) window_ms=${line#FREEZE } ;;
  *) exit 0 ;;
esac
frozen=1
echo WATCHING
case $window_ms in
  ''|*[!0-9]*) thaw "unexpected-input"; exit $? ;;
esac
if IFS= read -r -t "$(seconds "$window_ms")" line; then
  [ "$line" = DISARM ] && exit 0
  thaw "unexpected-input"
elif [ $? -gt 128 ]; then
  thaw window-ended
else
  thaw orchestrator-gone
fi
