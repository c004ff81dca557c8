namespace Nube.Service.Server;

/// <summary>
/// The TCP listener as Kestrel's endpoint configuration (<c>Endpoints:Remote:Url</c>), held in
/// memory. Kestrel watches it (<c>KestrelServerOptions.Configure(..., reloadOnChange: true)</c>):
/// setting a new URL stops the old endpoint and binds the new one while the UNIX socket, bound in
/// code, stays; setting none stops the listener.
/// </summary>
public sealed class ListenerConfiguration : ConfigurationProvider, IConfigurationSource
{
    public const string UrlKey = "Endpoints:Remote:Url";

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>The URL Kestrel listens on, e.g. https://0.0.0.0:8006; null for none.</summary>
    public string? Url => TryGet(UrlKey, out var url) ? url : null;

    /// <summary>Publishes a new URL (or none); Kestrel rebinds in the background when it changed.</summary>
    public void Set(string? url)
    {
        if (url == Url)
            return;
        Data = url is null
            ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [UrlKey] = url };
        OnReload();
    }
}
