namespace Nube.Service.Vms.Integration;

/// <summary>
/// A guest held frozen for a consistent operation (a checkpoint, a backup): disposing it thaws
/// the guest. A thaw that fails is left to the freeze's watchdog, which thaws at the deadline.
/// </summary>
public sealed class FrozenGuest(FreezeState state, Func<string, Task> release) : IAsyncDisposable
{
    public FreezeState State { get; } = state;

    public async ValueTask DisposeAsync() => await release("the operation that froze them ended").ConfigureAwait(false);
}
