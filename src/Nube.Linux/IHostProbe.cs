using Nube.Core.Hosts;

namespace Nube.Linux;

/// <summary>Reads this machine's facts; the service takes it injected so that tests can fake the host.</summary>
public interface IHostProbe
{
    /// <summary>The machine's facts; QemuVersion is left at 0.0.0 for the caller to fill in.</summary>
    Task<HostFacts> ProbeAsync(CancellationToken ct);

    /// <summary>The version <c>QEMU --version</c> reports.</summary>
    /// <exception cref="QemuNotFoundException">The binary is not there.</exception>
    Task<Version> QemuVersionAsync(string qemuBinary, CancellationToken ct);

    /// <summary>The machine types <c>QEMU -machine help</c> lists.</summary>
    /// <exception cref="QemuNotFoundException">The binary is not there.</exception>
    Task<QemuMachines> QemuMachinesAsync(string qemuBinary, CancellationToken ct);
}
