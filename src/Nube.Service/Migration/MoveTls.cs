using System.Security.Cryptography;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Migration;

/// <summary>
/// A move's stream is TLS with a pre-shared key made by the destination for that one move and
/// handed to the source over the peers' authenticated API: whoever else reaches the port the
/// destination's QEMU listens on cannot feed it a stream, nor read the one that passes. QEMU
/// reads the key from a file only its user may read, through a passed folder descriptor.
/// </summary>
public static class MoveTls
{
    private const string ObjectId = "nube-move-tls";
    private const string User = "nube";
    private const string KeyFile = "keys.psk";

    public static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Gives QEMU the key and makes its migration use it; returns the fdset that <see cref="DropAsync"/> removes.</summary>
    public static async Task<int> UseAsync(IVmRun vm, IQemuHost qemu, QmpClient qmp, string key, bool server, CancellationToken ct)
    {
        int fdset;
        using (var folder = qemu.SecretFolder(vm.Id, vm.Paths, KeyFile, $"{User}:{key}\n"))
            fdset = await qmp.AddFdAsync(folder, ct).ConfigureAwait(false);
        var fd = (await qmp.QueryFdSetAsync(fdset, ct).ConfigureAwait(false)).Single();
        await RemoveObjectAsync(qmp).ConfigureAwait(false);
        await qmp.AddTlsPskAsync(ObjectId, server, $"/proc/self/fd/{fd}", User, ct).ConfigureAwait(false);
        await qmp.SetMigrationParametersAsync(new Dictionary<string, object> { ["tls-creds"] = ObjectId }, ct).ConfigureAwait(false);
        return fdset;
    }

    /// <summary>After the move, or its failure: QEMU forgets the key (a later save needs no TLS), and its file goes.</summary>
    public static async Task DropAsync(IVmRun vm, QmpClient qmp, int? fdset)
    {
        try
        {
            await qmp.SetMigrationParametersAsync(new Dictionary<string, object> { ["tls-creds"] = "" }).ConfigureAwait(false);
            await RemoveObjectAsync(qmp).ConfigureAwait(false);
            if (fdset is { } set)
                await qmp.RemoveFdAsync(set).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            // QEMU is gone or going: nothing of the key lives on in it.
        }
        var folder = Path.Join(vm.Paths.RuntimeDirectory, "secret");
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    private static async Task RemoveObjectAsync(QmpClient qmp)
    {
        try
        {
            await qmp.DeleteObjectAsync(ObjectId).ConfigureAwait(false);
        }
        catch (QmpCommandException)
        {
            // There was none.
        }
    }
}
