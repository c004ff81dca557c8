# The kernel: vmlinux extraction and the modules the guest loads (sourced by guest/build.sh).

# Same approach as the kernel tree's scripts/extract-vmlinux: find each compression magic in
# the bzImage, decompress from there, keep the first result that is an ELF file.
extract_vmlinux() { # $1: bzImage, $2: output
    local img=$1 out=$2 i name magic off
    local names=(xz zstd gzip)
    local magics=('\xfd7zXZ\x00' '\x28\xb5\x2f\xfd' '\x1f\x8b\x08')
    local -a cmds=("xz -dcq --single-stream" "zstd -dcq" "gzip -dcq")
    for i in "${!names[@]}"; do
        name=${names[$i]} magic=${magics[$i]}
        for off in $(LC_ALL=C grep -aobUP "$magic" "$img" | cut -d: -f1); do
            tail -c +$((off + 1)) "$img" | ${cmds[$i]} > "$out" 2>/dev/null || true
            if [[ $(file -b "$out") == "ELF 64-bit"* ]]; then
                echo "$name"
                return 0
            fi
        done
    done
    rm -f "$out"
    return 1
}

# Unpacks the kernel package and extracts the uncompressed vmlinux (PVH entry) to $WORK/vmlinux.
build_kernel() { # $1: .deb, $2: folder to unpack into, $3: kernel version
    local deb=$1 ktree=$2 kver=$3 bzimage comp
    dpkg-deb -x "$deb" "$ktree" || die "unpacking $deb failed"
    bzimage=$ktree/boot/vmlinuz-$kver
    [[ -f $bzimage ]] || die "no /boot/vmlinuz-$kver in linux-image-$kver"
    grep -q '^CONFIG_PVH=y' "$ktree/boot/config-$kver" || die "kernel $kver lacks CONFIG_PVH"
    comp=$(extract_vmlinux "$bzimage" "$WORK/vmlinux") || die "cannot extract vmlinux from $bzimage"
    cp "$bzimage" "$WORK/vmlinuz"
    [[ $(readelf -n "$WORK/vmlinux") =~ \(0x00000012\)|PHYS32_ENTRY ]] \
        || die "vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"
    log "extracted vmlinux ($comp, $(( $(stat -c %s "$WORK/vmlinux") / 1048576 )) MiB," \
        "$(file -b "$WORK/vmlinux" | cut -d, -f1-2))"
}

stage_modules() { # $1: kernel tree, $2: kernel version
    local ktree=$1 kver=$2 mod line path out n=0 builtin=() absent=()
    local mdir=lib/modules/$kver
    local -A copied=()
    depmod -b "$ktree" "$kver"
    for mod in "${GUEST_MODULES[@]}"; do
        if ! out=$(modprobe -d "$ktree" -S "$kver" --show-depends "$mod" 2>/dev/null); then
            absent+=("$mod"); continue
        fi
        while read -r line; do
            case $line in
                builtin\ *) builtin+=("${line#builtin }") ;;
                insmod\ *)
                    path=${line#insmod }; path=${path%% *}
                    path=${path#"$ktree/"}
                    [[ -n ${copied[$path]:-} ]] && continue
                    copied[$path]=1
                    mkdir -p "$(dirname "$STAGE/$path")"
                    cp -p "$ktree/$path" "$STAGE/$path"
                    n=$((n + 1)) ;;
            esac
        done <<< "$out"
    done
    cp -p "$ktree/$mdir/modules.builtin" "$ktree/$mdir/modules.builtin.modinfo" \
          "$ktree/$mdir/modules.order" "$STAGE/$mdir/"
    depmod -b "$STAGE" "$kver"
    log "staged $n module files${builtin:+ (built in: ${builtin[*]})}"
    ((${#absent[@]} == 0)) || log "warning: modules not found: ${absent[*]}"
}
