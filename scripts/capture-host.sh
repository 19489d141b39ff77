#!/usr/bin/env bash
# Captures, from the machine it runs on, the procfs/sysfs files nodedoc-agent reads, into DEST with the
# host's layout (DEST/proc/..., DEST/sys/...), so that `nodedoc-agent --host-root DEST` samples the copy.
# Fixture trees under test/fixtures/hosts/ are made with it (see test/fixtures/README.md).
#
# Usage: scripts/capture-host.sh DEST      (DEST must not exist or be empty)
#
# Files are copied with `cat`, not `cp`: procfs files report a size of 0 and are generated on read.
# A file the host does not have (no PSI, conntrack not loaded) is left out and listed in CAPTURED.md, so
# the tree behaves like that host does.
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 DEST" >&2
  exit 2
fi
dest=$1
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "$0: $dest exists and is not empty; refusing to mix captures" >&2
  exit 2
fi
mkdir -p "$dest"

# Every file the agent's readers open under --host-root (agent/signals/*.ts).
files=(
  /proc/stat
  /proc/loadavg
  /proc/meminfo
  /proc/vmstat
  /proc/pressure/cpu
  /proc/pressure/memory
  /proc/pressure/io
  /proc/diskstats
  /proc/uptime
  /proc/sys/kernel/pid_max
  /proc/sys/kernel/threads-max
  /proc/sys/kernel/random/boot_id
  /proc/sys/fs/file-nr
  /proc/1/mountinfo
  /proc/sys/net/netfilter/nf_conntrack_count
  /proc/sys/net/netfilter/nf_conntrack_max
  /proc/net/stat/nf_conntrack
  /etc/os-release
)

missing=()
for file in "${files[@]}"; do
  if [ -r "$file" ]; then
    mkdir -p "$dest$(dirname "$file")"
    cat "$file" >"$dest$file"
  else
    missing+=("$file")
  fi
done

# /sys/block lists whole disks (partitions live below them); the io signal only needs the names.
# Each gets a .gitkeep because git does not keep empty directories.
mkdir -p "$dest/sys/block"
for device in /sys/block/*; do
  [ -e "$device" ] || continue
  mkdir -p "$dest/sys/block/$(basename "$device")"
  : >"$dest/sys/block/$(basename "$device")/.gitkeep"
done

{
  echo "# Captured host"
  echo
  echo "- host: $(hostname)"
  echo "- os: $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")"
  echo "- kernel: $(uname -srm)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- captured by: scripts/capture-host.sh"
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "- not present on this host (left out): ${missing[*]}"
  fi
} >"$dest/CAPTURED.md"

echo "captured $((${#files[@]} - ${#missing[@]})) files into $dest"
