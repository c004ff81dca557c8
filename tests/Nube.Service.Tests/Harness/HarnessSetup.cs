using Nube.Core.Editions;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;

namespace Nube.Service.Tests.Harness;

/// <summary>How a test wants its host service composed; everything defaults to a fresh one.</summary>
internal sealed record HarnessSetup
{
    /// <summary>The data and run folders of an earlier harness: the host service restarts on them.</summary>
    public string? Root { get; init; }

    /// <summary>The QEMUs of an earlier harness, still running; their clock goes on too.</summary>
    public FakeQemuHost? Qemu { get; init; }

    /// <summary>An edition with other limits than the catalogue's (a small running-VM limit).</summary>
    public Edition? Edition { get; init; }

    /// <summary>The host's boot id: another than an earlier harness's means the host rebooted in between.</summary>
    public string BootId { get; init; } = "boot-1";

    /// <summary>VMs already on disk when the host service starts (their automatic start actions apply).</summary>
    public IReadOnlyList<VmPatch> Vms { get; init; } = [];
}
