namespace Nube.Qemu.Protocol;

/// <summary>Where a protocol connection is in its life; Closed and Faulted are final.</summary>
public enum ConnectionState
{
    /// <summary>Handshake in progress (QMP greeting and capabilities, guest agent sync).</summary>
    Connecting,

    /// <summary>Commands can be sent.</summary>
    Ready,

    /// <summary>The peer closed the connection or the client was disposed.</summary>
    Closed,

    /// <summary>The peer broke the protocol (malformed or oversized message); reconnect to recover.</summary>
    Faulted,
}
