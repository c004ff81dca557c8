namespace Nube.Service.HostSystem;

/// <summary>
/// Whether interactive root logins open <c>nube sconfig</c>: a script in /etc/profile.d, which login
/// shells read. It exists when the menu is on.
/// </summary>
public sealed class LoginMenu(HostSystemPaths paths, ILogger<LoginMenu> logger)
{
    /// <summary>
    /// Sourced, not run, so it never exits: only an interactive root shell on a terminal starts the
    /// menu, and the variable keeps a shell started from the menu (item 15, tmux) from opening it again.
    /// </summary>
    public const string Script = """
        # Written by nubed: interactive root logins open Nube's host menu (nube sconfig).
        # Item 10 of the menu turns this off (it removes this file).
        if [ "$(id -u)" = 0 ] && [ -t 0 ] && [ -t 1 ] && [ -z "${NUBE_SCONFIG:-}" ] && command -v nube >/dev/null 2>&1; then
            case $- in
                *i*) NUBE_SCONFIG=1; export NUBE_SCONFIG; nube sconfig ;;
            esac
        fi

        """;

    public bool IsOn => File.Exists(paths.LoginMenuScript);

    public async Task SetAsync(bool on, CancellationToken ct)
    {
        if (on)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(paths.LoginMenuScript)!);
            await SystemFile.WriteAsync(paths.LoginMenuScript, Script, ct).ConfigureAwait(false);
        }
        else
        {
            File.Delete(paths.LoginMenuScript);
        }
        logger.LogInformation("The menu at login is {State}", on ? "on" : "off");
    }
}
