using Nube.Service.Hosts;
using Microsoft.AspNetCore.Hosting.Server;
using Nube.Service.Auth;

namespace Nube.Service.Server;

/// <summary>
/// How nubed is reached and who may: the UNIX socket (root only), the TCP listener that follows
/// the remote-management settings live, its TLS certificate, and the users, tokens and sessions
/// the authentication gate checks.
/// </summary>
public static class NubedListeners
{
    /// <summary>Loads users.json, tokens.json and the token file; a file that cannot be read stops nubed's start.</summary>
    public static void AddNubedListeners(this WebApplicationBuilder builder, NubedOptions options, HostRuntime host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var fromSwitch = options.Listen is { } url ? RemoteListener.FromListenSwitch(url, host.Config.Remote) : null;
        var certificates = new ServerCertificates(options.DataDir, TimeProvider.System);
        var listener = new ListenerConfiguration();
        // The slim builder leaves out HTTPS endpoints from configuration; the listener's are.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Every JSON body; the sign-in has its own, smaller limit (RequestSizeLimit on its route).
            k.Limits.MaxRequestBodySize = Api.JsonBody.Limit;
            // Before any endpoint is made: the defaults apply to each as it is made, the TCP listener's at every rebind.
            k.ConfigureEndpointDefaults(ConnectionLimits.Apply);
            k.ListenUnixSocket(options.SocketPath);
            k.Configure(new ConfigurationRoot([listener]), reloadOnChange: true);
            k.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => certificates.Current?.Certificate);
        });

        var services = builder.Services;
        services.AddSingleton(certificates);
        services.AddSingleton<ConnectionLimits>();
        services.AddSingleton(listener);
        services.AddSingleton(sp => new RemoteListener(host, certificates, listener, sp.GetRequiredService<IServer>(),
            sp.GetRequiredService<ILogger<RemoteListener>>(), fromSwitch));
        services.AddSingleton(new UserStore(options.DataDir, TimeProvider.System));
        services.AddSingleton(new TokenStore(options.DataDir, TimeProvider.System));
        services.AddSingleton(new SessionStore(TimeProvider.System));
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<Accounts>();
        services.AddSingleton(LegacyToken.Read(options.TokenFile));
    }
}
