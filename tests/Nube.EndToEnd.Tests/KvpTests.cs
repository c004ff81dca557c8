using System.Diagnostics;
using System.Text.Json;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Data exchange (KVP) with the real guest: pairs both ways, intrinsic items, an item the host refuses.</summary>
public sealed class KvpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Pairs_travel_both_ways_the_guest_is_described_and_an_oversized_item_is_refused_alone()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = (await host.Client.CreateVmAsync(NubedHost.GuestSettings("exchange") with
        {
            NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic", Switch = "user" }],
        })).Summary.Id;
        // Set while off: written into the guest at the agent's first answer.
        var early = await host.Client.SetKvpAsync("exchange", "site", "berlin-2");
        Assert.False(early.InGuest);
        Assert.Equal("VM 'exchange' is off, so its host pairs cannot be written into the guest; the pair is written into the guest when it runs with data exchange enabled.", early.Note);
        await host.Client.RunJobAsync("exchange", "start", agentWaitSeconds: 60);

        await Poll.UntilAsync(async () => (await GuestShell.RunAsync(host, vm, "cat /var/lib/nube/kvp/host/site 2>/dev/null || true")).Trim() == "berlin-2",
            "the host's pair set while off to reach the guest", TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var set = await host.Client.SetKvpAsync("exchange", "role", "web front");
        output.WriteLine($"kvp set (written into the guest) took {clock.ElapsedMilliseconds} ms");
        Assert.True(set.InGuest, set.Note);
        Assert.Equal("web front", (await GuestShell.RunAsync(host, vm, "cat /var/lib/nube/kvp/host/role")).Trim());

        // The test guest configures no address by itself.
        await GuestShell.RunAsync(host, vm, "ip addr add 192.0.2.10/24 dev eth0 && ip link set eth0 up");
        await GuestShell.RunAsync(host, vm,
            "echo ready > /var/lib/nube/kvp/guest/status; head -c 5000 /dev/zero | tr '\\0' x > /var/lib/nube/kvp/guest/huge; printf 'a\\377b' > /var/lib/nube/kvp/guest/binary");
        clock.Restart();
        var status = await NubeCli.RunAsync(host, "vm", "kvp", "get", "exchange", "status");
        output.WriteLine($"kvp get of a guest pair through the CLI took {clock.ElapsedMilliseconds} ms");
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Equal("ready\n", status.Stdout);

        var list = await NubeCli.RunAsync(host, "vm", "kvp", "list", "exchange", "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        var items = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => (i.GetProperty("pool").GetString(), i.GetProperty("key").GetString()), i => i);
        Assert.Equal("berlin-2", items[("host", "site")].GetProperty("value").GetString());
        Assert.Equal("ready", items[("guest", "status")].GetProperty("value").GetString());
        Assert.Equal("the value is larger than the limit of 2048 bytes", items[("guest", "huge")].GetProperty("refused").GetString());
        Assert.Equal("the value is not valid UTF-8 text", items[("guest", "binary")].GetProperty("refused").GetString());
        Assert.Equal("nube-guest", items[("intrinsic", "HostName")].GetProperty("value").GetString());
        Assert.Equal("nube-guest", items[("intrinsic", "FullyQualifiedDomainName")].GetProperty("value").GetString());
        Assert.Equal("Nube test guest", items[("intrinsic", "OSName")].GetProperty("value").GetString());
        var kernel = (await GuestShell.RunAsync(host, vm, "uname -r")).Trim();
        Assert.Equal(kernel, items[("intrinsic", "OSKernelVersion")].GetProperty("value").GetString());
        Assert.Equal("192.0.2.10", items[("intrinsic", "NetworkAddressIPv4")].GetProperty("value").GetString());
        Assert.StartsWith("192.0.2.10/24", items[("intrinsic", "NetworkAddress.eth0")].GetProperty("value").GetString());
        Assert.Contains("the guest's item 'huge' is refused: the value is larger than the limit of 2048 bytes", host.Log);

        var refused = await NubeCli.RunAsync(host, "vm", "kvp", "get", "exchange", "huge");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("error: The guest's item 'huge' is refused: the value is larger than the limit of 2048 bytes\n", refused.Stderr);
        var details = await host.Client.GetVmAsync("exchange", 5);
        Assert.True(details.GuestAgent?.Responding, details.GuestAgent?.Error);

        var removed = await NubeCli.RunAsync(host, "vm", "kvp", "remove", "exchange", "role");
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.Equal("Removed 'role' from the host and the guest.\n", removed.Stdout);
        Assert.Equal("site\n", (await GuestShell.RunAsync(host, vm, "ls /var/lib/nube/kvp/host")).Replace("\r", ""));
        var bad = await NubeCli.RunAsync(host, "vm", "kvp", "set", "exchange", "..", "x");
        Assert.Equal(5, bad.ExitCode);
        Assert.Equal("error: key: '..' is not a file name; a key is a file name in the guest\n", bad.Stderr);
    }
}
