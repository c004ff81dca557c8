using Nube.Service.Hosts;
using Microsoft.Extensions.Time.Testing;
using Nube.Contracts.Jobs;
using Nube.Core.Vms;
using Nube.Service.Api;
using Nube.Service.Events;
using Nube.Service.Server;
using Nube.Service.Jobs;
using Nube.Service.Persistence;
using Nube.Service.Tests.Fakes;
using Nube.Service.Vms;

namespace Nube.Service.Tests.Harness;

/// <summary>
/// A host service composed as Program.cs composes nubed, less the HTTP layer: the real store,
/// job records, event hub, admission and registry on a temporary data and run folder, with a
/// fake QEMU and a fake clock at the seams.
/// </summary>
internal sealed class ServiceHarness : IAsyncDisposable
{
    private readonly bool ownsRoot;
    private readonly bool ownsQemu;
    private readonly ILoggerFactory logs;
    private bool abandoned;

    private ServiceHarness(string root, bool ownsRoot, FakeQemuHost qemu, bool ownsQemu, FakeTimeProvider clock, ILoggerFactory logs)
    {
        Root = root;
        this.ownsRoot = ownsRoot;
        Qemu = qemu;
        this.ownsQemu = ownsQemu;
        Clock = clock;
        this.logs = logs;
        Options = new NubedOptions { DataDir = Path.Combine(root, "data"), RunDir = Path.Combine(root, "run") };
        Store = new VmStore(Options.DataDir);
        Events = new EventHub(clock, HostId);
        Recorded = new EventRecorder(Events);
        JobStore = new JobStore(Options.DataDir, logs.CreateLogger<JobStore>());
        Jobs = new JobBook(JobStore, Events, clock, ProblemMapper.ToProblem, ContractMapper.ToSummary);
    }

    /// <summary>The id the harness's host stamps its events and jobs with.</summary>
    public static readonly Guid HostId = Guid.Parse("0d1e2f30-4152-4637-8899-aabbccddeeff");

    public string Root { get; }
    public NubedOptions Options { get; }
    public FakeTimeProvider Clock { get; }
    public FakeQemuHost Qemu { get; }
    public VmStore Store { get; }
    public EventHub Events { get; }
    public EventRecorder Recorded { get; }
    public JobStore JobStore { get; }
    public JobBook Jobs { get; }
    public HostRuntime Host { get; private set; } = null!;
    public RunAdmission Admission { get; private set; } = null!;
    public VmRegistry Registry { get; private set; } = null!;

    /// <summary>The kernel every test VM boots; it exists, so that the launch finds it.</summary>
    public string Kernel => Path.Combine(Options.DataDir, "images", "vmlinuz");

    public static async Task<ServiceHarness> StartAsync(ITestOutputHelper output, HarnessSetup? setup = null)
    {
        setup ??= new HarnessSetup();
        var root = setup.Root ?? Directory.CreateTempSubdirectory("nube-service-tests-").FullName;
        // A host service that restarts on running QEMUs finds time gone on, not reset.
        var qemu = setup.Qemu ?? new FakeQemuHost(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var clock = qemu.Clock;
        var logs = LoggerFactory.Create(b => b.AddProvider(new TestLoggerProvider(output)).SetMinimumLevel(LogLevel.Debug));
        var harness = new ServiceHarness(root, setup.Root is null, qemu, setup.Qemu is null, clock, logs);
        await harness.ComposeAsync(setup).Within("the host service to start");
        return harness;
    }

    private async Task ComposeAsync(HarnessSetup setup)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Kernel)!);
        Directory.CreateDirectory(Options.RunDir);
        await File.WriteAllBytesAsync(Kernel, []);
        foreach (var patch in setup.Vms)
            await Store.SaveAsync(Config(patch));
        var loaded = await HostRuntime.LoadAsync(Options, new FakeHostProbe(setup.BootId), CancellationToken.None);
        Host = setup.Edition is { } edition
            ? new HostRuntime(new HostStore(Options.DataDir), loaded.Config, loaded.Facts, edition, loaded.QemuProblem)
            : loaded;
        Admission = new RunAdmission(Host);
        var chains = new NoBackingChains();
        var services = new VmServices(Host, Options, Qemu, chains, new Nube.Service.Vms.Disks.DiskSharing(chains), Store, Clock, Events, Jobs, Admission, new Nube.Service.Switches.SwitchBook(), logs);
        Registry = new VmRegistry(services, logs.CreateLogger<VmRegistry>());
        await Registry.InitializeAsync();
    }

    /// <summary>A VM that boots the test kernel, with <paramref name="patch"/>'s settings over that.</summary>
    public VmConfig Config(VmPatch patch) => patch.Apply(new VmConfig
    {
        Id = Guid.NewGuid(), Name = patch.Name ?? "vm",
        Boot = new BootSource { Kind = BootKind.Kernel, Kernel = Kernel },
    });

    /// <summary>A new VM, started, and the fake QEMU it runs in.</summary>
    public async Task<(VmController Vm, FakeQemu Qemu)> RunningVmAsync(string name, VmPatch? patch = null)
    {
        var vm = await CreateVmAsync(name, patch);
        await StartVmAsync(vm);
        return (vm, Qemu.Launched.Single(q => q.Marker == $"nube-{vm.Id}" && q.IsAlive));
    }

    public Task<VmController> CreateVmAsync(string name, VmPatch? patch = null) =>
        Registry.CreateAsync((patch ?? new VmPatch()) with { Name = name, Boot = new BootSource { Kind = BootKind.Kernel, Kernel = Kernel } }, [])
            .Within($"VM '{name}' to be created");

    /// <summary>A stop under way that waits for a guest which ignores the power button.</summary>
    public static async Task<Job> StopWaitingForTheGuestAsync(VmController vm, FakeQemu qemu)
    {
        qemu.GuestPowersOff = false;
        var stop = vm.Submit(VmOperation.Stop);
        await Eventually.UntilAsync(() => vm.Snapshot.State == VmState.Stopping, "the stop waits for the guest");
        return stop;
    }

    /// <summary>Submits an operation and waits for its job to end.</summary>
    public static async Task<Job> RunAsync(VmController vm, VmOperation operation, TimeSpan? agentWait = null)
    {
        var job = vm.Submit(operation, agentWait);
        await job.Ended.Within($"the {operation} job of VM '{vm.Snapshot.Name}' to end");
        return job;
    }

    /// <summary>Starts the VM and checks that it runs.</summary>
    public static async Task StartVmAsync(VmController vm)
    {
        var job = await RunAsync(vm, VmOperation.Start);
        Assert.Equal(JobStates.Completed, job.Info.State);
        Assert.Equal(VmState.Running, vm.Snapshot.State);
    }

    /// <summary>
    /// Moves the fake clock on, a step at a time, until <paramref name="done"/> holds: the service
    /// registers its timers on its own loop, so one big jump could come before the timer exists.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> done, string what, TimeSpan? step = null)
    {
        var deadline = Environment.TickCount64 + (long)Eventually.Timeout.TotalMilliseconds;
        while (!done())
        {
            if (Environment.TickCount64 > deadline)
                Assert.Fail($"Timed out advancing the clock until {what}.");
            Clock.Advance(step ?? TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// The host service dies as if killed: it takes no more commands and writes no more job
    /// records, and nothing it had under way is unwound. The QEMUs keep running.
    /// </summary>
    public async Task AbandonAsync()
    {
        abandoned = true;
        await Registry.StopAsync().Within("the registry to stop");
        await JobStore.DisposeAsync().AsTask().Within("the job records to be written");
    }

    /// <summary>
    /// Ends the test's host service: held commands go, jobs still under way are cancelled (so no
    /// controller is left waiting), the registry stops, the QEMUs are killed, the folders go.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        await Step("jobs to unwind", async () =>
        {
            foreach (var qemu in Qemu.Alive)
                qemu.ReleaseAll();
            var open = Jobs.List().Where(j => !JobStates.IsEnded(j.State)).Select(j => Jobs.Get(j.Id.ToString())).ToList();
            foreach (var job in open)
                job.RequestCancel();
            try
            {
                await Task.WhenAll(open.Select(j => j.Ended)).WaitAsync(Eventually.Timeout);
            }
            catch (TimeoutException)
            {
                // Which jobs, and where they stood: the clue to a rare hang that a retry would hide.
                var stuck = open.Where(j => !j.IsEnded).Select(j => $"{j.Kind} of VM {j.Info.VmName} ({j.Info.State}, {j.Info.Phase ?? "no phase"})");
                throw new TimeoutException($"Jobs still under way: {string.Join("; ", stuck)}.");
            }
        });
        if (!abandoned)
        {
            await Step("the registry to stop", () => Registry.StopAsync());
            await Step("the job records to be written", () => JobStore.DisposeAsync().AsTask());
        }
        if (ownsQemu)
            Qemu.KillAll();
        await Step("the event reader to stop", () => Recorded.DisposeAsync().AsTask());
        logs.Dispose();
        if (ownsRoot)
            await Step("the test's folders to be deleted", () => Task.Run(() => Directory.Delete(Root, recursive: true)));
        if (errors.Count > 0)
            throw new AggregateException("The harness did not shut down cleanly.", errors);

        async Task Step(string what, Func<Task> step)
        {
            try
            {
                await step().WaitAsync(Eventually.Timeout);
            }
            catch (Exception e)
            {
                errors.Add(new InvalidOperationException($"Waiting for {what}: {e.Message}", e));
            }
        }
    }
}
