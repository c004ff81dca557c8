using Nube.Contracts.Vms;
using Nube.Core.Migration;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;

namespace Nube.Service.Migration;

/// <summary>
/// What a destination takes from the source besides the stream: the UEFI variables and console
/// history the source sends (untrusted, checked and bounded), and a quick move's saved state on the
/// shared storage.
/// </summary>
public static class IncomingFiles
{
    /// <exception cref="ValidationException">The variables are not base64.</exception>
    public static async Task WriteUefiVarsAsync(Core.Qemu.VmRuntimePaths paths, VmConfig config, string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ValidationException([new("uefiVars", "", "uefiVars: not base64")]);
        }
        await AtomicFile.WriteAllBytesAsync(paths.UefiVars(Generations.SecureBootOn(config)), bytes, UnixFileMode.UserRead | UnixFileMode.UserWrite)
            .ConfigureAwait(false);
    }

    /// <summary>The source's console history, bounded: it is the guest's output, untrusted.</summary>
    public static byte[] SerialLog(FinishMoveRequest request)
    {
        try
        {
            var bytes = request.SerialLog is { } text ? Convert.FromBase64String(text) : [];
            return bytes.Length <= FinishMoveRequest.SerialLogLimit ? bytes : bytes[^FinishMoveRequest.SerialLogLimit..];
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>Restores the state the source saved on the shared storage, then turns the file's capabilities off again; false when it cannot be.</summary>
    public static async Task<bool> RestoreStateAsync(IVmRun run, string path, ILogger logger)
    {
        if (run.Session is not { } session)
            return false;
        try
        {
            var (file, _) = RegularFile.OpenForReading(path);
            using (file)
            {
                var set = await session.Qmp.AddFdAsync(file, CancellationToken.None).ConfigureAwait(false);
                await session.Qmp.MigrateIncomingAsync($"file:/dev/fdset/{set}", CancellationToken.None).ConfigureAwait(false);
                await session.Qmp.WaitForMigrationAsync(StartOperation.SaveTimeout).ConfigureAwait(false);
                await session.Qmp.RemoveFdAsync(set, CancellationToken.None).ConfigureAwait(false);
                await session.Qmp.SetMigrationCapabilitiesAsync(QuickState.Off).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception e) when (e is QmpException or IOException)
        {
            logger.LogWarning("VM {Name}: the state saved at {Path} could not be restored: {Error}", run.Snapshot.Name, path, e.Message);
            return false;
        }
    }
}
