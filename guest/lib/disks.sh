# The disk images (sourced by guest/build.sh), built from files without mounting anything.

# A disk that boots as a generation 1 VM does, from the BIOS: MBR, one FAT16 partition with
# SYSLINUX, the compressed kernel and the initrd. Built from files, without mounting anything.
write_boot_disk() { # $1: bzImage, $2: initrd, $3: output
    local kernel=$1 initrd=$2 out=$3 part=$WORK/bootpart.img mib mbr=/usr/lib/syslinux/mbr/mbr.bin
    [[ -f $mbr ]] || die "$mbr is missing (package syslinux-common)"
    mib=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd")) / 1048576 + 8 ))
    truncate -s "${mib}M" "$part"
    mkfs.fat -F 16 -n NUBEBOOT -i 6e756265 "$part" >/dev/null
    printf 'DEFAULT nube\nPROMPT 0\nTIMEOUT 0\nLABEL nube\n  KERNEL /vmlinuz\n  INITRD /initrd.img\n  APPEND console=tty0 console=ttyS0\n' \
        > "$WORK/syslinux.cfg"
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

# A disk that boots as a generation 2 VM does, from UEFI, with Secure Boot on or off: GPT, one
# EFI System Partition (FAT32) with Debian's signed shim as the removable-media boot path
# (EFI/BOOT/BOOTX64.EFI), which loads Debian's signed GRUB beside it (grubx64.efi) and lets it
# start the signed kernel. No fbx64.efi: without it shim runs GRUB straight away instead of
# creating boot entries. Signed GRUB reads the grub.cfg of its built-in prefix (/EFI/debian),
# else the one beside it; both get the same.
write_efi_disk() { # $1: signed bzImage, $2: initrd, $3: shim-signed .deb, $4: grub-efi-amd64-signed .deb, $5: output
    local kernel=$1 initrd=$2 out=$5 tree=$WORK/efi part=$WORK/esp.img mib
    mkdir -p "$tree"
    dpkg-deb -x "$3" "$tree"
    dpkg-deb -x "$4" "$tree"
    local shim=$tree/usr/lib/shim/shimx64.efi.signed grub=$tree/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
    [[ -f $shim ]] || die "no shimx64.efi.signed in shim-signed"
    [[ -f $grub ]] || die "no grubx64.efi.signed in grub-efi-amd64-signed"
    # gfxpayload=text: GRUB sets no video mode; the kernel's virtio_gpu driver sets its own.
    printf '%s\n' 'set timeout=0' 'set default=0' 'set gfxpayload=text' 'menuentry "Nube test guest" {' \
        '    linux /vmlinuz console=tty0 console=ttyS0' '    initrd /initrd.img' '}' > "$WORK/grub.cfg"
    # FAT32 needs at least 32 MiB; the files plus some room decide the rest.
    mib=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd") + $(stat -c %s "$shim") + $(stat -c %s "$grub")) / 1048576 + 8 ))
    ((mib >= 34)) || mib=34
    truncate -s "${mib}M" "$part"
    mkfs.fat -F 32 -n NUBE-ESP -i 6e756266 "$part" >/dev/null
    mmd -i "$part" ::/EFI ::/EFI/BOOT ::/EFI/debian
    mcopy -i "$part" "$shim" ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$part" "$grub" ::/EFI/BOOT/grubx64.efi
    mcopy -i "$part" "$WORK/grub.cfg" ::/EFI/BOOT/grub.cfg
    mcopy -i "$part" "$WORK/grub.cfg" ::/EFI/debian/grub.cfg
    mcopy -i "$part" "$kernel" ::/vmlinuz
    mcopy -i "$part" "$initrd" ::/initrd.img
    # The partition starts at 1 MiB; GPT keeps a backup table in the disk's last sectors.
    truncate -s "$((mib + 2))M" "$out"
    printf 'label: gpt\nlabel-id: 6E756265-0000-4000-8000-000000000EF1\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=6E756265-0000-4000-8000-000000000E5F, name="EFI System"\n' \
        $((mib * 2048)) | sfdisk -q "$out"
    dd if="$part" of="$out" bs=1M seek=1 conv=notrunc status=none
    rm -rf "$part" "$tree"
    log "wrote efi.img ($((mib + 2)) MiB, GPT, UEFI boot through signed shim and GRUB)"
}
