using Nube.Contracts.Disks;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Service.Vms;
using Nube.Service.Vms.Disks;

namespace Nube.Service.Disks;

/// <summary>Which VMs use a disk file (as a disk, or below one as a parent), and which files have it as their parent.</summary>
public sealed class DiskUsage(VmRegistry registry, QemuImgDiskChains chains)
{
    /// <summary>Files this many or more under the roots are not all opened to look for children.</summary>
    private const int MaxFilesScanned = 10_000;

    /// <summary>The first bytes of every qcow2 file: "QFI" and 0xfb.</summary>
    private static readonly byte[] Qcow2Magic = [0x51, 0x46, 0x49, 0xfb];

    /// <summary>Every VM's disk that is <paramref name="real"/> or has it in its chain.</summary>
    public async Task<IReadOnlyList<DiskUser>> UsersAsync(string real, CancellationToken ct) =>
        (await UsersByFileAsync(ct).ConfigureAwait(false)).GetValueOrDefault(real) ?? [];

    /// <summary>Every file a VM uses (its links resolved), as a disk, a DVD's image or a parent below a disk, with its users.</summary>
    public async Task<IReadOnlyDictionary<string, List<DiskUser>>> UsersByFileAsync(CancellationToken ct)
    {
        var users = new Dictionary<string, List<DiskUser>>(StringComparer.Ordinal);
        void Add(string file, DiskUser user) => (users.TryGetValue(file, out var list) ? list : users[file] = []).Add(user);
        foreach (var vm in registry.All.Select(v => v.Snapshot))
        {
            if (vm.Config is not { } config)
                continue;
            foreach (var (field, path) in StorageRootRules.DiskPathsOf(config))
                Add(UnixFiles.RealPath(path) ?? path, User(vm, field, null));
            foreach (var (field, path, _) in QemuImgDiskChains.Qcow2Disks(config))
                if (File.Exists(path))
                    foreach (var parent in await ParentsAsync(field, path, ct).ConfigureAwait(false))
                        Add(parent, User(vm, field, path));
        }
        return users;
    }

    /// <summary>The qcow2 files under the roots (by their magic, whatever their names) whose parent is <paramref name="real"/>.</summary>
    public async Task<IReadOnlyList<string>> ChildrenAsync(string real, IReadOnlyList<string> roots, CancellationToken ct)
    {
        var children = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in roots.Where(Directory.Exists).SelectMany(r => Directory.EnumerateFiles(r, "*", options)).Take(MaxFilesScanned))
        {
            if (file != real && IsQcow2(file) && (await ParentsAsync("path", file, ct).ConfigureAwait(false)).Take(1).Contains(real))
                children.Add(file);
        }
        return children;
    }

    private async Task<IReadOnlyList<string>> ParentsAsync(string field, string path, CancellationToken ct)
    {
        try
        {
            return [.. (await chains.ReadImageAsync(field, path, DiskFormat.Qcow2, ct).ConfigureAwait(false)).Skip(1).Select(i => i.Filename)];
        }
        catch (ValidationException)
        {
            return []; // a chain Nube refuses is reported where it is used; here it names no file Nube would touch
        }
    }

    private static bool IsQcow2(string file)
    {
        Span<byte> magic = stackalloc byte[4];
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual(Qcow2Magic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static DiskUser User(VmSnapshot vm, string field, string? through) =>
        new() { VmId = vm.Id, VmName = vm.Name, State = vm.StateWord, Field = field, Through = through };
}
