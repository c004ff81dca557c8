using Nube.Linux.Processes;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

/// <summary>
/// Host commands that answer from a script: each call is recorded in order; <see cref="Answer"/>
/// says how a command ends and which output lines it streams; <see cref="Gate"/>, when set, holds
/// every call until released.
/// </summary>
internal sealed class ScriptedCommands : IHostCommands
{
    private readonly List<string> calls = [];

    public Func<HostCommand, (CommandResult Result, string[] Lines)> Answer { get; set; } = _ => (new CommandResult(0, "", ""), []);

    public TaskCompletionSource? Gate { get; set; }

    /// <summary>The commands run so far, as typed ("hostname web1").</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (calls)
                return [.. calls];
        }
    }

    public async Task<CommandResult> RunAsync(HostCommand command, CancellationToken ct, Action<string>? onLine = null)
    {
        lock (calls)
            calls.Add(command.ToString());
        if (Gate is { } gate)
            await gate.Task.WaitAsync(ct);
        var (result, lines) = Answer(command);
        foreach (var line in lines)
            onLine?.Invoke(line);
        return result;
    }
}
