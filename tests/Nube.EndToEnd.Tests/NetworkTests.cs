using System.Diagnostics;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Each adapter model reaches the guest with its driver; a synthetic adapter on a TAP gets a queue pair per vCPU.</summary>
public sealed class NetworkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Tulip_e1000_and_multiqueue_virtio_net_on_a_tap_are_seen_by_the_guest()
    {
        // A TAP as an operator (or a benchmark) makes it: multi_queue, owned by nobody in particular.
        var tap = $"nbt{Random.Shared.Next(0x10000):x4}";
        await RunAsync("ip", "tuntap", "add", "dev", tap, "mode", "tap", "multi_queue");
        try
        {
            await using var host = await NubedHost.StartAsync(output);
            await host.Client.CreateVmAsync(NubedHost.GuestSettings("nics") with
            {
                ProcessorCount = 2,
                NetworkAdapters =
                [
                    new NetworkAdapterSettings { Kind = "legacy", MacAddress = "52:54:00:12:35:01", Switch = "user" },
                    new NetworkAdapterSettings { Kind = "legacy", Model = "e1000", MacAddress = "52:54:00:12:35:02", Switch = "user" },
                    new NetworkAdapterSettings { Kind = "synthetic", MacAddress = "52:54:00:12:35:03", Switch = $"tap:{tap}" },
                ],
            });
            await host.Client.RunJobAsync("nics", "start");
            var vm = await host.Client.GetVmAsync("nics", 90);
            Assert.True(vm.GuestAgent?.Responding);
            Assert.Equal(["DEC 21140 (tulip)", "Intel 82540EM (e1000)", "virtio-net"],
                vm.Devices!.Where(d => d.Name.StartsWith("Network adapter", StringComparison.Ordinal)).Select(d => d.Model));

            var nics = await GuestShell.RunAsync(host, vm.Summary.Id,
                "for n in /sys/class/net/eth*; do echo \"$(cat $n/address) $(basename $(readlink $n/device/driver)) " +
                "rx=$(ls -d $n/queues/rx-* | wc -l)\"; done");
            output.WriteLine(nics);
            Assert.Contains("52:54:00:12:35:01 tulip", nics);
            Assert.Contains("52:54:00:12:35:02 e1000", nics);
            Assert.Contains("52:54:00:12:35:03 virtio_net rx=2", nics);
        }
        finally
        {
            await RunAsync("ip", "link", "delete", tap);
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: {stderr}");
    }
}
