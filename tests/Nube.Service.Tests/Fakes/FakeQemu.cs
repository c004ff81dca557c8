using System.Text.Json.Nodes;
using Nube.Core.Qemu;
using Nube.Qemu.Tests.Protocol;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// One launched fake QEMU: its run state and migration as QEMU reports them, the commands it
/// received, and the levers a test pulls (hold or fail a command, let a migration finish, bring
/// the guest agent up, drop the QMP connection, kill the process).
/// </summary>
internal sealed class FakeQemu
{
    /// <summary>The RAM total that query-migrate reports.</summary>
    public const long RamBytes = 512L << 20;

    private readonly Lock sync = new();
    private readonly List<QmpCall> commands = [];
    private readonly List<string> agentCommands = [];
    private readonly Dictionary<string, CommandGate> gates = [];
    private readonly Dictionary<string, (string Class, string Desc)> failures = [];
    private readonly List<FakeQmpConnection> qmpConnections = [];
    private readonly List<FakeAgentConnection> agentConnections = [];
    private readonly List<(string Command, int Count, TaskCompletionSource Seen)> watchers = [];
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string runState;
    private string? migrationStatus;
    private bool incoming;
    private readonly bool launchedPaused;
    private bool autostart;
    private int connectionCount;
    private readonly FakeFdSets fdSets;

    public FakeQemu(int pid, LaunchPlan plan, VmRuntimePaths paths, string marker, TimeProvider clock)
    {
        Guest = new FakeGuest(clock);
        var startedAt = clock.GetUtcNow();
        Pid = pid;
        Argv = plan.Argv;
        fdSets = new FakeFdSets(plan);
        Paths = paths;
        Marker = marker;
        StartedAt = startedAt;
        // QEMU started with -incoming waits for the migration stream instead of booting.
        // -S: launched paused, as nubed does until it holds the VM's channels.
        launchedPaused = plan.Argv.Contains("-S");
        runState = plan.Argv.Contains("-incoming") ? "inmigrate" : launchedPaused ? "prelaunch" : "running";
    }

    public int Pid { get; }
    public IReadOnlyList<string> Argv { get; }
    public VmRuntimePaths Paths { get; }
    public string Marker { get; }
    public DateTimeOffset StartedAt { get; }

    /// <summary>The guest's files and programs, for the agent's file and exec commands.</summary>
    public FakeGuestFiles GuestFiles { get; } = new();

    /// <summary>True: the guest shuts down on the ACPI power button; false: it ignores it.</summary>
    public bool GuestPowersOff { get; set; } = true;

    /// <summary>True: a migration stays "active" until <see cref="CompleteMigration"/>.</summary>
    public bool HoldsMigration { get; set; }

    public bool IsAlive => !exited.Task.IsCompleted;
    public Task Exited => exited.Task;

    /// <summary>The guest as its agent shows it: agent up or not, clock, freeze.</summary>
    public FakeGuest Guest { get; }

    public string RunState
    {
        get
        {
            lock (sync)
                return runState;
        }
    }

    public IReadOnlyList<QmpCall> Commands
    {
        get
        {
            lock (sync)
                return [.. commands];
        }
    }

    /// <summary>
    /// What the VM's operations sent: the start's handshake (qmp_capabilities) and the cont that
    /// runs a QEMU launched paused are left out (a restore's cont, after its stream, stays).
    /// </summary>
    public IReadOnlyList<string> CommandNames
    {
        get
        {
            var names = Commands.Select(c => c.Command).Where(c => c != "qmp_capabilities").ToList();
            if (launchedPaused && !Argv.Contains("-incoming") && names.IndexOf("cont") is var first and >= 0)
                names.RemoveAt(first);
            return names;
        }
    }

    public IReadOnlyList<string> AgentCommands
    {
        get
        {
            lock (sync)
                return [.. agentCommands];
        }
    }

    /// <summary>The agent commands but each exchange's sync and the time service's, which may come between any two on its own schedule.</summary>
    public IReadOnlyList<string> AgentCommandsBesideTime => [.. AgentCommands.Where(c => c is not ("guest-get-time" or "guest-set-time" or "guest-sync-delimited"))];

    /// <summary>Holds <paramref name="command"/> (on every connection) until the gate is released.</summary>
    public CommandGate Hold(string command)
    {
        lock (sync)
        {
            if (!gates.TryGetValue(command, out var gate) || gate.IsReleased)
                gates[command] = gate = new CommandGate(command);
            return gate;
        }
    }

    /// <summary>Makes every later <paramref name="command"/> fail with a QMP error.</summary>
    public void Fail(string command, string errorClass, string desc)
    {
        lock (sync)
            failures[command] = (errorClass, desc);
    }

    public void ReleaseAll()
    {
        lock (sync)
        {
            foreach (var gate in gates.Values)
                gate.Release();
        }
    }

    /// <summary>Completes once <paramref name="count"/> commands named <paramref name="command"/> have arrived (before any gate).</summary>
    public Task WaitForCommandAsync(string command, int count = 1)
    {
        lock (sync)
        {
            if (commands.Count(c => c.Command == command) >= count)
                return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            watchers.Add((command, count, seen));
            return seen.Task;
        }
    }

    /// <summary>The guest's agent starts: requests waiting in the channel get their answers.</summary>
    public void StartAgent() => Guest.StartAgent();

    /// <summary>Lets a held migration finish: "completed", the guest paused on both sides.</summary>
    public void CompleteMigration()
    {
        lock (sync)
        {
            if (migrationStatus == "active")
                FinishMigration();
        }
    }

    /// <summary>QEMU pauses the guest by itself (a disk error with werror=stop leaves it in "io-error"): STOP, and no command asked for it.</summary>
    public Task PauseByItselfAsync(string state = "paused")
    {
        lock (sync)
            runState = state;
        return BroadcastAsync(FakeReply.Event("STOP"));
    }

    /// <summary>Closes every QMP connection while the process lives on.</summary>
    public void DropQmp()
    {
        FakeQmpConnection[] open;
        lock (sync)
            open = [.. qmpConnections];
        foreach (var connection in open)
            connection.Close();
    }

    /// <summary>SIGKILL: every connection ends with EOF, the process is dead, its pidfile stays.</summary>
    public void Kill() => Exit(clean: false);

    internal Stream ConnectQmp()
    {
        var (client, peer) = DuplexStream.CreatePair();
        lock (sync)
        {
            var connection = new FakeQmpConnection(this, peer, ++connectionCount);
            qmpConnections.Add(connection);
            connection.Start();
        }
        return new FakeDescriptorStream(client, fdSets.Receive);
    }

    internal Stream ConnectAgent()
    {
        var (client, peer) = DuplexStream.CreatePair();
        lock (sync)
        {
            var connection = new FakeAgentConnection(this, peer);
            agentConnections.Add(connection);
            connection.Start();
        }
        return client;
    }

    internal void Record(QmpCall call)
    {
        lock (sync)
        {
            commands.Add(call);
            var count = commands.Count(c => c.Command == call.Command);
            foreach (var watcher in watchers.Where(w => w.Command == call.Command && w.Count <= count).ToList())
            {
                watchers.Remove(watcher);
                watcher.Seen.TrySetResult();
            }
        }
    }

    internal void RecordAgent(string command)
    {
        lock (sync)
            agentCommands.Add(command);
    }

    internal CommandGate? GateFor(string command)
    {
        lock (sync)
            return gates.GetValueOrDefault(command);
    }

    internal void Forget(FakeQmpConnection connection)
    {
        lock (sync)
            qmpConnections.Remove(connection);
    }

    internal void Forget(FakeAgentConnection connection)
    {
        lock (sync)
            agentConnections.Remove(connection);
    }

    /// <summary>QEMU sends its events to every monitor connection.</summary>
    internal async Task BroadcastAsync(JsonObject e)
    {
        FakeQmpConnection[] open;
        lock (sync)
            open = [.. qmpConnections];
        foreach (var connection in open)
            await connection.SendAsync((JsonObject)e.DeepClone()).ConfigureAwait(false);
    }

    /// <summary>What QEMU does with one command, as far as Nube uses QMP.</summary>
    internal FakeReply Execute(QmpCall call)
    {
        var command = call.Command;
        lock (sync)
        {
            if (failures.TryGetValue(command, out var failure))
                return FakeReply.Failure(failure.Class, failure.Desc);
            return command switch
            {
                "qmp_capabilities" or "migrate-set-parameters" => FakeReply.Empty,
                "query-status" => new FakeReply
                {
                    Return = new JsonObject { ["status"] = runState, ["singlestep"] = false, ["running"] = runState == "running" },
                },
                "query-kvm" => new FakeReply { Return = new JsonObject { ["enabled"] = false, ["present"] = false } },
                "stop" => Stop(),
                "cont" => Cont(),
                "system_powerdown" => new FakeReply
                {
                    EventsBefore = [FakeReply.Event("POWERDOWN")],
                    After = GuestPowersOff ? () => ExitAsync("guest-shutdown", guest: true) : null,
                },
                "quit" => new FakeReply { After = () => ExitAsync("host-qmp-quit", guest: false) },
                "migrate" => Migrate(call.Argument("uri")),
                "migrate-incoming" => MigrateIncoming(call.Argument("uri")),
                "query-migrate" => new FakeReply { Return = MigrationInfo() },
                "migrate_cancel" => CancelMigration(),
                "blockdev-add" or "blockdev-del" or "transaction" or "set_link" => FakeReply.Empty, // QEMU's own checks: the end-to-end tests'
                "add-fd" => fdSets.AddFd(),
                "remove-fd" => fdSets.RemoveFd(int.TryParse(call.Argument("fdset-id"), out var set) ? set : null),
                _ => FakeReply.Failure("CommandNotFound", $"The command {command} has not been found"),
            };
        }
    }

    // The Execute helpers below run under sync.

    private FakeReply Stop()
    {
        if (runState != "running")
            return FakeReply.Empty;
        runState = "paused";
        return new FakeReply { EventsBefore = [FakeReply.Event("STOP")] };
    }

    private FakeReply Cont()
    {
        if (runState == "inmigrate")
        {
            // As QEMU: cont before the incoming migration ends only asks to run once it has.
            autostart = true;
            return FakeReply.Empty;
        }
        if (runState == "running")
            return FakeReply.Empty;
        runState = "running";
        return new FakeReply { EventsBefore = [FakeReply.Event("RESUME")] };
    }

    private FakeReply Migrate(string? uri)
    {
        return fdSets.TryWrite(uri, "QEVM"u8.ToArray()) ? BeginMigration(incoming: false) // the start of QEMU's stream
            : FakeReply.Failure("GenericError", $"Fake QEMU supports only file:/dev/fdset/N migration URIs it holds, not '{uri}'");
    }

    private FakeReply MigrateIncoming(string? uri)
    {
        if (runState != "inmigrate")
            return FakeReply.Failure("GenericError", "The incoming migration has already been started");
        return fdSets.CanRead(uri) ? BeginMigration(incoming: true)
            : FakeReply.Failure("GenericError", $"Could not open '{uri}': No such file or directory");
    }

    private FakeReply BeginMigration(bool incoming)
    {
        this.incoming = incoming;
        migrationStatus = "active";
        if (!HoldsMigration)
            FinishMigration();
        return FakeReply.Empty;
    }

    private FakeReply CancelMigration()
    {
        if (migrationStatus == "active")
            migrationStatus = "cancelled";
        return FakeReply.Empty;
    }

    private void FinishMigration()
    {
        migrationStatus = "completed";
        // The saved guest was paused, so the restored one stays paused unless cont came early.
        runState = incoming ? (autostart ? "running" : "paused") : "postmigrate";
    }

    private JsonObject MigrationInfo()
    {
        if (migrationStatus is null)
            return new JsonObject();
        var info = new JsonObject { ["status"] = migrationStatus };
        if (migrationStatus is "active" or "completed")
        {
            var transferred = migrationStatus == "completed" ? RamBytes : RamBytes / 2;
            info["ram"] = new JsonObject { ["transferred"] = transferred, ["remaining"] = RamBytes - transferred, ["total"] = RamBytes };
        }
        return info;
    }

    /// <summary>The guest powered off on its agent's request.</summary>
    internal Task GuestShutdownAsync() => ExitAsync("guest-shutdown", guest: true);

    /// <summary>QEMU's own exit: the SHUTDOWN event, then EOF on every connection, the pidfile removed.</summary>
    private async Task ExitAsync(string reason, bool guest)
    {
        await BroadcastAsync(FakeReply.Event("SHUTDOWN", new JsonObject { ["guest"] = guest, ["reason"] = reason })).ConfigureAwait(false);
        Exit(clean: true);
    }

    private void Exit(bool clean)
    {
        FakeQmpConnection[] qmp;
        FakeAgentConnection[] agents;
        lock (sync)
        {
            if (exited.Task.IsCompleted)
                return;
            runState = "shutdown";
            qmp = [.. qmpConnections];
            agents = [.. agentConnections];
        }
        if (clean && Directory.Exists(Paths.RuntimeDirectory))
            File.Delete(Paths.PidFile);
        foreach (var connection in qmp)
            connection.Close();
        foreach (var connection in agents)
            connection.Close();
        exited.TrySetResult();
    }
}
