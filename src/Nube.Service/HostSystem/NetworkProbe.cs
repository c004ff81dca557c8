using Nube.Linux.Processes;
using Nube.Contracts.HostSystem;

namespace Nube.Service.HostSystem;

/// <summary>The host's network interfaces and addresses, as iproute2 lists them (read-only).</summary>
public sealed class NetworkProbe(IHostCommands commands)
{
    private static readonly HostCommand Command = new("ip", ["-j", "addr", "show"]) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<IReadOnlyList<NetworkInterfaceInfo>> ListAsync(CancellationToken ct)
    {
        var result = (await commands.RunAsync(Command, ct).ConfigureAwait(false)).EnsureSuccess(Command);
        try
        {
            return IpAddressJson.Parse(result.Stdout);
        }
        catch (FormatException e)
        {
            throw new HostCommandException(Command.ToString(), e.Message);
        }
    }
}
