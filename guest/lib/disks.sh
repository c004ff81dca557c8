# The disk images and the disc (sourced by guest/build.sh), built from files without mounting anything.

# The SYSLINUX/ISOLINUX configuration of boot.img and guest.iso: the kernel and initrd at the root.
syslinux_cfg() {
    printf 'DEFAULT nube\nPROMPT 0\nTIMEOUT 0\nLABEL nube\n  KERNEL /vmlinuz\n  INITRD /initrd.img\n  APPEND console=tty0 console=ttyS0\n'
}

# The grub.cfg of efi.img and guest.iso; $1, when given, is a first line that sets GRUB's root.
# gfxpayload=text: GRUB sets no video mode; the kernel's virtio_gpu driver sets its own.
grub_cfg() { # $1: a line before the entry, or none
    printf '%s\n' ${1:+"$1"} 'set timeout=0' 'set default=0' 'set gfxpayload=text' 'menuentry "Nube test guest" {' \
        '    linux /vmlinuz console=tty0 console=ttyS0' '    initrd /initrd.img' '}'
}

# A disk that boots as a generation 1 VM does, from the BIOS: MBR, one FAT16 partition with
# SYSLINUX, the compressed kernel and the initrd. Built from files, without mounting anything.
write_boot_disk() { # $1: bzImage, $2: initrd, $3: output
    local kernel=$1 initrd=$2 out=$3 part=$WORK/bootpart.img mib mbr=/usr/lib/syslinux/mbr/mbr.bin
    [[ -f $mbr ]] || die "$mbr is missing (package syslinux-common)"
    mib=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd")) / 1048576 + 8 ))
    truncate -s "${mib}M" "$part"
    mkfs.fat -F 16 -n NUBEBOOT -i 6e756265 "$part" >/dev/null
    syslinux_cfg > "$WORK/syslinux.cfg"
    mcopy -i "$part" "$kernel" ::/vmlinuz
    mcopy -i "$part" "$initrd" ::/initrd.img
    mcopy -i "$part" "$WORK/syslinux.cfg" ::/syslinux.cfg
    syslinux --install "$part"
    # The partition starts at 1 MiB, after the MBR and its gap.
    truncate -s "$((mib + 1))M" "$out"
    echo 'start=2048, type=6, bootable' | sfdisk -q "$out"
    dd if="$part" of="$out" bs=1M seek=1 conv=notrunc status=none
    dd if="$mbr" of="$out" bs=440 count=1 conv=notrunc status=none
    rm -f "$part"
    log "wrote boot.img ($((mib + 1)) MiB, BIOS boot from its MBR)"
}

# A raw ext4 disk holding /nube-disk-marker, that tests attach to IDE or SCSI and read back.
write_data_disk() { # $1: output
    mkdir -p "$WORK/data"
    printf '%s' nube-test-disk > "$WORK/data/nube-disk-marker"
    truncate -s 64M "$1"
    mkfs.ext4 -q -F -T default -L nube-data -U 6e756265-0000-4000-8000-646174610001 \
        -E root_owner=0:0 -d "$WORK/data" "$1" >&2
    log "wrote data.img (64 MiB ext4)"
}

# An EFI System Partition's FAT file system that boots from UEFI with Secure Boot on or off:
# Debian's signed shim as the removable-media boot path (EFI/BOOT/BOOTX64.EFI), which loads
# Debian's signed GRUB beside it (grubx64.efi) and lets it start the signed kernel. No
# fbx64.efi: without it shim runs GRUB straight away instead of creating boot entries. Signed
# GRUB reads the grub.cfg of its built-in prefix (/EFI/debian), else the one beside it; both
# get $3. FAT32 (what a disk's ESP should be) needs at least 32 MiB; a smaller one is FAT16,
# which firmware reads as well (El Torito boot images are usually FAT12 or FAT16).
write_esp() { # $1: shim-signed .deb, $2: grub-efi-amd64-signed .deb, $3: grub.cfg, $4: output, $5...: files for its root
    local cfg=$3 out=$4 tree=$WORK/efi mib bytes=0 f fat=16
    mkdir -p "$tree"
    dpkg-deb -x "$1" "$tree"
    dpkg-deb -x "$2" "$tree"
    shift 4
    local shim=$tree/usr/lib/shim/shimx64.efi.signed grub=$tree/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
    [[ -f $shim ]] || die "no shimx64.efi.signed in shim-signed"
    [[ -f $grub ]] || die "no grubx64.efi.signed in grub-efi-amd64-signed"
    for f in "$shim" "$grub" "$@"; do bytes=$((bytes + $(stat -c %s "$f"))); done
    mib=$((bytes / 1048576 + 8))
    ((mib < 34)) || fat=32
    truncate -s "${mib}M" "$out"
    mkfs.fat -F "$fat" -n NUBE-ESP -i 6e756266 "$out" >/dev/null
    mmd -i "$out" ::/EFI ::/EFI/BOOT ::/EFI/debian
    mcopy -i "$out" "$shim" ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$out" "$grub" ::/EFI/BOOT/grubx64.efi
    mcopy -i "$out" "$cfg" ::/EFI/BOOT/grub.cfg
    mcopy -i "$out" "$cfg" ::/EFI/debian/grub.cfg
    for f in "$@"; do mcopy -i "$out" "$f" "::/${f##*/}"; done
    rm -rf "$tree"
}

# A disk that boots as a generation 2 VM does, from UEFI, with Secure Boot on or off: GPT, one
# EFI System Partition (write_esp) that also holds the kernel and the initrd.
write_efi_disk() { # $1: signed bzImage, $2: initrd, $3: shim-signed .deb, $4: grub-efi-amd64-signed .deb, $5: output
    local out=$5 part=$WORK/esp.img mib
    grub_cfg > "$WORK/grub.cfg"
    write_esp "$3" "$4" "$WORK/grub.cfg" "$part" "$1" "$2"
    mib=$(($(stat -c %s "$part") / 1048576))
    # The partition starts at 1 MiB; GPT keeps a backup table in the disk's last sectors.
    truncate -s "$((mib + 2))M" "$out"
    printf 'label: gpt\nlabel-id: 6E756265-0000-4000-8000-000000000EF1\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=6E756265-0000-4000-8000-000000000E5F, name="EFI System"\n' \
        $((mib * 2048)) | sfdisk -q "$out"
    dd if="$part" of="$out" bs=1M seek=1 conv=notrunc status=none
    rm -f "$part"
    log "wrote efi.img ($((mib + 2)) MiB, GPT, UEFI boot through signed shim and GRUB)"
}

# A disc that boots as an installer DVD does, on both generations: a hybrid ISO 9660 image with
# the compressed kernel and the initrd once, at its root. BIOS: El Torito with ISOLINUX (the
# configuration of boot.img). UEFI: an El Torito EFI boot image, an ESP (write_esp) with shim
# and GRUB only, whose grub.cfg finds the disc by its marker file; the same grub.cfg is on the
# disc too, as GRUB may take the disc itself for the device it was loaded from. isohybrid's
# MBR and GPT let the image boot as a disk (a USB stick) as well.
write_iso() { # $1: bzImage, $2: initrd, $3: shim-signed .deb, $4: grub-efi-amd64-signed .deb, $5: output
    local tree=$WORK/iso isolinux=/usr/lib/ISOLINUX ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
    [[ -f $isolinux/isolinux.bin && -f $isolinux/isohdpfx.bin ]] || die "$isolinux is missing (package isolinux)"
    [[ -f $ldlinux ]] || die "$ldlinux is missing (package syslinux-common)"
    mkdir -p "$tree/isolinux" "$tree/EFI/debian" "$tree/.disk"
    ln "$1" "$tree/vmlinuz"
    ln "$2" "$tree/initrd.img"
    cp "$isolinux/isolinux.bin" "$ldlinux" "$tree/isolinux/"
    syslinux_cfg > "$tree/isolinux/isolinux.cfg"
    printf 'Nube test guest\n' > "$tree/.disk/nube-guest"
    grub_cfg 'search --no-floppy --file --set=root /.disk/nube-guest' > "$tree/EFI/debian/grub.cfg"
    write_esp "$3" "$4" "$tree/EFI/debian/grub.cfg" "$tree/efi.img"
    # SOURCE_DATE_EPOCH: the disc's dates and volume id come from the packages, not the clock.
    SOURCE_DATE_EPOCH=$SOURCE_EPOCH xorriso -as mkisofs -quiet -o "$5" -V NUBE_GUEST -r \
        -isohybrid-mbr "$isolinux/isohdpfx.bin" \
        -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
        -eltorito-alt-boot -e efi.img -no-emul-boot -isohybrid-gpt-basdat \
        "$tree" >&2 || die "xorriso failed to write $5"
    rm -rf "$tree"
    log "wrote ${5##*/} ($(( $(stat -c %s "$5") / 1048576 )) MiB, BIOS and UEFI El Torito boot)"
}
