using Nube.Linux.Processes;
namespace Nube.Service.HostSystem;

/// <summary>
/// The host's name: the kernel's (through the <c>hostname</c> program, never hostnamectl, which would
/// go through systemd's D-Bus to whichever host runs it), /etc/hostname for the next boot, and
/// Debian's 127.0.1.1 line of /etc/hosts. The caller has validated the name.
/// </summary>
public sealed class HostNames(HostSystemPaths paths, IHostCommands commands, ILogger<HostNames> logger)
{
    public string Current() => File.ReadAllText(paths.KernelHostName).Trim();

    public async Task SetAsync(string name, CancellationToken ct)
    {
        var before = Current();
        var command = new HostCommand("hostname", [name]);
        (await commands.RunAsync(command, ct).ConfigureAwait(false)).EnsureSuccess(command);
        await SystemFile.WriteAsync(paths.HostNameFile, name + "\n", ct).ConfigureAwait(false);
        var hosts = File.Exists(paths.HostsFile) ? await File.ReadAllTextAsync(paths.HostsFile, ct).ConfigureAwait(false) : "";
        await SystemFile.WriteAsync(paths.HostsFile, HostsFile.WithHostName(hosts, name), ct).ConfigureAwait(false);
        logger.LogInformation("Host name changed from {Before} to {After}", before, name);
    }
}
