using System.Diagnostics;
using System.Text.Json;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// Real Debian 12 guests made with debootstrap (guest/debian/build.sh), as a new user would make
/// them, under Nube: their stock qemu-guest-agent answers, `vm measure` reads them, and `vm stop` shuts both down cleanly,
/// the minimal one (no D-Bus, so guest-shutdown fails in it) through the agent's second request.
/// On the one with D-Bus, a disk added while it runs is formatted, grown online with its file
/// system, removed and added again with its data. And Debian's own installer boots from a disc in
/// a generation 2 VM's DVD drive. On an internal switch with NAT and DHCP, systemd-networkd takes
/// a lease from the switch's DHCP server and the guest reaches a server beyond the host.
/// </summary>
[Collection(Alone.Name)]
public sealed class DebianGuestTests(ITestOutputHelper output)
{
    /// <summary>Boot to the agent took 20-30 s here under TCG, two guests at once; CI is as slow.</summary>
    private const int AgentWaitSeconds = 240;

    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Both_Debian_12_guests_answer_through_their_agent_and_stop_cleanly_within_30_s()
    {
        await using var host = await NubedHost.StartAsync(output);
        // The guests' own folders become storage roots: the disks' backing images and the kernels are there.
        await Cli(host, "host", "set", "--storage-root", TestGuest.Directory, "--storage-root", host.Root,
            "--storage-root", DebianGuest.Minimal.Directory, "--storage-root", DebianGuest.WithDbus.Directory);

        // Both at once, to halve the cost: 1 GiB each, and the two cores shared.
        var runs = await Task.WhenAll(
            BootAndStopAsync(host, DebianGuest.Minimal, "The guest shut down through its agent, which ran 'systemctl poweroff'."),
            BootAndStopAsync(host, DebianGuest.WithDbus, "The guest shut down through its agent.", HotPlugAndGrowAsync));

        foreach (var line in runs)
            output.WriteLine(line);
    }

    [Fact]
    public async Task A_generation_2_vm_with_a_blank_disk_boots_Debian_12s_installer_from_its_disc_with_secure_boot_on()
    {
        await using var host = await NubedHost.StartAsync(output);
        await Cli(host, "host", "set", "--storage-root", host.Root, "--storage-root", Path.GetDirectoryName(DebianGuest.InstallerIso)!);
        // As the operator's guide (docs/drives.md) says: a blank disk, then a VM with it and the installer's disc.
        var disk = Path.Combine(host.Root, "debian.qcow2");
        await Cli(host, "disk", "new", disk, "--size", "4GiB");
        await Cli(host, "vm", "new", "installer", "--generation", "2", "--memory", "1024", "--scsi-disk", disk, "--dvd", DebianGuest.InstallerIso);
        var clock = Stopwatch.StartNew();
        await Cli(host, "vm", "start", "installer");
        var id = (await host.Client.GetVmAsync("installer", 0)).Summary.Id;

        // The installer's first dialog, on COM1 (console=ttyS0), after Debian's signed shim, GRUB and kernel ran under Secure Boot.
        await host.WaitForSerialLineAsync(id, l => l.Contains("Select a language", StringComparison.Ordinal), TimeSpan.FromSeconds(AgentWaitSeconds));
        output.WriteLine($"start to the installer's first dialog {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains(host.SerialLines(id), l => l.Contains("Secure boot enabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Debian_12_guest_on_an_internal_switch_gets_its_address_by_DHCP_and_reaches_beyond_the_host_through_NAT()
    {
        // The host in a namespace of its own, and the world beyond it in another, linked by a veth pair.
        await using var ns = await NetNamespace.MakeAsync();
        await using var outside = await NetNamespace.MakeAsync();
        await ns.LinkAsync(outside, "10.77.50.1/24", "10.77.50.2/24");
        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);
        await Cli(host, "host", "set", "--storage-root", host.Root, "--storage-root", DebianGuest.WithDbus.Directory);
        await Cli(host, "switch", "new", "lan", "--kind", "internal", "--address", "10.77.51.1/24", "--nat", "--dhcp");
        const string name = "debian-on-lan";
        Directory.CreateDirectory(Path.Combine(host.Root, name));
        var disk = await Overlay.CreateAsync(host, Path.Combine(name, "root.qcow2"), DebianGuest.WithDbus.RootImage);
        await Cli(host, "vm", "new", name, "--kernel", DebianGuest.WithDbus.Kernel, "--initrd", DebianGuest.WithDbus.Initrd,
            "--append", DebianGuest.CommandLine, "--scsi-disk", disk, "--memory", "1024", "--nic", "synthetic:lan");
        await Cli(host, TimeSpan.FromSeconds(AgentWaitSeconds + 60), "vm", "start", name, "--wait-agent", $"{AgentWaitSeconds}");
        var vm = (await host.Client.GetVmAsync(name, 0)).Summary.Id;

        // As an operator configures a Debian guest: systemd-networkd, DHCP on its Ethernet adapter.
        await GuestShell.RunAsync(host, vm, "printf '[Match]\\nType=ether\\n[Network]\\nDHCP=ipv4\\n' > /etc/systemd/network/50-dhcp.network"
            + " && systemctl restart systemd-networkd");
        var address = "";
        await Poll.UntilAsync(async () =>
        {
            // A minimal Debian has no iproute2: networkd's own lease file says what it took.
            var said = await GuestShell.RunAsync(host, vm, "cat /run/systemd/netif/leases/* 2>/dev/null; true");
            address = System.Text.RegularExpressions.Regex.Match(said, @"^ADDRESS=(10\.77\.51\.\d+)$", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
            return address.Length > 0;
        }, "the guest's DHCP lease", TimeSpan.FromSeconds(60));
        Assert.InRange(int.Parse(address.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture), 128, 254);
        Assert.Contains(address, await GuestShell.RunAsync(host, vm, "hostname -I"), StringComparison.Ordinal);
        // The default route through the host's address (the kernel's table, in hex and little-endian).
        Assert.Contains("01334D0A", await GuestShell.RunAsync(host, vm, "awk '$2 == \"00000000\" { print $3 }' /proc/net/route"), StringComparison.Ordinal);
        // The host sees the address through the guest's agent: in the intrinsic pairs, and on the adapter in vm show.
        Assert.Contains(address, await Cli(host, "vm", "kvp", "get", name, "NetworkAddressIPv4", "--pool", "intrinsic"), StringComparison.Ordinal);
        var adapter = Assert.Single((await host.Client.GetVmAsync(name, 10)).Devices!, d => d.Addresses is not null);
        Assert.Contains($"{address}/24", adapter.Addresses!);
        var shown = (await Cli(host, "vm", "show", name)).Split('\n').FirstOrDefault(l => l.Contains("IP addresses", StringComparison.Ordinal));
        Assert.Contains($"{address}/24", shown ?? "(no IP addresses line)", StringComparison.Ordinal);

        // A TCP connection from the guest to a server beyond the host, through the host's masquerade.
        using var server = Process.Start(new ProcessStartInfo(outside.Exec[0], [.. outside.Exec.Skip(1), "iperf3", "-s", "-1", "-B", "10.77.50.2"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var said = await GuestShell.RunAsync(host, vm, "for i in 1 2 3 4 5; do timeout 5 bash -c 'exec 3<>/dev/tcp/10.77.50.2/5201' && echo C''ONNECTED && break; sleep 1; done; true");
            Assert.Contains("CONNECTED", said, StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }

        // A second adapter added while it runs, on a second switch: Debian's kernel takes the device
        // (ACPI PCI hot plug), udev names it and networkd gets it a lease; removed, its address goes.
        await Cli(host, "switch", "new", "lan2", "--kind", "internal", "--address", "10.77.52.1/24", "--dhcp");
        var listed = await Cli(host, "vm", "nic", "add", name, "synthetic:lan2");
        Assert.Contains("lan2", listed, StringComparison.Ordinal);
        var second = "";
        await Poll.UntilAsync(async () =>
        {
            second = System.Text.RegularExpressions.Regex.Match(await GuestShell.RunAsync(host, vm, "hostname -I"), @"10\.77\.52\.\d+").Value;
            return second.Length > 0;
        }, "a lease on the hot-added adapter", TimeSpan.FromSeconds(60));
        Assert.Contains(address, await GuestShell.RunAsync(host, vm, "hostname -I"), StringComparison.Ordinal);
        await Cli(host, "vm", "nic", "remove", name, "nic1");
        await Poll.UntilAsync(async () => !(await GuestShell.RunAsync(host, vm, "hostname -I")).Contains(second, StringComparison.Ordinal),
            "the removed adapter's address to go", TimeSpan.FromSeconds(30));
        Assert.Contains(address, await GuestShell.RunAsync(host, vm, "hostname -I"), StringComparison.Ordinal);
        await Cli(host, "vm", "stop", name);
    }

    /// <returns>What the guest's run measured, for the test's output.</returns>
    private static async Task<string> BootAndStopAsync(NubedHost host, DebianGuest guest, string expectedResult,
        Func<NubedHost, string, Task>? whileRunning = null)
    {
        var name = $"debian12-{guest.Variant}";
        // The shared kernel and initrd (QEMU reads them as the VM's user: they are readable by all),
        // and a disk of the test's own over the shared image.
        Directory.CreateDirectory(Path.Combine(host.Root, name));
        var disk = await Overlay.CreateAsync(host, Path.Combine(name, "root.qcow2"), guest.RootImage);

        await Cli(host, "vm", "new", name, "--kernel", guest.Kernel, "--initrd", guest.Initrd, "--append", DebianGuest.CommandLine,
            "--scsi-disk", disk, "--memory", "1024", "--nic", "synthetic:user");
        var clock = Stopwatch.StartNew();
        await Cli(host, TimeSpan.FromSeconds(AgentWaitSeconds + 60), "vm", "start", name, "--wait-agent", $"{AgentWaitSeconds}");
        var boot = clock.Elapsed;

        await Poll.UntilAsync(async () => (await host.Client.GetVmAsync(name, 0)).Summary.Heartbeat == "ok", $"{name}'s heartbeat to read ok",
            TimeSpan.FromSeconds(60));
        var osName = await Cli(host, "vm", "kvp", "get", name, "OSName", "--pool", "intrinsic");
        Assert.Equal("Debian GNU/Linux\n", osName);
        var osVersion = await Cli(host, "vm", "kvp", "get", name, "OSVersion", "--pool", "intrinsic");
        Assert.StartsWith("12", osVersion);

        // Metering on a real distribution: its boot read the root disk. Its adapter is listed, but not counted: these
        // images configure no network, and Debian's qemu-ga reports no counters for an interface that is down.
        var measured = JsonDocument.Parse(await Cli(host, "vm", "measure", name, "--json")).RootElement;
        Assert.True(measured.GetProperty("processorSeconds").GetDouble() > 1);
        Assert.True(measured.GetProperty("memoryUsedBytes").GetInt64() > 64L << 20);
        var root = measured.GetProperty("disks")[0];
        Assert.Equal("SCSI 0:0", root.GetProperty("location").GetString());
        Assert.True(root.GetProperty("readBytes").GetInt64() > 1L << 20, $"{name} read {root.GetProperty("readBytes")} bytes at boot");
        var nic = measured.GetProperty("networkAdapters")[0];
        Assert.True(nic.GetProperty("source").GetString() == "none", $"{name}'s adapter: {nic}");
        Assert.Equal("Network adapter nic0", nic.GetProperty("name").GetString());

        if (whileRunning is not null)
            await whileRunning(host, name);
        // The kernel's log is clean on the processor the VM is pinned to (its console is COM1).
        var id = (await host.Client.GetVmAsync(name, 0)).Summary.Id;
        Assert.DoesNotContain(host.SerialLines(id), l => l.Contains("invalid opcode", StringComparison.Ordinal) || l.Contains("Call Trace", StringComparison.Ordinal));

        clock.Restart();
        var stopped = JsonDocument.Parse(await Cli(host, "vm", "stop", name, "--json")).RootElement;
        var stop = clock.Elapsed;
        Assert.Equal(expectedResult, stopped.GetProperty("result").GetString());
        Assert.Equal("off", stopped.GetProperty("vm").GetProperty("state").GetString());
        Assert.False(stopped.GetProperty("vm").TryGetProperty("stateReason", out _));
        Assert.True(stop < StopLimit, $"{name} took {stop.TotalSeconds:0.0} s to stop ({expectedResult})");
        return $"{name}: start to guest agent {boot.TotalSeconds:0.0} s, stop {stop.TotalSeconds:0.0} s: {expectedResult}";
    }

    /// <summary>
    /// A qcow2 added at SCSI 0:1 while the guest runs gets an ext4 file system and a file; grown to
    /// twice its size online, the guest's kernel sees the new size by itself and resize2fs grows the
    /// mounted file system; removed and added again, the file reads back the same.
    /// </summary>
    private static async Task HotPlugAndGrowAsync(NubedHost host, string name)
    {
        var vm = (await host.Client.GetVmAsync(name, 0)).Summary.Id;
        var disk = Path.Combine(host.Root, name, "data.qcow2");
        await Cli(host, "disk", "new", disk, "--size", "64MiB");
        await Cli(host, "vm", "disk", "add", name, disk, "--at", "scsi0:1");
        var device = await WaitForDiskAsync(host, vm, present: true);
        // dmesg -n 1: the kernel's lines about the disk stay off the console that carries the commands' output.
        var written = await GuestShell.RunAsync(host, vm, $"dmesg -n 1 && mkfs.ext4 -q /dev/{device} && mkdir -p /mnt/data && mount /dev/{device} /mnt/data"
            + " && head -c 4194304 /dev/urandom > /mnt/data/file && sync && sha256sum /mnt/data/file", TimeSpan.FromSeconds(120));

        await Cli(host, "disk", "resize", disk, "--size", "128MiB");
        // virtio-scsi tells the guest of the new capacity: no rescan asked for.
        await Poll.UntilAsync(async () => (await GuestShell.RunAsync(host, vm, $"cat /sys/block/{device}/size")).Contains("262144"),
            "the guest to see 128 MiB", TimeSpan.FromSeconds(30));
        var grown = await GuestShell.RunAsync(host, vm, $"resize2fs /dev/{device} >/dev/null 2>&1 && echo SIZE=$(df -k --output=size /mnt/data | tail -n1)");
        var kib = long.Parse(System.Text.RegularExpressions.Regex.Match(grown, @"SIZE= *(\d+)").Groups[1].Value);
        Assert.True(kib > 100_000, $"the mounted file system did not grow: df says {kib} KiB ({grown})");

        await GuestShell.RunAsync(host, vm, "umount /mnt/data");
        await Cli(host, "vm", "disk", "remove", name, "scsi0:1");
        await WaitForDiskAsync(host, vm, present: false);
        await Cli(host, "vm", "disk", "add", name, disk, "--at", "scsi0:1");
        device = await WaitForDiskAsync(host, vm, present: true);
        var read = await GuestShell.RunAsync(host, vm, $"mount /dev/{device} /mnt/data && sha256sum /mnt/data/file && umount /mnt/data");
        Assert.Equal(GuestShell.Sha256(written), GuestShell.Sha256(read));
    }

    /// <summary>The guest's name for the disk at SCSI target 1 once it is there, or nothing once it is gone.</summary>
    private static async Task<string> WaitForDiskAsync(NubedHost host, Guid vm, bool present)
    {
        var found = "";
        await Poll.UntilAsync(async () =>
        {
            found = await GuestShell.ScsiDiskAsync(host, vm, 1);
            return present == found.StartsWith("sd", StringComparison.Ordinal);
        }, $"the guest to {(present ? "see" : "lose")} the disk at SCSI target 1 ('{found}')", TimeSpan.FromSeconds(30));
        return found;
    }

    private static Task<string> Cli(NubedHost host, params string[] args) => Cli(host, TimeSpan.FromSeconds(120), args);

    private static async Task<string> Cli(NubedHost host, TimeSpan timeout, params string[] args)
    {
        var r = await NubeCli.RunAsync(host, null, timeout, args);
        Assert.True(r.ExitCode == 0, $"nube {string.Join(' ', args)} exited with {r.ExitCode}: {r.Stderr}");
        return r.Stdout;
    }
}
