#!/bin/sh
# deps.sh - installs the Debian packages Cairn needs that are missing.
# Run by `make run` and `make test` (as root on a fresh Debian 12 machine);
# does nothing when everything is present. The README says why each is here.
set -eu

PACKAGES="make gcc binutils python3 clang libclang-rt-14-dev \
qemu-system-x86 ovmf grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools \
console-setup-linux gdb musl-tools"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: not root; run as root or install these packages:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
