#!/usr/bin/env bash
# Builds a small Debian 12 installer disc, as an operator's netinst ISO would be, to check that
# a VM boots an installer from its DVD drive. Run as root.
#
#   guest/debian/installer.sh [--force]
#
# Output (${NUBE_DEBIAN_DIR:-/var/cache/nube}/debian12-installer):
#   installer.iso   hybrid ISO 9660 disc with the kernel and text-mode initrd of Debian's netboot
#                   installer (package debian-installer-12-netboot-amd64), bootable by the BIOS
#                   (ISOLINUX) and by UEFI with Secure Boot on or off (Debian's signed shim and
#                   GRUB); the installer talks on the serial console (console=tty0 console=ttyS0).
#                   Unlike the netinst disc it holds no packages: past its first dialogs it would
#                   fetch the rest of the installer and the system from a mirror
#   manifest.json   {"packages": {name: version}, "key"}
#
# The disc is made by guest/lib/disks.sh's write_iso, as the test guest's guest.iso is. The .debs
# are kept in the output folder; the cache key hashes this script, guest/lib/disks.sh and the
# packages' candidate versions, and a build with the same key is skipped.
#
# Progress goes to stderr; stdout gets the output folder.
set -euo pipefail

# shellcheck source=/dev/null
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../lib/usage.sh"
parse_force_flag "$0" "$@"

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
GUEST_SRC=$(dirname "$(dirname "$SCRIPT")")
OUT=$(realpath -m "${NUBE_DEBIAN_DIR:-/var/cache/nube}")/debian12-installer
WORK=$OUT/work
PACKAGES=(debian-installer-12-netboot-amd64 shim-signed grub-efi-amd64-signed)
# The netboot installer's text frontend (the gtk one needs a graphical console).
IMAGES=usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64

log() { echo "[installer] $*" >&2; }
die() { echo "[installer] error: $*" >&2; exit 1; }

# shellcheck source=../lib/disks.sh
source "$GUEST_SRC/lib/disks.sh"

versions() { apt-cache policy "${PACKAGES[@]}" | awk '/^[^ ]/ { sub(":", "", $1); name = $1 } /Candidate:/ { print name, $2 }'; }

deb() { compgen -G "$OUT/debs/${1}_*.deb" | head -n1; }

main() {
    [[ $(id -u) == 0 ]] || die "must run as root (apt-get)"
    command -v xorriso >/dev/null || die "xorriso is missing: scripts/install-deps.sh installs it"
    mkdir -p "$OUT"
    exec 9> "$OUT/.lock"
    flock 9
    local list key
    list=$(versions)
    [[ $(wc -l <<< "$list") == "${#PACKAGES[@]}" && $list != *"(none)"* ]] || die "no candidate for one of ${PACKAGES[*]}: $list"
    key=$({ cat "$SCRIPT" "$GUEST_SRC/lib/disks.sh"; echo "$list"; } | sha256sum | cut -d' ' -f1)
    if ((FORCE == 0)) && [[ -s $OUT/installer.iso ]] && grep -q "\"key\": \"$key\"" "$OUT/manifest.json" 2>/dev/null; then
        log "installer disc is up to date"
        echo "$OUT"
        return 0
    fi

    rm -rf "$WORK"
    mkdir -p "$WORK/tree" "$OUT/debs"
    log "downloading ${PACKAGES[*]}"
    rm -f "$OUT"/debs/*.deb
    # shellcheck disable=SC2046 # one name=version word a package
    (cd "$OUT/debs" && apt-get download -qq -o APT::Sandbox::User=root $(sed 's/ /=/' <<< "$list") >&2) \
        || die "apt-get download failed"
    dpkg-deb -x "$(deb debian-installer-12-netboot-amd64)" "$WORK/tree"
    [[ -s $WORK/tree/$IMAGES/linux && -s $WORK/tree/$IMAGES/initrd.gz ]] || die "no $IMAGES/{linux,initrd.gz} in the installer package"
    SOURCE_EPOCH=$(stat -c %Y "$WORK/tree/$IMAGES/linux")
    write_iso "$WORK/tree/$IMAGES/linux" "$WORK/tree/$IMAGES/initrd.gz" "$(deb shim-signed)" "$(deb grub-efi-amd64-signed)" "$WORK/installer.iso"
    mv -f "$WORK/installer.iso" "$OUT/"
    { echo "{"; echo "  \"packages\": {"
      awk '{ printf "%s    \"%s\": \"%s\"", (NR > 1 ? ",\n" : ""), $1, $2 } END { print "" }' <<< "$list"
      echo "  },"; echo "  \"key\": \"$key\""; echo "}"; } > "$OUT/manifest.json"
    rm -rf "$WORK"
    echo "$OUT"
}

main
