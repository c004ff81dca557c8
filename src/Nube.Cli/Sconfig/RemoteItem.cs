using System.Globalization;
using Nube.Contracts.Client;
using Nube.Contracts.Hosts;

namespace Nube.Cli.Sconfig;

/// <summary>
/// Item 4: remote management, the TCP listener that serves the API and the web console: on or off,
/// its address and port, TLS and the certificate in use, and the API tokens.
/// </summary>
internal sealed class RemoteItem(NubeApiClient client, MenuConsole io)
{
    public async Task<MenuOutcome> RunAsync(CancellationToken ct)
    {
        string? message = null;
        while (true)
        {
            var host = await client.GetHostAsync(ct);
            var tokens = await Fetched<IReadOnlyList<Contracts.Auth.TokenInfo>>.FromAsync(() => client.ListTokensAsync(ct));
            Draw(host.Remote, tokens);
            if (message is not null)
                io.Line(message);
            var choice = io.Ask("Enter number to select an option: ");
            if (choice is null || choice is "" or "8")
                return MenuOutcome.Nothing;
            try
            {
                message = await ChooseAsync(choice, host.Remote, ct);
            }
            catch (Exception e) when (e is NubeApiException or HttpRequestException)
            {
                message = MenuText.Error(e);
            }
            if (io.Ended)
                return MenuOutcome.Nothing;
        }
    }

    private void Draw(RemoteManagementInfo remote, Fetched<IReadOnlyList<Contracts.Auth.TokenInfo>> tokens)
    {
        io.Clear();
        io.Line("Remote management: the API and the web console over TCP");
        io.Line();
        io.Line($"  Listener:     {(remote.Enabled ? $"On{(remote.Url is { } url ? $", {url}" : "")}" : "Off")}");
        io.Line($"  Address:      {remote.Address}");
        io.Line($"  Port:         {remote.Port}");
        io.Line($"  TLS:          {MenuText.OnOff(remote.Tls)}");
        io.Line($"  Certificate:  {Certificate(remote)}");
        // A SHA-256 fingerprint in hex pairs is 95 characters: two lines.
        var fingerprint = remote.CertificateFingerprint ?? "-";
        io.Line($"  SHA-256:      {fingerprint[..Math.Min(48, fingerprint.Length)]}");
        if (fingerprint.Length > 48)
            io.Line($"                {MenuText.Fit(fingerprint[48..], MenuText.Width - 17)}");
        io.Line($"  API tokens:   {tokens.Show(t => t.Count.ToString(CultureInfo.InvariantCulture))}");
        io.Line();
        io.Line(remote.Enabled ? "1) Turn remote management off" : "1) Turn remote management on");
        io.Line("2) Change the address");
        io.Line("3) Change the port");
        io.Line(remote.Tls ? "4) Turn TLS off" : "4) Turn TLS on");
        io.Line("5) List the API tokens");
        io.Line("6) Make a new API token");
        io.Line("7) Revoke an API token");
        io.Line("8) Back to the main menu");
        io.Line();
    }

    private static string Certificate(RemoteManagementInfo r)
    {
        if (r.CertificateFingerprint is null)
            return r.Tls ? "none yet" : "none (TLS is off)";
        var expires = r.CertificateExpiresAt is { } at ? $", expires {MenuText.When(at)}" : "";
        return MenuText.Fit($"{(r.SelfSignedCertificate ? "self-signed" : r.CertificateSubject ?? "the operator's")}{expires}", MenuText.Width - 17);
    }

    private async Task<string?> ChooseAsync(string choice, RemoteManagementInfo remote, CancellationToken ct)
    {
        var tokens = new TokenActions(client, io);
        switch (choice)
        {
            case "1":
                if (remote.Enabled && !io.Confirm("Turn remote management off? The web console and TCP clients lose the host"))
                    return "Nothing was changed.";
                return Said(await SetAsync(new() { Enabled = !remote.Enabled }, ct));
            case "2":
                var address = io.Ask($"Enter the IP address to listen on, such as 0.0.0.0 or 127.0.0.1 (now {remote.Address}; blank to keep it): ");
                return string.IsNullOrEmpty(address) ? null : Said(await SetAsync(new() { Address = address }, ct));
            case "3":
                var text = io.Ask($"Enter the port, 1 to 65535 (now {remote.Port}; blank to keep it): ");
                if (string.IsNullOrEmpty(text))
                    return null;
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                    return $"error: '{text}' is not a port number; enter a number from 1 to 65535.";
                return Said(await SetAsync(new() { Port = port }, ct));
            case "4":
                if (remote.Tls && !io.Confirm("Turn TLS off? Passwords and tokens would cross the network in clear text"))
                    return "Nothing was changed.";
                return Said(await SetAsync(new() { Tls = !remote.Tls }, ct));
            case "5":
                await tokens.ListAsync(ct);
                return null;
            case "6":
                return await tokens.NewAsync(ct);
            case "7":
                return await tokens.RevokeAsync(ct);
            default:
                return $"'{choice}' is not an option; enter a number from 1 to 8.";
        }
    }

    private async Task<RemoteManagementInfo> SetAsync(RemoteManagementSettings change, CancellationToken ct) =>
        (await client.SetHostAsync(new HostSettings { Remote = change }, ct)).Remote;

    private static string Said(RemoteManagementInfo r) =>
        $"Remote management is {(r.Enabled ? "on" : "off")}: {r.Address} port {r.Port}, TLS {(r.Tls ? "on" : "off")}.";
}
