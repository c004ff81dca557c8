using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Each VM's QEMU in a cgroup of its own, with its limits, from before it executes.</summary>
public sealed class CgroupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_QEMU_past_its_memory_limit_is_killed_by_its_cgroup_and_the_other_VM_runs_on()
    {
        await using var host = await NubedHost.StartAsync(output);
        var hog = await NubeCli.NewGuestVmAsync(host, "hog");
        var calm = await NubeCli.NewGuestVmAsync(host, "calm");
        await NubeCli.OkAsync(host, "vm", "start", "hog", "--wait-agent", "60");
        await NubeCli.OkAsync(host, "vm", "start", "calm", "--wait-agent", "60");
        var hogPid = host.QemuPid(hog)!.Value;
        var calmPid = host.QemuPid(calm)!.Value;

        // In its own cgroup in every hierarchy, with the VM's memory plus the stated overhead
        // (256 MiB, 1/16 of 256 MiB, 1 GiB of TCG cache) and 512 processes.
        var cgroups = File.ReadAllLines($"/proc/{hogPid}/cgroup").Select(l => l.Split(':', 3)).ToDictionary(p => p[1], p => p[2]);
        foreach (var controller in new[] { "memory", "pids", "cpu" })
            Assert.EndsWith($"/nube-vms/vm-{hog}", cgroups.Single(c => c.Key.Split(',').Contains(controller)).Value);
        var memory = $"/sys/fs/cgroup/memory{cgroups["memory"]}";
        Assert.Equal($"{(256L + 256 + 16 + 1024) << 20}", File.ReadAllText(Path.Join(memory, "memory.limit_in_bytes")).Trim());
        Assert.Equal("512", File.ReadAllText($"/sys/fs/cgroup/pids{cgroups["pids"]}/pids.max").Trim());

        // What a guest that filled more memory than its QEMU may hold would do: the limit is
        // brought just above what QEMU holds now, and the guest fills 150 MiB of its RAM.
        var used = long.Parse(File.ReadAllText(Path.Join(memory, "memory.usage_in_bytes")).Trim());
        File.WriteAllText(Path.Join(memory, "memory.limit_in_bytes"), $"{used + (32L << 20)}");
        _ = GuestShell.RunAsync(host, hog, "mkdir -p /ram; mount -t tmpfs -o size=220m tmpfs /ram; dd if=/dev/zero of=/ram/fill bs=1M count=150", TimeSpan.FromSeconds(90))
            .ContinueWith(t => t.Exception, TaskScheduler.Default);
        var off = await WaitForStateAsync(host, "hog", "off", TimeSpan.FromSeconds(90));
        Assert.Equal("QEMU exited unexpectedly. QEMU was killed by signal 9.", off.Summary.StateReason);
        Assert.False(NubedHost.ProcessAlive(hogPid));
        // The cgroup is given back once its QEMU is gone.
        Assert.False(Directory.Exists(memory));

        Assert.True(NubedHost.ProcessAlive(calmPid));
        Assert.Equal("running", (await host.Client.GetVmAsync("calm", 10)).Summary.State);
        Assert.True((await host.Client.GetVmAsync("calm", 10)).GuestAgent?.Responding);
    }

    private static async Task<VmDetails> WaitForStateAsync(NubedHost host, string vm, string state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var details = await host.Client.GetVmAsync(vm, 0);
            if (details.Summary.State == state)
                return details;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"VM '{vm}' is {details.Summary.State}, not {state}, after {timeout.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }
}
