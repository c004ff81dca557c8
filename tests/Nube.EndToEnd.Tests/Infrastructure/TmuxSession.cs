using System.Diagnostics;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A program on a terminal of its own: a tmux server of the test's own (its socket in the test's
/// folder, no configuration read), one session of the given size. Keys go in with send-keys, the
/// screen comes out with capture-pane; disposing kills the server.
/// </summary>
public sealed class TmuxSession : IAsyncDisposable
{
    private const string Name = "t";
    private readonly string socket;
    private readonly string exitFile;

    private TmuxSession(string folder)
    {
        socket = Path.Combine(folder, "tmux.sock");
        exitFile = Path.Combine(folder, "tmux.exit");
    }

    public static async Task<TmuxSession> StartAsync(string folder, int width, int height, params string[] command)
    {
        var session = new TmuxSession(folder);
        // tmux's own #{pane_dead_status} is sometimes left empty (tmux 3.3a), so a shell notes the
        // exit code; remain-on-exit keeps the last screen readable once the program has ended.
        await session.TmuxAsync(["new-session", "-d", "-s", Name, "-x", width.ToString(), "-y", height.ToString(), "--",
            "sh", "-c", "\"$@\"; echo $? > \"$0\"", session.exitFile, .. command,
            ";", "set-option", "-w", "-t", Name, "remain-on-exit", "on"]);
        return session;
    }

    /// <summary>Types <paramref name="text"/> literally, then Enter.</summary>
    public async Task TypeLineAsync(string text)
    {
        if (text.Length > 0)
            await TmuxAsync(["send-keys", "-t", Name, "-l", text]);
        await TmuxAsync(["send-keys", "-t", Name, "Enter"]);
    }

    /// <summary>The screen as it shows now, with lines the terminal wrapped joined again.</summary>
    public Task<string> ScreenAsync() => TmuxAsync(["capture-pane", "-p", "-J", "-t", Name]);

    /// <summary>The program's exit code once it has ended, else null.</summary>
    public async Task<int?> ExitCodeAsync() =>
        File.Exists(exitFile) && int.TryParse((await File.ReadAllTextAsync(exitFile)).Trim(), out var code) ? code : null;

    /// <summary>Waits until the screen satisfies <paramref name="predicate"/> and returns it; fails showing the last screen.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var screen = "";
        while (deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            screen = await ScreenAsync();
            if (predicate(screen))
                return screen;
            await Task.Delay(100);
        }
        Assert.Fail($"The terminal did not show {what} within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s. It shows:\n{screen}");
        return screen;
    }

    public Task<string> WaitForAsync(string text, TimeSpan? timeout = null) =>
        WaitForAsync(s => s.Contains(text, StringComparison.Ordinal), $"'{text}'", timeout);

    /// <summary>
    /// Waits until the program asks <paramref name="prompt"/> afresh (the last line, nothing typed
    /// after it), with <paramref name="message"/>, when given, on the line above.
    /// </summary>
    public Task<string> WaitForPromptAsync(string prompt, string? message = null, TimeSpan? timeout = null) =>
        WaitForAsync(s =>
        {
            var lines = s.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
            return lines.Count > 0 && lines[^1] == prompt.TrimEnd()
                && (message is null || (lines.Count > 1 && lines[^2].Contains(message, StringComparison.Ordinal)));
        }, message is null ? $"the prompt '{prompt}'" : $"'{message}' and the prompt '{prompt}'", timeout);

    private async Task<string> TmuxAsync(string[] args)
    {
        var r = await HostProgram.RunAsync("tmux", ["-S", socket, "-f", "/dev/null", .. args]);
        Assert.True(r.ExitCode == 0, $"tmux {string.Join(' ', args)} exited with {r.ExitCode}: {r.Stderr}");
        return r.Stdout;
    }

    public async ValueTask DisposeAsync()
    {
        // The server, its session and the program in it; bounded by HostProgram's own limit.
        await HostProgram.RunAsync("tmux", "-S", socket, "kill-server");
    }
}
