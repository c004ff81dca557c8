namespace Nube.Linux.Processes;

/// <summary>Runs the host's programs (hostname, ip, nft, timedatectl, apt-get, systemctl); tests script the answers.</summary>
public interface IHostCommands
{
    /// <summary>
    /// Runs the command to its end and returns how it ended; each line of its standard output also
    /// goes to <paramref name="onLine"/> as it comes. Throws <see cref="HostCommandException"/> when it
    /// outlives its timeout (it is killed), and stops it when <paramref name="ct"/> is cancelled.
    /// </summary>
    Task<CommandResult> RunAsync(HostCommand command, CancellationToken ct, Action<string>? onLine = null);
}
