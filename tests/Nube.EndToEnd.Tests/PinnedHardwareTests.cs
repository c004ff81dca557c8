using System.Text.Json.Nodes;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>The virtual processor a VM is pinned to: a new VM's, and one made and saved before pinning.</summary>
public sealed class PinnedHardwareTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_new_VM_gets_the_compatible_processor_and_a_VM_saved_before_pinning_restores_on_the_hosts_processor_it_ran_on()
    {
        await using var host = await NubedHost.StartAsync(output);
        var fresh = (await host.Client.CreateVmAsync(NubedHost.GuestSettings("fresh", memoryMiB: 256))).Summary.Id;
        var old = (await host.Client.CreateVmAsync(NubedHost.GuestSettings("old", extraAppend: "nube.counter=1") with { ProcessorModel = "host" })).Summary.Id;
        Assert.Equal("compatible", (await host.Client.GetVmAsync("fresh", 0)).Settings!.ProcessorModel);
        await Task.WhenAll(host.Client.RunJobAsync("fresh", "start"), host.Client.RunJobAsync("old", "start", agentWaitSeconds: 120));
        Assert.Contains("qemu64,+aes,+pclmulqdq,+popcnt,+pni,+sse4.1,+sse4.2,+ssse3,+cx16,+lahf_lm,enforce", Cmdline(host, fresh));
        // The guest sees the processor it was given: SSE4.2 and AES, not what "max" adds.
        var flags = await GuestShell.RunAsync(host, fresh, "grep -m1 '^flags' /proc/cpuinfo");
        Assert.Contains(" sse4_2", flags, StringComparison.Ordinal);
        Assert.Contains(" aes", flags, StringComparison.Ordinal);
        Assert.DoesNotContain(" avx2", flags, StringComparison.Ordinal);
        await host.Client.RunJobAsync("fresh", "turn-off");

        // A VM made and saved by a Nube before pinning: its vm.json has no processor, its state was saved under "max".
        await Poll.UntilAsync(() => Task.FromResult(host.LastCounter(old) >= 2), "the counter to reach 2", Minute);
        Assert.Equal("saved", (await host.Client.RunJobAsync("old", "save")).Vm!.State);
        await host.KillServiceAsync();
        var file = Path.Combine(host.DataDir, "vms", old.ToString(), "vm.json");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        Assert.True(document.Remove("processor"), "vm.json names the processor");
        await File.WriteAllTextAsync(file, document.ToJsonString());
        await host.StartServiceAsync();
        var saved = await host.Client.GetVmAsync("old", 0);
        Assert.Null(saved.Settings!.ProcessorModel);
        Assert.Contains("host (made before pinning)", NubeCli.Flat((await NubeCli.OkAsync(host, "vm", "show", "old")).Stdout), StringComparison.Ordinal);

        // It restores on the processor it ran on, its counter going on from where it stood.
        var atSave = host.LastCounter(old);
        Assert.Equal("running", (await host.Client.RunJobAsync("old", "start")).Vm!.State);
        Assert.Contains("-cpu max", Cmdline(host, old), StringComparison.Ordinal);
        await Poll.UntilAsync(() => Task.FromResult(host.LastCounter(old) > atSave), "the counter to go on after the restore", Minute);
        Assert.InRange(host.LastCounter(old), atSave + 1, atSave + 10);

        // Its processor changes only while it is off.
        var running = await NubeCli.RunAsync(host, "vm", "set", "old", "--processor-model", "compatible");
        Assert.NotEqual(0, running.ExitCode);
        output.WriteLine(running.Stderr);
        Assert.Contains("off", NubeCli.Flat(running.Stderr), StringComparison.Ordinal);
        await host.Client.RunJobAsync("old", "turn-off");
        await NubeCli.OkAsync(host, "vm", "set", "old", "--processor-model", "compatible");
        Assert.Equal("compatible", (await host.Client.GetVmAsync("old", 0)).Settings!.ProcessorModel);
        var wrong = await NubeCli.RunAsync(host, "vm", "set", "old", "--processor-model", "fastest");
        Assert.Contains("processorModel", NubeCli.Flat(wrong.Stderr), StringComparison.Ordinal);
        Assert.Contains("fastest", NubeCli.Flat(wrong.Stderr), StringComparison.Ordinal);
    }

    private static string Cmdline(NubedHost host, Guid vm) =>
        File.ReadAllText($"/proc/{host.QemuPid(vm)}/cmdline").Replace('\0', ' ');
}
