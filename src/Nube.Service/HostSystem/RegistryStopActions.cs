using Nube.Contracts.Vms;
using Nube.Service.Api;
using Nube.Service.Vms;

namespace Nube.Service.HostSystem;

/// <summary>The stop actions of <see cref="VmRegistry.ApplyStopActionsAsync"/>, then every VM, so that one that was starting shows too.</summary>
public sealed class RegistryStopActions(VmRegistry registry) : IVmStopActions
{
    public async Task<IReadOnlyList<VmSummary>> ApplyAsync()
    {
        await registry.ApplyStopActionsAsync().ConfigureAwait(false);
        return [.. registry.All.Select(v => ContractMapper.ToSummary(v.Snapshot))];
    }
}
