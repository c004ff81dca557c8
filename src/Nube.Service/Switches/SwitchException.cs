namespace Nube.Service.Switches;

/// <summary>A switch request the host refuses: not found (404), in use or not possible here (409), or the host failed to make it (502).</summary>
public sealed class SwitchException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
