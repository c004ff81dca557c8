namespace Nube.Qemu.Launch;

/// <summary>One VM's running QEMU, as the host service sees it: found by pid, never its child.</summary>
public interface IQemuProcess
{
    int Pid { get; }

    /// <summary>Alive, not a zombie, and still carrying the VM's marker (a reused pid is not the VM).</summary>
    bool IsAlive { get; }

    DateTimeOffset? StartedAt { get; }

    void Kill();

    /// <summary>Waits until the process is gone; false when it is still alive at the deadline.</summary>
    Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default);
}
