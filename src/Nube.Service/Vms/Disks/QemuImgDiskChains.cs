using Nube.Service.Hosts;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Linux.Processes;
using Nube.Service.Server;

namespace Nube.Service.Vms.Disks;

/// <summary>
/// A qcow2 names its backing file in its header, which whoever writes the image controls (a
/// guest that broke into its QEMU, a downloaded image). nubed reads each chain with
/// <c>qemu-img info --backing-chain</c> and refuses one that leaves the storage roots, reaches a
/// device or another protocol, or is deeper than <see cref="MaxDepth"/>; QEMU then gets every
/// image of it as an explicit node, and never follows a header itself.
/// </summary>
public sealed class QemuImgDiskChains(HostRuntime host, NubedOptions options) : IDiskChains
{
    public const int MaxDepth = 16;
    private const long MaxOutputChars = 1 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<ImmutableDictionary<string, ImmutableArray<BackingImage>>> ReadChainsAsync(VmConfig vm, CancellationToken ct)
    {
        var chains = ImmutableDictionary.CreateBuilder<string, ImmutableArray<BackingImage>>(StringComparer.Ordinal);
        var errors = new List<ValidationError>();
        var roots = StorageRootRules.Roots(options.DataDir, host.Config);
        foreach (var (field, path, format) in Qcow2Disks(vm))
        {
            // A disk that does not exist (yet) has no chain; the start names it if it is still missing.
            if (chains.ContainsKey(path) || !File.Exists(path))
                continue;
            var chain = await ReadAsync(field, path, format, roots, errors, ct).ConfigureAwait(false);
            if (chain is { Length: > 1 })
                chains[path] = [.. chain.Value.Skip(1).Select(i => new BackingImage(i.Filename, Core.Disks.DiskFormats.FromDriver(i.Driver)!.Value))];
        }
        if (errors.Count > 0)
            throw new ValidationException(errors);
        return chains.ToImmutable();
    }

    /// <summary>
    /// A VHD or VHDX QEMU cannot open (a truncated one: "VHDX BAT entry 3 end offset ... points
    /// after end of file") and a qcow2 with corrupt clusters (QEMU opens a truncated qcow2 and
    /// the guest reads zeros where its data was) are refused, naming the field and the file.
    /// Raw images have nothing to check. Never an image QEMU has open: <c>qemu-img check</c> of an
    /// image a running QEMU writes would see its metadata half written.
    /// </summary>
    public async Task CheckImagesAsync(VmConfig vm, Func<string, bool> which, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        foreach (var (field, path, driver) in Disks(vm).Where(d => d.Driver != "raw" && which(d.Id) && File.Exists(d.Path))
            .Select(d => (d.Field, d.Path, d.Driver)))
            if (await CheckImageAsync(field, path, driver, ct).ConfigureAwait(false) is { } problem)
                errors.Add(problem);
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    private static async Task<ValidationError?> CheckImageAsync(string field, string path, string driver, CancellationToken ct)
    {
        // -U: a read-only image may be open in another VM; nothing is written. A qcow2 is named
        // with backing=null: qemu-img check would otherwise open the file its header names.
        var qcow2 = new System.Text.Json.Nodes.JsonObject
        {
            ["driver"] = "qcow2", ["backing"] = null, ["file"] = new System.Text.Json.Nodes.JsonObject { ["driver"] = "file", ["filename"] = path },
        };
        string[] arguments = driver == "qcow2" ? ["check", "-U", "--output=json", $"json:{qcow2.ToJsonString()}"] : ["info", "-U", "-f", driver, path];
        var result = await ProcessRunner.RunAsync(new HostCommand("qemu-img", arguments) { Timeout = Timeout }, ct).ConfigureAwait(false);
        var what = $"{field}: {Quoting.Quote(path)}";
        // qemu-img check: 0 clean, 3 only leaked clusters (space lost, no data at risk), 2 corrupt.
        if (result.ExitCode == 0 || (driver == "qcow2" && result.ExitCode == 3))
            return null;
        if (driver == "qcow2" && result.ExitCode == 2)
            return new(field, path, $"{what} is damaged: qemu-img check found {Corruptions(result.Stdout)} corrupt clusters " +
                "(a truncated or overwritten image); restore it from a backup, or repair a copy with 'qemu-img check -r all'");
        return new(field, path, $"{what} cannot be opened as a {(driver == "vpc" ? "vhd" : driver)} image: {FirstLine(result.Stderr)}");
    }

    private static string Corruptions(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("corruptions", out var n) && n.TryGetInt64(out var count) ? count.ToString(CultureInfo.InvariantCulture) : "some";
        }
        catch (JsonException)
        {
            return "some";
        }
    }

    private static IEnumerable<(string Id, string Field, string Path, string Driver)> Disks(VmConfig vm)
    {
        for (var i = 0; i < vm.IdeDrives.Length; i++)
            if (vm.IdeDrives[i] is { Path: { } path } drive)
                yield return (drive.Id, $"ideDrives[{i}].path", path, ImageFormat.Driver(drive.Format, path));
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
            for (var d = 0; d < vm.ScsiControllers[c].Disks.Length; d++)
                if (vm.ScsiControllers[c].Disks[d] is { Path: { } path } disk)
                    yield return (disk.Id, $"scsiControllers[{c}].disks[{d}].path", path, ImageFormat.Driver(disk.Format, path));
    }

    /// <summary>
    /// One image's chain, the image first, each backing file checked as a VM's are and named by
    /// where its links lead (for <c>nube disk show</c> and the disk operations).
    /// </summary>
    /// <exception cref="ValidationException">The image cannot be read, or its chain leaves the roots or is too deep.</exception>
    public async Task<ImmutableArray<ImageFacts>> ReadImageAsync(string field, string path, DiskFormat format, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var chain = await ReadAsync(field, path, format, StorageRootRules.Roots(options.DataDir, host.Config), errors, ct).ConfigureAwait(false);
        return errors.Count > 0 || chain is null ? throw new ValidationException(errors) : chain.Value;
    }

    /// <summary>The VM's disks that may have backing files: only qcow2 takes one.</summary>
    internal static IEnumerable<(string Field, string Path, DiskFormat Format)> Qcow2Disks(VmConfig vm)
    {
        for (var i = 0; i < vm.IdeDrives.Length; i++)
            if (vm.IdeDrives[i].Path is { } path && FormatOf(vm.IdeDrives[i].Format, path) == DiskFormat.Qcow2)
                yield return ($"ideDrives[{i}].path", path, DiskFormat.Qcow2);
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
            for (var d = 0; d < vm.ScsiControllers[c].Disks.Length; d++)
                if (vm.ScsiControllers[c].Disks[d] is { Path: { } path } disk && FormatOf(disk.Format, path) == DiskFormat.Qcow2)
                    yield return ($"scsiControllers[{c}].disks[{d}].path", path, DiskFormat.Qcow2);
    }

    private static DiskFormat FormatOf(DiskFormat? format, string path) =>
        format ?? (path.EndsWith(".qcow2", StringComparison.OrdinalIgnoreCase) ? DiskFormat.Qcow2 : DiskFormat.Raw);

    private async Task<ImmutableArray<ImageFacts>?> ReadAsync(string field, string path, DiskFormat format, IReadOnlyList<string> roots,
        List<ValidationError> errors, CancellationToken ct)
    {
        // -U: the image may be in use by a running VM (another VM's base); nothing is written.
        var command = new HostCommand("qemu-img", ["info", "--backing-chain", "--output=json", "-U", "-f", Core.Disks.DiskFormats.Driver(format), path]) { Timeout = Timeout };
        var result = await ProcessRunner.RunAsync(command, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            errors.Add(new(field, path, $"{field}: '{path}' cannot be read as a {Core.Disks.DiskFormats.Title(format)} image: {LastLine(result.Stderr)}"));
            return null;
        }
        if (result.Stdout.Length > MaxOutputChars)
        {
            errors.Add(new(field, path, $"{field}: '{path}' describes a backing chain too large to read"));
            return null;
        }
        var images = ImageFacts.ParseChain(result.Stdout);
        if (images.Count - 1 > MaxDepth)
        {
            errors.Add(new(field, path, $"{field}: '{path}' has {images.Count - 1} backing files; the most Nube follows is {MaxDepth}"));
            return null;
        }
        var chain = ImmutableArray.CreateBuilder<ImageFacts>();
        chain.Add(images[0] with { Filename = path });
        foreach (var image in images.Skip(1))
        {
            if (CheckBacking(field, path, image.Filename, image.Driver, roots, errors) is { } backing)
                chain.Add(image with { Filename = backing.Path });
        }
        return chain.ToImmutable();
    }

    /// <summary>One backing file: a regular file inside the roots (after its links), in a format Nube knows.</summary>
    private BackingImage? CheckBacking(string field, string disk, string file, string driver, IReadOnlyList<string> roots, List<ValidationError> errors)
    {
        var what = $"{field}: the backing file '{file}' of '{disk}'";
        if (!file.StartsWith('/') || file.Any(char.IsControl))
        {
            errors.Add(new(field, disk, $"{what} is not a host file; Nube accepts only files as backing images"));
            return null;
        }
        var real = UnixFiles.RealPath(file) ?? file;
        if (StorageRootRules.CheckOne(field, real, roots, options.DataDir) is { } outside)
        {
            errors.Add(outside with { Value = disk, Message = outside.Message.Replace($"{field}: '{real}'", what + (real == file ? "" : $", a link to '{real}',"), StringComparison.Ordinal) });
            return null;
        }
        if (!File.Exists(real))
        {
            errors.Add(new(field, disk, $"{what} is not a regular file"));
            return null;
        }
        DiskFormat? format = driver switch
        {
            "qcow2" => DiskFormat.Qcow2,
            "raw" => DiskFormat.Raw,
            "vpc" => DiskFormat.Vhd,
            "vhdx" => DiskFormat.Vhdx,
            _ => null,
        };
        if (format is null)
        {
            errors.Add(new(field, disk, $"{what} is in the format '{driver}', which Nube does not use for disks (qcow2, raw, vhd, vhdx)"));
            return null;
        }
        return new BackingImage(real, format.Value);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "qemu-img said nothing";

    private static string FirstLine(string text) =>
        Quoting.Escape((text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "qemu-img said nothing")
            .Replace("qemu-img: ", "", StringComparison.Ordinal));
}
