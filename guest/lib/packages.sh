# Package resolution, downloads, the cache key and the manifest (sourced by guest/build.sh).

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
                sfdisk:fdisk /usr/lib/syslinux/mbr/mbr.bin:syslinux-common \
                xorriso:xorriso /usr/lib/ISOLINUX/isolinux.bin:isolinux; do
        # A tool is found on PATH; a data file (the MBR image, ISOLINUX) by its path.
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

# Cache key: the guest's scripts (build.sh and lib/*.sh) plus every package version.
compute_key() { # $1: file of "name version" lines
    { cat "${GUEST_SCRIPTS[@]}" | sha256sum | cut -d' ' -f1; cat "$1"; } | sha256sum | cut -d' ' -f1
}

manifest_packages() { # prints "name version" lines of an existing manifest
    sed -n '/"packages"/,/}/p' "$1" | sed -nE 's/^ *"([^"]+)": "([^"]+)",?$/\1 \2/p' | sort
}

manifest_key() { sed -nE 's/^ *"key": "([0-9a-f]+)".*/\1/p' "$1"; }

outputs_present() {
    local f
    for f in vmlinux initrd.img data.img boot.img efi.img guest.iso manifest.json; do [[ -s $OUT/$f ]] || return 1; done
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

version_of() { # $1: name, $2: file of "name version" lines
    awk -v p="$1" '$1 == p { print $2 }' "$2"
}

deb_of() { # $1: name, $2: version
    local f
    f=$(compgen -G "$DEBS/${1}_${2//:/%3a}_*.deb" | sed -n 1p) || true
    [[ -n $f ]] || die "missing download for $1 $2"
    echo "$f"
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
