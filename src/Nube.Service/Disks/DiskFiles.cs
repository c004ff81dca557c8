using Nube.Contracts.Disks;
using Nube.Core.Disks;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Hosts;
using Nube.Service.Server;
using Nube.Service.Vms;
using Nube.Service.Vms.Disks;

namespace Nube.Service.Disks;

/// <summary>
/// The host's disk files, over qemu-img: show, make, resize, check and remove (conversions and
/// merges, which take long, are jobs: <see cref="DiskJobs"/>). Every file lies under the storage
/// roots; nothing is overwritten, and nothing is deleted but on an explicit remove.
/// </summary>
public sealed class DiskFiles(HostRuntime host, NubedOptions options, QemuImgDiskChains chains, DiskUsage usage, VmRegistry registry)
{
    internal DiskPaths Paths => new(StorageRootRules.Roots(options.DataDir, host.Config), options.DataDir);

    internal DiskUsage Usage => usage;

    /// <summary>Folders below a root the list looks into: deep enough for a folder per VM or per project.</summary>
    public const int MaxListDepth = 4;

    /// <summary>Disk files the list describes at most (each costs a qemu-img run); past it, the answer says it was cut short.</summary>
    public const int MaxListed = 500;

    /// <summary>Files of any kind the list looks at by name at most, so that a root full of other files cannot stall it.</summary>
    public const int MaxWalked = 50_000;

    /// <summary>
    /// The disk files under the roots: files named as disks (.vhdx, .vhd, .qcow2, .raw, .img),
    /// links and unreadable folders skipped, each root walked at most <see cref="MaxListDepth"/>
    /// folders deep, at most <see cref="MaxWalked"/> files looked at and <see cref="MaxListed"/> described.
    /// </summary>
    public async Task<DiskList> ListAsync(CancellationToken ct)
    {
        var walk = new EnumerationOptions
        {
            RecurseSubdirectories = true, MaxRecursionDepth = MaxListDepth, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint,
        };
        var paths = Paths;
        var walked = StorageRootRules.Roots(options.DataDir, host.Config).Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*", walk)).Take(MaxWalked + 1).ToList();
        var files = walked.Take(MaxWalked)
            .Where(f => DiskFormats.FromPath(f) is not null).Select(f => paths.Existing("path", f, [])).Where(real => real.Length > 0)
            .Distinct(StringComparer.Ordinal).Take(MaxListed + 1).ToList();
        var users = await usage.UsersByFileAsync(ct).ConfigureAwait(false);
        var disks = new List<DiskInfo>();
        var unreadable = new List<DiskListProblem>();
        foreach (var file in files.Take(MaxListed).Order(StringComparer.Ordinal))
        {
            try
            {
                disks.Add(await DescribeAsync(file, ct, users).ConfigureAwait(false));
            }
            catch (ValidationException e)
            {
                unreadable.Add(new DiskListProblem { Path = file, Problem = e.Errors.FirstOrDefault()?.Message ?? e.Message });
            }
        }
        return new DiskList { Disks = disks, Unreadable = unreadable, Truncated = walked.Count > MaxWalked || files.Count > MaxListed };
    }

    public async Task<DiskInfo> ShowAsync(string? path, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var real = Paths.Existing("path", path, errors);
        Throw(errors);
        return await DescribeAsync(real, ct).ConfigureAwait(false);
    }

    /// <summary>A blank disk, or a differencing child of a parent in any format (the child in qcow2).</summary>
    public async Task<DiskInfo> CreateAsync(NewDiskRequest request, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var paths = Paths;
        var real = paths.New("path", request.Path, errors);
        var format = DiskPaths.Format("format", request.Format, request.Path ?? "", errors);
        var parent = request.Parent is null ? null : paths.Existing("parent", request.Parent, errors);
        DiskRules.CheckNew(request.Path ?? "", format, request.Fixed, request.Parent, errors);
        var size = request.Size is null && parent is not null ? null : DiskSize.Parse("size", request.Size, errors);
        if (size is { } bytes)
            DiskRules.CheckSize("size", request.Size!, bytes, format, errors);
        Throw(errors);
        var arguments = new List<string> { "create", "-q", "-f", DiskFormats.Driver(format) };
        if (parent is not null)
        {
            var parentFormat = DiskFormats.FromPath(parent) ?? DiskFormat.Raw;
            // Read through Nube's checks first: a parent whose own chain leaves the roots is refused.
            await chains.ReadImageAsync("parent", parent, parentFormat, ct).ConfigureAwait(false);
            arguments.AddRange(["-b", parent, "-F", DiskFormats.Driver(parentFormat)]);
        }
        else
            arguments.AddRange(["-o", DiskFormats.CreateOptions(format, request.Fixed)]);
        arguments.Add(real);
        if (size is { } given)
            arguments.Add(given.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await QemuImg.RunAsync("path", real, "made", arguments, ct).ConfigureAwait(false);
        return await DescribeAsync(real, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A new size for a disk no running, paused or saved VM uses (a smaller one only with
    /// allowShrink, and only when no VM uses it at all). The one place that decides whether a
    /// resize may go ahead; a resize of a running VM's disk (block_resize) joins here.
    /// </summary>
    public async Task<DiskInfo> ResizeAsync(ResizeDiskRequest request, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var real = Paths.Existing("path", request.Path, errors);
        var size = DiskSize.Parse("size", request.Size, errors);
        Throw(errors);
        var format = DiskFormats.FromPath(real) ?? DiskFormat.Raw;
        var image = (await chains.ReadImageAsync("path", real, format, ct).ConfigureAwait(false))[0];
        DiskRules.CheckResize(real, format, image.VirtualSize, request.Size!, size!.Value, request.AllowShrink, errors);
        Throw(errors);
        var users = await usage.UsersAsync(real, ct).ConfigureAwait(false);
        var shrinking = size.Value < image.VirtualSize;
        // A running VM's own disk grows in place, without a restart: QEMU resizes the image and the guest sees the new size.
        if (!shrinking && users is [{ Through: null, State: "running" or "paused" } user])
        {
            await registry.Resolve(user.VmId.ToString()).GrowDiskAsync(real, size.Value).ConfigureAwait(false);
            return await DescribeAsync(real, ct).ConfigureAwait(false);
        }
        RefuseUsers(real, "resized", shrinking ? users : [.. users.Where(u => u.State != "off")]);
        await ResizeOfflineAsync(real, format, size.Value, shrinking, ct).ConfigureAwait(false);
        return await DescribeAsync(real, ct).ConfigureAwait(false);
    }

    public async Task<DiskCheck> CheckAsync(CheckDiskRequest request, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var real = Paths.Existing("path", request.Path, errors);
        Throw(errors);
        var format = DiskFormats.FromPath(real) ?? DiskFormat.Raw;
        if (!DiskFormats.CanCheck(format))
            Throw([new("path", real, $"path: {Quoting.Quote(real)} is a {DiskFormats.Title(format)} disk, which qemu-img cannot check " +
                "(it checks qcow2 and VHDX only); 'nube disk show' still reads its header")]);
        if (request.Repair)
            RefuseUsers(real, "repaired", await usage.UsersAsync(real, ct).ConfigureAwait(false));
        // Exit 2 and 3 are findings (corruptions, leaks), not failures: the JSON says what was found.
        var result = await Linux.Processes.ProcessRunner.RunAsync(new Linux.Processes.HostCommand("qemu-img",
            ["check", "--output=json", "-f", DiskFormats.Driver(format), .. request.Repair ? new[] { "-r", "all" } : [], real])
            { Timeout = TimeSpan.FromHours(1) }, ct).ConfigureAwait(false);
        if (result.ExitCode is not (0 or 2 or 3) || !result.Stdout.TrimStart().StartsWith('{'))
            throw QemuImg.Failed("path", real, "checked", result);
        return ImageCheck.Parse(result.Stdout, real, DiskFormats.Word(format));
    }

    /// <summary>Deletes a disk file: the user's explicit request, refused while a VM uses it or a disk has it as parent.</summary>
    public async Task<DiskInfo> RemoveAsync(string? path, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var real = Paths.Existing("path", path, errors);
        Throw(errors);
        var info = await DescribeAsync(real, ct).ConfigureAwait(false);
        RefuseUsers(real, "removed", info.UsedBy);
        var children = await usage.ChildrenAsync(real, StorageRootRules.Roots(options.DataDir, host.Config), ct).ConfigureAwait(false);
        if (children.Count > 0)
            throw new DiskInUseException($"'{real}' cannot be removed: it is the parent of {string.Join(", ", children.Select(c => $"'{c}'"))}; " +
                "merge or remove those first");
        File.Delete(real);
        return info;
    }

    /// <summary>
    /// The disk files of a VM just removed (not its DVD images, nor its disks' parents): each deleted
    /// unless it lies outside the roots, another VM uses it or another disk has it as parent.
    /// </summary>
    public async Task<IReadOnlyList<DiskRemoval>> RemoveVmDisksAsync(VmConfig vm, CancellationToken ct)
    {
        var outcomes = new List<DiskRemoval>();
        var paths = vm.IdeDrives.Where(d => d.Media == DriveMedia.HardDisk).Select(d => d.Path)
            .Concat(vm.ScsiControllers.SelectMany(c => c.Disks).Select(d => d.Path)).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var path in paths)
            outcomes.Add(await RemoveVmDiskAsync(path, ct).ConfigureAwait(false));
        return outcomes;
    }

    private async Task<DiskRemoval> RemoveVmDiskAsync(string path, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var real = Paths.Existing("path", path, errors);
        if (errors.Count > 0)
            return new DiskRemoval { Path = path, KeptBecause = errors[0].Message["path: ".Length..] };
        if ((await usage.UsersAsync(real, ct).ConfigureAwait(false)).FirstOrDefault() is { } user)
            return new DiskRemoval { Path = path, KeptBecause = $"VM '{user.VmName}' uses it" };
        if ((await usage.ChildrenAsync(real, StorageRootRules.Roots(options.DataDir, host.Config), ct).ConfigureAwait(false)).FirstOrDefault() is { } child)
            return new DiskRemoval { Path = path, KeptBecause = $"it is the parent of '{child}'" };
        File.Delete(real);
        return new DiskRemoval { Path = path, Deleted = true };
    }

    /// <param name="users">Which VMs use which file, when already read for many files.</param>
    internal async Task<DiskInfo> DescribeAsync(string real, CancellationToken ct, IReadOnlyDictionary<string, List<DiskUser>>? users = null)
    {
        var format = DiskFormats.FromPath(real) ?? DiskFormat.Raw;
        var chain = await chains.ReadImageAsync("path", real, format, ct).ConfigureAwait(false);
        var top = chain[0];
        return new DiskInfo
        {
            Path = real, Format = DiskFormats.Word(format), VirtualSize = top.VirtualSize, FileSize = top.ActualSize, Dirty = top.Dirty,
            Corrupt = top.Corrupt,
            Parents = [.. chain.Skip(1).Select(p => new DiskParent
            {
                Path = p.Filename, Format = DiskFormats.Word(DiskFormats.FromDriver(p.Driver) ?? DiskFormat.Raw), VirtualSize = p.VirtualSize,
                FileSize = p.ActualSize,
            })],
            UsedBy = users is null ? await usage.UsersAsync(real, ct).ConfigureAwait(false) : users.GetValueOrDefault(real) ?? [],
        };
    }

    /// <summary>Refuses an operation on a file the VMs named use, saying which and how.</summary>
    internal static void RefuseUsers(string real, string doing, IReadOnlyList<DiskUser> users)
    {
        if (users.Count == 0)
            return;
        var named = users.Select(u => $"VM '{u.VmName}' ({u.State}) {(u.Through is null ? "as" : $"below '{u.Through}' in")} {u.Field}");
        throw new DiskInUseException($"'{real}' cannot be {doing}: it is used by {string.Join("; ", named)}");
    }

    internal static void Throw(List<ValidationError> errors)
    {
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    private static Task ResizeOfflineAsync(string real, DiskFormat format, long bytes, bool shrinking, CancellationToken ct) =>
        QemuImg.RunAsync("path", real, "resized", ["resize", "-q", "-f", DiskFormats.Driver(format), .. shrinking ? new[] { "--shrink" } : [],
            real, bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);
}
