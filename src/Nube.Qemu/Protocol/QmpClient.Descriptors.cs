using System.Runtime.InteropServices;
using System.Text.Json;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Files handed to a running QEMU: nubed opens them as root and passes the descriptor, so that
/// QEMU, an unprivileged user with no folder of its own, opens nothing by path.
/// </summary>
public sealed partial class QmpClient
{
    /// <summary>
    /// Adds the descriptor to a new fdset, or to <paramref name="fdset"/> (where QEMU then picks the
    /// descriptor whose access mode it opens with); QEMU opens it as <c>/dev/fdset/N</c> (N returned).
    /// </summary>
    public async Task<int> AddFdAsync(SafeHandle descriptor, CancellationToken ct = default, int? fdset = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var arguments = fdset is { } into ? new Dictionary<string, int> { ["fdset-id"] = into } : null;
        JsonElement reply = await SendAsync("add-fd", arguments, DefaultTimeout, eofIsSuccess: false, ct, descriptor).ConfigureAwait(false);
        var value = ReturnValue("add-fd", reply);
        return JsonRead.GetInt64(value, "fdset-id") is long set and >= 0 and <= int.MaxValue
            ? (int)set
            : throw new QmpProtocolException("QMP reply to 'add-fd' has no fdset-id");
    }

    /// <summary>QEMU's own numbers of the descriptors in an fdset (those <c>remove-fd</c> names one by one).</summary>
    public async Task<IReadOnlyList<int>> QueryFdSetAsync(int fdset, CancellationToken ct = default)
    {
        var sets = await ExecuteAsync("query-fdsets", ct: ct).ConfigureAwait(false);
        return [.. sets.EnumerateArray().Where(s => s.GetProperty("fdset-id").GetInt32() == fdset)
            .SelectMany(s => s.GetProperty("fds").EnumerateArray()).Select(f => f.GetProperty("fd").GetInt32())];
    }

    /// <summary>Drops one descriptor of an fdset; QEMU closes it once no node uses it (and the VM runs).</summary>
    public Task RemoveFdAsync(int fdset, int fd, CancellationToken ct = default) =>
        ExecuteAsync("remove-fd", new Dictionary<string, int> { ["fdset-id"] = fdset, ["fd"] = fd }, ct: ct);

    /// <summary>Drops an fdset once QEMU is done with it (QEMU keeps its own copy while a device uses it).</summary>
    public Task RemoveFdAsync(int fdset, CancellationToken ct = default) =>
        ExecuteAsync("remove-fd", new Dictionary<string, int> { ["fdset-id"] = fdset }, ct: ct);

    /// <summary>Gives QEMU the descriptor under <paramref name="name"/>, for commands that take an fdname (add_client).</summary>
    public async Task GetFdAsync(string name, SafeHandle descriptor, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(descriptor);
        JsonElement reply = await SendAsync("getfd", new Dictionary<string, string> { ["fdname"] = name }, DefaultTimeout,
            eofIsSuccess: false, ct, descriptor).ConfigureAwait(false);
        ReturnValue("getfd", reply);
    }

    /// <summary>Hands QEMU's VNC server one viewer's connection, passed before with <see cref="GetFdAsync"/>.</summary>
    public Task AddVncClientAsync(string fdname, CancellationToken ct = default) =>
        ExecuteAsync("add_client", new Dictionary<string, string> { ["protocol"] = "vnc", ["fdname"] = fdname }, ct: ct);
}
