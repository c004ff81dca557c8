using Nube.Core.Vms;

namespace Nube.Service.Persistence;

/// <summary>Where VM configurations live (one folder per VM id); the controllers' only way to them.</summary>
public interface IVmStore
{
    /// <summary>The folder of one VM: its configuration, serial log, saved state.</summary>
    string VmDirectory(Guid id);

    /// <summary>Every VM folder: a configuration, or the reason it cannot be read.</summary>
    IEnumerable<StoredVm> LoadAll();

    /// <summary>Writes the configuration atomically.</summary>
    Task SaveAsync(VmConfig config, CancellationToken ct = default);

    /// <summary>Forgets a VM: its configuration, saved state and logs; every other file stays.</summary>
    /// <param name="moved">The VM moved to another host, which has its UEFI variables and checkpoint list now: those go too.</param>
    void Remove(Guid id, bool moved = false);
}
