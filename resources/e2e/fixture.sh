#!/bin/bash
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# End-to-end fixture: real libvirtd + QEMU (TCG) + a busybox guest running qemu-guest-agent, with simulated
# ElastiStor volumes as raw image files on a reflink (XFS) file system. Needs root. Idempotent.
#
#   fixture.sh install   apt packages, libvirt-qemu user + qemu.conf, guest kernel, guest initramfs
#   fixture.sh start     XFS reflink store on a loop device, virtlogd + libvirtd (no systemd), fixture.env;
#                        a libvirtd that already answers on qemu:///system (one per machine) is reused, not started
#   fixture.sh status    what is running; exit 0 when the fixture is usable, 3 when not
#   fixture.sh stop      our domains (es-e2e-* booting our kernel or using our store), our daemons (by pid file,
#                        so a reused libvirtd keeps running), the mount and the loop device
#
# Work directory: $ELASTISNAP_E2E_DIR (default /var/tmp/elastisnap-e2e). Tests read $W/fixture.env.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=${ELASTISNAP_E2E_DIR:-/var/tmp/elastisnap-e2e}
URI=qemu:///system
DOMAIN_PREFIX=es-e2e-
PACKAGES=(libvirt-clients libvirt0 libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
          qemu-guest-agent busybox-static xfsprogs e2fsprogs binutils)
# load order is resolved from each module's depends= field; these are the leaves the guest needs
GUEST_MODULES=(virtio_pci virtio_blk virtio_console crc32c_generic ext4)
XFS_SIZE=${ELASTISNAP_E2E_XFS_SIZE:-20G}

RUN=$W/run
ENV_FILE=$W/fixture.env
XFS_IMAGE=$W/xfs.img
XFS_MOUNT=$W/xfs
export LIBVIRT_DEFAULT_URI=$URI

log() { echo "[fixture $(date +%T)] $*"; }
die() { echo "[fixture $(date +%T)] ERROR: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
require_root() { [ "$(id -u)" = 0 ] || die "must run as root (libvirtd, losetup, mount)"; }

# A pid file names one of our daemons only while that process is alive. libvirt writes them without a newline.
live_pid() {
  local f=$1 pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' < "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Runs a daemon without our open files beyond stdin/out/err: started under 'flock LOCK fixture.sh start', it would
# otherwise inherit the lock's descriptor and hold the lock for as long as it runs, blocking every other user of the lock.
without_inherited_fds() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
    done 2>/dev/null
    exec "$@"
  )
}

libvirt_answers() { timeout 10 virsh -c $URI version >/dev/null 2>&1; }

# ---------------------------------------------------------------- install
install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "packages already installed"; return; fi
  log "installing ${missing[*]}"
  apt-get update -qq
  # libvirt-daemon-system is left out on purpose: it pulls systemd/udev upgrades and polkit we do not need
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_libvirt() {
  # libvirt's QEMU driver resolves its compiled-in default user before it reads qemu.conf
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
  local conf=/etc/libvirt/qemu.conf
  mkdir -p /etc/libvirt; touch $conf
  grep -q '^user *=' $conf || echo 'user = "root"' >> $conf
  grep -q '^group *=' $conf || echo 'group = "root"' >> $conf
  # a private mount namespace fails in containers/chroots ("Failed disable mount propagation")
  grep -q '^namespaces *=' $conf || echo 'namespaces = [ ]' >> $conf
}

kernel_package() {
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  if [ -z "$pkg" ]; then
    apt-get update -qq
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  fi
  [ -n "$pkg" ] || die "cannot resolve the Debian guest kernel package (apt-cache depends linux-image-amd64)"
  echo "$pkg"
}

install_kernel() {
  local pkg kver root=$W/kernel/root
  pkg=$(kernel_package); kver=${pkg#linux-image-}
  if [ -f "$root/boot/vmlinuz-$kver" ] && [ -d "$root/lib/modules/$kver/kernel/fs/ext4" ]; then
    log "guest kernel $kver already extracted"; echo "$kver" > $W/kernel/kver; return
  fi
  mkdir -p $W/kernel
  ( cd $W/kernel && ls "${pkg}"_*.deb >/dev/null 2>&1 || apt-get download -qq "$pkg" 2>/dev/null ) \
    || die "apt-get download $pkg failed"
  # only vmlinuz and the modules the guest loads (about 11 MB instead of 400 MB)
  rm -rf "$root"; mkdir -p "$root"
  dpkg-deb --fsys-tarfile $W/kernel/"${pkg}"_*.deb | tar -C "$root" -x --wildcards './boot/vmlinuz-*' \
    './lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/block/virtio_blk.ko' \
    './lib/modules/*/kernel/drivers/char/virtio_console.ko' './lib/modules/*/kernel/fs/ext4/*' \
    './lib/modules/*/kernel/fs/jbd2/*' './lib/modules/*/kernel/fs/mbcache.ko' './lib/modules/*/kernel/lib/crc16.ko' \
    './lib/modules/*/kernel/crypto/crc32c_generic.ko'
  echo "$kver" > $W/kernel/kver
  log "guest kernel $kver extracted"
}

# Prints module paths (relative to the module dir) dependencies first; the deb ships no modules.dep.
module_with_deps() {
  local dir=$1 name=$2 file dep
  file=$(cd "$dir" && find . -name "$(echo "$name" | sed 's/[-_]/[-_]/g').ko" | head -1)
  [ -n "$file" ] || die "guest kernel module $name not found under $dir"
  for dep in $(strings "$dir/$file" | sed -n 's/^depends=//p' | tr ',' ' '); do module_with_deps "$dir" "$dep"; done
  echo "$file"
}

copy_binary_with_libs() {
  local root=$1 bin=$2 lib
  mkdir -p "$root$(dirname "$bin")"; cp -L "$bin" "$root$bin"
  for lib in $(ldd "$bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do
    mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
  done
}

build_initramfs() {
  local kver moddir root=$W/guest/rootfs out=$W/guest/initramfs.cpio.gz m
  kver=$(cat $W/kernel/kver); moddir=$W/kernel/root/lib/modules/$kver
  rm -rf "$root"; mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/modules,lib64,etc,proc,sys,dev,run,tmp,data}
  cp /bin/busybox "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"            # without it the kernel cannot execute /init (error -2)
  copy_binary_with_libs "$root" /usr/sbin/qemu-ga
  [ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
  for m in "${GUEST_MODULES[@]}"; do module_with_deps "$moddir" "$m"; done | awk '!seen[$0]++' > $W/guest/modules.order
  : > "$root/modules.list"
  while read -r m; do cp "$moddir/$m" "$root/lib/modules/"; basename "$m" >> "$root/modules.list"; done < $W/guest/modules.order
  install -m 0755 "$HERE/guest/init" "$root/init"
  install -m 0755 "$HERE/guest/fsfreeze-hook" "$root/etc/fsfreeze-hook"
  echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"; echo 'root:x:0:' > "$root/etc/group"
  ( cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null ) | gzip -1 > "$out.tmp"
  mv "$out.tmp" "$out"; rm -rf "$root"
  log "initramfs $out ($(du -k "$out" | cut -f1) KiB), modules: $(tr '\n' ' ' < $W/guest/modules.order | sed 's#\./[^ ]*/##g')"
}

do_install() {
  require_root
  local t=$(now_ms)
  mkdir -p $W/kernel $W/guest
  install_packages
  configure_libvirt
  install_kernel
  build_initramfs
  log "install done in $(( $(now_ms) - t )) ms"
}

# ---------------------------------------------------------------- start
reflink_works() {
  local probe=$XFS_MOUNT/.reflink-probe
  head -c 4096 /dev/zero > $probe
  if cp --reflink=always $probe $probe.copy 2>/dev/null; then rm -f $probe $probe.copy; return 0; fi
  rm -f $probe $probe.copy; return 1
}

start_storage() {
  mkdir -p $XFS_MOUNT
  if mountpoint -q $XFS_MOUNT; then log "XFS store already mounted on $XFS_MOUNT"; return; fi
  local loopdev stale
  # a run that died without 'stop' can leave our image attached; such devices are ours to reclaim
  for stale in $(losetup -j $XFS_IMAGE 2>/dev/null | cut -d: -f1); do losetup -d "$stale" && log "detached stale $stale"; done
  truncate -s "$XFS_SIZE" $XFS_IMAGE
  if mkfs.xfs -q -f -m reflink=1 $XFS_IMAGE && loopdev=$(losetup -f --show $XFS_IMAGE 2>/dev/null); then
    echo "$loopdev" > $RUN/loopdev
    if mount "$loopdev" $XFS_MOUNT; then log "XFS (reflink) on $loopdev mounted on $XFS_MOUNT"; return; fi
    losetup -d "$loopdev" || true; rm -f $RUN/loopdev
  fi
  rm -f $XFS_IMAGE
  log "WARNING ******************************************************************"
  log "WARNING loop device / XFS unavailable: $XFS_MOUNT is a PLAIN DIRECTORY."
  log "WARNING Simulated array snapshots become full copies (slow, frozen windows grow)."
  log "WARNING ******************************************************************"
}

start_daemons() {
  mkdir -p /var/log/libvirt/qemu /var/lib/libvirt/qemu /var/cache/libvirt /run/libvirt
  if ! live_pid $RUN/libvirtd.pid >/dev/null && libvirt_answers; then
    # libvirtd is one per machine: another fixture's (or the system's) serves us too, and stays when we stop
    log "reusing the libvirtd that already answers on $URI (not started here, so 'stop' leaves it running;"
    log "its QEMU must run as a user that can read $W)"
    return
  fi
  if ! live_pid $RUN/virtlogd.pid >/dev/null; then
    without_inherited_fds virtlogd -d -p $RUN/virtlogd.pid
  fi
  if live_pid $RUN/libvirtd.pid >/dev/null; then
    log "libvirtd already running (pid $(live_pid $RUN/libvirtd.pid))"
  else
    LIBVIRT_LOG_OUTPUTS="3:file:$RUN/libvirtd.log" without_inherited_fds libvirtd -d --pid-file $RUN/libvirtd.pid
  fi
  local deadline=$(( $(now_ms) + 60000 ))
  # first start probes QEMU capabilities (8-11 s); later starts take well under a second
  until libvirt_answers; do
    [ "$(now_ms)" -lt $deadline ] || die "libvirtd did not answer within 60 s, see $RUN/libvirtd.log"
    sleep 0.25
  done
}

write_env() {
  local kver reflink=false
  kver=$(cat $W/kernel/kver)
  reflink_works && reflink=true
  cat > $ENV_FILE.tmp <<EOF
# written by resources/e2e/fixture.sh start; read by the e2e tests (io.elastisnap.e2e.Fixture)
ELASTISNAP_E2E_DIR=$W
KERNEL=$W/kernel/root/boot/vmlinuz-$kver
INITRAMFS=$W/guest/initramfs.cpio.gz
XFS_MOUNT=$XFS_MOUNT
LIBVIRT_URI=$URI
REFLINK=$reflink
LOG_DIR=$W/logs
DOMAIN_PREFIX=$DOMAIN_PREFIX
EOF
  mv $ENV_FILE.tmp $ENV_FILE
}

do_start() {
  require_root
  local t=$(now_ms)
  [ -f $W/guest/initramfs.cpio.gz ] && [ -f $W/kernel/kver ] || die "not installed: run '$0 install' first"
  # an edited guest script must not silently boot the old initramfs
  if [ "$HERE/guest/init" -nt $W/guest/initramfs.cpio.gz ] || [ "$HERE/guest/fsfreeze-hook" -nt $W/guest/initramfs.cpio.gz ]; then
    build_initramfs
  fi
  mkdir -p $RUN $W/logs
  start_storage
  start_daemons
  write_env
  log "started in $(( $(now_ms) - t )) ms; env file $ENV_FILE:"
  grep -v '^#' $ENV_FILE | sed 's/^/    /'
}

# ---------------------------------------------------------------- stop
# Domains of this fixture: our prefix, and our kernel or store in their definition (a reused libvirtd may also run
# the domains of a fixture in another work directory).
our_domains() {
  local d
  for d in $(virsh -c $URI list --all --name 2>/dev/null | grep "^$DOMAIN_PREFIX" || true); do
    virsh -c $URI dumpxml "$d" 2>/dev/null | grep -q "$W/" && echo "$d"
  done
  return 0
}

stop_domains() {
  libvirt_answers || return 0
  local d
  for d in $(our_domains); do
    virsh -c $URI destroy "$d" >/dev/null 2>&1 || true
    virsh -c $URI undefine "$d" >/dev/null 2>&1 || true
    log "removed domain $d"
  done
}

stop_daemon() {
  local name=$1 file=$RUN/$1.pid pid i
  pid=$(live_pid "$file") || { rm -f "$file"; return 0; }
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then log "$name (pid $pid) ignored SIGTERM for 20 s, sending SIGKILL"; kill -9 "$pid" || true; fi
  rm -f "$file"
  log "stopped $name (pid $pid)"
}

stop_storage() {
  if mountpoint -q $XFS_MOUNT; then umount $XFS_MOUNT; log "unmounted $XFS_MOUNT"; fi
  if [ -f $RUN/loopdev ]; then
    local loopdev; loopdev=$(cat $RUN/loopdev)
    # detach only if it is still backed by our image (the number may have been reused after a reboot)
    if losetup -j $XFS_IMAGE 2>/dev/null | grep -q "^$loopdev:"; then losetup -d "$loopdev"; log "detached $loopdev"; fi
    rm -f $RUN/loopdev
  fi
  rm -f $XFS_IMAGE
}

do_stop() {
  require_root
  rm -f $ENV_FILE
  stop_domains
  stop_daemon libvirtd
  stop_daemon virtlogd
  stop_storage
  log "stopped"
}

# ---------------------------------------------------------------- status
do_status() {
  local ok=0 pid
  if pid=$(live_pid $RUN/libvirtd.pid); then
    echo "libvirtd: running (pid $pid)"
    if pid=$(live_pid $RUN/virtlogd.pid); then echo "virtlogd: running (pid $pid)"; else echo "virtlogd: not running"; ok=3; fi
  elif libvirt_answers; then echo "libvirtd: reused (answers on $URI; not started by this fixture, not stopped by it)"
  else echo "libvirtd: not running"; ok=3; fi
  if mountpoint -q $XFS_MOUNT; then echo "store: XFS on $(cat $RUN/loopdev 2>/dev/null) at $XFS_MOUNT"
  elif [ -d $XFS_MOUNT ] && [ -f $ENV_FILE ]; then echo "store: plain directory $XFS_MOUNT (no reflink)"
  else echo "store: not set up"; ok=3; fi
  if [ -f $ENV_FILE ]; then echo "env: $ENV_FILE"; else echo "env: missing"; ok=3; fi
  if libvirt_answers; then echo "domains: $(our_domains | tr '\n' ' ')"; fi
  return $ok
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
