using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Nube.Contracts;
using Nube.Service.Audit;

namespace Nube.Service.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly string data = Directory.CreateTempSubdirectory("nube-audit-").FullName;

    public void Dispose() => Directory.Delete(data, recursive: true);

    [Fact]
    public async Task Records_are_written_one_json_line_each_root_only_and_read_back_newest_first()
    {
        var log = new AuditLog(data, NullLogger<AuditLog>.Instance);
        for (var i = 0; i < 3; i++)
            log.Record(AuditQueryTests.Record(Noon.AddMinutes(i), $"user{i}", $"user{i}"));
        await log.DisposeAsync();

        var lines = File.ReadAllLines(log.FilePath);
        Assert.Equal(3, lines.Length);
        Assert.Equal("user0", JsonDocument.Parse(lines[0]).RootElement.GetProperty("who").GetString());
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(log.FilePath));
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(log.Folder));
        Assert.Equal(["user2", "user1"], log.Read(Nube.Service.Audit.AuditQuery.Create(null, null, null, null, 2)).Select(r => r.Who));
    }

    [Fact]
    public void The_reader_goes_from_the_current_file_to_the_rotated_ones_and_skips_lines_that_are_not_records()
    {
        var path = Path.Combine(data, "audit.jsonl");
        string Line(int minute) => JsonSerializer.Serialize(AuditQueryTests.Record(Noon.AddMinutes(minute), $"m{minute}", "alice"),
            CompactJson.Context.AuditRecord);
        File.WriteAllLines($"{path}.2", [Line(0), Line(1)]);
        File.WriteAllLines($"{path}.1", [Line(2), "{\"time\": \"cut short", Line(3)]);
        File.WriteAllText(path, Line(4) + "\n" + "{\"who\"");

        var all = AuditReader.Read(path, 5, AuditQuery.Create(null, null, null, null, null), NullLogger.Instance);
        Assert.Equal(["m4", "m3", "m2", "m1", "m0"], all.Select(r => r.Who));
        var since = AuditReader.Read(path, 5, AuditQuery.Create(Noon.AddMinutes(2), null, null, null, 2), NullLogger.Instance);
        Assert.Equal(["m4", "m3"], since.Select(r => r.Who));
    }

    [Fact]
    public async Task An_audit_folder_that_is_a_link_is_not_written_through()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(data, "elsewhere")).FullName;
        var inner = Directory.CreateDirectory(Path.Combine(data, "data")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(inner, "audit"), elsewhere);
        var log = new AuditLog(inner, NullLogger<AuditLog>.Instance);
        log.Record(AuditQueryTests.Record(Noon, "alice", "alice"));
        await log.DisposeAsync();
        Assert.Empty(Directory.GetFiles(elsewhere));
    }
}
