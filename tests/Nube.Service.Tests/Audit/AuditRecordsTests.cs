using Microsoft.AspNetCore.Http;
using Nube.Contracts.Audit;
using Nube.Service.Audit;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Audit;

public sealed class AuditRecordsTests
{
    private static readonly Guid VmId = Guid.NewGuid();
    private static readonly DateTimeOffset When = new(2026, 12, 6, 19, 0, 0, TimeSpan.FromHours(1));

    private static StoredToken Token() => new()
    {
        Id = "0123456789ab", Name = "ci", UserName = "alice", SecretHash = "x", CreatedAt = When,
    };

    [Fact]
    public void Each_kind_of_caller_reads_as_who_how_and_the_user_acted_as()
    {
        Assert.Equal(("root (socket)", "socket", "root"), AuditRecords.Who(Caller.Socket));
        Assert.Equal(("alice", "session", "alice"), AuditRecords.Who(new Caller(CallerKind.Session, "alice")));
        Assert.Equal(("token ci (0123456789ab) of alice", "token", "alice"),
            AuditRecords.Who(new Caller(CallerKind.ApiToken, "alice", Token: Token())));
        Assert.Equal(("legacy token", "legacy-token", null), AuditRecords.Who(Caller.LegacyToken));
        Assert.Equal(("bob", "password", "bob"), AuditRecords.Who(Caller.Anonymous, "bob"));
        Assert.Equal(("nobody", "none", null), AuditRecords.Who(Caller.Anonymous));
        Assert.Equal(("nobody", "none", null), AuditRecords.Who(null));
    }

    [Fact]
    public void A_record_has_the_route_the_path_the_vm_the_status_and_the_job_in_utc()
    {
        var job = Guid.NewGuid();
        var r = AuditRecords.Build(When, AuditRecords.Who(new Caller(CallerKind.Session, "alice")), "203.0.113.9", "POST",
            "/api/v1/vms/{vm}/start", "/api/v1/vms/web1/start", ("web1", VmId), 202, job, null, TimeSpan.FromMilliseconds(12.345));
        Assert.Equal(new AuditRecord
        {
            Time = new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero), Who = "alice", Auth = AuditAuth.Session, User = "alice",
            From = "203.0.113.9", Method = "POST", Route = "/api/v1/vms/{vm}/start", Path = "/api/v1/vms/web1/start", Vm = "web1", VmId = VmId,
            Status = 202, JobId = job, Problem = null, DurationMs = 12.3,
        }, r);
        Assert.Equal(TimeSpan.Zero, r.Time.Offset);
    }

    [Fact]
    public void A_refusal_without_a_problem_of_its_own_says_the_status_in_words_and_no_route_means_the_path()
    {
        var r = AuditRecords.Build(When, AuditRecords.Who(null), "203.0.113.9", "DELETE", null, "/api/v1/nothing", (null, null), 404, null, null, TimeSpan.Zero);
        Assert.Equal(("Not Found", "/api/v1/nothing"), (r.Problem, r.Route));
    }

    [Fact]
    public void Strings_a_client_chose_are_bounded_and_their_control_characters_replaced()
    {
        var name = "web\n2026-12-06 root (socket) DELETE\u001b[2J" + new string('x', 400);
        var r = AuditRecords.Build(When, (name, AuditAuth.Password, name), "socket", "POST", "/api/v1/vms/{vm}",
            "/api/v1/vms/" + name + new string('y', 1000), (name, null), 401, null, "Unauthorized", TimeSpan.Zero);
        Assert.StartsWith("web?2026-12-06 root (socket) DELETE?[2J", r.Vm);
        Assert.Equal(AuditRecords.MaxNameChars + 1, r.Vm!.Length); // with the ellipsis that says it was cut
        Assert.Equal(AuditRecords.MaxNameChars + 1, r.Who.Length);
        Assert.Equal(AuditRecords.MaxPathChars + 1, r.Path.Length);
        Assert.DoesNotContain(r.Path, c => char.IsControl(c));
    }

    [Theory]
    [InlineData("POST", "/api/v1/vms", null, true)]
    [InlineData("DELETE", "/API/v1/vms/web1", null, true)]
    [InlineData("PATCH", "/api/v1/host", null, true)]
    [InlineData("GET", "/api/v1/vms/web1/console", "websocket", true)]
    [InlineData("GET", "/api/v1/vms/web1/vnc", "WebSocket", true)]
    [InlineData("GET", "/api/v1/audit", null, false)]
    [InlineData("HEAD", "/api/v1/vms", null, false)]
    [InlineData("POST", "/vms/new", null, false)]
    public void Changes_and_websockets_to_the_api_are_audited_and_reads_are_not(string method, string path, string? upgrade, bool audited)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (upgrade is not null)
            http.Request.Headers.Upgrade = upgrade;
        Assert.Equal(audited, AuditRecords.Audited(http));
    }

    [Fact]
    public void An_ipv4_client_of_a_dual_stack_listener_reads_as_ipv4() =>
        Assert.Equal(["203.0.113.9", "2001:db8::1", "unknown"],
            new[] { System.Net.IPAddress.Parse("::ffff:203.0.113.9"), System.Net.IPAddress.Parse("2001:db8::1"), null }.Select(AuditRecords.Address));
}
