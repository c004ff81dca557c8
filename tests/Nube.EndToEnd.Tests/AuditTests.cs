using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nube.Contracts;
using Nube.Contracts.Audit;
using Nube.Contracts.Auth;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>The audit trail end to end: users over TCP, root on the socket, refusals, and nube audit.</summary>
public sealed class AuditTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_change_and_refusal_is_recorded_with_who_from_where_and_how_it_ended_and_jobs_name_who_asked()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}");
        var url = $"http://127.0.0.1:{port}/";
        await host.Client.AddUserAsync("alice", "correct horse");
        using var api = RemoteApi.Loopback(port);

        using (var wrong = await api.SignInRawAsync("alice", "not her password"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var alice = await api.SignInAsync("alice", "correct horse");
        using var made = await api.SendAsync(HttpMethod.Post, "api/v1/tokens", alice.WithCsrf,
            JsonContent.Create(new NewTokenRequest { Name = "ci" }, ContractsJson.Default.NewTokenRequest));
        Assert.True(made.IsSuccessStatusCode, await made.Content.ReadAsStringAsync());
        var token = (await made.Content.ReadFromJsonAsync(ContractsJson.Default.NewToken))!;
        var tokenFile = Path.Combine(host.Root, "ci.token");
        await File.WriteAllTextAsync(tokenFile, token.Secret);
        string[] remote = ["--url", url, "--token-file", tokenFile];

        var w1Id = await NubeCli.NewGuestVmAsync(host, "w1", remote);
        var start = await NubeCli.OkAsync(host, ["vm", "start", "w1", "--no-wait", "--json", .. remote]);
        var startJob = JsonSerializer.Deserialize(start.Stdout, ContractsJson.Default.JobInfo)!;
        await host.Client.WaitJobAsync(startJob.Id);
        // The serial console gives control of the VM: recorded when it closes. Another site's page is refused.
        var (console, notOpened) = await api.OpenWebSocketAsync("api/v1/vms/w1/console", alice.WithoutCsrf);
        Assert.True(console is not null, $"the console was refused: {notOpened}");
        using (console)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // Not CloseAsync: the console ends the connection without answering the close.
            await console.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", limit.Token);
        }
        await Poll.UntilAsync(async () => (await host.Client.ListAuditAsync(vm: "w1")).Any(r => r.Status == 101), "the console's record", TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.OpenWebSocketAsync("api/v1/vms/w1/console", alice.WithoutCsrf, "https://evil.example")).Refused);
        using (var refused = await api.SendAsync(HttpMethod.Post, "api/v1/vms/w1/pause", new RemoteApi.Credentials(Bearer: "nube_000000000000_not-a-token")))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await NubeCli.OkAsync(host, "vm", "turn-off", "w1");

        var tokenWho = $"token ci ({token.Token.Id}) of alice";
        var jobs = (await host.Client.ListJobsAsync("w1")).ToDictionary(j => j.Kind, j => j.RequestedBy);
        Assert.Equal(tokenWho, jobs["start"]);
        Assert.Equal("root (socket)", jobs["turn-off"]);
        var shown = (await NubeCli.OkAsync(host, "job", "show", startJob.Id.ToString())).Stdout;
        Assert.Matches($@"Requested by\s*│\s*{System.Text.RegularExpressions.Regex.Escape(tokenWho)}", shown);
        Assert.Contains("root (socket)", (await NubeCli.OkAsync(host, "job", "list")).Stdout);

        IReadOnlyList<AuditRecord> records = [];
        await Poll.UntilAsync(async () =>
        {
            var audit = await NubeCli.OkAsync(host, "audit", "--json");
            records = [.. audit.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonSerializer.Deserialize(l, ContractsJson.Default.AuditRecord)!)];
            return records.Any(r => r.Route.EndsWith("/turn-off", StringComparison.Ordinal) && r.Who == "root (socket)");
        }, "the turn-off's audit record", TimeSpan.FromSeconds(10));
        foreach (var r in records)
            output.WriteLine($"{r.Time:O} {r.Who} [{r.Auth}] {r.From} {r.Method} {r.Path} -> {r.Status} {r.JobId} {r.Problem}");

        // Newest first, and only changes: of the GETs above (the job list, the audit itself) only the console's WebSockets.
        Assert.Equal(records.OrderByDescending(r => r.Time), records);
        Assert.All(records.Where(r => r.Method == "GET"), r => Assert.Equal("/api/v1/vms/w1/console", r.Path));
        string Row(AuditRecord r) => $"{r.Who}|{r.Auth}|{r.From}|{r.Method} {r.Path}|{r.Vm}|{r.Status}|{r.Problem}";
        Assert.Equal([
            // 200 when the CLI's wait saw the job end, else 202.
            $"root (socket)|socket|socket|POST /api/v1/vms/w1/turn-off|w1|{(records[0].Status == 200 ? 200 : 202)}|",
            "nobody|none|127.0.0.1|POST /api/v1/vms/w1/pause|w1|401|Unauthorized",
            "alice|session|127.0.0.1|GET /api/v1/vms/w1/console|w1|403|Forbidden",
            "alice|session|127.0.0.1|GET /api/v1/vms/w1/console|w1|101|",
            $"{tokenWho}|token|127.0.0.1|POST /api/v1/vms/w1/start|w1|202|",
            $"{tokenWho}|token|127.0.0.1|POST /api/v1/vms||201|",
            "alice|session|127.0.0.1|POST /api/v1/tokens||201|",
            "alice|password|127.0.0.1|POST /api/v1/session||200|",
            "alice|password|127.0.0.1|POST /api/v1/session||401|Unauthorized",
            "root (socket)|socket|socket|POST /api/v1/users||201|",
        ], records.Select(Row));
        Assert.Equal(startJob.Id, records[4].JobId);
        Assert.NotNull(records[0].JobId);
        Assert.Equal("/api/v1/vms/{vm}/start", records[4].Route);
        Assert.Equal("/api/v1/vms", records[5].Route);

        // The filters, and the table.
        var w1 = await NubeCli.OkAsync(host, "audit", "--vm", w1Id.ToString(), "--json");
        Assert.Equal(5, w1.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(w1Id, records[1].VmId);
        var aliceOnly = await NubeCli.OkAsync(host, "audit", "--user", "alice", "--since", "1h", "--json");
        Assert.Equal(7, aliceOnly.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var table = await NubeCli.OkAsync(host, "audit", "--limit", "2");
        Assert.Contains("POST /api/v1/vms/{vm}/turn-off", table.Stdout);
        Assert.Contains("401 Unauthorized", table.Stdout);
        var bad = await NubeCli.RunAsync(host, "audit", "--since", "yesterday");
        Assert.Equal((2, "error: --since: 'yesterday' is neither an age (30s, 15m, 1h, 7d) nor a date and time (2026-12-06T18:00Z)."),
            (bad.ExitCode, NubeCli.Flat(bad.Stderr)));

        // The lines fail2ban reads.
        Assert.Contains("nube-auth: sign-in failed for user \"alice\" from 127.0.0.1", host.Log);
        Assert.Contains("nube-auth: signed in user \"alice\" from 127.0.0.1", host.Log);
        Assert.Contains("nube-auth: refused bad bearer token from 127.0.0.1", host.Log);
        Assert.Contains("nube-auth: refused cross-origin WebSocket from 127.0.0.1", host.Log);
        // Jobs keep who asked for them on disk, for a restarted nubed.
        Assert.Contains($"\"requestedBy\": \"{tokenWho}\"", await File.ReadAllTextAsync(Path.Combine(host.DataDir, "jobs", $"{startJob.Id}.json")));
        var folder = Path.Combine(host.DataDir, "audit");
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(folder));
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(Path.Combine(folder, "audit.jsonl")));
    }
}
