using System.Text;
using System.Text.Json.Nodes;

namespace Nube.Service.Tests.Fakes;

/// <summary>What a fake guest's power-off program does when its agent runs it with guest-exec.</summary>
internal enum PoweroffOutcome
{
    /// <summary>Exits 0, and the guest powers off once the agent has reported the exit.</summary>
    PowersOff,

    /// <summary>The guest powers off before its agent can report the exit, as the real minimal Debian did.</summary>
    PowersOffAtOnce,

    /// <summary>Exits 0 and nothing happens (busybox poweroff under a shell script as PID 1).</summary>
    Ignored,

    /// <summary>Exits 1 with an error message.</summary>
    Fails,

    /// <summary>Not in the guest: the agent cannot start it.</summary>
    Missing,
}

/// <summary>
/// The guest's own power-off programs (systemctl, /sbin/poweroff) as its agent runs them; by
/// default both power the guest off, as on a systemd guest.
/// </summary>
internal sealed class FakePoweroffPrograms
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, PoweroffOutcome> outcomes = new(StringComparer.Ordinal)
    {
        ["systemctl"] = PoweroffOutcome.PowersOff,
        ["/sbin/poweroff"] = PoweroffOutcome.PowersOff,
    };
    private readonly Dictionary<long, PoweroffOutcome> started = [];
    private readonly List<string> runs = [];
    private long nextPid = 9000; // apart from the pids of FakeGuestFiles' scripts
    private bool poweringOff;

    public PoweroffOutcome this[string program]
    {
        get
        {
            lock (sync)
                return outcomes[program];
        }
        set
        {
            lock (sync)
                outcomes[program] = value;
        }
    }

    /// <summary>The programs the agent was asked to start, with their arguments, in order.</summary>
    public IReadOnlyList<string> Runs
    {
        get
        {
            lock (sync)
                return [.. runs];
        }
    }

    public bool Knows(string program)
    {
        lock (sync)
            return outcomes.ContainsKey(program);
    }

    public bool Started(long pid)
    {
        lock (sync)
            return started.ContainsKey(pid);
    }

    /// <summary>The reply to guest-exec of <paramref name="program"/>.</summary>
    public JsonObject Exec(string program, IEnumerable<string> arguments)
    {
        lock (sync)
        {
            runs.Add(string.Join(' ', [program, .. arguments]));
            if (outcomes[program] == PoweroffOutcome.Missing)
                return Error($"Guest agent command failed, error was 'Failed to execute child process \u201c{program}\u201d (No such file or directory)'");
            started[++nextPid] = outcomes[program];
            poweringOff |= outcomes[program] == PoweroffOutcome.PowersOffAtOnce;
            return new JsonObject { ["return"] = new JsonObject { ["pid"] = nextPid } };
        }
    }

    /// <summary>The reply to guest-exec-status of a program <see cref="Exec"/> started.</summary>
    public JsonObject Status(long pid)
    {
        lock (sync)
        {
            var outcome = started[pid];
            poweringOff |= outcome == PoweroffOutcome.PowersOff;
            var status = new JsonObject { ["exited"] = true, ["exitcode"] = outcome == PoweroffOutcome.Fails ? 1 : 0 };
            if (outcome == PoweroffOutcome.Fails)
                status["err-data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("Failed to connect to bus: No such file or directory\n"));
            return new JsonObject { ["return"] = status };
        }
    }

    /// <summary>True once, after a program that powers the guest off has been reported as exited (or started, for one that does so at once).</summary>
    public bool TakePowerOff()
    {
        lock (sync)
        {
            var now = poweringOff;
            poweringOff = false;
            return now;
        }
    }

    private static JsonObject Error(string desc) => new() { ["error"] = new JsonObject { ["class"] = "GenericError", ["desc"] = desc } };
}
