using System.Collections.Immutable;
using Nube.Core.Serialization;
using Nube.Linux;
using Nube.Linux.Processes;
using Nube.Service.Auth;

namespace Nube.Service.Persistence;

/// <summary>
/// Which uid each VM's QEMU runs as, in <c>&lt;data&gt;/vm-users.json</c> (root's, 0600). A VM
/// gets the lowest free uid of the host's range at its first start and keeps it; the gid is
/// the same number. A uid that the host's user database knows is never handed out.
/// </summary>
public sealed class VmUserStore(string dataDirectory, uint firstUid, uint count)
{
    /// <summary>
    /// The default range starts at 0x70000000: above the ranges that systemd gives containers
    /// and dynamic users (up to 1879048191), and below 2^31, which some tools mishandle.
    /// </summary>
    public const uint DefaultFirstUid = 0x70000000;
    public const uint DefaultCount = 65536;

    private readonly SecretListFile<VmUserEntry> file = new(Path.Combine(dataDirectory, "vm-users.json"),
        json => ConfigDocument.Parse<VmUserDocument>(json, VmUserDocument.CurrentSchemaVersion, Path.Combine(dataDirectory, "vm-users.json")).Users,
        users => ConfigDocument.Write(new VmUserDocument { Users = users }));

    /// <summary>The VM's user, allocated and stored first if it has none.</summary>
    /// <exception cref="InvalidOperationException">Every uid of the range is in use.</exception>
    public Task<VmUser> GetOrAllocateAsync(Guid vm, CancellationToken ct) =>
        file.ChangeAsync(users =>
        {
            if (users.FirstOrDefault(u => u.Vm == vm) is { } known)
                return (users, User(known.Uid));
            var taken = users.Select(u => u.Uid).ToHashSet();
            for (var uid = firstUid; uid < firstUid + count; uid++)
                if (!taken.Contains(uid) && !UnixFiles.UidTaken(uid))
                    return (users.Add(new VmUserEntry(vm, uid)), User(uid));
            throw new InvalidOperationException(
                $"Every uid of the range {firstUid}-{firstUid + count - 1} is in use; widen the range (--vm-uid-count).");
        }, ct);

    /// <summary>The VM's user when it has one (a running VM always has).</summary>
    public VmUser? Find(Guid vm) => file.Items.FirstOrDefault(u => u.Vm == vm) is { } entry ? User(entry.Uid) : null;

    /// <summary>Frees a removed VM's uid for another VM.</summary>
    public Task ReleaseAsync(Guid vm, CancellationToken ct) =>
        file.ChangeAsync(users => (users.RemoveAll(u => u.Vm == vm), true), ct);

    private static VmUser User(uint uid) => new(uid, uid);
}

/// <summary>One VM's uid.</summary>
public sealed record VmUserEntry(Guid Vm, uint Uid);

/// <summary>The shape of <c>&lt;data&gt;/vm-users.json</c>.</summary>
public sealed record VmUserDocument
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public ImmutableArray<VmUserEntry> Users { get; init; } = [];
}
