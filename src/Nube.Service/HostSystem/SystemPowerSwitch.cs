using Nube.Linux.Processes;
using Nube.Contracts.HostSystem;

namespace Nube.Service.HostSystem;

/// <summary><c>systemctl reboot|poweroff</c> when systemd is the init system, else the plain <c>reboot</c> and <c>poweroff</c>.</summary>
public sealed class SystemPowerSwitch(HostSystemPaths paths, IHostCommands commands) : IPowerSwitch
{
    public HostCommand CommandFor(string action)
    {
        var verb = action == PowerActions.Restart ? "reboot" : "poweroff";
        return Directory.Exists(paths.SystemdRuntime) ? new HostCommand("systemctl", [verb]) : new HostCommand(verb, []);
    }

    public async Task RunAsync(string action, CancellationToken ct)
    {
        var command = CommandFor(action);
        (await commands.RunAsync(command, ct).ConfigureAwait(false)).EnsureSuccess(command);
    }
}
