#!/usr/bin/env bash
# Builds Nube's Linux test guest from Debian packages.
#
#   guest/build.sh [--force]
#
# Output (${NUBE_GUEST_DIR:-/var/cache/nube/guest}):
#   vmlinux        uncompressed kernel (PVH entry): qemu -kernel vmlinux -initrd initrd.img
#   initrd.img     busybox initramfs (cpio newc, uncompressed) with modules, qemu-ga, iperf3 and
#                  fio (fio and its ~70 MiB of libraries are unpacked into /run on its first
#                  run, ~3.5 s under TCG; so the guest boots in 208 MiB, and fio runs in 256)
#   data.img       raw 64 MiB ext4 disk holding /nube-disk-marker ("nube-test-disk")
#   boot.img       raw BIOS-bootable disk (MBR, FAT16, SYSLINUX) with the compressed kernel and
#                  the same initrd, for generation 1 VMs that boot from IDE 0:0
#                  (console=tty0 console=ttyS0)
#   efi.img        raw UEFI-bootable disk (GPT, EFI System Partition) with Debian's signed shim,
#                  GRUB and kernel and the same initrd, for generation 2 VMs with Secure Boot on
#                  or off (console=tty0 console=ttyS0)
#   guest.iso      hybrid ISO 9660 disc with the compressed kernel and the same initrd, bootable on
#                  a DVD drive as an installer disc is: BIOS El Torito with ISOLINUX (generation 1,
#                  IDE), UEFI El Torito with the signed shim and GRUB of efi.img (generation 2,
#                  SCSI; Secure Boot on or off); made with xorriso (console=tty0 console=ttyS0)
#   manifest.json  {"kernelVersion", "packages": {name: version}, "key"}
#
# Packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x` into a work
# folder; nothing is installed on the host except missing build tools. The .deb files are
# kept in $NUBE_GUEST_DIR/debs for rebuilds. The cache key hashes the candidate versions of
# every package used plus this script and guest/lib/*.sh; a build with the same key is skipped.
#
# Guest behaviour (see write_init in guest/lib/rootfs.sh): modules loaded, /dev/virtio-ports/NAME links,
# busybox acpid (power button -> poweroff; not with nube.acpi=ignore), qemu-ga on org.qemu.guest_agent.0
# (restarted when it exits, unless /run/nube-agent.hold exists), one line
# "NUBE-GUEST-READY <kernel version>" on the console, and with nube.counter=1 on the kernel
# command line "NUBE-COUNTER <n>" (n = 1, 2, ...) every second; with nube.dhcp=1, a DHCP client
# (udhcpc) on every Ethernet interface that applies the address, route and DNS. Pressing Enter on the console
# starts a shell. The display (the VM's VGA or virtio-gpu, through its DRM driver and fbcon)
# shows a banner and a root shell on tty1, no login; the kernel's messages go there too with
# console=tty0 (given before console=ttyS0, so that /dev/console stays the serial line).
#
# Progress goes to stderr; the last line on stdout is the output folder.
set -euo pipefail

START_SECONDS=$SECONDS
# shellcheck source=/dev/null
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib/usage.sh"
parse_force_flag "$0" "$@"

OUT=$(realpath -m "${NUBE_GUEST_DIR:-/var/cache/nube/guest}")
WORK=$OUT/work
DEBS=$OUT/debs
MULTIARCH=x86_64-linux-gnu

# Root packages of the guest; their library dependencies are added by resolve_packages.
ROOT_PACKAGES=(busybox-static qemu-guest-agent fio iperf3 libc6 libgcc-s1)
# Packages of the UEFI boot path of efi.img and guest.iso only: unpacked into them, not into the guest.
EFI_PACKAGES=(shim-signed grub-efi-amd64-signed)
# Programs copied into the guest with the shared libraries they need; the lazy ones (and
# their libraries not shared with the others) are unpacked on first use.
GUEST_PROGRAMS=(usr/sbin/qemu-ga usr/bin/iperf3)
LAZY_PROGRAMS=(usr/bin/fio)
# Modules loaded at boot (with their dependency chains); built-in ones are skipped. bochs
# (generation 1's VGA) and virtio_gpu (generation 2's display) give fbcon its framebuffer:
# the uncompressed kernel boots through PVH, which leaves no VGA text console, and OVMF's GOP
# on virtio-gpu has no linear framebuffer for efifb.
GUEST_MODULES=(
    virtio_pci virtio_console virtio_blk virtio_scsi virtio_net virtio_balloon virtio_rng
    vmw_vsock_virtio_transport
    crc32c_generic crct10dif_generic
    sd_mod sr_mod libata ata_piix ahci sym53c8xx
    e1000 e1000e 8139cp 8139too tulip af_packet
    ext4 loop
    button evdev
    bochs virtio_gpu
)

log() { echo "[guest] $*" >&2; }
die() { echo "[guest] error: $*" >&2; exit 1; }

GUEST_SRC=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
# The cache key hashes these files, in this order.
GUEST_SCRIPTS=("$GUEST_SRC/build.sh" "$GUEST_SRC"/lib/*.sh)
for lib in packages kernel stage rootfs disks; do
    # shellcheck source=/dev/null
    source "$GUEST_SRC/lib/$lib.sh"
done

main() {
    ensure_tools
    mkdir -p "$OUT"
    exec 9> "$OUT/.lock"
    flock 9
    ensure_apt_lists

    local kver
    kver=$(resolve_kernel_version)
    if up_to_date "$kver"; then
        log "guest is up to date (kernel $kver)"
        echo "$OUT"
        return 0
    fi

    log "resolving packages (kernel $kver)"
    rm -rf "$WORK"
    mkdir -p "$WORK"
    local versions=$WORK/versions
    { resolve_packages "${ROOT_PACKAGES[@]}" "linux-image-$kver"; printf '%s\n' "${EFI_PACKAGES[@]}"; } |
        candidate_versions > "$versions"
    grep -q "^linux-image-$kver " "$versions" || die "no candidate for linux-image-$kver"
    local key
    key=$(compute_key "$versions")
    if ((FORCE == 0)) && outputs_present && [[ $key == "$(manifest_key "$OUT/manifest.json")" ]]; then
        log "guest is up to date (kernel $kver)"
        rm -rf "$WORK"
        echo "$OUT"
        return 0
    fi
    rm -f "$OUT/manifest.json"

    download_packages "$versions"

    log "unpacking $(wc -l < "$versions") packages"
    local ktree=$WORK/kernel name ver kver_pkg
    ROOT=$WORK/root
    STAGE=$WORK/stage
    mkdir -p "$ktree" "$ROOT"
    # The kernel (unpack, then vmlinux extraction: the slow part) runs alongside the userland.
    kver_pkg=$(deb_of "linux-image-$kver" "$(version_of "linux-image-$kver" "$versions")")
    build_kernel "$kver_pkg" "$ktree" "$kver" &
    KPID=$!
    trap 'kill "$KPID" 2>/dev/null || true' EXIT
    while read -r name ver; do
        [[ $name == linux-image-* || " ${EFI_PACKAGES[*]} " == *" $name "* ]] && continue
        dpkg-deb -x "$(deb_of "$name" "$ver")" "$ROOT"
    done < "$versions"
    # Timestamps for the initrd's files: the newest of the unpacked programs'.
    SOURCE_EPOCH=$(stat -c %Y "$ROOT/bin/busybox" "${GUEST_PROGRAMS[@]/#/$ROOT/}" \
                   "${LAZY_PROGRAMS[@]/#/$ROOT/}" | sort -n | tail -n1)

    # Staging root, merged /usr like Debian.
    mkdir -p "$STAGE"/usr/{bin,sbin,lib,lib64}
    ln -s usr/bin "$STAGE/bin"; ln -s usr/sbin "$STAGE/sbin"
    ln -s usr/lib "$STAGE/lib"; ln -s usr/lib64 "$STAGE/lib64"
    mkdir -p "$STAGE/lib/modules/$kver"

    log "staging userland"
    stage_programs
    stage_busybox
    write_rootfs_files "$kver"

    wait "$KPID" || die "building the kernel failed"
    trap - EXIT
    log "staging modules"
    stage_modules "$ktree" "$kver"
    rm -rf "$ktree"

    # Uncompressed: under TCG the kernel's decompression costs more than reading the bytes
    # (QEMU start to first guest-ping: uncompressed 2.9-3.3 s, zstd +0.15 s, gzip +0.45 s).
    normalize_mtimes "$STAGE"
    (cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet) > "$WORK/initrd.img"
    log "wrote initrd.img ($(( $(stat -c %s "$WORK/initrd.img") / 1048576 )) MiB, uncompressed cpio)"

    write_data_disk "$WORK/data.img"
    write_boot_disk "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/boot.img"
    write_efi_disk "$WORK/vmlinuz" "$WORK/initrd.img" "$(deb_of shim-signed "$(version_of shim-signed "$versions")")" \
        "$(deb_of grub-efi-amd64-signed "$(version_of grub-efi-amd64-signed "$versions")")" "$WORK/efi.img"
    write_iso "$WORK/vmlinuz" "$WORK/initrd.img" "$(deb_of shim-signed "$(version_of shim-signed "$versions")")" \
        "$(deb_of grub-efi-amd64-signed "$(version_of grub-efi-amd64-signed "$versions")")" "$WORK/guest.iso"

    write_manifest "$kver" "$versions" "$key" "$WORK/manifest.json"
    mv -f "$WORK/vmlinux" "$WORK/initrd.img" "$WORK/data.img" "$WORK/boot.img" "$WORK/efi.img" "$WORK/guest.iso" "$OUT/"
    mv -f "$WORK/manifest.json" "$OUT/manifest.json"
    rm -rf "$WORK"
    log "done in $((SECONDS - START_SECONDS)) s: $OUT"
    echo "$OUT"
}

main
