using Nube.Service.Hosts;
using Nube.Contracts;
using Nube.Linux;
using Nube.Service.Api;
using Nube.Service.Events;
using Nube.Service.Server;
using Nube.Service.Server.Logging;
using Nube.Service.Jobs;
using Nube.Service.Persistence;
using Nube.Service.Vms;
using Nube.Service.Vms.Worker;

// Settings come from our own switches; appsettings.json sits beside the binary, not in the working folder.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, NubedOptions.Switches);
var options = builder.Configuration.GetSection("Nube").Get<NubedOptions>() ?? new NubedOptions();
options.DataDir = Path.GetFullPath(options.DataDir);
options.RunDir = Path.GetFullPath(options.RunDir);
options.LogFile = options.LogFile is { } logFile ? Path.GetFullPath(logFile) : null;

// Type=notify: systemd hears that nubed is ready once it serves (see scripts/systemd/nubed.service); a no-op elsewhere.
builder.Services.AddSystemd();
LogTarget logTarget;
try
{
    logTarget = NubedLogging.Configure(builder.Logging, options);
}
catch (IOException e)
{
    Console.Error.WriteLine($"nubed: cannot start: {e.Message}");
    return 2;
}
Directory.CreateDirectory(options.DataDir);
Directory.CreateDirectory(options.RunDir);

// One service per data directory: a second one would fight over the same VMs and sockets.
FileStream dataLock;
try
{
    dataLock = new FileStream(Path.Combine(options.DataDir, "nubed.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
catch (IOException)
{
    Console.Error.WriteLine($"nubed: cannot start: another nubed already serves the data directory {options.DataDir}.");
    return 2;
}

if (options.VmUidBase < Nube.Linux.Network.LoopbackGuard.FirstVmUid
    || (ulong)options.VmUidBase + options.VmUidCount - 1 > Nube.Linux.Network.LoopbackGuard.LastVmUid || options.VmUidCount == 0)
{
    Console.Error.WriteLine($"nubed: cannot start: --vm-uid-base {options.VmUidBase} with --vm-uid-count {options.VmUidCount} " +
        $"leaves the range of VM uids, {Nube.Linux.Network.LoopbackGuard.FirstVmUid} to {Nube.Linux.Network.LoopbackGuard.LastVmUid}.");
    return 2;
}

HostRuntime host;
Nube.Service.Persistence.HostIdentity hostIdentity;
try
{
    host = await HostRuntime.LoadAsync(options, new LinuxHostProbe(), CancellationToken.None);
    hostIdentity = await Nube.Service.Persistence.HostIdentity.LoadAsync(options.DataDir, CancellationToken.None);
    builder.AddNubedListeners(options, host);
}
catch (Exception e) when (e is Nube.Core.Validation.ValidationException or Nube.Core.Serialization.ConfigDocumentException
    or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"nubed: cannot start: {e.Message}");
    return 2;
}

var socketPath = options.SocketPath;
File.Delete(socketPath);
builder.Services.ConfigureHttpJsonOptions(JsonBody.Configure);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(host);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IVmStore>(new VmStore(options.DataDir));
builder.Services.AddSingleton(new VmUserStore(options.DataDir, options.VmUidBase, options.VmUidCount));
var cgroups = Nube.Linux.Cgroups.CgroupHierarchy.Detect();
builder.Services.AddSwitches(options.DataDir, hostIdentity);
builder.Services.AddPeers(options.DataDir);
builder.Services.AddMigration(options.DataDir);
builder.Services.AddSingleton<IQemuHost>(sp => new LinuxQemuHost(sp.GetRequiredService<VmUserStore>(), cgroups,
    sp.GetRequiredService<Nube.Service.Switches.SwitchNetwork>(), sp.GetRequiredService<Nube.Service.Switches.SwitchBook>(),
    sp.GetRequiredService<ILogger<LinuxQemuHost>>()));
builder.Services.AddDisks();
builder.Services.AddSingleton<Nube.Service.Vms.Disks.IDiskChains>(sp => sp.GetRequiredService<Nube.Service.Vms.Disks.QemuImgDiskChains>());
builder.Services.AddSingleton<Nube.Service.Vms.Disks.DiskSharing>();
builder.Services.AddSingleton(sp => new EventHub(sp.GetRequiredService<TimeProvider>(), hostIdentity.Id));
builder.Services.AddSingleton<JobStore>(sp => new JobStore(options.DataDir, sp.GetRequiredService<ILogger<JobStore>>()));
builder.Services.AddSingleton(sp => new JobBook(sp.GetRequiredService<JobStore>(), sp.GetRequiredService<EventHub>(),
    sp.GetRequiredService<TimeProvider>(), ProblemMapper.ToProblem, ContractMapper.ToSummary));
builder.Services.AddSingleton<RunAdmission>();
builder.Services.AddSingleton<VmServices>();
builder.Services.AddSingleton<VmRegistry>();
builder.Services.AddSingleton<Nube.Service.Vms.Metering.MeteringService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<Nube.Service.Vms.Metering.MeteringService>());
builder.Services.AddSingleton<Nube.Service.Vms.Metering.MetricsExporter>();
builder.Services.AddSingleton<Nube.Service.Vms.Integration.KvpService>();
builder.Services.AddHostedService<Nube.Service.Vms.Integration.KvpWatcher>();
builder.Services.AddHostSystem();
builder.Services.AddAudit(options.DataDir);
// Unreadable bodies throw, so that ProblemMapper answers them with a problem that says why.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddExceptionHandler<ProblemMapper>();
builder.Services.AddProblemDetails();
// A lambda, not a method group: Microsoft.AspNetCore.OpenApi's generator adds the contracts' doc comments only to this form.
builder.Services.AddOpenApi(options => ApiDocument.Configure(options));

var app = builder.Build();
// First, so that it sees every answer's final status, refusals and errors included.
app.UseMiddleware<Nube.Service.Audit.AuditTrail>();
app.UseExceptionHandler();
app.UseWebSockets();
app.UseMiddleware<Nube.Service.Auth.AuthGate>();
// The gate lets the console's pages through (the sign-in page must load for anyone) and adds its security headers.
app.UseMiddleware<WebConsoleHosting>();
app.UseUnknownRouteProblems();
app.MapApiRoutes();
app.MapOpenApi(ApiDocument.Path);

if (cgroups is null)
    app.Logger.LogWarning("This host has no usable cgroups (v1 cpu, memory and pids, or v2): VMs run without memory and process limits");
else
    app.Logger.LogInformation("VMs' cgroups (v{Version}): {Folders}", cgroups.Version, string.Join(", ", cgroups.Folders.Values.Distinct()));
host.UserNetworkProblem = await Nube.Linux.Network.LoopbackGuard.InstallAsync(CancellationToken.None);
if (host.UserNetworkProblem is { } guardProblem)
    app.Logger.LogWarning("VMs cannot use user-mode networking on this host: {Problem}", guardProblem);
var registry = app.Services.GetRequiredService<VmRegistry>();
var switches = app.Services.GetRequiredService<Nube.Service.Switches.SwitchService>();
switches.Load();
await registry.InitializeAsync(async running =>
{
    await switches.ReconcileAsync(running, CancellationToken.None);
    await switches.MakeDefaultAsync(CancellationToken.None);
    // Before any VM may start: a VM a move left here is settled by the move's phase.
    await app.Services.GetRequiredService<Nube.Service.Migration.MoveRecovery>().RecoverAsync();
});
await app.Services.GetRequiredService<RemoteListener>().StartAsync(CancellationToken.None);
await app.StartAsync();
// Root only: on the socket, this file mode is the whole of the API's authentication.
File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
app.Logger.LogInformation("nubed {Version} serving {Socket} for data directory {DataDir}, logging to {LogTarget}",
    typeof(Program).Assembly.GetName().Version, socketPath, options.DataDir, logTarget == LogTarget.File ? options.LogFile : logTarget);
await app.WaitForShutdownAsync();
// The VMs keep running; only pending automatic starts end, and job records are written out.
await registry.StopAsync();
await app.Services.GetRequiredService<JobStore>().DisposeAsync();
dataLock.Dispose();
return 0;
