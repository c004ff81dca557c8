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
    /// <summary>QEMU's TLS credentials object of the move, which the disks' copy (NBD) uses too.</summary>
    public const string ObjectId = "nube-move-tls";
    private const string User = "nube";
    private const string KeyFile = "keys.psk";

    /// <summary>
    /// RFC 7919's ffdhe2048 group, published for everyone's use: without a dh-params.pem beside
    /// the key, QEMU generates fresh parameters for every move, which takes 0.2 to 0.9 s here.
    /// </summary>
    private const string DhParams = """
        -----BEGIN DH PARAMETERS-----
        MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
        +8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
        87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
        YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
        7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
        ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
        -----END DH PARAMETERS-----

        """;

    public static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Gives QEMU the key and makes its migration use it; returns the fdset that <see cref="DropAsync"/> removes.</summary>
    public static async Task<int> UseAsync(IVmRun vm, IQemuHost qemu, QmpClient qmp, string key, bool server, CancellationToken ct)
    {
        int fdset;
        var files = new Dictionary<string, string> { [KeyFile] = $"{User}:{key}\n", ["dh-params.pem"] = DhParams };
        using (var folder = qemu.SecretFolder(vm.Id, vm.Paths, files))
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
