using Nube.Linux.Processes;

namespace Nube.Service.HostSystem;

/// <summary>The host's programs through Nube's one process runner; tests put a fake here.</summary>
public sealed class ProcessHostCommands(ILogger<ProcessHostCommands> logger) : IHostCommands
{
    public async Task<CommandResult> RunAsync(HostCommand command, CancellationToken ct, Action<string>? onLine = null)
    {
        var result = await ProcessRunner.RunAsync(command, ct, onLine).ConfigureAwait(false);
        logger.LogDebug("{Command} exited with {ExitCode}", command, result.ExitCode);
        return result;
    }
}
