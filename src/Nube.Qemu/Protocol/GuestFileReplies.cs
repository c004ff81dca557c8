using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

// Arguments and replies of the guest-file-* and guest-exec* commands, as qemu-ga's schema names them.

internal sealed record GuestFileOpenArguments(string Path, string Mode);

internal sealed record GuestFileHandleArguments(long Handle);

internal sealed record GuestFileReadArguments(long Handle, int Count);

internal sealed record GuestFileWriteArguments(long Handle, [property: JsonPropertyName("buf-b64")] string BufB64);

internal sealed record GuestFileReadReply
{
    public required int Count { get; init; }

    [JsonPropertyName("buf-b64")]
    public required string BufB64 { get; init; }

    public bool Eof { get; init; }
}

internal sealed record GuestFileWriteReply
{
    public required int Count { get; init; }

    public bool Eof { get; init; }
}

internal sealed record GuestExecArguments(string Path, IReadOnlyList<string> Arg, [property: JsonPropertyName("capture-output")] bool CaptureOutput);

internal sealed record GuestExecReply
{
    public required long Pid { get; init; }
}

internal sealed record GuestExecStatusArguments(long Pid);

internal sealed record GuestExecStatusReply
{
    public required bool Exited { get; init; }

    public int? Exitcode { get; init; }

    public int? Signal { get; init; }

    [JsonPropertyName("out-data")]
    public string? OutData { get; init; }

    [JsonPropertyName("err-data")]
    public string? ErrData { get; init; }

    [JsonPropertyName("out-truncated")]
    public bool OutTruncated { get; init; }

    [JsonPropertyName("err-truncated")]
    public bool ErrTruncated { get; init; }
}
