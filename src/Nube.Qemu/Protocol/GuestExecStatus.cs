namespace Nube.Qemu.Protocol;

/// <summary>
/// A program started with guest-exec, as guest-exec-status last saw it. The output is the guest's
/// raw bytes (untrusted, never shown without sanitising); qemu-ga keeps at most 16 MiB of it, so
/// callers bound a program's output in the guest to stay under the reply limit.
/// </summary>
/// <param name="ExitCode">Null while it runs, or when a signal ended it.</param>
/// <param name="Signal">The signal that ended it, if one did.</param>
public sealed record GuestExecStatus(bool Exited, int? ExitCode, int? Signal, byte[] Output, byte[] Error, bool Truncated);
