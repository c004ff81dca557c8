using Nube.Core.Editions;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Linux;
using Nube.Service.Persistence;
using Nube.Service.Server;

namespace Nube.Service.Hosts;

/// <summary>
/// The host's settings and facts while the service runs. The edition's host limits are checked
/// against the real machine at start and whenever the edition changes.
/// </summary>
public sealed class HostRuntime(HostStore store, HostConfig config, HostFacts facts, Edition edition, string? qemuProblem)
{
    private readonly SemaphoreSlim writeLock = new(1, 1);

    public HostConfig Config { get; private set; } = config;
    public HostFacts Facts { get; } = facts;
    public Edition Edition { get; private set; } = edition;

    /// <summary>Why QEMU cannot be used (missing binary), or null.</summary>
    public string? QemuProblem { get; } = qemuProblem;

    /// <summary>True when the host had no settings file at start: nubed has not run on this data directory, or nothing was ever set.</summary>
    public bool IsNew { get; private init; }

    public static async Task<HostRuntime> LoadAsync(NubedOptions options, IHostProbe probe, CancellationToken ct)
    {
        var store = new HostStore(options.DataDir);
        var isNew = !File.Exists(store.FilePath);
        var config = store.Load();
        var problems = HostConfigRules.Check(config);
        if (problems.Count > 0)
            throw new ValidationException(problems);
        Version qemuVersion;
        var machines = QemuMachines.Unknown;
        string? qemuProblem = null;
        try
        {
            qemuVersion = await probe.QemuVersionAsync(options.Qemu, ct).ConfigureAwait(false);
            machines = await probe.QemuMachinesAsync(options.Qemu, ct).ConfigureAwait(false);
        }
        catch (QemuNotFoundException e)
        {
            // The service still starts, so that an operator can see and fix it; VMs cannot start.
            qemuVersion = new Version(0, 0, 0);
            qemuProblem = e.Message;
        }
        var facts = await probe.ProbeAsync(ct).ConfigureAwait(false) with { QemuVersion = qemuVersion, Machines = machines };
        var edition = ResolveEdition(config.Edition, facts);
        return new HostRuntime(store, config, facts, edition, qemuProblem) { IsNew = isNew };
    }

    /// <summary>
    /// Why VMs may not use user-mode networking on this host (the guard that keeps them from the
    /// host's own services could not be installed), or null. Set once at start.
    /// </summary>
    public string? UserNetworkProblem { get; set; }

    public async Task<HostConfig> UpdateAsync(Func<HostConfig, HostConfig> change, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var next = change(Config);
            var errors = HostConfigRules.Check(next);
            if (errors.Count > 0)
                throw new ValidationException(errors);
            var edition = ResolveEdition(next.Edition, Facts);
            AcceleratorResolver.Resolve(next.Accelerator, Facts);
            await store.SaveAsync(next, ct).ConfigureAwait(false);
            (Config, Edition) = (next, edition);
            return next;
        }
        finally
        {
            writeLock.Release();
        }
    }

    private static Edition ResolveEdition(string name, HostFacts facts)
    {
        var edition = Editions.Find(name);
        var problems = HostValidator.Validate(facts, edition);
        if (problems.Count > 0)
            throw new ValidationException(problems);
        return edition;
    }
}
