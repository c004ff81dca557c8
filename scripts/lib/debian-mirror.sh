# Sourced by scripts/install-deps.sh, scripts/check-fresh.sh and guest/debian/build.sh.

# Prints the Debian mirror the machine's apt already uses: the first Debian (not security) URI
# of its sources, deb822 or one-line style; nothing when there is none. Nube never names a mirror
# of its own.
debian_mirror() {
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | sed -E 's/\[[^]]*\] *//' | awk '$3 == "bookworm" {print $2}'; } | grep -v security | head -n1 || true
}
