using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Nube.Qemu.Protocol;

/// <summary>Log messages of the QMP client; whole requests and replies at Debug for diagnosing QEMU.</summary>
internal static partial class QmpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "QMP -> {Request}")]
    public static partial void Sent(ILogger logger, string request);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "QMP <- {Message}")]
    public static partial void Received(ILogger logger, JsonElement message);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Dropping QMP reply with id {ReplyId}; the command in flight has id {ExpectedId}")]
    public static partial void DroppedReply(ILogger logger, string replyId, string expectedId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Ignoring QMP message that is neither a reply nor an event: {Message}")]
    public static partial void UnknownMessage(ILogger logger, JsonElement message);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "QMP event queue is full; dropped the oldest event {Name}")]
    public static partial void EventDropped(ILogger logger, string name);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "QMP connection faulted")]
    public static partial void Faulted(ILogger logger, Exception error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "QMP connection closed: {Reason}")]
    public static partial void Closed(ILogger logger, string reason);
}
