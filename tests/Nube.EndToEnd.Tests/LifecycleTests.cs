using System.Text.Json;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>One VM through every state, driven by the real CLI, watched on its real console.</summary>
[Collection(Alone.Name)]
public sealed class LifecycleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_vm_starts_pauses_resumes_saves_restores_stops_and_turns_off()
    {
        await using var host = await NubedHost.StartAsync(output);
        var created = await NubeCli.RunAsync(host, "vm", "new", "life", "--kernel", TestGuest.Kernel, "--initrd", TestGuest.Initrd,
            "--append", "console=ttyS0 nube.counter=1", "--memory", "512", "--json");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var id = Guid.Parse(Json(created.Stdout).GetProperty("summary").GetProperty("id").GetString()!);

        var started = await NubeCli.RunAsync(host, "vm", "start", "life", "--wait-agent", "60", "--json");
        Assert.True(started.ExitCode == 0, started.Stderr);
        Assert.Equal("running", Json(started.Stdout).GetProperty("vm").GetProperty("state").GetString());
        Assert.True((await host.Client.GetVmAsync("life", 10)).GuestAgent?.Responding);
        Assert.StartsWith(TestGuest.ReadyLine, await host.WaitForSerialLineAsync(id, l => l.StartsWith(TestGuest.ReadyLine), Boot));
        await WaitForCounterAsync(host, id, 2);

        // The worker process is confined: seccomp filter on, running as the VM's own user, the first of the host's range.
        var status = File.ReadAllLines($"/proc/{host.QemuPid(id)}/status");
        Assert.Contains(status, l => l.StartsWith("Seccomp:") && l.EndsWith("2"));
        var uid = status.Single(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal($"{host.VmUidBase}", uid);

        // Paused: the guest's clock-driven counter stands still, then goes on.
        Assert.Equal("paused", await StateAfterAsync(host, "pause"));
        var atPause = host.LastCounter(id);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(atPause, host.LastCounter(id));
        Assert.Equal("running", await StateAfterAsync(host, "resume"));
        await WaitForCounterAsync(host, id, atPause + 1);

        // Saved: QEMU is gone, the state is a file; start restores and the counter continues.
        var pidBeforeSave = host.QemuPid(id)!.Value;
        Assert.Equal("saved", await StateAfterAsync(host, "save"));
        Assert.False(NubedHost.ProcessAlive(pidBeforeSave));
        Assert.True(File.Exists(Path.Combine(host.DataDir, "vms", id.ToString(), "saved.state")));
        var atSave = host.LastCounter(id);
        var linesAtSave = host.SerialLines(id).Length;
        Assert.Equal("running", await StateAfterAsync(host, "start"));
        var next = await host.WaitForSerialLineAsync(id, l => l.StartsWith(TestGuest.CounterPrefix), TimeSpan.FromSeconds(10), linesAtSave - 1);
        var firstAfterRestore = int.Parse(next[TestGuest.CounterPrefix.Length..]);
        Assert.InRange(firstAfterRestore, atSave, atSave + 2);
        Assert.DoesNotContain(host.SerialLines(id).Skip(linesAtSave), l => l.StartsWith(TestGuest.ReadyLine));
        Assert.False(File.Exists(Path.Combine(host.DataDir, "vms", id.ToString(), "saved.state")));

        // Stop: the guest powers off when its agent asks it to, well before the timeout.
        var pid = host.QemuPid(id)!.Value;
        var stop = System.Diagnostics.Stopwatch.StartNew();
        var stopped = await NubeCli.RunAsync(host, "vm", "stop", "life", "--json");
        Assert.True(stopped.ExitCode == 0, stopped.Stderr);
        Assert.Equal("off", Json(stopped.Stdout).GetProperty("vm").GetProperty("state").GetString());
        Assert.False(Json(stopped.Stdout).GetProperty("vm").TryGetProperty("stateReason", out _));
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(30), $"stop took {stop.Elapsed}");
        Assert.False(NubedHost.ProcessAlive(pid));

        // Turn off: a fresh boot, then the power is pulled.
        Assert.Equal("running", await StateAfterAsync(host, "start"));
        pid = host.QemuPid(id)!.Value;
        Assert.Equal("off", await StateAfterAsync(host, "turn-off"));
        Assert.False(NubedHost.ProcessAlive(pid));
        Assert.False(Directory.Exists(Path.Combine(host.RunDir, "vms", id.ToString())));
    }

    [Fact]
    public async Task Operations_in_the_wrong_state_are_refused_with_exit_code_4()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("idle");
        var r = await NubeCli.RunAsync(host, "vm", "pause", "idle");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("Cannot pause VM 'idle': it is off; pause needs running.", r.Stderr);
        r = await NubeCli.RunAsync(host, "vm", "resume", "idle");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("Cannot resume VM 'idle': it is off; resume needs paused.", r.Stderr);
        r = await NubeCli.RunAsync(host, "vm", "show", "nope");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("VM 'nope' was not found.", r.Stderr);
    }

    private static async Task<string> StateAfterAsync(NubedHost host, string operation)
    {
        var r = await NubeCli.RunAsync(host, "vm", operation, "life", "--json");
        Assert.True(r.ExitCode == 0, $"vm {operation}: {r.Stderr}");
        return Json(r.Stdout).GetProperty("vm").GetProperty("state").GetString()!;
    }

    private static async Task WaitForCounterAsync(NubedHost host, Guid id, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.LastCounter(id) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The guest's counter did not reach {atLeast} (it is {host.LastCounter(id)}).");
            await Task.Delay(100);
        }
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
