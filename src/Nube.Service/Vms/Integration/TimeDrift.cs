namespace Nube.Service.Vms.Integration;

/// <summary>The arithmetic of time synchronization, apart from the agent so that it can be checked alone.</summary>
public static class TimeDrift
{
    /// <summary>
    /// How far the guest's clock is from the host's, in milliseconds (positive: the guest is
    /// ahead). The guest read its clock somewhere between <paramref name="sent"/> and
    /// <paramref name="received"/>: taken as half-way, as NTP does.
    /// </summary>
    public static double Milliseconds(DateTimeOffset sent, long guestUnixNanoseconds, DateTimeOffset received)
    {
        var hostMidpoint = UnixNanoseconds(sent) + (UnixNanoseconds(received) - UnixNanoseconds(sent)) / 2;
        return (guestUnixNanoseconds - hostMidpoint) / 1e6;
    }

    /// <summary>The instant as guest-get-time and guest-set-time count: nanoseconds since the Unix epoch.</summary>
    public static long UnixNanoseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
