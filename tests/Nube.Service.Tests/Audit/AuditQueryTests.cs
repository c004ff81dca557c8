using Nube.Contracts.Audit;
using Nube.Core.Validation;
using Nube.Service.Audit;

namespace Nube.Service.Tests.Audit;

public sealed class AuditQueryTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly Guid Web2 = Guid.NewGuid();

    internal static AuditRecord Record(DateTimeOffset time, string who, string? user, string? vm = null, int status = 200) => new()
    {
        Time = time, Who = who, User = user, Auth = AuditAuth.Session, From = "203.0.113.9", Method = "POST",
        Route = "/api/v1/vms/{vm}/start", Path = $"/api/v1/vms/{vm}/start", Vm = vm, VmId = vm == "web2" ? Web2 : null, Status = status, DurationMs = 1,
    };

    [Fact]
    public void Each_filter_narrows_by_time_user_or_whole_who_and_vm()
    {
        var alice = Record(Noon, "alice", "alice", "web1");
        var token = Record(Noon.AddHours(1), "token ci (0123456789ab) of alice", "alice", "web2");
        var root = Record(Noon.AddHours(2), "root (socket)", "root");
        var all = new[] { alice, token, root };
        Assert.Equal([alice, token], all.Where(AuditQuery.Create(null, null, "alice", null, null).Matches));
        Assert.Equal([token], all.Where(AuditQuery.Create(null, null, "token ci (0123456789ab) of alice", null, null).Matches));
        Assert.Equal([root], all.Where(AuditQuery.Create(null, null, "root", null, null).Matches));
        Assert.Equal([token], all.Where(AuditQuery.Create(null, null, null, "WEB2", null).Matches));
        Assert.Equal([token], all.Where(AuditQuery.Create(null, null, null, Web2.ToString(), null).Matches));
        Assert.Equal([token, root], all.Where(AuditQuery.Create(Noon.AddMinutes(30), null, null, null, null).Matches));
        Assert.Equal([alice, token], all.Where(AuditQuery.Create(null, Noon.AddHours(1), null, null, null).Matches));
        Assert.Equal(all, all.Where(AuditQuery.Create(null, null, "", "", null).Matches));
    }

    [Fact]
    public void A_limit_out_of_range_and_a_window_that_ends_before_it_begins_are_refused_together()
    {
        var e = Assert.Throws<ValidationException>(() => AuditQuery.Create(Noon, Noon.AddHours(-1), null, null, 1001));
        Assert.Equal("limit: 1001 is out of range; it must be 1 to 1000\n" +
                     "until: 2026-12-06T11:00:00.0000000+00:00 is before since (2026-12-06T12:00:00.0000000+00:00)", e.Message);
        Assert.Equal(["limit", "until"], e.Errors.Select(x => x.Field));
        Assert.Equal(100, AuditQuery.Create(null, null, null, null, null).Limit);
    }
}
