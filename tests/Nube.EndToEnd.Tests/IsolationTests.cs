using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// The host layer's promise, tried as an attacker who controls one VM's QEMU would: each QEMU
/// runs as its VM's own user with no privilege, and nothing of another VM is within its reach.
/// </summary>
public sealed class IsolationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_QEMU_runs_as_its_own_user_and_cannot_reach_another_VMs_files_or_process()
    {
        await using var host = await NubedHost.StartAsync(output);
        // B's disk lies where every user may look, as an operator's image folder often is.
        var shared = Path.Combine(host.Root, "shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(host.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_101_101);
        var diskB = await Overlay.CreateAsync(host, "shared/b.qcow2");
        File.SetUnixFileMode(diskB, (UnixFileMode)0b110_100_100);
        var a = await NubeCli.NewGuestVmAsync(host, "a");
        var b = await NubeCli.NewGuestVmAsync(host, "b", "--scsi-disk", diskB);
        var c = await NubeCli.NewGuestVmAsync(host, "c");
        foreach (var name in new[] { "a", "b", "c" })
            await NubeCli.OkAsync(host, "vm", "start", name);
        await NubeCli.OkAsync(host, "vm", "save", "c");

        var pidA = host.QemuPid(a)!.Value;
        var pidB = host.QemuPid(b)!.Value;
        var statusA = Status(pidA);
        var uidA = statusA["Uid"].Split('\t')[0];
        Assert.NotEqual(uidA, Status(pidB)["Uid"].Split('\t')[0]);
        Assert.Equal($"{uidA}\t{uidA}\t{uidA}\t{uidA}", statusA["Uid"]);
        Assert.Equal("", statusA["Groups"]);
        Assert.Equal(("0000000000000000", "0000000000000000", "0000000000000000"), (statusA["CapEff"], statusA["CapPrm"], statusA["CapBnd"]));
        Assert.Equal(("1", "2"), (statusA["NoNewPrivs"], statusA["Seccomp"]));

        // B's disk was readable by every user; B's start took that away, since every QEMU is another user.
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(diskB));
        var folderB = Path.Combine(host.DataDir, "vms", b.ToString());
        var folderC = Path.Combine(host.DataDir, "vms", c.ToString());
        foreach (var file in new[] { diskB, Path.Combine(folderB, "com1.log"), Path.Combine(folderB, "qemu.log"), Path.Combine(folderB, "vm.json"),
                     Path.Combine(folderC, "saved.state"), Path.Combine(host.DataDir, "vm-users.json") })
        {
            Assert.True(File.Exists(file), file);
            var read = await AsUserAsync(uidA, $"cat '{file}' > /dev/null");
            Assert.True(read.ExitCode != 0, $"VM a's user read {file}");
            Assert.Contains("Permission denied", read.Stderr);
            var write = await AsUserAsync(uidA, $"echo x >> '{file}'");
            Assert.True(write.ExitCode != 0, $"VM a's user wrote {file}");
        }
        foreach (var folder in new[] { folderB, Path.Combine(host.RunDir, "vms", b.ToString()) })
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(folder));
        var signal = await AsUserAsync(uidA, $"kill -0 {pidB}");
        Assert.True(signal.ExitCode != 0, "VM a's user could signal b's QEMU");
        Assert.Contains("Operation not permitted", signal.Stderr);
        Assert.True(NubedHost.ProcessAlive(pidB));
    }

    [Fact]
    public async Task Links_in_a_VMs_folder_are_never_followed()
    {
        await using var host = await NubedHost.StartAsync(output);
        var id = await NubeCli.NewGuestVmAsync(host, "linked");
        var folder = Path.Combine(host.DataDir, "vms", id.ToString());
        var victim = Path.Combine(host.Root, "victim");
        File.WriteAllText(victim, "root's own\n");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        File.CreateSymbolicLink(Path.Combine(folder, "qemu.log"), victim);
        var refused = await NubeCli.RunAsync(host, "vm", "start", "linked");
        Assert.Equal(5, refused.ExitCode);
        Assert.Contains($"'{Path.Combine(folder, "qemu.log")}': it is a symbolic link", NubeCli.Flat(refused.Stderr));
        File.Delete(Path.Combine(folder, "qemu.log"));

        File.CreateSymbolicLink(Path.Combine(folder, "com1.log"), victim);
        await NubeCli.OkAsync(host, "vm", "start", "linked", "--wait-agent", "60");
        await NubeCli.OkAsync(host, "vm", "turn-off", "linked");
        Assert.Equal("root's own\n", File.ReadAllText(victim));
        Assert.Contains("Cannot open the VM's serial log", host.Log);
    }

    [Fact]
    public async Task A_backing_file_outside_the_storage_roots_or_a_device_is_refused_at_create_and_at_start()
    {
        await using var host = await NubedHost.StartAsync(output);
        var outside = Path.Combine(Path.GetTempPath(), $"nube-outside-{Guid.NewGuid():N}");
        Directory.CreateDirectory(outside);
        try
        {
            var secret = Path.Combine(outside, "secret.raw");
            File.WriteAllBytes(secret, new byte[1 << 20]);
            var evil = await Overlay.CreateAsync(host, "evil.qcow2", secret);
            var created = await NubeCli.RunAsync(host, "vm", "new", "evil", "--kernel", TestGuest.Kernel, "--initrd", TestGuest.Initrd,
                "--scsi-disk", evil);
            Assert.Equal(5, created.ExitCode);
            Assert.Contains($"scsiControllers[0].disks[0].path: the backing file '{secret}' of '{evil}' is outside the host's storage roots", created.Stderr);

            // A disk that was fine at create and whose header was rewritten afterwards (by a QEMU it was given to).
            var good = await Overlay.CreateAsync(host, "good.qcow2");
            await NubeCli.OkAsync(host, "vm", "new", "rewritten", "--kernel", TestGuest.Kernel, "--initrd", TestGuest.Initrd, "--scsi-disk", good);
            await HostProgram.OutputAsync("qemu-img", "rebase", "-u", "-b", secret, "-F", "raw", "-f", "qcow2", good);
            var outsideStart = await NubeCli.RunAsync(host, "vm", "start", "rewritten");
            Assert.Equal(5, outsideStart.ExitCode);
            Assert.Contains($"the backing file '{secret}' of '{good}' is outside the host's storage roots", outsideStart.Stderr);
            await HostProgram.OutputAsync("qemu-img", "rebase", "-u", "-b", "/dev/zero", "-F", "raw", "-f", "qcow2", good);
            var device = await NubeCli.RunAsync(host, "vm", "start", "rewritten");
            Assert.Equal(5, device.ExitCode);
            Assert.Contains($"the backing file '/dev/zero' of '{good}' is a host device", device.Stderr);

            var own = await NubeCli.RunAsync(host, "vm", "new", "own", "--kernel", TestGuest.Kernel, "--scsi-disk", Path.Combine(host.DataDir, "host.json"));
            Assert.Equal(5, own.ExitCode);
            Assert.Contains("is inside the host's data directory", own.Stderr);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task User_mode_networking_does_not_reach_the_hosts_own_services()
    {
        await using var host = await NubedHost.StartAsync(output);
        // A service of the host on loopback, as nubed's own API on 127.0.0.1:8006 would be.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var id = await NubeCli.NewGuestVmAsync(host, "outside", "--nic", "synthetic:user");
        await NubeCli.OkAsync(host, "vm", "start", "outside", "--wait-agent", "60");

        // The guest's user-mode network: 10.0.2.2 is the host, as QEMU's slirp maps it to 127.0.0.1.
        await GuestShell.RunAsync(host, id, "ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0");
        // nc ends at once when refused; connected, it waits for the listener, which never answers.
        var connect = $"echo hello | timeout 5 nc 10.0.2.2 {port}; echo nc=$?";
        var refused = await GuestShell.RunAsync(host, id, connect, TimeSpan.FromSeconds(60));
        output.WriteLine(refused);
        Assert.Contains("nc=1", refused);
        Assert.False(listener.Pending(), "a connection from the guest reached the host's loopback");
        var rules = await HostProgram.OutputAsync("nft", "list", "table", "inet", "nube_vm_guard");
        Assert.Contains("meta skuid 1879048192-2147483646 fib daddr type local meta l4proto tcp reject with tcp reset", rules);

        // Without the guard, the same guest reaches the listener: what kept it out was the guard.
        await HostProgram.OutputAsync("nft", "delete", "table", "inet", "nube_vm_guard");
        try
        {
            var reached = await GuestShell.RunAsync(host, id, connect, TimeSpan.FromSeconds(60));
            output.WriteLine(reached);
            Assert.True(listener.Pending(), $"without the guard the guest did not reach the listener either: {reached}");
        }
        finally
        {
            Assert.Null(await Nube.Linux.Network.LoopbackGuard.InstallAsync(CancellationToken.None));
        }
    }

    /// <summary>A shell command as the given uid, as a compromised QEMU of that VM would run it (no capabilities).</summary>
    private static Task<HostProgram.Result> AsUserAsync(string uid, string command) =>
        HostProgram.RunAsync("setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--", "sh", "-c", command);

    private static Dictionary<string, string> Status(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());
}
