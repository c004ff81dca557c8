using Nube.Contracts.Client;
using Nube.Contracts.Switches;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using static Nube.EndToEnd.Tests.Infrastructure.SwitchGuests;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// Synthetic adapters added to and removed from a running VM, on switches nubed makes in a
/// network namespace the test makes: the guest sees the adapter come and go, the host reaches it
/// through its switch, the VM's other adapter is untouched, and a save and restore afterwards
/// finds every adapter in its slot.
/// </summary>
[Collection(Alone.Name)]
public sealed class AdapterHotPlugTests(ITestOutputHelper output)
{
    private const string First = "52:54:00:78:01:02";
    private const string Second = "52:54:00:78:02:02";

    [Fact]
    public async Task An_adapter_added_while_running_works_at_once_and_removing_the_other_leaves_it_working_across_a_save()
    {
        await using var ns = await NetNamespace.MakeAsync();
        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);
        var switches = host.Client.Switches;
        await switches.CreateAsync(new SwitchSettings { Name = "one", Kind = "internal", HostAddresses = ["10.78.1.1/24"] });
        var two = await switches.CreateAsync(new SwitchSettings { Name = "two", Kind = "internal", HostAddresses = ["10.78.2.1/24"] });
        var vm = await CreateAsync(host, "hot", ("one", First));
        await host.Client.RunJobAsync("hot", "start");
        Assert.True((await host.Client.GetVmAsync("hot", 90)).GuestAgent?.Responding, "the guest agent did not answer");
        await AddressAsync(host, vm, (First, "10.78.1.2/24"));
        Assert.True(await ns.ReachesAsync("10.78.1.2"), "the host did not reach the VM's first adapter");

        var added = await host.Client.SetVmAsync("hot", new VmSettings
        {
            NetworkAdapters = [.. (await host.Client.GetVmAsync("hot")).Settings!.NetworkAdapters!,
                new NetworkAdapterSettings { Kind = "synthetic", MacAddress = Second, Switch = "two" }],
        });
        Assert.Equal([8, 9], added.Settings!.NetworkAdapters!.Select(n => n.PciSlot));
        var macs = await WaitForMacAsync(host, vm, Second, present: true);
        Assert.True(macs.Contains(Second, StringComparison.Ordinal), $"after 30 s the guest's interfaces were: {macs}");
        await AddressAsync(host, vm, (Second, "10.78.2.2/24"));
        Assert.True(await ns.ReachesAsync("10.78.2.2"), "the host did not reach the hot-added adapter");
        var port = Assert.Single((await switches.GetAsync("two")).Adapters);
        Assert.Equal(("hot", "nic1"), (port.Vm, port.Adapter));
        Assert.Equal(two.Bridge, Assert.Single(await LinksAsync(ns), l => l.Name == port.Tap).Master);

        // The first adapter goes: its interface and TAP with it; the added one keeps working.
        var firstTap = Assert.Single((await switches.GetAsync("one")).Adapters).Tap;
        await host.Client.SetVmAsync("hot", new VmSettings
        {
            NetworkAdapters = [.. (await host.Client.GetVmAsync("hot")).Settings!.NetworkAdapters!.Where(n => n.MacAddress == Second)],
        });
        macs = await WaitForMacAsync(host, vm, First, present: false);
        Assert.False(macs.Contains(First, StringComparison.Ordinal), $"after 30 s the guest's interfaces were: {macs}");
        Assert.DoesNotContain(await LinksAsync(ns), l => l.Name == firstTap);
        Assert.True(await ns.ReachesAsync("10.78.2.2"), "removing one adapter cut the other off");
        Assert.False(await ns.ReachesAsync("10.78.1.2"), "the removed adapter still answered");
        var jobs = await host.Client.ListJobsAsync("hot");
        Assert.Equal(["add network adapter nic1", "remove network adapter nic0"],
            jobs.Where(j => j.Kind == "change-devices" && j.State == "completed").OrderBy(j => j.CreatedAt).Select(j => j.Result));

        // Saved and restored, QEMU is started with nic1 alone, in slot 9 as it was: the memory fits the hardware.
        await host.Client.RunJobAsync("hot", "save");
        await host.Client.RunJobAsync("hot", "start");
        Assert.Equal("running", (await host.Client.GetVmAsync("hot")).Summary.State);
        Assert.True(await ns.ReachesAsync("10.78.2.2"), "the adapter did not work after the restore");
        var now = (await host.Client.GetVmAsync("hot")).Settings!.NetworkAdapters!;
        var refused = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetVmAsync("hot", new VmSettings
        {
            NetworkAdapters = [.. now, new NetworkAdapterSettings { Kind = "legacy", Switch = "one" }],
        }));
        Assert.Contains("legacy adapters are added and removed only while the VM is off", refused.Message, StringComparison.Ordinal);
    }
}
