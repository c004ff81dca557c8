using Nube.Core.Hosts;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// A VM may use host files only inside the host's storage roots, so that a VM's settings cannot
/// hand QEMU /etc/shadow or another VM's disk. The host's data directory is never a root (it
/// holds Nube's own keys, users and VMs' state), except its <c>images</c> folder, and no root
/// reaches into it. The check is lexical (see <see cref="HostPaths"/>).
/// </summary>
public static class StorageRootRules
{
    private const string DevicePrefix = "/dev/";

    /// <summary>The data directory's folder for disks, the one part of it that is a storage root.</summary>
    public const string ImagesFolder = "images";

    /// <summary>The roots in force: the data directory's images folder first, then the host's configured ones, without repeats.</summary>
    /// <exception cref="ArgumentException">The data directory or a root is not absolute.</exception>
    public static IReadOnlyList<string> Roots(string dataDirectory, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return [.. new[] { Path.Join(dataDirectory, ImagesFolder) }.Concat(host.StorageRoots.IsDefault ? [] : host.StorageRoots)
            .Select(HostPaths.Normalize)
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// An error for every host path of the VM (boot.kernel, boot.initrd, ideDrives[i].path,
    /// scsiControllers[c].disks[d].path) that lies outside every root or under /dev/. Paths that are
    /// not absolute or contain control characters are left to <see cref="VmValidator"/>, which
    /// reports them.
    /// </summary>
    /// <param name="dataDirectory">The host's data directory: nothing in it but its images folder, whatever the roots.</param>
    /// <param name="devices">The host's passthrough devices (<see cref="HostConfig.PassthroughDevices"/>), which a disk may name.</param>
    public static IReadOnlyList<ValidationError> Check(VmConfig vm, IReadOnlyList<string> roots, string? dataDirectory = null,
        IReadOnlyList<string>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(roots);
        // A root that is not absolute contains nothing (HostConfigRules reports it).
        var normalRoots = roots.Where(root => root.StartsWith('/')).Select(HostPaths.Normalize)
            .Distinct(StringComparer.Ordinal).ToList();
        var errors = new List<ValidationError>();
        var disks = DiskPathsOf(vm).Select(d => d.Field).ToHashSet(StringComparer.Ordinal);
        foreach (var (field, path) in HostPathsOf(vm))
        {
            if (disks.Contains(field) && devices is not null && devices.Contains(HostPaths.Normalize(path), StringComparer.Ordinal))
                continue;
            CheckPath(field, path, normalRoots, dataDirectory, errors);
        }
        return errors;
    }

    /// <summary>
    /// The error for one more host path, given in <paramref name="field"/> (a file to copy into a
    /// guest), or null when it lies inside a root. The path is judged as given: resolve its links first.
    /// </summary>
    public static ValidationError? CheckOne(string field, string path, IReadOnlyList<string> roots, string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(roots);
        var errors = new List<ValidationError>();
        CheckPath(field, path, [.. roots.Where(root => root.StartsWith('/')).Select(HostPaths.Normalize).Distinct(StringComparer.Ordinal)],
            dataDirectory, errors);
        return errors.Count > 0 ? errors[0] : null;
    }

    private static IEnumerable<(string Field, string Path)> HostPathsOf(VmConfig vm)
    {
        if (vm.Boot.Kernel is { } kernel)
            yield return ("boot.kernel", kernel);
        if (vm.Boot.Initrd is { } initrd)
            yield return ("boot.initrd", initrd);
        foreach (var disk in DiskPathsOf(vm))
            yield return disk;
    }

    /// <summary>The image files of the VM's drives (IDE disks and DVDs, SCSI disks), each with the field that names it.</summary>
    public static IEnumerable<(string Field, string Path)> DiskPathsOf(VmConfig vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var ide = vm.IdeDrives.IsDefault ? [] : vm.IdeDrives;
        for (var i = 0; i < ide.Length; i++)
            if (ide[i].Path is { } path)
                yield return ($"ideDrives[{i}].path", path);
        var scsi = vm.ScsiControllers.IsDefault ? [] : vm.ScsiControllers;
        for (var c = 0; c < scsi.Length; c++)
        {
            var disks = scsi[c].Disks.IsDefault ? [] : scsi[c].Disks;
            for (var d = 0; d < disks.Length; d++)
                if (disks[d].Path is { } path)
                    yield return ($"scsiControllers[{c}].disks[{d}].path", path);
        }
    }

    private static void CheckPath(string field, string path, List<string> roots, string? dataDirectory, List<ValidationError> errors)
    {
        if (!path.StartsWith('/') || path.Any(char.IsControl))
            return;
        var normal = HostPaths.Normalize(path);
        var shown = Quoting.Quote(path) + (normal == path ? "" : $" (that is {normal})");
        if (normal.StartsWith(DevicePrefix, StringComparison.Ordinal) || normal == DevicePrefix.TrimEnd('/'))
            errors.Add(new(field, path,
                $"{field}: {shown} is a host device that is not a passthrough device of this host; name it in the host's passthroughDevices ('nube host set --passthrough-device') to let VMs have it"));
        else if (dataDirectory is not null && HostPaths.IsInside(normal, HostPaths.Normalize(dataDirectory))
            && !HostPaths.IsInside(normal, HostPaths.Normalize(Path.Join(dataDirectory, ImagesFolder))))
            errors.Add(new(field, path,
                $"{field}: {shown} is inside the host's data directory ({Quoting.Escape(dataDirectory)}), which holds Nube's own files; " +
                $"only its '{ImagesFolder}' folder may hold a VM's files"));
        else if (!roots.Any(root => HostPaths.IsInside(normal, root)))
            errors.Add(new(field, path,
                $"{field}: {shown} is outside the host's storage roots ({string.Join(", ", roots.Select(Quoting.Escape))}); " +
                "put the file under one of them or add a root with 'nube host set --storage-root'"));
    }
}
