using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Guest services' file copy, as Hyper-V's Copy-VMFile: a job that streams a host file into the
/// guest in chunks through the agent (guest-file-open/write/close), under a temporary name in the
/// destination's folder, then checks its SHA-256 inside the guest (sha256sum) against the one the
/// host computed while sending, and only then renames it into place. A copy that fails or is
/// cancelled removes its temporary file. The guest needs a POSIX shell, sha256sum and mv.
/// </summary>
public static class FileCopyOperation
{
    public const string Kind = "copy-file";
    /// <summary>Bytes per guest-file-write: 64 KiB of base64, so that the heartbeat waits little between chunks.</summary>
    public const int ChunkBytes = 48 * 1024;
    public const string PrepareName = "nube-copy-prepare";
    public const string FinishName = "nube-copy-finish";
    public const string CleanName = "nube-copy-clean";

    private static readonly TimeSpan PrepareTimeout = TimeSpan.FromSeconds(30);

    // $1 destination, $2 create the folder (1/0), $3 overwrite (1/0). The exit code says what is wrong.
    private const string PrepareScript = """
        d=${1%/*}; [ -n "$d" ] || d=/
        if [ ! -d "$d" ]; then
          [ -e "$d" ] && exit 12
          [ "$2" = 1 ] || exit 10
          mkdir -p -- "$d" || exit 11
        fi
        [ -d "$1" ] && exit 13
        if [ -e "$1" ] || [ -L "$1" ]; then [ "$3" = 1 ] || exit 14; fi
        exit 0
        """;

    // $1 temporary file, $2 destination, $3 the host's SHA-256, $4 overwrite (1/0). Prints the guest's sum on a mismatch.
    private const string FinishScript = """
        sum=$(sha256sum -- "$1") || { rm -f -- "$1"; exit 20; }
        sum=${sum%% *}
        if [ "$sum" != "$3" ]; then rm -f -- "$1"; printf '%.64s' "$sum"; exit 21; fi
        if [ "$4" != 1 ] && { [ -e "$2" ] || [ -L "$2" ]; }; then rm -f -- "$1"; exit 14; fi
        mv -f -- "$1" "$2" || { rm -f -- "$1"; exit 22; }
        """;

    /// <summary>Checks the request and starts the copy as a job of the running VM.</summary>
    /// <exception cref="VmConflictException">Guest services are disabled, or the VM is not running.</exception>
    /// <exception cref="Core.Validation.ValidationException">The source or destination is not acceptable.</exception>
    public static Job Start(VmController vm, FileCopyRequest request, IReadOnlyList<string> roots, string dataDirectory)
    {
        var now = vm.Snapshot;
        if (now.Config is { } config && !config.IntegrationServices.IsEnabled(IntegrationService.GuestServices))
            throw new VmConflictException($"Cannot copy a file to VM '{now.Name}': its guest services integration service is disabled; " +
                $"enable it with 'nube vm integration enable {now.Name} guest-services'.");
        var (source, length) = FileCopyRules.Check(request.Source, request.Destination, roots, dataDirectory);
        try
        {
            var copy = new Plan(source, length, request.Source!, request.Destination!, request.CreatePath, request.Overwrite);
            return vm.GuestJobs.Start(Kind, (job, run, ct) => CopyAsync(job, run, now.Name, copy, ct));
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private sealed record Plan(SafeFileHandle Source, long Length, string SourcePath, string Destination, bool CreatePath, bool Overwrite)
    {
        public string Folder => Destination[..Math.Max(Destination.LastIndexOf('/'), 1)];
    }

    private static async Task<string?> CopyAsync(Job job, QemuSession run, string vmName, Plan copy, CancellationToken ct)
    {
        using var source = copy.Source;
        var temp = $"{copy.Folder.TrimEnd('/')}/.nube-copy-{job.Id:N}.part";
        var clock = Stopwatch.StartNew();
        try
        {
            job.Report("preparing the destination", 0);
            await PrepareAsync(run, vmName, copy, ct).ConfigureAwait(false);
            var (sent, sha256) = await SendAsync(job, run, copy, temp, ct).ConfigureAwait(false);
            job.Report("verifying the checksum in the guest", 99);
            await FinishAsync(run, vmName, copy, temp, sha256, sent, ct).ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture,
                $"Copied {FileCopyRules.Size(sent)} to {copy.Destination} in {clock.Elapsed.TotalSeconds:0.0} s (sha256 verified).");
        }
        catch (Exception e)
        {
            await RemoveAsync(run, temp).ConfigureAwait(false);
            throw GuestAgentErrors.IsAgentFailure(e) ? GuestAgentErrors.Describe(e, $"copy {copy.SourcePath} to {copy.Destination}", vmName) : e;
        }
    }

    private static async Task PrepareAsync(QemuSession run, string vmName, Plan copy, CancellationToken ct)
    {
        var result = await GuestExec.ShellAsync(run, PrepareScript, PrepareName,
            [copy.Destination, copy.CreatePath ? "1" : "0", copy.Overwrite ? "1" : "0"], PrepareTimeout, ct).ConfigureAwait(false);
        if (result.ExitCode == 0)
            return;
        var where = $"Cannot copy to {copy.Destination} in VM '{vmName}'";
        throw result.ExitCode switch
        {
            10 => (Exception)new VmConflictException($"{where}: the folder {copy.Folder} does not exist in the guest; add --create-path (\"createPath\": true in the API) to make it."),
            11 => new GuestOperationFailedException($"{where}: the guest could not make the folder {copy.Folder}: {result.ErrorText}"),
            12 => new VmConflictException($"{where}: {copy.Folder} is not a folder in the guest."),
            13 => new VmConflictException($"{where}: it is a folder in the guest; give the path of the file to create."),
            14 => Exists(where),
            _ => new GuestOperationFailedException($"{where}: the guest's check of the destination failed (exit {result.ExitCode}): {result.ErrorText}"),
        };
    }

    private static VmConflictException Exists(string where) =>
        new($"{where}: the file already exists in the guest; add --overwrite (\"overwrite\": true in the API) to replace it.");

    /// <summary>Streams the file in chunks, one agent request each; returns the bytes sent and their SHA-256.</summary>
    private static async Task<(long Sent, string Sha256)> SendAsync(Job job, QemuSession run, Plan copy, string temp, CancellationToken ct)
    {
        var handle = await run.Agent.UseAsync((a, t) => a.OpenFileAsync(temp, "w", t), GuestExec.AgentWait, ct).ConfigureAwait(false);
        var closed = false;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[ChunkBytes];
            long sent = 0;
            job.Report("copying", 0);
            while (await RandomAccess.ReadAsync(copy.Source, buffer, sent, ct).ConfigureAwait(false) is var read and > 0)
            {
                if (sent + read > FileCopyRules.MaxBytes)
                    throw new GuestOperationFailedException($"{copy.SourcePath} grew past the limit of {FileCopyRules.Size(FileCopyRules.MaxBytes)} while it was copied.");
                hash.AppendData(buffer, 0, read);
                var chunk = buffer.AsMemory(0, read);
                var written = await run.Agent.UseAsync((a, t) => a.WriteFileAsync(handle, chunk, t), GuestExec.AgentWait, ct).ConfigureAwait(false);
                if (written != read)
                    throw new GuestOperationFailedException($"the guest wrote {written} of {read} bytes at offset {sent} of {temp} (is its disk full?)");
                sent += read;
                job.Report("copying", copy.Length > 0 ? (int)Math.Min(98, sent * 100 / copy.Length) : null);
            }
            closed = true;
            await run.Agent.UseAsync(async (a, t) => { await a.CloseFileAsync(handle, t).ConfigureAwait(false); return true; }, GuestExec.AgentWait, ct)
                .ConfigureAwait(false);
            return (sent, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            if (!closed)
                await CloseQuietlyAsync(run, handle).ConfigureAwait(false);
        }
    }

    private static async Task FinishAsync(QemuSession run, string vmName, Plan copy, string temp, string sha256, long bytes, CancellationToken ct)
    {
        // sha256sum reads the file at some tens of MiB/s under TCG; a minute covers the start.
        var timeout = TimeSpan.FromSeconds(60 + bytes / (5 << 20));
        var result = await GuestExec.ShellAsync(run, FinishScript, FinishName,
            [temp, copy.Destination, sha256, copy.Overwrite ? "1" : "0"], timeout, ct).ConfigureAwait(false);
        var where = $"Cannot copy to {copy.Destination} in VM '{vmName}'";
        switch (result.ExitCode)
        {
            case 0:
                return;
            case 14:
                throw Exists(where);
            case 21:
                var guest = GuestText.Sanitize(System.Text.Encoding.ASCII.GetString(result.Output));
                throw new GuestOperationFailedException($"{where}: the checksum in the guest does not match: host sha256 {sha256}, guest {guest}; the copy was removed.");
            default:
                throw new GuestOperationFailedException($"{where}: the guest could not verify and rename the copy (exit {result.ExitCode}): {result.ErrorText}");
        }
    }

    /// <summary>Best effort, past a cancel: the run may have ended, and then there is no guest to tidy.</summary>
    private static async Task RemoveAsync(QemuSession run, string temp)
    {
        using var limit = new CancellationTokenSource(PrepareTimeout);
        try
        {
            await GuestExec.ShellAsync(run, """rm -f -- "$1" """, CleanName, [temp], PrepareTimeout, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (GuestAgentErrors.IsAgentFailure(e) || e is GuestOperationFailedException or OperationCanceledException)
        {
            // The temporary file's name carries the job's id, for whoever finds it.
        }
    }

    private static async Task CloseQuietlyAsync(QemuSession run, long handle)
    {
        using var limit = new CancellationTokenSource(PrepareTimeout);
        try
        {
            await run.Agent.UseAsync(async (a, t) => { await a.CloseFileAsync(handle, t).ConfigureAwait(false); return true; },
                GuestExec.AgentWait, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (GuestAgentErrors.IsAgentFailure(e) || e is OperationCanceledException)
        {
            // A handle left open ends with the agent; the file is removed all the same.
        }
    }
}
