using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Api;

/// <summary><c>GET /vms/{vm}/screenshot</c>: the VM's screen as it is now, as <c>image/png</c>.</summary>
public static class ScreenshotEndpoints
{
    public static async Task<IResult> GetAsync(VmController vm, CancellationToken ct)
    {
        var session = RunningSession(vm);
        try
        {
            var png = await ScreenCapture.TakeAsync(session.Qmp, vm.Paths, ct);
            return TypedResults.File(png, "image/png");
        }
        catch (Exception e) when (e is QmpException or IOException)
        {
            throw new VmOperationFailedException("take a screenshot of", vm.Snapshot.Name, e);
        }
    }

    /// <summary>The screen is there while QEMU runs: running or paused.</summary>
    /// <exception cref="VmConflictException">In any other state.</exception>
    public static QemuSession RunningSession(VmController vm)
    {
        var now = vm.Snapshot;
        if (now.State is not (VmState.Running or VmState.Paused) || vm.Session is not { } session)
            throw new VmConflictException($"VM '{now.Name}' is {VmLifecycle.Word(now.State)}: its screen is there only while it runs.");
        return session;
    }
}
