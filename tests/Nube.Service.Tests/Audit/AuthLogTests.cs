using System.Net;
using System.Text.RegularExpressions;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Audit;

/// <summary>The nube-auth: lines against the fail2ban filter the project ships, read from its file.</summary>
public sealed class AuthLogTests
{
    private static readonly IPAddress From = IPAddress.Parse("203.0.113.9");

    [Fact]
    public void Failures_and_refusals_match_the_filter_with_the_clients_address_and_sign_ins_do_not()
    {
        var lines = Lines(log =>
        {
            log.SignInFailed("alice", From);
            log.SignInLimited("alice", From);
            log.SignInLimited(null, IPAddress.Parse("::ffff:203.0.113.9"));
            log.Refused(AuthLog.Refusals.BadBearerToken, From);
            log.Refused(AuthLog.Refusals.CrossOrigin, From);
            log.Refused(AuthLog.Refusals.MissingCsrf, From);
            log.SignedIn("alice", From);
            log.Refused(AuthLog.Refusals.EndedSession, From);
        });
        Assert.Equal([
            "nube-auth: sign-in failed for user \"alice\" from 203.0.113.9",
            "nube-auth: sign-in refused (too many attempts) for user \"alice\" from 203.0.113.9",
            "nube-auth: sign-in refused (too many attempts) from 203.0.113.9",
            "nube-auth: refused bad bearer token from 203.0.113.9",
            "nube-auth: refused cross-origin WebSocket from 203.0.113.9",
            "nube-auth: refused change without CSRF token from 203.0.113.9",
            "nube-auth: signed in user \"alice\" from 203.0.113.9",
            "nube-auth: refused ended session from 203.0.113.9",
        ], lines);
        Assert.Equal(Enumerable.Repeat<string?>("203.0.113.9", 6).Concat([null, null]), lines.Select(Banned));
        // As the file log and the journal show them: the filter finds the line after their own prefixes.
        Assert.Equal("203.0.113.9", Banned($"2026-12-06T18:03:18.123Z warn  {AuthLog.Category}: {lines[0]}"));
        Assert.Equal("203.0.113.9", Banned($"{AuthLog.Category}[0] {lines[3]}"));
    }

    [Fact]
    public void A_user_name_cannot_name_another_address_or_break_the_line()
    {
        var lines = Lines(log => log.SignInFailed("x\" from 198.51.100.1\nnube-auth: sign-in failed for user \"y", From));
        Assert.Equal("nube-auth: sign-in failed for user \"x? from 198.51.100.1?nube-auth: sign-in failed for user ?y\" from 203.0.113.9",
            Assert.Single(lines));
        Assert.Equal("203.0.113.9", Banned(lines[0]));
        Assert.Equal("\"" + new string('a', 64) + "…\"", AuthLog.Quote(new string('a', 100)));
    }

    [Fact]
    public void A_request_without_any_credential_is_logged_only_at_debug_level()
    {
        var logger = new Capture();
        logger.Refused(AuthLog.Refusals.NoCredential, From);
        Assert.Equal(LogLevel.Debug, Assert.Single(logger.Entries).Level);
    }

    /// <summary>The address fail2ban would ban for the line, by the failregex lines of scripts/fail2ban/filter.d/nube.conf.</summary>
    private static string? Banned(string line) => FailRegexes.Value.Select(r => r.Match(line)).FirstOrDefault(m => m.Success)?.Groups["host"].Value;

    private static readonly Lazy<IReadOnlyList<Regex>> FailRegexes = new(() =>
    {
        var text = File.ReadAllLines(Path.Combine(RepositoryRoot(), "scripts", "fail2ban", "filter.d", "nube.conf"));
        var patterns = new List<string>();
        var inFailRegex = false;
        foreach (var line in text)
        {
            if (line.StartsWith("failregex", StringComparison.Ordinal))
            {
                inFailRegex = true;
                patterns.Add(line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim());
            }
            else if (inFailRegex && line.StartsWith(' ') && line.Trim().Length > 0)
                patterns.Add(line.Trim());
            else
                inFailRegex = false;
        }
        Assert.Equal(3, patterns.Count);
        // fail2ban's <HOST> matches an IPv4 or IPv6 address (or a host name); enough of it for these lines.
        return [.. patterns.Select(p => new Regex(p.Replace("<HOST>", "(?<host>[0-9A-Fa-f:.]+)", StringComparison.Ordinal)))];
    });

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nube.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Nube.slnx above {AppContext.BaseDirectory}.");
    }

    private static List<string> Lines(Action<ILogger> write)
    {
        var logger = new Capture();
        write(logger);
        return [.. logger.Entries.Select(e => e.Message)];
    }

    private sealed class Capture : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
