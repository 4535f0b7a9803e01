#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
# Times createStorageSnapshot of a 10 GiB sparse volume with 2 GiB written on an XFS loop mount WITH reflink and on
# one WITHOUT reflink. Needs root, xfsprogs and the standalone jar (mvn -pl src/elasticenter-simulator install). Cleans up after.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$(ls "$here"/target/elastisnap-elasticenter-simulator-*-standalone.jar | head -n1)"
work="$(mktemp -d /var/tmp/elastisnap-measure.XXXXXX)"
loops=()
cleanup() {
    for mountpoint in "$work"/mnt-*; do
        mountpoint -q "$mountpoint" && umount "$mountpoint"
    done
    for loop in "${loops[@]}"; do
        losetup -d "$loop" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
for mode in 1 0; do
    truncate -s 16G "$work/xfs-reflink$mode.img"
    mkfs.xfs -q -m reflink=$mode "$work/xfs-reflink$mode.img"
    loop="$(losetup -f --show "$work/xfs-reflink$mode.img")"
    loops+=("$loop")
    mkdir "$work/mnt-reflink$mode"
    mount "$loop" "$work/mnt-reflink$mode"
done
java -cp "$jar" io.elastisnap.simulator.SnapshotCopyMeasurement "$@" "$work/mnt-reflink1" "$work/mnt-reflink0"
