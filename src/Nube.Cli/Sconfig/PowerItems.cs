using System.Diagnostics;
using Nube.Contracts.Client;
using Nube.Contracts.HostSystem;

namespace Nube.Cli.Sconfig;

/// <summary>Items 12 to 14: log off, restart and shut down; each asks first, and No is the default.</summary>
internal sealed class PowerItems(NubeApiClient client, MenuConsole io)
{
    public async Task<MenuOutcome> PowerAsync(string action, CancellationToken ct)
    {
        var (verb, going) = action == PowerActions.Restart ? ("Restart", "restarting") : ("Shut down", "shutting down");
        io.Line();
        if (!io.Confirm($"{verb} the host? Each running VM's automatic stop action (save, shut down, turn off) is applied first"))
            return new("Nothing was changed.");
        io.Line("Applying the VMs' automatic stop actions...");
        var result = await client.PowerAsync(new PowerRequest { Action = action }, ct);
        var states = result.Vms.GroupBy(v => v.State).Select(g => $"{g.Count()} {g.Key}");
        var vms = result.Vms.Count == 0 ? "no VMs" : $"VMs: {string.Join(", ", states)}";
        return MenuOutcome.Exit($"The host is {going} ({vms}; '{result.Command}').");
    }

    /// <summary>
    /// Ends the login session: the shell that started the menu, as the login menu does at an SSH
    /// login. Started from anything but a shell (a tmux command, a script), the menu only leaves.
    /// </summary>
    public MenuOutcome LogOff()
    {
        io.Line();
        if (!io.Confirm("Log off? The shell that started this menu ends"))
            return new("Nothing was changed.");
        if (ParentShell() is not { } shell)
            return MenuOutcome.Exit("This menu was not started from a login shell: leaving the menu instead.");
        using var kill = Process.Start("kill", ["-HUP", shell.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(TimeSpan.FromSeconds(5));
        return MenuOutcome.Exit();
    }

    /// <summary>The parent process when it runs a shell of /etc/shells (tmux and screen, listed there too, are not logins).</summary>
    private static int? ParentShell()
    {
        var ppid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?[5..].Trim();
        if (!int.TryParse(ppid, out var parent) || parent <= 1)
            return null;
        var program = new FileInfo($"/proc/{parent}/exe").LinkTarget;
        if (program is null || !File.Exists("/etc/shells"))
            return null;
        var shells = File.ReadLines("/etc/shells").Select(l => l.Trim()).Where(l => l.StartsWith('/'))
            .Select(Path.GetFileName).Where(n => n is not ("tmux" or "screen")).ToHashSet(StringComparer.Ordinal);
        return shells.Contains(Path.GetFileName(program)) ? parent : null;
    }
}
