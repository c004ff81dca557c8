using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Tests;

/// <summary>Data exchange on a fake guest: the host's pairs reach it, the guest's are read bounded, bad items are refused alone.</summary>
public sealed class KvpServiceTests(ITestOutputHelper output)
{
    private const string Host = KvpGuest.HostFolder;
    private const string Guest = KvpGuest.GuestFolder;

    private static async Task<(ServiceHarness Host, VmController Vm, FakeQemu Qemu, KvpService Kvp)> RunningAsync(ITestOutputHelper output)
    {
        var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");
        qemu.StartAgent();
        return (host, vm, qemu, NewKvp(output));
    }

    private static KvpService NewKvp(ITestOutputHelper output) =>
        new(LoggerFactory.Create(b => b.AddProvider(new TestLoggerProvider(output))).CreateLogger<KvpService>());

    [Fact]
    public async Task Pairs_set_before_the_first_contact_are_written_at_it_and_later_ones_at_once()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        using var kvp = NewKvp(output);
        var vm = await host.CreateVmAsync("alpha");
        var early = await kvp.SetAsync(vm, "site", "berlin", CancellationToken.None);
        Assert.Equal("VM 'alpha' is off, so its host pairs cannot be written into the guest; the pair is written into the guest when it runs with data exchange enabled.", early.Note);
        await ServiceHarness.StartVmAsync(vm);
        var qemu = host.Qemu.Launched.Single();
        qemu.GuestFiles.Files[$"{Host}/stale"] = "from an earlier run"u8.ToArray();
        qemu.GuestFiles.Folders[Host] = true;
        qemu.StartAgent();

        kvp.RequestExchange(vm);
        // The exchange waits for the agent's first answer, which the heartbeat's next beat brings.
        await host.AdvanceUntilAsync(() => qemu.GuestFiles.Files.ContainsKey($"{Host}/site"), "the pair reaches the guest", TimeSpan.FromSeconds(1));
        Assert.Equal("berlin", qemu.GuestFiles.Text($"{Host}/site"));
        Assert.False(qemu.GuestFiles.Files.ContainsKey($"{Host}/stale"));
        await Eventually.UntilAsync(() => vm.Snapshot.Integration.GetValueOrDefault(IntegrationService.DataExchange)?.Status == IntegrationStatus.Ok,
            "data exchange is OK");

        var set = await kvp.SetAsync(vm, "role", "web", CancellationToken.None);
        Assert.True(set.InGuest, set.Note);
        Assert.Equal("web", qemu.GuestFiles.Text($"{Host}/role"));
        Assert.Equal([new KvpHostItem("role", "web"), new KvpHostItem("site", "berlin")], vm.Snapshot.Config!.KvpHostItems.ToArray());
        var removed = await kvp.RemoveAsync(vm, "site", CancellationToken.None);
        Assert.True(removed.InGuest);
        Assert.Equal("berlin", removed.Item.Value);
        Assert.False(qemu.GuestFiles.Files.ContainsKey($"{Host}/site"));
        // Kept with the VM: a restart of the host service finds them.
        Assert.Equal([new KvpHostItem("role", "web")], host.Store.LoadAll().Single().Config!.KvpHostItems.ToArray());
    }

    [Fact]
    public async Task An_oversized_or_malformed_guest_item_is_refused_and_the_others_read()
    {
        var (host, vm, qemu, kvp) = await RunningAsync(output);
        await using var _ = host;
        using var __ = kvp;
        qemu.GuestFiles.Folders[Guest] = true;
        qemu.GuestFiles.Files[$"{Guest}/status"] = "ready\n"u8.ToArray();
        qemu.GuestFiles.Files[$"{Guest}/huge"] = new byte[5000];
        qemu.GuestFiles.Files[$"{Guest}/binary"] = [(byte)'a', 0xFF, (byte)'b'];
        qemu.GuestFiles.Files[$"{Guest}/escape"] = "red\u001b[0m"u8.ToArray();
        qemu.GuestFiles.Files[$"{Guest}/bad\u0001key"] = "x"u8.ToArray();
        qemu.GuestFiles.Specials[$"{Guest}/fifo"] = true;

        var list = await kvp.ListAsync(vm, KvpPools.Guest, CancellationToken.None);

        Assert.Equal([
            ("bad?key", null, "key: 'bad\\u0001key' contains a control character (U+0001); keys are text on one line"),
            ("binary", null, "the value is not valid UTF-8 text"),
            ("escape", "red?[0m", null),
            ("fifo", null, "it is not a regular file"),
            ("huge", null, "the value is larger than the limit of 2048 bytes"),
            ("status", "ready", null),
        ], list.Items.Select(i => (i.Key, i.Value, i.Refused)));
        Assert.Empty(list.Notes);
        // Neither the FIFO nor the badly named file was opened.
        Assert.Equal(4, qemu.AgentCommands.Count(c => c == "guest-file-open"));
        Assert.Equal(IntegrationStatus.Ok, vm.Snapshot.Integration[IntegrationService.DataExchange].Status);
        Assert.Equal("ready", (await kvp.GetAsync(vm, "status", null, CancellationToken.None)).Value);
    }

    [Fact]
    public async Task A_guest_folder_of_more_than_128_entries_is_read_in_part_and_says_so()
    {
        var (host, vm, qemu, kvp) = await RunningAsync(output);
        await using var _ = host;
        using var __ = kvp;
        qemu.GuestFiles.Folders[Guest] = true;
        for (var i = 0; i < 200; i++)
            qemu.GuestFiles.Files[$"{Guest}/k{i:000}"] = "v"u8.ToArray();

        var list = await kvp.ListAsync(vm, KvpPools.Guest, CancellationToken.None);

        Assert.Equal(KvpRules.MaxItems, list.Items.Count);
        Assert.Equal("k127", list.Items[^1].Key);
        Assert.Equal($"The guest's folder {Guest} holds more than 128 entries; the first 128 by name were read.", Assert.Single(list.Notes).Note);
        Assert.Equal(KvpRules.MaxItems, qemu.AgentCommands.Count(c => c == "guest-file-read"));
    }

    [Fact]
    public async Task Intrinsic_items_describe_the_guest_without_its_loopback()
    {
        var (host, vm, _, kvp) = await RunningAsync(output);
        await using var _h = host;
        using var _k = kvp;

        var list = await kvp.ListAsync(vm, KvpPools.Intrinsic, CancellationToken.None);

        Assert.Equal([
            ("FullyQualifiedDomainName", "fake-guest"), ("HostName", "fake-guest"), ("NetworkAddress.eth0", "192.0.2.10/24;fe80::1/64"),
            ("NetworkAddressIPv4", "192.0.2.10"), ("NetworkAddressIPv6", "fe80::1"), ("OSKernelVersion", "6.1.0-test"),
            ("OSName", "Nube test guest"), ("OSVersion", "1"), ("ProcessorArchitecture", "x86_64"),
        ], list.Items.Select(i => (i.Key, i.Value!)));
    }

    [Fact]
    public async Task Disabled_data_exchange_refuses_the_guest_pools_but_keeps_the_host_pairs()
    {
        var (host, vm, qemu, kvp) = await RunningAsync(output);
        await using var _ = host;
        using var __ = kvp;
        await vm.ChangeAsync(new SwitchIntegrationService(IntegrationService.DataExchange, false));

        var e = await Assert.ThrowsAsync<VmConflictException>(() => kvp.ListAsync(vm, KvpPools.Guest, CancellationToken.None));
        Assert.Equal("Data exchange is disabled for VM 'alpha', so its guest pairs cannot be read; enable it with 'nube vm integration enable alpha kvp'", e.Message);
        var set = await kvp.SetAsync(vm, "site", "berlin", CancellationToken.None);
        Assert.False(set.InGuest);
        var all = await kvp.ListAsync(vm, null, CancellationToken.None);
        Assert.Equal([("host", "site")], all.Items.Select(i => (i.Pool, i.Key)));
        Assert.Equal(["guest", "intrinsic"], all.Notes.Select(n => n.Pool));
        kvp.RequestExchange(vm);
        await Task.Delay(100);
        Assert.DoesNotContain("guest-exec", qemu.AgentCommands);
        Assert.Empty(qemu.GuestFiles.Files);
    }

    [Fact]
    public async Task Bad_keys_values_and_counts_are_refused_with_their_limits()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        using var kvp = NewKvp(output);
        var vm = await host.CreateVmAsync("alpha");

        var bad = await Assert.ThrowsAsync<ValidationException>(() => kvp.SetAsync(vm, "a/b", new string('v', 2049), CancellationToken.None));
        Assert.Equal(["key: 'a/b' contains '/'; a key is a file name in the guest", "value: 2049 bytes exceed the limit of 2048 bytes (UTF-8)"],
            bad.Errors.Select(x => x.Message));
        for (var i = 0; i < KvpRules.MaxItems; i++)
            await kvp.SetAsync(vm, $"k{i}", "v", CancellationToken.None);
        await kvp.SetAsync(vm, "k0", "replaced", CancellationToken.None);
        var full = await Assert.ThrowsAsync<ValidationException>(() => kvp.SetAsync(vm, "one-more", "v", CancellationToken.None));
        Assert.Equal("key: 'one-more' would be pair 129 of VM 'alpha', over the limit of 128 host pairs per VM; remove one first", full.Message);
        var missing = await Assert.ThrowsAsync<KvpKeyNotFoundException>(() => kvp.GetAsync(vm, "nothing", null, CancellationToken.None));
        Assert.Equal("VM 'alpha' has no pair with key 'nothing' in any pool; the guest's pools were not read: VM 'alpha' is off, so its guest pairs cannot be read", missing.Message);
        var pool = await Assert.ThrowsAsync<ValidationException>(() => kvp.ListAsync(vm, "mine", CancellationToken.None));
        Assert.Equal("pool: 'mine' is not one of host, guest, intrinsic", pool.Message);
    }
}
