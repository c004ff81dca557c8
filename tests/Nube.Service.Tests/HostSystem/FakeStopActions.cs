using Nube.Contracts.Vms;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

/// <summary>Stop actions that note when they ran in the shared list of steps, and leave the VMs as told (or fail).</summary>
internal sealed class FakeStopActions(List<string> steps) : IVmStopActions
{
    public IReadOnlyList<VmSummary> Left { get; set; } = [];
    public Exception? Failure { get; set; }

    public async Task<IReadOnlyList<VmSummary>> ApplyAsync()
    {
        await Task.Yield();
        steps.Add("stop actions");
        return Failure is { } e ? throw e : Left;
    }
}
