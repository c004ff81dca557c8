namespace Nube.Qemu.Protocol;

/// <summary>A command reply, an awaited event or the greeting did not arrive in time.</summary>
public sealed class QmpTimeoutException : QmpException
{
    private QmpTimeoutException(string message, TimeSpan timeout, string? command, string? eventName)
        : base(message)
    {
        Timeout = timeout;
        Command = command;
        EventName = eventName;
    }

    public TimeSpan Timeout { get; }

    /// <summary>The command that got no reply; null when waiting for an event or the greeting.</summary>
    public string? Command { get; }

    /// <summary>The event that did not arrive; null for a command.</summary>
    public string? EventName { get; }

    internal static QmpTimeoutException ForCommand(string command, TimeSpan timeout) =>
        new($"QMP command '{command}' got no reply within {Seconds.Format(timeout)}", timeout, command, null);

    internal static QmpTimeoutException ForEvent(string eventName, TimeSpan timeout) =>
        new($"QMP event '{eventName}' did not arrive within {Seconds.Format(timeout)}", timeout, null, eventName);

    internal static QmpTimeoutException ForGreeting(TimeSpan timeout) =>
        new($"QMP greeting did not arrive within {Seconds.Format(timeout)}", timeout, null, null);
}
