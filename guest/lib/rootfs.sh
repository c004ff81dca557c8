# The root file system: /etc, the shutdown and power-button helpers and /init (sourced by
# guest/build.sh).

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

    # What busybox udhcpc runs with what a DHCP server said (nube.dhcp=1): the address, the
    # default route and the DNS servers, as a distribution's client applies them.
    cat > "$STAGE/etc/nube/dhcp.script" <<'EOF'
#!/bin/sh
case "$1" in
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/$mask" dev "$interface"
        [ -z "$router" ] || ip route replace default via "${router%% *}" dev "$interface"
        [ -z "$dns" ] || printf 'nameserver %s\n' $dns > /etc/resolv.conf ;;
    deconfig)
        ip addr flush dev "$interface" ;;
esac
exit 0
EOF
    chmod 755 "$STAGE/etc/nube/dhcp.script"

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

# nube.dhcp=1: every Ethernet interface asks for an address by DHCP in the background, as a
# distribution's network set-up does (tests that set addresses themselves leave it off). Before
# the agent starts, so that a start that waits for the agent finds the address there.
if grep -qw nube.dhcp=1 /proc/cmdline; then
    for d in /sys/class/net/*; do
        [ "$(cat "$d/type" 2>/dev/null)" = 1 ] || continue
        ip link set dev "${d##*/}" up
        udhcpc -i "${d##*/}" -b -s /etc/nube/dhcp.script >/dev/null 2>&1
    done
fi

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

# The display's console (tty1, on the framebuffer that bochs or virtio_gpu gives fbcon): a
# banner and a root shell at once, with no login, as a VM's screen shows its console.
if [ -c /dev/tty1 ]; then
    (
        while :; do
            {
                printf '\033[H\033[2J'
                echo "Nube test guest (Debian GNU/Linux 12), kernel $(uname -r), tty1"
                echo "No login: this shell runs as root."
                echo
            } > /dev/tty1
            setsid -c sh -l < /dev/tty1 > /dev/tty1 2>&1
            sleep 1
        done
    ) &
fi

while :; do
    sleep 3600
done
EOF
    chmod 755 "$STAGE/init"
}
