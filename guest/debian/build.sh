#!/usr/bin/env bash
# Builds two real Debian 12 guests with debootstrap, as a new user would make them, for the tests
# that need a real systemd guest (shutdown through its agent, with and without D-Bus). Run as root.
#
#   guest/debian/build.sh [--force]
#
# Output (${NUBE_DEBIAN_DIR:-/var/cache/nube}/debian12-minimal and .../debian12-dbus):
#   vmlinuz, initrd.img   Debian's kernel and initramfs, from the guest's /boot
#   root.img              the root file system: raw ext4 (2 GiB, sparse), made with mkfs.ext4 -d.
#                         Boot it with --kernel vmlinuz --initrd initrd.img
#                         --append "root=/dev/sda rw console=ttyS0" and the image (better: a qcow2
#                         overlay of it) on SCSI 0:0 (--scsi-disk)
#   manifest.json         {"kernelVersion", "packages": {name: version}, "key"}
#
# minimal: debootstrap --variant=minbase --include=systemd-sysv,udev,qemu-guest-agent,linux-image-amd64.
#          No D-Bus, so no logind: qemu-ga's guest-shutdown (shutdown -P +0) fails, and systemd
#          ignores the ACPI power button.
# dbus:    the same tree plus dbus and libpam-systemd (apt-get install in it), as the issue's user
#          made it; both guest-shutdown and the power button work.
# In both, qemu-guest-agent starts from its udev rule when the VM's org.qemu.guest_agent.0 port
# appears, root's password is locked, and the getty on ttyS0 (console=ttyS0) logs root in by
# itself: the tests look inside the guest through the VM's serial console, which Nube serves only
# to an authenticated caller (a user's own guest would keep a password there).
#
# Packages come from the mirror of the machine's apt sources, suite bookworm only (what debootstrap
# installs); the .debs are kept in $NUBE_DEBIAN_DIR/debian12-debs for rebuilds. The cache key hashes
# this script and each guest's package versions as the host's apt lists give them for bookworm;
# a build whose key has not changed is skipped.
#
# Progress goes to stderr; stdout gets the two output folders, one a line.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin # debootstrap, chroot, mkfs.ext4

START_SECONDS=$SECONDS
# shellcheck source=/dev/null
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../lib/usage.sh"
parse_force_flag "$0" "$@"

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
# shellcheck source=../../scripts/lib/debian-mirror.sh
. "$(dirname "$SCRIPT")/../../scripts/lib/debian-mirror.sh"

CACHE=$(realpath -m "${NUBE_DEBIAN_DIR:-/var/cache/nube}")
DEBS=$CACHE/debian12-debs
WORK=$CACHE/debian12-work
TREE=$WORK/root
VARIANTS=(minimal dbus)
INCLUDE=systemd-sysv,udev,qemu-guest-agent,linux-image-amd64
DBUS_PACKAGES=(dbus libpam-systemd)
# Room for the guest to write in (its journal, a test's files): the tree is about 700 MiB.
IMAGE_SIZE=2G

log() { echo "[debian12] $*" >&2; }
die() { echo "[debian12] error: $*" >&2; exit 1; }

out_dir() { echo "$CACHE/debian12-$1"; }

# Reads package names on stdin; prints "name version" for each that the host's apt lists have in
# bookworm itself (not its updates or backports), sorted.
bookworm_versions() {
    xargs -r apt-cache madison 2>/dev/null |
        awk -F'|' '$3 ~ / bookworm\/main / && $3 ~ /Packages *$/ {
            gsub(/ /, "", $1); gsub(/ /, "", $2); if (!seen[$1]++) print $1, $2 }' | sort
}

compute_key() { # stdin: package names
    { sha256sum < "$SCRIPT" | cut -d' ' -f1; bookworm_versions; } | sha256sum | cut -d' ' -f1
}

manifest_packages() { sed -n '/"packages"/,/}/p' "$1" | sed -nE 's/^ *"([^"]+)": "([^"]+)",?$/\1/p'; }

manifest_key() { sed -nE 's/^ *"key": "([0-9a-f]+)".*/\1/p' "$1"; }

up_to_date() { # $1: variant
    local dir f
    dir=$(out_dir "$1")
    for f in vmlinuz initrd.img root.img manifest.json; do [[ -s $dir/$f ]] || return 1; done
    [[ $(manifest_packages "$dir/manifest.json" | compute_key) == "$(manifest_key "$dir/manifest.json")" ]]
}

# Undoes what a build interrupted half-way left mounted in the tree (debootstrap mounts /proc and
# /sys there while it runs), then removes the work folder.
clean_work() {
    local m
    for m in $(findmnt -rn -o TARGET | grep -F "$WORK/" | sort -r || true); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
    rm -rf --one-file-system "$WORK"
}

run_logged() { # $1: step name, then the command; its output goes to a log, kept when it fails
    local name=$1 logfile=$WORK/step.log
    shift
    if ! "$@" > "$logfile" 2>&1; then
        tail -n 30 "$logfile" >&2
        cp "$logfile" "$CACHE/debian12-last-failure.log"
        die "$name failed (log: $CACHE/debian12-last-failure.log)"
    fi
}

# The settings a new user gives a debootstrapped root before booting it.
configure_tree() {
    printf '/dev/sda / ext4 errors=remount-ro 0 1\n' > "$TREE/etc/fstab"
    local dropin=$TREE/etc/systemd/system/serial-getty@ttyS0.service.d
    mkdir -p "$dropin"
    printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 %%I $TERM\n' > "$dropin/autologin.conf"
}

# Writes one variant's kernel, initramfs, root image and manifest, and puts them in place.
finish_variant() { # $1: variant
    local variant=$1 host=debian12-$1 kver staged
    staged=$WORK/$variant
    mkdir -p "$staged"
    echo "$host" > "$TREE/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$host" > "$TREE/etc/hosts"
    # What apt-get clean removes: the downloaded .debs are kept in $DEBS instead.
    rm -f "$TREE"/var/cache/apt/archives/*.deb "$TREE"/var/cache/apt/*.bin
    kver=$(basename "$(compgen -G "$TREE/boot/vmlinuz-*" | sort -V | tail -n1)")
    kver=${kver#vmlinuz-}
    [[ -n $kver && -s $TREE/boot/initrd.img-$kver ]] || die "no kernel and initramfs in the guest's /boot"
    cp "$TREE/boot/vmlinuz-$kver" "$staged/vmlinuz"
    cp "$TREE/boot/initrd.img-$kver" "$staged/initrd.img"
    run_logged "mkfs.ext4 ($variant)" mkfs.ext4 -q -F -L root -d "$TREE" "$staged/root.img" "$IMAGE_SIZE"
    write_manifest "$kver" > "$staged/manifest.json"
    rm -rf "$(out_dir "$variant")"
    mv "$staged" "$(out_dir "$variant")"
    log "$variant: kernel $kver, $(du -m "$(out_dir "$variant")/root.img" | cut -f1) MiB in root.img"
}

write_manifest() { # $1: kernel version
    local packages
    packages=$(dpkg-query --admindir="$TREE/var/lib/dpkg" -W -f '${Package} ${Version}\n' | sort)
    echo "{"
    echo "  \"kernelVersion\": \"$1\","
    echo "  \"packages\": {"
    awk '{ printf "%s    \"%s\": \"%s\"", (NR > 1 ? ",\n" : ""), $1, $2 } END { print "" }' <<< "$packages"
    echo "  },"
    echo "  \"key\": \"$(cut -d' ' -f1 <<< "$packages" | compute_key)\""
    echo "}"
}

main() {
    [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot)"
    command -v debootstrap >/dev/null || die "debootstrap is missing: scripts/install-deps.sh installs it"
    command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 is missing: scripts/install-deps.sh installs e2fsprogs"
    mkdir -p "$CACHE" "$DEBS"
    exec 9> "$CACHE/.debian12.lock"
    flock 9

    local variant stale=$FORCE
    for variant in "${VARIANTS[@]}"; do up_to_date "$variant" || stale=1; done
    if ((stale == 0)); then
        log "guests are up to date"
        for variant in "${VARIANTS[@]}"; do out_dir "$variant"; done
        return 0
    fi

    local mirror
    mirror=$(debian_mirror)
    [[ -n $mirror ]] || die "no Debian mirror in the machine's apt sources (/etc/apt/sources.list*)"
    clean_work
    mkdir -p "$WORK"
    trap clean_work EXIT

    log "debootstrap bookworm (minbase, $INCLUDE) from $mirror"
    run_logged debootstrap debootstrap --variant=minbase --cache-dir="$DEBS" --include="$INCLUDE" bookworm "$TREE" "$mirror"
    configure_tree
    finish_variant minimal

    log "adding ${DBUS_PACKAGES[*]}"
    run_logged "apt-get install" chroot "$TREE" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${DBUS_PACKAGES[@]}"
    finish_variant dbus

    log "done in $((SECONDS - START_SECONDS)) s"
    for variant in "${VARIANTS[@]}"; do out_dir "$variant"; done
}

main
