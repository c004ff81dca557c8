using Nube.Linux.Processes;

namespace Nube.Linux.Network;

/// <summary>Loads an nftables script (<c>nft -f</c>), which the kernel applies as one transaction.</summary>
public static class Nft
{
    /// <summary>Null when the rules are in place, else why not (nft missing, or what it refused).</summary>
    public static async Task<string?> ApplyAsync(string rules, Func<HostCommand, CancellationToken, Task<CommandResult>> run, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"nube-{Guid.NewGuid():N}.nft");
        try
        {
            await File.WriteAllTextAsync(file, rules, ct).ConfigureAwait(false);
            var result = await run(new HostCommand("nft", ["-f", file]) { Timeout = TimeSpan.FromSeconds(15) }, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
                return null;
            var said = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return result.ExitCode == CommandResult.NotFound
                ? "nftables (nft) is not installed; run scripts/install-deps.sh or apt-get install nftables"
                : $"nft refused the rules: {said}";
        }
        finally
        {
            File.Delete(file);
        }
    }
}
