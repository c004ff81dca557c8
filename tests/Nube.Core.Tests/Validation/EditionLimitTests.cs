using Nube.Core.Hosts;
using Nube.Core.Validation;
using Nube.Core.Vms;
using EditionCatalogue = Nube.Core.Editions.Editions;

namespace Nube.Core.Tests.Validation;

/// <summary>Every limit of every edition: the value at the limit passes, one past it fails with the whole message.</summary>
public class EditionLimitTests
{
    private static IReadOnlyList<string> Messages(VmConfig vm, string edition) =>
        [.. VmValidator.Validate(DeviceIds.FromPositions(vm), EditionCatalogue.Find(edition), [], []).Select(e => e.Message)];

    [Theory]
    [InlineData("ws2008r2-standard", 4)]
    [InlineData("ws2008r2-enterprise", 4)]
    [InlineData("ws2008r2-datacenter", 4)]
    [InlineData("hyperv-server-2008r2", 4)]
    [InlineData("nube", 255)]
    public void VCpus_per_VM(string edition, int limit)
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { ProcessorCount = limit }, edition));
        Assert.Equal([$"processorCount: {limit + 1} exceeds the limit of {limit} vCPUs per VM of edition '{edition}'"],
            Messages(TestVms.KernelBoot() with { ProcessorCount = limit + 1 }, edition));
    }

    [Theory]
    [InlineData("ws2008r2-standard", 32768)]
    [InlineData("ws2008r2-enterprise", 65536)]
    [InlineData("ws2008r2-datacenter", 65536)]
    [InlineData("hyperv-server-2008r2", 65536)]
    public void Guest_memory(string edition, long limit)
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { MemoryStartupMiB = limit }, edition));
        Assert.Equal([$"memoryStartupMiB: {limit + 2} exceeds the limit of {limit} MiB of guest memory of edition '{edition}'"],
            Messages(TestVms.KernelBoot() with { MemoryStartupMiB = limit + 2 }, edition));
    }

    [Fact]
    public void Nube_sets_no_guest_memory_limit()
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { MemoryStartupMiB = 16L << 20 }, "nube"));
    }

    [Theory]
    [MemberData(nameof(Editions.EditionLimitData.Names), MemberType = typeof(Editions.EditionLimitData))]
    public void IDE_devices(string edition)
    {
        var four = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0), TestVms.Disk(0, 1), TestVms.Disk(1, 0), TestVms.Disk(1, 1)] };
        Assert.Empty(Messages(four, edition));
        var five = four with { IdeDrives = four.IdeDrives.Add(TestVms.Disk(1, 1)) };
        Assert.Equal([
            $"ideDrives: 5 drives exceed the limit of 4 IDE devices per VM of edition '{edition}'",
            "ideDrives[4].location: 1 on IDE controller 1 is already taken by ideDrives[3]",
        ], Messages(five, edition));
    }

    [Theory]
    [MemberData(nameof(Editions.EditionLimitData.Names), MemberType = typeof(Editions.EditionLimitData))]
    public void IDE_controllers(string edition)
    {
        var vm = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(2, 0)] };
        Assert.Equal([$"ideDrives[0].controller: 2 is outside the IDE controllers 0 to 1 of edition '{edition}'"],
            Messages(vm, edition));
    }

    [Theory]
    [MemberData(nameof(Editions.EditionLimitData.Names), MemberType = typeof(Editions.EditionLimitData))]
    public void SCSI_controllers(string edition)
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { ScsiControllers = TestVms.ScsiControllers(4, 1) }, edition));
        Assert.Equal([$"scsiControllers: 5 controllers exceed the limit of 4 SCSI controllers per VM of edition '{edition}'"],
            Messages(TestVms.KernelBoot() with { ScsiControllers = TestVms.ScsiControllers(5, 0) }, edition));
    }

    [Theory]
    [InlineData("ws2008r2-standard", 64)]
    [InlineData("ws2008r2-enterprise", 64)]
    [InlineData("ws2008r2-datacenter", 64)]
    [InlineData("hyperv-server-2008r2", 64)]
    [InlineData("nube", 256)]
    public void SCSI_targets_per_controller(string edition, int targets)
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { ScsiControllers = TestVms.ScsiControllers(1, targets) }, edition));
        var vm = TestVms.KernelBoot() with { ScsiControllers = [new ScsiController { Disks = [TestVms.ScsiDisk(targets)] }] };
        Assert.Equal([$"scsiControllers[0].disks[0].location: {targets} is outside the SCSI targets 0 to {targets - 1} of edition '{edition}'"],
            Messages(vm, edition));
    }

    [Theory]
    [InlineData("ws2008r2-standard", 256)]
    [InlineData("ws2008r2-enterprise", 256)]
    [InlineData("ws2008r2-datacenter", 256)]
    [InlineData("hyperv-server-2008r2", 256)]
    [InlineData("nube", 1024)]
    public void SCSI_devices_per_VM(string edition, int limit)
    {
        var full = TestVms.ScsiControllers(4, limit / 4);
        Assert.Empty(Messages(TestVms.KernelBoot() with { ScsiControllers = full }, edition));
        var oneMore = full.SetItem(0, new ScsiController { Disks = full[0].Disks.Add(TestVms.ScsiDisk(0)) });
        Assert.Equal([
            $"scsiControllers[0].disks[{limit / 4}].location: 0 is already taken by scsiControllers[0].disks[0]",
            $"scsiControllers: {limit + 1} disks exceed the limit of {limit} SCSI devices per VM of edition '{edition}'",
        ], Messages(TestVms.KernelBoot() with { ScsiControllers = oneMore }, edition));
    }

    [Theory]
    [InlineData("ws2008r2-standard", 4)]
    [InlineData("ws2008r2-enterprise", 4)]
    [InlineData("ws2008r2-datacenter", 4)]
    [InlineData("hyperv-server-2008r2", 4)]
    [InlineData("nube", 8)]
    public void Legacy_network_adapters(string edition, int limit)
    {
        Assert.Empty(Messages(TestVms.KernelBoot() with { NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Legacy, limit) }, edition));
        Assert.Equal([$"networkAdapters: {limit + 1} legacy adapters exceed the limit of {limit} legacy network adapters per VM of edition '{edition}'"],
            Messages(TestVms.KernelBoot() with { NetworkAdapters = TestVms.Adapters(NetworkAdapterKind.Legacy, limit + 1) }, edition));
    }

    [Theory]
    [InlineData("ws2008r2-standard", 8)]
    [InlineData("ws2008r2-enterprise", 8)]
    [InlineData("ws2008r2-datacenter", 8)]
    [InlineData("hyperv-server-2008r2", 8)]
    [InlineData("nube", 16)]
    public void Synthetic_network_adapters(string edition, int limit)
    {
        // Legacy adapters at their own limit beside them show the two limits are counted apart.
        var legacy = TestVms.Adapters(NetworkAdapterKind.Legacy, EditionCatalogue.Find(edition).MaxLegacyNetworkAdapters, firstMac: 100);
        Assert.Empty(Messages(TestVms.KernelBoot() with { NetworkAdapters = legacy.AddRange(TestVms.Adapters(NetworkAdapterKind.Synthetic, limit)) }, edition));
        Assert.Equal([$"networkAdapters: {limit + 1} synthetic adapters exceed the limit of {limit} synthetic network adapters per VM of edition '{edition}'"],
            Messages(TestVms.KernelBoot() with { NetworkAdapters = legacy.AddRange(TestVms.Adapters(NetworkAdapterKind.Synthetic, limit + 1)) }, edition));
    }

    [Theory]
    [InlineData("ws2008r2-standard", 32)]
    [InlineData("ws2008r2-enterprise", 1024)]
    [InlineData("ws2008r2-datacenter", 1024)]
    [InlineData("hyperv-server-2008r2", 1024)]
    public void Host_memory(string edition, long limitGiB)
    {
        Assert.Empty(HostValidator.Validate(Host(memoryBytes: limitGiB << 30), EditionCatalogue.Find(edition)));
        var error = Assert.Single(HostValidator.Validate(Host(memoryBytes: (limitGiB << 30) + (512L << 20)), EditionCatalogue.Find(edition)));
        Assert.Equal($"host memory: {limitGiB}.5 GiB exceeds the limit of {limitGiB} GiB of host memory of edition '{edition}'", error.Message);
    }

    [Theory]
    [InlineData("ws2008r2-standard", 16)]
    [InlineData("ws2008r2-enterprise", 32)]
    [InlineData("ws2008r2-datacenter", 32)]
    [InlineData("hyperv-server-2008r2", 32)]
    public void Host_logical_processors(string edition, int limit)
    {
        Assert.Empty(HostValidator.Validate(Host(logicalProcessors: limit), EditionCatalogue.Find(edition)));
        var error = Assert.Single(HostValidator.Validate(Host(logicalProcessors: limit + 1), EditionCatalogue.Find(edition)));
        Assert.Equal($"host logical processors: {limit + 1} exceeds the limit of {limit} logical processors of edition '{edition}'", error.Message);
    }

    [Fact]
    public void Nube_sets_no_host_limits()
    {
        Assert.Empty(HostValidator.Validate(Host(memoryBytes: 64L << 40, logicalProcessors: 4096), EditionCatalogue.Nube));
    }

    [Theory]
    [InlineData("ws2008r2-standard")]
    [InlineData("ws2008r2-enterprise")]
    [InlineData("ws2008r2-datacenter")]
    [InlineData("hyperv-server-2008r2")]
    public void Running_VMs(string edition)
    {
        Assert.Null(HostValidator.CheckRunningVms(255, EditionCatalogue.Find(edition)));
        var error = HostValidator.CheckRunningVms(256, EditionCatalogue.Find(edition));
        Assert.Equal($"running VMs: starting another would make 257, above the limit of 256 running VMs of edition '{edition}'", error?.Message);
    }

    [Fact]
    public void Nube_sets_no_running_VM_limit()
    {
        Assert.Null(HostValidator.CheckRunningVms(100_000, EditionCatalogue.Nube));
    }

    [Theory]
    [InlineData("ws2008r2-enterprise")]
    [InlineData("ws2008r2-datacenter")]
    [InlineData("hyperv-server-2008r2")]
    [InlineData("nube")]
    public void Live_migration_is_offered(string edition)
    {
        Assert.Null(HostValidator.CheckLiveMigration(EditionCatalogue.Find(edition)));
    }

    [Fact]
    public void Standard_offers_only_quick_migration()
    {
        Assert.Equal("live migration: edition 'ws2008r2-standard' does not offer live migration; use quick migration (save, move, restore) instead",
            HostValidator.CheckLiveMigration(EditionCatalogue.Ws2008R2Standard)?.Message);
    }

    private static HostFacts Host(long memoryBytes = 8L << 30, int logicalProcessors = 2) => new()
    {
        MemoryBytes = memoryBytes,
        LogicalProcessors = logicalProcessors,
        KvmUsable = false,
        QemuVersion = new Version(10, 0, 2),
    };
}
