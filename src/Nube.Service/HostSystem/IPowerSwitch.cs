using Nube.Linux.Processes;
namespace Nube.Service.HostSystem;

/// <summary>Restarts or powers off the machine.</summary>
public interface IPowerSwitch
{
    /// <summary>The command that <see cref="RunAsync"/> gives for the action, e.g. "systemctl reboot".</summary>
    HostCommand CommandFor(string action);

    /// <summary>Gives the command; throws <see cref="HostCommandException"/> when the host refused it.</summary>
    Task RunAsync(string action, CancellationToken ct);
}
