using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Nube.Core.Qemu;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The files a fake QEMU was handed, as the real one holds them: those of its launch plan by
/// number (<c>-add-fd</c>), and descriptors passed over QMP (<c>add-fd</c>), which the fake
/// writes through as QEMU would. Used under the fake QEMU's lock, but for <see cref="Receive"/>,
/// which the service's side calls as it sends.
/// </summary>
internal sealed class FakeFdSets(LaunchPlan plan)
{
    private const string Prefix = "file:/dev/fdset/";
    private readonly Dictionary<int, SafeHandle> passed = [];
    private readonly Lock receiving = new();
    private SafeHandle? received;
    private int next = 100;

    /// <summary>The descriptor that came with the last bytes the service sent.</summary>
    public void Receive(SafeHandle descriptor)
    {
        lock (receiving)
            received = descriptor;
    }

    public FakeReply AddFd()
    {
        SafeHandle? handle;
        lock (receiving)
            (handle, received) = (received, null);
        if (handle is null)
            return FakeReply.Failure("GenericError", "No file descriptor supplied via SCM_RIGHTS");
        passed[++next] = handle;
        return new FakeReply { Return = new JsonObject { ["fdset-id"] = next, ["fd"] = 3 } };
    }

    public FakeReply RemoveFd(int? set) =>
        set is { } s && (passed.Remove(s) || plan.Descriptors.Any(d => d.Fd == s))
            ? FakeReply.Empty
            : FakeReply.Failure("GenericError", $"File descriptor named 'fdset-id:{set}' not found");

    /// <summary>Writes a migration stream to the file a URI names; false when the URI names none.</summary>
    public bool TryWrite(string? uri, byte[] bytes)
    {
        if (Set(uri) is not { } set)
            return false;
        if (passed.TryGetValue(set, out var handle))
            RandomAccess.Write((Microsoft.Win32.SafeHandles.SafeFileHandle)handle, bytes, 0);
        else if (PlanFile(set) is { } path)
            File.WriteAllBytes(path, bytes);
        else
            return false;
        return true;
    }

    /// <summary>Whether the URI names a file that exists (a saved state to restore).</summary>
    public bool CanRead(string? uri) =>
        Set(uri) is { } set && (passed.ContainsKey(set) || (PlanFile(set) is { } path && File.Exists(path)));

    private string? PlanFile(int set) => plan.Descriptors.FirstOrDefault(d => d.Fd == set)?.Target;

    private static int? Set(string? uri) =>
        uri is not null && uri.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(uri[Prefix.Length..], out var set) ? set : null;
}
