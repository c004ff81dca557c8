using Nube.Qemu.Launch;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The service's view of a fake QEMU's process. Waits run on the harness's clock, so a test
/// decides when a process that will not exit has been waited for long enough.
/// </summary>
internal sealed class FakeProcess(FakeQemu qemu, TimeProvider clock) : IQemuProcess
{
    public FakeQemu Qemu { get; } = qemu;

    public int Pid => Qemu.Pid;

    public bool IsAlive => Qemu.IsAlive;

    public DateTimeOffset? StartedAt => Qemu.StartedAt;

    public void Kill() => Qemu.Kill();

    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        if (!Qemu.IsAlive)
            return true;
        await Task.WhenAny(Qemu.Exited, Task.Delay(timeout, clock, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return !Qemu.IsAlive;
    }
}
