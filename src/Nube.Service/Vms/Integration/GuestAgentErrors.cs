using System.Net.Sockets;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Turns the agent's failures into the errors the API maps once: no answer is a 504, a refusal or
/// a reply that makes no sense a 502. <paramref name="what"/> says what was being done.
/// </summary>
public static class GuestAgentErrors
{
    /// <summary>True for the failures that mean the agent did not answer, or stopped answering.</summary>
    public static bool IsNoAnswer(Exception e) =>
        e is GuestAgentTimeoutException or GuestAgentBusyException or GuestAgentDisconnectedException
            or IOException or SocketException or ObjectDisposedException;

    public static bool IsAgentFailure(Exception e) => IsNoAnswer(e) || e is GuestAgentException;

    public static Exception Describe(Exception e, string what, string vmName) => e switch
    {
        _ when IsNoAnswer(e) => new GuestAgentNoAnswerException($"Cannot {what} of VM '{vmName}': its guest agent does not answer ({e.Message})."),
        GuestAgentException => new GuestOperationFailedException($"Cannot {what} of VM '{vmName}': {e.Message}", e),
        _ => e,
    };
}
