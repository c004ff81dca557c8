using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The guest side of a fake QEMU as its agent shows it: whether qemu-ga runs (a stopped agent
/// leaves requests waiting in the channel, as virtio-serial does), the guest's clock, its file
/// systems' freeze, and whether it powers off when the agent is asked to.
/// </summary>
internal sealed class FakeGuest(TimeProvider clock)
{
    /// <summary>While frozen, qemu-ga refuses every command but these.</summary>
    private static readonly HashSet<string> AllowedFrozen =
        ["guest-ping", "guest-info", "guest-sync-delimited", "guest-fsfreeze-status", "guest-fsfreeze-thaw"];

    /// <summary>What guest-info lists: the commands Nube uses, as qemu-ga 7.2 names them.</summary>
    private static readonly string[] Commands =
    [
        "guest-sync-delimited", "guest-ping", "guest-info", "guest-shutdown", "guest-exec", "guest-exec-status",
        "guest-get-time", "guest-set-time", "guest-fsfreeze-status", "guest-fsfreeze-freeze", "guest-fsfreeze-thaw",
        "guest-file-open", "guest-file-close", "guest-file-read", "guest-file-write", "guest-get-osinfo",
        "guest-get-host-name", "guest-network-get-interfaces",
    ];

    private readonly Lock sync = new();
    private readonly HashSet<string> disabled = [];
    private TaskCompletionSource up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan clockOffset;
    private bool frozen;

    /// <summary>Completes while the agent runs.</summary>
    public Task AgentUp
    {
        get
        {
            lock (sync)
                return up.Task;
        }
    }

    /// <summary>How many file systems a freeze freezes.</summary>
    public int FileSystems { get; set; } = 1;

    /// <summary>True: a freeze freezes, then fails (an agent that froze some file systems and not the others).</summary>
    public bool FreezeFails { get; set; }

    /// <summary>True: guest-shutdown powers the guest off; false: the guest ignores it.</summary>
    public bool ShutsDownOnRequest { get; set; } = true;

    /// <summary>The guest's power-off programs, as guest-exec runs them.</summary>
    public FakePoweroffPrograms Poweroff { get; } = new();

    /// <summary>
    /// Disables <paramref name="command"/> as qemu-ga's --block-rpcs does: guest-info lists it as
    /// not enabled, and the agent refuses it.
    /// </summary>
    public void Block(string command)
    {
        lock (sync)
            disabled.Add(command);
    }

    public bool Frozen
    {
        get
        {
            lock (sync)
                return frozen;
        }
        set
        {
            lock (sync)
                frozen = value;
        }
    }

    /// <summary>How far the guest's clock is from the host's (positive: ahead); guest-set-time changes it.</summary>
    public TimeSpan ClockOffset
    {
        get
        {
            lock (sync)
                return clockOffset;
        }
        set
        {
            lock (sync)
                clockOffset = value;
        }
    }

    public void StartAgent()
    {
        lock (sync)
            up.TrySetResult();
    }

    /// <summary>qemu-ga is killed: requests wait unanswered until it starts again.</summary>
    public void StopAgent()
    {
        lock (sync)
        {
            if (up.Task.IsCompleted)
                up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The reply to a command other than guest-sync-delimited; null for guest-shutdown, which never replies.</summary>
    public JsonObject? Execute(string command, JsonElement arguments)
    {
        lock (sync)
        {
            if (disabled.Contains(command))
                return Error("GenericError", $"The command {command} has been disabled for this instance");
            if (frozen && !AllowedFrozen.Contains(command))
                return Error("GenericError", $"Command {command} has been disabled: the agent is in frozen state");
            return command switch
            {
                "guest-ping" => Return(new JsonObject()),
                "guest-info" => Return(Info()),
                "guest-exec" when Poweroff.Knows(arguments.GetProperty("path").GetString()!) =>
                    Poweroff.Exec(arguments.GetProperty("path").GetString()!, arguments.GetProperty("arg").EnumerateArray().Select(a => a.GetString()!)),
                "guest-exec-status" when Poweroff.Started(arguments.GetProperty("pid").GetInt64()) => Poweroff.Status(arguments.GetProperty("pid").GetInt64()),
                "guest-get-time" => Return(Nanoseconds(clock.GetUtcNow() + clockOffset)),
                "guest-set-time" => SetTime(arguments),
                "guest-fsfreeze-freeze" => Freeze(),
                "guest-fsfreeze-thaw" => Thaw(),
                "guest-fsfreeze-status" => Return(frozen ? "frozen" : "thawed"),
                "guest-shutdown" => null,
                _ => Error("CommandNotFound", $"The command {command} has not been found"),
            };
        }
    }

    // Under sync.
    private JsonObject Info() => new()
    {
        ["version"] = FakeAgentConnection.AgentVersion,
        ["supported_commands"] = new JsonArray([.. Commands.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c, ["enabled"] = !disabled.Contains(c), ["success-response"] = c != "guest-shutdown",
        })]),
    };

    // Under sync.
    private JsonObject SetTime(JsonElement arguments)
    {
        var ns = arguments.GetProperty("time").GetInt64();
        clockOffset = TimeSpan.FromTicks(ns / 100 - Nanoseconds(clock.GetUtcNow()) / 100);
        return Return(new JsonObject());
    }

    private JsonObject Freeze()
    {
        if (frozen)
            return Error("GenericError", "Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state");
        frozen = true;
        return FreezeFails ? Error("GenericError", "failed to freeze /mnt: Device or resource busy") : Return(FileSystems);
    }

    private JsonObject Thaw()
    {
        var count = frozen ? FileSystems : 0;
        frozen = false;
        return Return(count);
    }

    private static long Nanoseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static JsonObject Return(JsonNode value) => new() { ["return"] = value };

    private static JsonObject Error(string errorClass, string desc) =>
        new() { ["error"] = new JsonObject { ["class"] = errorClass, ["desc"] = desc } };
}
