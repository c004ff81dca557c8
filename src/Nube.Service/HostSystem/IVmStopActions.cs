using Nube.Contracts.Vms;

namespace Nube.Service.HostSystem;

/// <summary>Applies every running VM's automatic stop action, as the host does before it goes down.</summary>
public interface IVmStopActions
{
    /// <summary>Every VM as the stop actions left it.</summary>
    Task<IReadOnlyList<VmSummary>> ApplyAsync();
}
