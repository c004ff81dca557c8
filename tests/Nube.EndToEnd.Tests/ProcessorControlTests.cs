using System.Diagnostics;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Hyper-V's processor controls, measured on the host: the CPU time each VM's cgroup was given.</summary>
[Collection(Alone.Name)]
public sealed class ProcessorControlTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Weights_share_a_contended_processor_and_a_limit_holds_and_a_reserve_past_the_host_is_refused()
    {
        await using var host = await NubedHost.StartAsync(output);
        var light = await NubeCli.NewGuestVmAsync(host, "light", "--cpu-weight", "100");
        var heavy = await NubeCli.NewGuestVmAsync(host, "heavy", "--cpu-weight", "300");
        foreach (var (name, id) in new[] { ("light", light), ("heavy", heavy) })
        {
            await NubeCli.OkAsync(host, "vm", "start", name, "--wait-agent", "60");
            // A guest that never rests: its vCPU thread always wants the processor.
            await GuestShell.RunAsync(host, id, "(while :; do :; done) > /dev/null 2>&1 & echo busy");
        }
        // Both on one host processor, so that they contend for it.
        foreach (var id in new[] { light, heavy })
            await HostProgram.OutputAsync("taskset", "-a", "-p", "1", $"{host.QemuPid(id)}");

        var used = await MeasureAsync(host, light, heavy);
        var ratio = used[heavy] / used[light];
        output.WriteLine($"weights 300:100 on one processor: {used[heavy]:0.00} s against {used[light]:0.00} s, ratio {ratio:0.00}");
        Assert.InRange(ratio, 3 * 0.85, 3 * 1.15);

        // A 50 % limit, set while the VM runs, with the processor to itself.
        await NubeCli.OkAsync(host, "vm", "set", "light", "--cpu-limit", "50");
        await HostProgram.OutputAsync("taskset", "-a", "-p", "2", $"{host.QemuPid(light)}");
        var throttledBefore = Throttled(host, light);
        var alone = (await MeasureAsync(host, light))[light] / Window.TotalSeconds;
        var throttled = Throttled(host, light) - throttledBefore;
        output.WriteLine($"limit 50 %: the VM used {alone:P1} of a processor, held back in {throttled} periods of 100 ms");
        // Never past the limit; and the scheduler held it back, rather than other load starving it (the machine may be busy).
        Assert.InRange(alone, 0.05, 0.55);
        Assert.True(throttled > 0, "the cgroup was never throttled at its limit");

        // The host has 2 logical processors here: 100 % of light's one and 150 % of a new 2-vCPU VM do not fit.
        await NubeCli.OkAsync(host, "vm", "set", "light", "--cpu-reserve", "100", "--cpu-limit", "100");
        await NubeCli.NewGuestVmAsync(host, "reserved", "--cpus", "2", "--cpu-reserve", "75");
        var refused = await NubeCli.RunAsync(host, "vm", "start", "reserved");
        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("cpuReserve: VM 'reserved' reserves 75 % of 2 virtual processors (150 % of one logical processor); " +
            "the running VMs reserve 100 %, and the host has 2 logical processors (200 %)", NubeCli.Flat(refused.Stderr));
    }

    /// <summary>Seconds of CPU each VM's cgroup was given over the window (cpuacct).</summary>
    private static async Task<Dictionary<Guid, double>> MeasureAsync(NubedHost host, params Guid[] vms)
    {
        var before = vms.ToDictionary(id => id, id => Usage(host, id));
        var clock = Stopwatch.StartNew();
        await Task.Delay(Window);
        var elapsed = clock.Elapsed.TotalSeconds / Window.TotalSeconds;
        return vms.ToDictionary(id => id, id => (Usage(host, id) - before[id]) / 1e9 / elapsed);
    }

    private static long Usage(NubedHost host, Guid vm) =>
        long.Parse(File.ReadAllText($"/sys/fs/cgroup/cpuacct{CgroupOf(host, vm, "cpuacct")}/cpuacct.usage").Trim());

    /// <summary>How many scheduler periods the VM's cgroup was held back at its limit so far (cpu.stat's nr_throttled).</summary>
    private static long Throttled(NubedHost host, Guid vm) =>
        long.Parse(File.ReadAllLines($"/sys/fs/cgroup/cpu{CgroupOf(host, vm, "cpu")}/cpu.stat")
            .Single(l => l.StartsWith("nr_throttled ", StringComparison.Ordinal)).Split(' ')[1]);

    private static string CgroupOf(NubedHost host, Guid vm, string controller) =>
        File.ReadAllLines($"/proc/{host.QemuPid(vm)}/cgroup").Select(l => l.Split(':', 3)).Single(p => p[1].Split(',').Contains(controller))[2];

}
