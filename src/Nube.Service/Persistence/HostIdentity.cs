using System.Globalization;
using Nube.Linux;

namespace Nube.Service.Persistence;

/// <summary>
/// This host's id, made once and kept in <c>&lt;data&gt;/host-id</c>. Its first 8 hex digits
/// (<see cref="Key"/>) mark the network devices this host's nubed made, so that two nubeds on
/// one machine (each with its own data directory) never clean up each other's.
/// </summary>
public sealed class HostIdentity
{
    public Guid Id { get; }
    public string Key => Id.ToString("N")[..8];

    private HostIdentity(Guid id) => Id = id;

    public static async Task<HostIdentity> LoadAsync(string dataDirectory, CancellationToken ct)
    {
        var file = Path.Combine(dataDirectory, "host-id");
        if (File.Exists(file))
        {
            var text = (await File.ReadAllTextAsync(file, ct).ConfigureAwait(false)).Trim();
            return Guid.TryParseExact(text, "D", out var id)
                ? new HostIdentity(id)
                : throw new IOException($"{file}: '{text}' is not a host id (a GUID); delete the file to make a new one");
        }
        var made = Guid.NewGuid();
        Directory.CreateDirectory(dataDirectory);
        await AtomicFile.WriteAllTextAsync(file, made.ToString("D", CultureInfo.InvariantCulture) + "\n", ct).ConfigureAwait(false);
        return new HostIdentity(made);
    }
}
