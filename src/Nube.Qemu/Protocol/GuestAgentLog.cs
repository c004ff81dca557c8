using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Nube.Qemu.Protocol;

/// <summary>Log messages of the guest agent client. Replies are bounded by the line limit, so logging them is safe.</summary>
internal static partial class GuestAgentLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "guest agent -> {Request}")]
    public static partial void Sent(ILogger logger, string request);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "guest agent <- {Reply}")]
    public static partial void Received(ILogger logger, JsonElement reply);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Discarded {Bytes} bytes of stale guest agent output while synchronising")]
    public static partial void DiscardedStale(ILogger logger, int bytes);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Synchronised with the guest agent (id {Id})")]
    public static partial void Synced(ILogger logger, long id);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "guest agent connection closed: {Reason}")]
    public static partial void Closed(ILogger logger, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "guest agent connection faulted")]
    public static partial void Faulted(ILogger logger, Exception error);
}
