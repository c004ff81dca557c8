using System.Text.Json;

namespace Nube.Qemu.Protocol;

/// <summary>The one QMP command in flight: its id, which the reply must echo, and where the reply goes.</summary>
internal sealed class PendingCommand(long id, bool eofIsSuccess)
{
    private readonly TaskCompletionSource<JsonElement> reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Id => id;

    /// <summary>True when EOF after sending means the command worked (quit).</summary>
    public bool EofIsSuccess => eofIsSuccess;

    /// <summary>The whole reply message (with "return" or "error").</summary>
    public Task<JsonElement> Reply => reply.Task;

    public void Complete(JsonElement message) => reply.TrySetResult(message);

    public void Fail(Exception error) => reply.TrySetException(error);
}
