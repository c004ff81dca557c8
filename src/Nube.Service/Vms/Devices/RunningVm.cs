using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Vms;
using Nube.Linux;

namespace Nube.Service.Vms.Devices;

/// <summary>A file nubed handed the running QEMU for a block node, and the fdset QEMU keeps it in.</summary>
public sealed record RunningFile(string Node, string Path, int FdSet);

/// <summary>
/// What the VM's QEMU really runs with: its configuration as started and as changed since by
/// plans (hot add and remove), and the files it was handed. Kept in the runtime folder
/// (<c>running.json</c>, as libvirt's status XML) and read back when nubed reattaches.
/// </summary>
public sealed record RunningVm
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required VmConfig Config { get; init; }
    public ImmutableArray<RunningFile> Files { get; init; } = [];

    /// <summary>As launched: each disk's file is the descriptor (and fdset) the command line gave it.</summary>
    public static RunningVm Started(VmConfig config, LaunchPlan plan) => new()
    {
        Config = config,
        Files = [.. (plan.FileNodes ?? new Dictionary<string, int>()).Select(n =>
            new RunningFile(n.Key, plan.Descriptors.FirstOrDefault(d => d.Fd == n.Value)?.Target ?? "", n.Value))],
    };

    /// <summary>The running state, or null when there is none or it cannot be read (QEMU then runs as the stored configuration says).</summary>
    public static RunningVm? Read(string path)
    {
        try
        {
            return File.Exists(path) ? ConfigDocument.Parse<RunningVm>(File.ReadAllText(path), CurrentSchemaVersion, path) : null;
        }
        catch (Exception e) when (e is ConfigDocumentException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public Task WriteAsync(string path) =>
        AtomicFile.WriteAllTextAsync(path, ConfigDocument.Write(this), UnixFileMode.UserRead | UnixFileMode.UserWrite);
}
