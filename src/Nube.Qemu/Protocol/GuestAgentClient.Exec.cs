namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    /// <summary>
    /// Starts a program in the guest (guest-exec, found on the agent's PATH) with its output
    /// captured, and returns its pid for <see cref="GetExecStatusAsync"/>. Arguments go to the
    /// program as they are: no shell parses them unless the program is one.
    /// </summary>
    public async Task<long> ExecAsync(string path, IReadOnlyList<string> arguments, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(arguments);
        var reply = await ExecuteAsync("guest-exec", Arguments(new GuestExecArguments(path, arguments, CaptureOutput: true), ProtocolJsonContext.Default.GuestExecArguments),
            ProtocolJsonContext.Default.GuestExecReply, ct: ct).ConfigureAwait(false);
        return reply.Pid;
    }

    /// <summary>Whether the program has ended and, once it has, its exit code and output.</summary>
    public async Task<GuestExecStatus> GetExecStatusAsync(long pid, CancellationToken ct = default)
    {
        var reply = await ExecuteAsync("guest-exec-status", Arguments(new GuestExecStatusArguments(pid), ProtocolJsonContext.Default.GuestExecStatusArguments),
            ProtocolJsonContext.Default.GuestExecStatusReply, ct: ct).ConfigureAwait(false);
        if (reply.Exited && reply.Exitcode is null && reply.Signal is null)
            throw BadReply("guest agent says the program exited, with neither an exit code nor a signal", null);
        return new GuestExecStatus(reply.Exited, reply.Exitcode, reply.Signal,
            DecodeBase64("guest-exec-status", reply.OutData), DecodeBase64("guest-exec-status", reply.ErrData),
            reply.OutTruncated || reply.ErrTruncated);
    }
}
