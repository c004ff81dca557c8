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
#                  the same initrd, for generation 1 VMs that boot from IDE 0:0 (console=ttyS0)
#   manifest.json  {"kernelVersion", "packages": {name: version}, "key"}
#
# Packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x` into a work
# folder; nothing is installed on the host except missing build tools. The .deb files are
# kept in $NUBE_GUEST_DIR/debs for rebuilds. The cache key hashes the candidate versions of
# every package used plus this script; a build with the same key is skipped.
#
# Guest behaviour (see the init script below): modules loaded, /dev/virtio-ports/NAME links,
# busybox acpid (power button -> poweroff; not with nube.acpi=ignore), qemu-ga on org.qemu.guest_agent.0
# (restarted when it exits, unless /run/nube-agent.hold exists), one line
# "NUBE-GUEST-READY <kernel version>" on the console, and with nube.counter=1 on the kernel
# command line "NUBE-COUNTER <n>" (n = 1, 2, ...) every second. Pressing Enter on the console
# starts a shell.
#
# Progress goes to stderr; the last line on stdout is the output folder.
set -euo pipefail

START_SECONDS=$SECONDS
FORCE=0
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "usage: $0 [--force]" >&2; exit 2 ;;
    esac
done

OUT=$(realpath -m "${NUBE_GUEST_DIR:-/var/cache/nube/guest}")
WORK=$OUT/work
DEBS=$OUT/debs
MULTIARCH=x86_64-linux-gnu

# Root packages of the guest; their library dependencies are added by resolve_packages.
ROOT_PACKAGES=(busybox-static qemu-guest-agent fio iperf3 libc6 libgcc-s1)
# Programs copied into the guest with the shared libraries they need; the lazy ones (and
# their libraries not shared with the others) are unpacked on first use.
GUEST_PROGRAMS=(usr/sbin/qemu-ga usr/bin/iperf3)
LAZY_PROGRAMS=(usr/bin/fio)
# Modules loaded at boot (with their dependency chains); built-in ones are skipped.
GUEST_MODULES=(
    virtio_pci virtio_console virtio_blk virtio_scsi virtio_net virtio_balloon virtio_rng
    vmw_vsock_virtio_transport
    crc32c_generic crct10dif_generic
    sd_mod sr_mod libata ata_piix ahci sym53c8xx
    e1000 e1000e 8139cp 8139too tulip af_packet
    ext4 loop
    button evdev
)

log() { echo "[guest] $*" >&2; }
die() { echo "[guest] error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Host tools

has_candidate() { [[ $(apt-cache policy "$1" 2>/dev/null) == *"Candidate: "[0-9]* ]]; }

ensure_apt_lists() {
    if ! has_candidate linux-image-amd64; then
        log "apt lists missing: apt-get update"
        apt-get update -qq >&2 || die "apt-get update failed"
        has_candidate linux-image-amd64 \
            || die "linux-image-amd64 has no candidate version (check the apt sources)"
    fi
}

ensure_tools() {
    local missing=() spec
    for spec in dpkg-deb:dpkg cpio:cpio depmod:kmod modprobe:kmod zstd:zstd xz:xz-utils \
                gzip:gzip file:file readelf:binutils mkfs.ext4:e2fsprogs flock:util-linux \
                sha256sum:coreutils mkfs.fat:dosfstools mcopy:mtools syslinux:syslinux \
                sfdisk:fdisk /usr/lib/syslinux/mbr/mbr.bin:syslinux-common; do
        # A tool is found on PATH; a data file (the MBR image) by its path.
        if [[ ${spec%%:*} == /* ]]; then [[ -e ${spec%%:*} ]]; else command -v "${spec%%:*}" >/dev/null 2>&1; fi \
            || missing+=("${spec#*:}")
    done
    if ((${#missing[@]})); then
        mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
        log "installing build tools: ${missing[*]}"
        ensure_apt_lists
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
    fi
}

# ---------------------------------------------------------------------------------------------
# Package resolution

# Prints the kernel version (e.g. 6.1.0-37-amd64) that linux-image-amd64 currently depends on.
resolve_kernel_version() {
    local kver
    kver=$(apt-cache depends linux-image-amd64 2>/dev/null |
           sed -nE 's/^ +Depends: linux-image-([0-9][^ ]*-amd64)$/\1/p' | sed -n 1p)
    [[ -n $kver ]] || die "cannot resolve linux-image-amd64's kernel package"
    echo "$kver"
}

# Prints the root packages and, recursively, the library packages (lib*, zlib*) they depend on
# (one apt-cache call; only library packages are followed).
resolve_packages() {
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
            --no-replaces --no-enhances "$@" |
        awk -v roots="$*" '
            /^[^ ]/ { cur = $1; next }
            /^ +\|?(Pre)?Depends: / {
                d = $2
                if (d ~ /^</) next
                sub(/:any$/, "", d)
                deps[cur] = deps[cur] " " d
            }
            END {
                tail = split(roots, queue, " ")
                for (i = 1; i <= tail; i++) seen[queue[i]] = 1
                for (head = 1; head <= tail; head++) {
                    m = split(deps[queue[head]], ds, " ")
                    for (j = 1; j <= m; j++) {
                        d = ds[j]
                        if (d in seen || d !~ /^(lib|zlib)/ || d ~ /-(dev|data|common|bin|doc)$/) continue
                        seen[d] = 1
                        queue[++tail] = d
                    }
                }
                for (p in seen) print p
            }' | sort
}

# Reads package names on stdin, prints "name version" (candidate versions), sorted.
candidate_versions() {
    local names
    mapfile -t names
    ((${#names[@]})) || return 0
    apt-cache policy "${names[@]}" | awk '
        /^[^ ].*:$/ { name = substr($0, 1, length($0) - 1); next }
        /^  Candidate:/ { print name, $2 }' | sort
}

# Cache key: the script itself plus every package version.
compute_key() { # $1: file of "name version" lines
    { sha256sum < "$0" | cut -d' ' -f1; cat "$1"; } | sha256sum | cut -d' ' -f1
}

manifest_packages() { # prints "name version" lines of an existing manifest
    sed -n '/"packages"/,/}/p' "$1" | sed -nE 's/^ *"([^"]+)": "([^"]+)",?$/\1 \2/p' | sort
}

manifest_key() { sed -nE 's/^ *"key": "([0-9a-f]+)".*/\1/p' "$1"; }

outputs_present() {
    local f
    for f in vmlinux initrd.img data.img boot.img manifest.json; do [[ -s $OUT/$f ]] || return 1; done
}

# Fast path: the package set recorded in the manifest, at today's candidate versions.
up_to_date() {
    local kver=$1 vers key
    ((FORCE == 0)) && outputs_present || return 1
    grep -q "\"kernelVersion\": \"$kver\"" "$OUT/manifest.json" || return 1
    vers=$(mktemp)
    manifest_packages "$OUT/manifest.json" | cut -d' ' -f1 | candidate_versions > "$vers"
    key=$(compute_key "$vers")
    rm -f "$vers"
    [[ $key == "$(manifest_key "$OUT/manifest.json")" ]]
}

# ---------------------------------------------------------------------------------------------
# Build steps

download_packages() { # $1: file of "name version" lines
    local name ver file wanted=() missing=()
    mkdir -p "$DEBS"
    while read -r name ver; do
        [[ $ver == "(none)" ]] && die "package $name has no candidate version"
        file="${name}_${ver//:/%3a}_"
        wanted+=("$file")
        compgen -G "$DEBS/$file*.deb" >/dev/null || missing+=("$name=$ver")
    done < "$1"
    log "downloading ${#missing[@]} packages ($(( ${#wanted[@]} - ${#missing[@]} )) cached)"
    if ((${#missing[@]})); then
        (cd "$DEBS" && apt-get download -qq -o APT::Sandbox::User=root "${missing[@]}" >&2) \
            || die "apt-get download failed"
    fi
    # Drop .debs of versions no longer used.
    local deb keep w
    for deb in "$DEBS"/*.deb; do
        keep=0
        for w in "${wanted[@]}"; do [[ ${deb##*/} == "$w"* ]] && { keep=1; break; }; done
        ((keep)) || rm -f "$deb"
    done
}

deb_of() { # $1: name, $2: version
    local f
    f=$(compgen -G "$DEBS/${1}_${2//:/%3a}_*.deb" | sed -n 1p) || true
    [[ -n $f ]] || die "missing download for $1 $2"
    echo "$f"
}

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

# Resolves a path inside an unpacked tree, following symbolic links within the tree.
tree_resolve() { # $1: tree, $2: path relative to the tree; prints the resolved relative path
    local tree=$1 rel=${2#/} target n=0
    while [[ -L $tree/$rel ]]; do
        ((++n < 40)) || die "symlink loop at $rel"
        target=$(readlink "$tree/$rel")
        if [[ $target == /* ]]; then rel=${target#/}
        else rel=$(realpath -m -s "/$(dirname "$rel")/$target"); rel=${rel#/}; fi
    done
    echo "$rel"
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

# Copies a file from the unpacked tree to the same path under a staging root; symbolic links
# are recreated and their targets copied too.
stage_copy() { # $1: staging root, $2: path relative to the tree
    local dest=$1 rel=${2#/} target next
    [[ -e $dest/$rel || -L $dest/$rel ]] && return 0
    mkdir -p "$(dirname "$dest/$rel")"
    if [[ -L $ROOT/$rel ]]; then
        target=$(readlink "$ROOT/$rel")
        ln -s "$target" "$dest/$rel"
        if [[ $target == /* ]]; then next=${target#/}
        else next=$(realpath -m -s "/$(dirname "$rel")/$target"); next=${next#/}; fi
        stage_copy "$dest" "$next"
    else
        [[ -e $ROOT/$rel ]] || die "missing in unpacked packages: /$rel"
        cp -p "$ROOT/$rel" "$dest/$rel"
    fi
}

# Prints the shared libraries a program needs (paths relative to the tree), resolved with the
# tree's own dynamic loader; stops if one is missing from the downloaded packages.
program_libraries() { # $1: program path relative to the tree
    local prog=$1 loader dirs line lib libc=0 missing=()
    loader=$ROOT/$(tree_resolve "$ROOT" lib64/ld-linux-x86-64.so.2)
    [[ -x $loader ]] || die "no dynamic loader in the unpacked libc6"
    [[ -f $ROOT/$prog ]] || die "program /$prog missing from the unpacked packages"
    # The multiarch folders first, then their subfolders holding libraries (RUNPATHs such as
    # /usr/lib/x86_64-linux-gnu/ceph would otherwise be looked up on the host).
    dirs="$ROOT/lib/$MULTIARCH:$ROOT/usr/lib/$MULTIARCH"
    dirs+=$(find "$ROOT/lib/$MULTIARCH" "$ROOT/usr/lib/$MULTIARCH" -mindepth 2 -name '*.so*' \
                 -printf ':%h\n' 2>/dev/null | sort -u | tr -d '\n')
    while read -r line; do
        case $line in
            *"=> not found"*) missing+=("${line%% *}") ;;
            *" => "*)
                lib=${line#* => }; lib=${lib% (0x*}
                [[ $lib == */libc.so.6 ]] && libc=1
                if [[ $lib == "$ROOT"/* ]]; then echo "${lib#"$ROOT"/}"
                else missing+=("${line%% *} (only on the host: $lib)"); fi ;;
        esac
    done < <("$loader" --inhibit-cache --library-path "$dirs" --list "$ROOT/$prog" 2>&1)
    ((${#missing[@]} == 0)) || die "/$prog: shared libraries not found: ${missing[*]}"
    ((libc)) || die "/$prog: cannot list its shared libraries"
}

# Copies the programs with their shared libraries. fio's own libraries (about 70 MiB: ceph,
# gluster, rdma, icu...) go into a gzip'd cpio unpacked into /run on fio's first use, so that
# the initramfs stays small: the kernel unpacks it into a tmpfs limited to half the RAM.
stage_programs() {
    local prog lib libs n_base=0 n_lazy=0
    local -A base=()
    # glibc dlopens libgcc_s for pthread_cancel/pthread_exit.
    for lib in lib64/ld-linux-x86-64.so.2 "lib/$MULTIARCH/libgcc_s.so.1"; do
        base[$lib]=1; stage_copy "$STAGE" "$lib"
    done
    for prog in "${GUEST_PROGRAMS[@]}"; do
        stage_copy "$STAGE" "$prog"
        libs=$(program_libraries "$prog") || exit 1
        for lib in $libs; do
            [[ -n ${base[$lib]:-} ]] && continue
            base[$lib]=1; stage_copy "$STAGE" "$lib"; n_base=$((n_base + 1))
        done
    done
    local lazy=$WORK/lazy
    mkdir -p "$lazy"
    for prog in "${LAZY_PROGRAMS[@]}"; do
        stage_copy "$lazy" "$prog"
        libs=$(program_libraries "$prog") || exit 1
        for lib in $libs; do
            [[ -n ${base[$lib]:-} || -e $lazy/$lib ]] && continue
            stage_copy "$lazy" "$lib"; n_lazy=$((n_lazy + 1))
        done
    done
    mkdir -p "$STAGE/usr/lib/nube"
    normalize_mtimes "$lazy"
    (cd "$lazy" && find . -mindepth 1 | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -6n > "$STAGE/usr/lib/nube/lazy.cpio.gz"
    local libdirs
    libdirs=$(cd "$lazy" && find . -name '*.so*' -printf '%h\n' | sed 's|^\.||' | LC_ALL=C sort -u |
              sed 's|^|$d|' | paste -sd:)
    for prog in "${LAZY_PROGRAMS[@]}"; do
        rm -f "$STAGE/$prog"
        write_lazy_wrapper "/$prog" "$libdirs" > "$STAGE/$prog"
        chmod 755 "$STAGE/$prog"
    done
    log "staged ${#GUEST_PROGRAMS[@]} programs with $n_base libraries;" \
        "${LAZY_PROGRAMS[*]##*/} with $n_lazy more libraries unpacked on first use" \
        "($(( $(stat -c %s "$STAGE/usr/lib/nube/lazy.cpio.gz") / 1048576 )) MiB gzip'd)"
}

# Same timestamps on every build (the newest of the packaged programs'), so that the same
# packages and script give the same initrd.img.
normalize_mtimes() { # $1: folder
    find "$1" -exec touch -h -d "@$SOURCE_EPOCH" {} +
}

write_lazy_wrapper() { # $1: program path in the guest, $2: its library folders ($d/...)
    cat <<EOF
#!/bin/sh
# Unpacks $1 and its libraries (/usr/lib/nube/lazy.cpio.gz) into /run/nube-lazy on
# first use (a few seconds under TCG; the archive is then deleted), then runs it from there.
d=/run/nube-lazy
lock=/run/nube-lazy.lock
if [ ! -e \$d/.done ]; then
    while ! mkdir \$lock 2>/dev/null; do
        [ -e \$d/.done ] && break
        pid=\$(cat \$lock/pid 2>/dev/null)
        if [ -n "\$pid" ] && ! kill -0 "\$pid" 2>/dev/null; then rm -rf \$lock; fi
        usleep 100000
    done
    if [ ! -e \$d/.done ]; then
        echo \$\$ > \$lock/pid
        rm -rf \$d && mkdir -p \$d &&
            gzip -dc /usr/lib/nube/lazy.cpio.gz | (cd \$d && cpio -idm 2>/dev/null) &&
            : > \$d/.done &&
            rm -f /usr/lib/nube/lazy.cpio.gz   # frees its RAM
        rm -rf \$lock
        [ -e \$d/.done ] || { echo "${1##*/}: cannot unpack /usr/lib/nube/lazy.cpio.gz" >&2; exit 127; }
    fi
fi
LD_LIBRARY_PATH=$2\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH} \\
    exec \$d$1 "\$@"
EOF
}

stage_busybox() {
    local bb=$ROOT/bin/busybox applet
    [[ -x $bb ]] || die "busybox missing from busybox-static"
    cp -p "$bb" "$STAGE/usr/bin/busybox"
    while read -r applet; do
        [[ $applet == */* ]] || continue            # linuxrc
        [[ -e $STAGE/$applet || -L $STAGE/$applet ]] && continue
        ln -s /bin/busybox "$STAGE/$applet"
    done < <("$bb" --list-full)
    [[ -L $STAGE/sbin/hwclock && -L $STAGE/sbin/acpid && -L $STAGE/bin/cttyhack ]] \
        || die "busybox lacks hwclock, acpid or cttyhack"
}

write_rootfs_files() {
    local kver=$1
    mkdir -p "$STAGE"/{dev,proc,sys,run,tmp,root,mnt,var/log,var/tmp,etc/acpi/PWRF,etc/nube}
    chmod 1777 "$STAGE/tmp" "$STAGE/var/tmp"
    chmod 0700 "$STAGE/root"
    ln -s ../run "$STAGE/var/run"
    ln -s ../run/lock "$STAGE/var/lock"
    mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true
    mknod -m 666 "$STAGE/dev/null" c 1 3 2>/dev/null || true

    cat > "$STAGE/etc/os-release" <<'EOF'
PRETTY_NAME="Nube test guest (Debian GNU/Linux 12)"
NAME="Nube test guest"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=nube
ID_LIKE=debian
EOF
    cat > "$STAGE/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
    cat > "$STAGE/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
tty:x:5:
disk:x:6:
nogroup:x:65534:
EOF
    cat > "$STAGE/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
shadow: files
hosts: files dns
networks: files
protocols: files
services: files
EOF
    echo nube-guest > "$STAGE/etc/hostname"
    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$STAGE/etc/hosts"
    : > "$STAGE/etc/fstab"
    cat > "$STAGE/etc/profile" <<'EOF'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
PS1='nube-guest:\w# '
EOF
    printf '%s\n' "${GUEST_MODULES[@]}" > "$STAGE/etc/nube/modules"

    # busybox acpid runs /etc/acpi/PWRF/00000080 when the ACPI power button is pressed.
    cat > "$STAGE/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
# ACPI power button: power off now, as a distribution's default handler does.
echo "nube-guest: power button pressed, powering off" > /dev/console
sync
exec poweroff -f
EOF
    chmod 755 "$STAGE/etc/acpi/PWRF/00000080"

    # qemu-ga's guest-shutdown runs "/sbin/shutdown -h -P +0 MESSAGE" (or -r, or -H); PID 1
    # is a shell script, so act directly with -f.
    rm -f "$STAGE/sbin/shutdown"
    cat > "$STAGE/sbin/shutdown" <<'EOF'
#!/bin/sh
# Minimal shutdown(8) for the Nube test guest: shutdown [-h|-P|-H|-r] [TIME] [MESSAGE]
action=poweroff
for arg in "$@"; do
    case $arg in
        -r|--reboot) action=reboot ;;
        -H|--halt) action=halt ;;
        -P|--poweroff|-h) [ "$action" = halt ] || action=poweroff ;;
        -c) exit 0 ;;
    esac
done
echo "nube-guest: shutdown: $action" > /dev/console
sync
exec "$action" -f
EOF
    chmod 755 "$STAGE/sbin/shutdown"

    write_init
}

write_init() {
    cat > "$STAGE/init" <<'EOF'
#!/bin/sh
# PID 1 of the Nube test guest (busybox sh).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mkdir -p /run/lock
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname -F /etc/hostname
ip link set lo up 2>/dev/null

# Modules (missing and built-in ones are ignored).
modprobe -q -a $(cat /etc/nube/modules) 2>/dev/null

# /dev/virtio-ports/NAME links, as udev makes them. Port names arrive from the host shortly
# after virtio_console binds, so wait (up to 3 s) for the agent's port when there is a
# virtio console device.
link_ports() {
    for d in /sys/class/virtio-ports/*; do
        [ -r "$d/name" ] || continue
        read -r name < "$d/name" 2>/dev/null || name=
        [ -n "$name" ] || continue
        mkdir -p /dev/virtio-ports
        ln -sfn "../${d##*/}" "/dev/virtio-ports/$name"
    done
}
agent_port=/dev/virtio-ports/org.qemu.guest_agent.0
i=0
while :; do
    link_ports
    [ -e "$agent_port" ] && break
    set -- /sys/bus/virtio/drivers/virtio_console/virtio*
    [ -e "$1" ] || break
    i=$((i + 1))
    [ $i -gt 60 ] && break
    usleep 50000
done

# ACPI power button -> /etc/acpi/PWRF/00000080 (sync; poweroff -f). nube.acpi=ignore leaves
# the button unanswered, as a hung guest would, so that stop timeouts can be tested.
if ! grep -qw nube.acpi=ignore /proc/cmdline; then
    acpid -l /run/acpid.log
fi

# Guest agent, restarted a second after it exits, except while /run/nube-agent.hold exists
# (so that a test can take the agent away for as long as it likes: touch it, kill qemu-ga).
if [ -e "$agent_port" ]; then
    (
        while :; do
            while [ -e /run/nube-agent.hold ]; do
                usleep 200000
            done
            qemu-ga -m virtio-serial -p "$agent_port" -l /run/qemu-ga.log
            sleep 1
        done
    ) </dev/null >/dev/null 2>&1 &
fi

echo "NUBE-GUEST-READY $(uname -r)"

# nube.counter=1: one line a second, so that pauses and save/restore are visible.
for arg in $(cat /proc/cmdline); do
    if [ "$arg" = nube.counter=1 ]; then
        (
            n=1
            while :; do
                echo "NUBE-COUNTER $n"
                n=$((n + 1))
                sleep 1
            done
        ) &
    fi
done

# A shell on the console once Enter is pressed (nothing is printed until then, so the
# console output stays line by line).
(
    while :; do
        if read -r _ < /dev/console; then
            setsid cttyhack sh -l < /dev/console > /dev/console 2>&1
        else
            sleep 10
        fi
    done
) &

while :; do
    sleep 3600
done
EOF
    chmod 755 "$STAGE/init"
}

write_manifest() { # $1: kernel version, $2: versions file, $3: key, $4: output
    {
        echo "{"
        echo "  \"kernelVersion\": \"$1\","
        echo "  \"packages\": {"
        awk '{ printf "%s    \"%s\": \"%s\"", (NR > 1 ? ",\n" : ""), $1, $2 } END { print "" }' "$2"
        echo "  },"
        echo "  \"key\": \"$3\""
        echo "}"
    } > "$4"
}

# ---------------------------------------------------------------------------------------------

# A disk that boots as a generation 1 VM does, from the BIOS: MBR, one FAT16 partition with
# SYSLINUX, the compressed kernel and the initrd. Built from files, without mounting anything.
write_boot_disk() { # $1: bzImage, $2: initrd, $3: output
    local kernel=$1 initrd=$2 out=$3 part=$WORK/bootpart.img mib mbr=/usr/lib/syslinux/mbr/mbr.bin
    [[ -f $mbr ]] || die "$mbr is missing (package syslinux-common)"
    mib=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd")) / 1048576 + 8 ))
    truncate -s "${mib}M" "$part"
    mkfs.fat -F 16 -n NUBEBOOT -i 6e756265 "$part" >/dev/null
    printf 'DEFAULT nube\nPROMPT 0\nTIMEOUT 0\nLABEL nube\n  KERNEL /vmlinuz\n  INITRD /initrd.img\n  APPEND console=ttyS0\n' \
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
    resolve_packages "${ROOT_PACKAGES[@]}" "linux-image-$kver" | candidate_versions > "$versions"
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
    kver_pkg=$(deb_of "linux-image-$kver" "$(awk -v p="linux-image-$kver" '$1 == p { print $2 }' "$versions")")
    build_kernel "$kver_pkg" "$ktree" "$kver" &
    KPID=$!
    trap 'kill "$KPID" 2>/dev/null || true' EXIT
    while read -r name ver; do
        [[ $name == linux-image-* ]] && continue
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

    mkdir -p "$WORK/data"
    printf '%s' nube-test-disk > "$WORK/data/nube-disk-marker"
    truncate -s 64M "$WORK/data.img"
    mkfs.ext4 -q -F -T default -L nube-data -U 6e756265-0000-4000-8000-646174610001 \
        -E root_owner=0:0 -d "$WORK/data" "$WORK/data.img" >&2
    log "wrote data.img (64 MiB ext4)"

    write_boot_disk "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/boot.img"

    write_manifest "$kver" "$versions" "$key" "$WORK/manifest.json"
    mv -f "$WORK/vmlinux" "$WORK/initrd.img" "$WORK/data.img" "$WORK/boot.img" "$OUT/"
    mv -f "$WORK/manifest.json" "$OUT/manifest.json"
    rm -rf "$WORK"
    log "done in $((SECONDS - START_SECONDS)) s: $OUT"
    echo "$OUT"
}

main
