using Nube.Linux.Processes;
using Nube.Contracts.HostSystem;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

/// <summary>A power switch that notes its command in the shared list of steps instead of giving it (or fails).</summary>
internal sealed class FakePower(List<string> steps) : IPowerSwitch
{
    public Exception? Failure { get; set; }

    public HostCommand CommandFor(string action) => new("systemctl", [action == PowerActions.Restart ? "reboot" : "poweroff"]);

    public Task RunAsync(string action, CancellationToken ct)
    {
        steps.Add(CommandFor(action).ToString());
        return Failure is { } e ? Task.FromException(e) : Task.CompletedTask;
    }
}
