using Nube.Contracts.Disks;
using Nube.Core.Disks;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.HostSystem;
using Nube.Service.Jobs;
using Nube.Service.Vms.Disks;

namespace Nube.Service.Disks;

/// <summary>
/// The disk operations that take long, as host jobs with qemu-img's progress: a conversion (its
/// cancel deletes the copy it was making, never the source) and a merge of a child into its parent.
/// </summary>
public sealed class DiskJobs(DiskFiles files, QemuImgDiskChains chains, HostJobs jobs, ILogger<DiskJobs> logger)
{
    public const string ConvertKind = "disk-convert";
    public const string MergeKind = "disk-merge";

    /// <summary>Checks the request, then copies the source (its whole chain, flattened) into a new file of the format.</summary>
    public async Task<Job> StartConvertAsync(ConvertDiskRequest request, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var paths = files.Paths;
        var source = paths.Existing("source", request.Source, errors);
        var destination = paths.New("destination", request.Destination, errors);
        var format = DiskPaths.Format("format", request.Format, request.Destination ?? "", errors);
        var rate = Rate(request.Rate, errors);
        DiskFiles.Throw(errors);
        var sourceFormat = DiskFormats.FromPath(source) ?? DiskFormat.Raw;
        var image = (await chains.ReadImageAsync("source", source, sourceFormat, ct).ConfigureAwait(false))[0];
        DiskRules.CheckSize("source", DiskSize.Format(image.VirtualSize), image.VirtualSize, format, errors);
        DiskFiles.Throw(errors);
        // A running guest writes while the copy reads: the copy would be of no single moment.
        DiskFiles.RefuseUsers(source, "converted while its VM runs",
            [.. (await files.Usage.UsersAsync(source, ct).ConfigureAwait(false)).Where(u => u.State is "running" or "paused")]);
        string[] arguments = ["convert", "-p", "-f", DiskFormats.Driver(sourceFormat), "-O", DiskFormats.Driver(format),
            "-o", DiskFormats.CreateOptions(format, request.Fixed), .. Rated(rate), source, destination];
        return jobs.Start(ConvertKind, $"converting to {DiskFormats.Title(format)}", async (job, token) =>
        {
            try
            {
                await QemuImg.RunWithProgressAsync("source", source, "converted", arguments, p => job.Report("copying", p), token).ConfigureAwait(false);
            }
            catch
            {
                // The copy is this job's own file (the destination did not exist): a half-made one is no use to anyone.
                File.Delete(destination);
                throw;
            }
            logger.LogInformation("Converted disk {Source} to {Destination} ({Format})", source, destination, DiskFormats.Word(format));
            return $"Converted '{source}' to '{destination}' ({DiskFormats.Title(format)}, {DiskSize.Format(image.VirtualSize)}).";
        }, "the partial copy was deleted and the source is untouched");
    }

    /// <summary>Writes a differencing child's data into its parent; refused while a VM uses either.</summary>
    public async Task<Job> StartMergeAsync(MergeDiskRequest request, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var child = files.Paths.Existing("path", request.Path, errors);
        var rate = Rate(request.Rate, errors);
        DiskFiles.Throw(errors);
        var format = DiskFormats.FromPath(child) ?? DiskFormat.Raw;
        var chain = await chains.ReadImageAsync("path", child, format, ct).ConfigureAwait(false);
        if (chain.Length < 2)
            DiskFiles.Throw([new("path", child, $"path: '{child}' is not a differencing disk: it has no parent to merge into")]);
        var parent = chain[1].Filename;
        DiskFiles.RefuseUsers(child, "merged", await files.Usage.UsersAsync(child, ct).ConfigureAwait(false));
        DiskFiles.RefuseUsers(parent, "merged into", await files.Usage.UsersAsync(parent, ct).ConfigureAwait(false));
        string[] arguments = ["commit", "-p", "-f", DiskFormats.Driver(format), .. Rated(rate), child];
        return jobs.Start(MergeKind, "merging into the parent", async (job, token) =>
        {
            await QemuImg.RunWithProgressAsync("path", child, "merged", arguments, p => job.Report("merging", p), token).ConfigureAwait(false);
            logger.LogInformation("Merged disk {Child} into {Parent}", child, parent);
            return $"Merged '{child}' into '{parent}'; the child is now empty and still on its parent ('nube disk remove' deletes it).";
        }, $"'{parent}' holds part of the child's data, and '{child}' still holds all of it, so the child still reads as before");
    }

    private static long? Rate(string? text, List<ValidationError> errors)
    {
        if (text is null)
            return null;
        var bytes = DiskSize.Parse("rate", text, errors);
        if (bytes == 0)
            errors.Add(new("rate", text, "rate: must be more than 0 bytes per second"));
        return bytes;
    }

    private static string[] Rated(long? rate) => rate is { } r ? ["-r", r.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
}
