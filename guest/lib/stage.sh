# Staging the userland: programs with their shared libraries, lazily unpacked ones, busybox
# (sourced by guest/build.sh).

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
