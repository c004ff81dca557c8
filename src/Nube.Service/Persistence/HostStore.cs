using Nube.Core.Hosts;
using Nube.Core.Serialization;
using Nube.Linux;

namespace Nube.Service.Persistence;

/// <summary>The host's settings in <c>&lt;data&gt;/host.json</c>; defaults when the file is absent.</summary>
public sealed class HostStore(string dataDirectory)
{
    public string FilePath { get; } = Path.Combine(dataDirectory, "host.json");

    public HostConfig Load() =>
        File.Exists(FilePath)
            ? ConfigDocument.Parse<HostConfig>(File.ReadAllText(FilePath), HostConfig.CurrentSchemaVersion, FilePath)
            : new HostConfig();

    public Task SaveAsync(HostConfig config, CancellationToken ct = default)
    {
        Directory.CreateDirectory(dataDirectory);
        return AtomicFile.WriteAllTextAsync(FilePath, ConfigDocument.Write(config), ct);
    }
}
