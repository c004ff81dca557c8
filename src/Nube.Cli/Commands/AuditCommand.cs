using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nube.Cli.Output;
using Nube.Contracts;

namespace Nube.Cli.Commands;

/// <summary><c>nube audit</c>: who changed what on the host, newest first.</summary>
public static class AuditCommand
{
    public static Command Build()
    {
        var since = new Option<string?>("--since") { Description = "Only records from then on: an age (30s, 15m, 1h, 7d) or a date and time (2026-12-06T18:00Z)" };
        var until = new Option<string?>("--until") { Description = "Only records until then, in the same words as --since" };
        var user = new Option<string?>("--user") { Description = "Only this user's records ('root' for the UNIX socket)" };
        var vm = new Option<string?>("--vm") { Description = "Only the records of requests that named this VM (its name or id)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many records (default 100, at most 1000)" };
        var c = new Command("audit", "Show the audit trail: every change asked of the host and every refusal, newest first; --json prints one record per line")
        {
            since, until, user, vm, limit,
        };
        c.SetHandler(async (p, client, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var records = await client.ListAuditAsync(When(p.GetValue(since), "--since", now), When(p.GetValue(until), "--until", now),
                p.GetValue(user), p.GetValue(vm), p.GetValue(limit), ct);
            if (!Printer.Json(p))
            {
                Spectre.Console.AnsiConsole.Write(AuditTable.List(records));
                return;
            }
            foreach (var record in records)
                Console.Out.WriteLine(JsonSerializer.Serialize(record, CompactJson.Context.AuditRecord));
        });
        return c;
    }

    /// <summary>An age before <paramref name="now"/> (a number and s, m, h or d) or a date and time; null when not given.</summary>
    public static DateTimeOffset? When(string? text, string option, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (text.Length > 1 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? age = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (age is { } a)
                return now - a;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at;
        throw new CliException(ExitCodes.Usage,
            $"{option}: '{text}' is neither an age (30s, 15m, 1h, 7d) nor a date and time (2026-12-06T18:00Z).");
    }
}
