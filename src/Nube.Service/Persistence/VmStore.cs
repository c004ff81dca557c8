using Nube.Core.Serialization;
using Nube.Core.Vms;
using Nube.Linux;

namespace Nube.Service.Persistence;

/// <summary>
/// One folder per VM under <c>&lt;data&gt;/vms/&lt;id&gt;</c>, holding <c>vm.json</c> and, by
/// default, the VM's serial log and saved state. Folder names are ids, never display names.
/// </summary>
public sealed class VmStore(string dataDirectory) : IVmStore
{
    public const string ConfigFileName = "vm.json";
    public const string SavedStateFileName = "saved.state";
    public const string SerialLogFileName = "com1.log";
    public const string QemuLogFileName = "qemu.log";

    public string VmsDirectory { get; } = Path.Combine(dataDirectory, "vms");

    public string VmDirectory(Guid id) => Path.Combine(VmsDirectory, id.ToString());

    /// <summary>Every VM folder: a configuration, or the reason it cannot be read.</summary>
    public IEnumerable<StoredVm> LoadAll()
    {
        if (!Directory.Exists(VmsDirectory))
            yield break;
        foreach (var dir in Directory.EnumerateDirectories(VmsDirectory).Order())
        {
            if (!Guid.TryParse(Path.GetFileName(dir), out var id))
                continue;
            var file = Path.Combine(dir, ConfigFileName);
            if (!File.Exists(file))
                continue;
            yield return Load(id, file);
        }
    }

    private static StoredVm Load(Guid id, string file)
    {
        try
        {
            var config = VmConfigUpgrade.ToCurrent(ConfigDocument.Parse<VmConfig>(File.ReadAllText(file), VmConfig.CurrentSchemaVersion, file));
            if (config.Id != id)
                return new StoredVm(id, null, $"{file}: id {config.Id} does not match its folder {id}.");
            return new StoredVm(id, config, null);
        }
        catch (Exception e) when (e is ConfigDocumentException or IOException or UnauthorizedAccessException)
        {
            return new StoredVm(id, null, e.Message);
        }
    }

    public async Task SaveAsync(VmConfig config, CancellationToken ct = default)
    {
        var dir = VmDirectory(config.Id);
        // Root's alone: no VM's QEMU may enter another's folder, or its own.
        Directory.CreateDirectory(VmsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await AtomicFile.WriteAllTextAsync(Path.Combine(dir, ConfigFileName), ConfigDocument.Write(config), ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Forgets a VM: its configuration, saved state, serial log and QEMU's log. Any other file in its folder
    /// (a disk the user put there) stays, and so does the folder then.
    /// </summary>
    public void Remove(Guid id, bool moved = false)
    {
        var dir = VmDirectory(id);
        string[] movedAway = moved ? ["uefi-vars.fd", "uefi-vars.secureboot.fd", "checkpoints.json"] : [];
        foreach (var name in movedAway.Concat([ConfigFileName, SavedStateFileName, SavedStateFileName + ".partial", SerialLogFileName, SerialLogFileName + ".1",
            QemuLogFileName, QemuLogFileName + ".1"]))
            File.Delete(Path.Combine(dir, name));
        // Moved: its checkpoints' memory files went too (the tree is the other host's now).
        if (moved && Directory.Exists(Path.Combine(dir, "checkpoints")))
            Directory.Delete(Path.Combine(dir, "checkpoints"), recursive: true);
        if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            Directory.Delete(dir);
    }
}
