using Nube.Cli.Jobs;
using Nube.Cli.Output;
using Nube.Contracts.Client;
using Nube.Contracts.HostSystem;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Sconfig;

/// <summary>Items 5 and 6: the Debian updates for QEMU and the packages Nube uses; checking for new ones and installing them are host jobs.</summary>
internal sealed class UpdatesItem(NubeApiClient client, MenuConsole io)
{
    private const int Shown = 14;

    /// <summary>Item 5: the updates available, and a fresh download of the package lists if asked for.</summary>
    public async Task<MenuOutcome> ShowAsync(CancellationToken ct)
    {
        var updates = await client.GetHostUpdatesAsync(ct);
        io.Clear();
        Table(updates);
        io.Line();
        if (!io.Confirm("Download the package lists now to look for new updates (apt-get update)?"))
            return MenuOutcome.Nothing;
        return await RunJobAsync("check", ct);
    }

    /// <summary>Item 6: installs the updates, once confirmed.</summary>
    public async Task<MenuOutcome> ApplyAsync(CancellationToken ct)
    {
        var updates = await client.GetHostUpdatesAsync(ct);
        if (updates.Packages.Count == 0)
            return new($"Nothing to install: Nube's packages are up to date (package lists of {MenuText.When(updates.ListsUpdatedAt)}).");
        io.Clear();
        Table(updates);
        io.Line();
        io.Line("Running VMs keep their QEMU; a new QEMU serves them from their next start.");
        if (!io.Confirm($"Install {MenuText.Count(updates.Packages.Count, "update", "updates")}?"))
            return new("Nothing was installed.");
        return await RunJobAsync("apply", ct);
    }

    private async Task<MenuOutcome> RunJobAsync(string operation, CancellationToken ct)
    {
        var follower = new JobFollower(client);
        var job = await follower.StartAsync(wait => client.StartHostUpdateJobAsync(operation, wait, CancellationToken.None));
        job = await follower.FollowAsync(job, ct);
        return job.State switch
        {
            JobStates.Completed => new(job.Result ?? $"The {job.Kind} job completed."),
            JobStates.Cancelled => new($"error: the {job.Kind} job was cancelled."),
            _ => new($"error: {(job.Problem is { } p ? MenuText.OneLine(JobText.Problem(p)) : $"the {job.Kind} job failed")}"),
        };
    }

    private void Table(HostUpdates updates)
    {
        io.Line($"Updates for QEMU and the packages Nube uses (package lists of {MenuText.When(updates.ListsUpdatedAt)})");
        io.Line();
        if (updates.Packages.Count == 0)
        {
            io.Line("  None: Nube's packages are up to date.");
            return;
        }
        io.Line(MenuText.Row(("  Package", 26), ("Installed", 27), ("Available", 0)));
        foreach (var u in updates.Packages.Take(Shown))
            io.Line(MenuText.Row(($"  {u.Package}", 26), (u.Installed, 27), (u.Candidate, 0)));
        if (updates.Packages.Count > Shown)
            io.Line($"  ... and {updates.Packages.Count - Shown} more");
    }
}
