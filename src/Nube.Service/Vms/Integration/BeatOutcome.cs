namespace Nube.Service.Vms.Integration;

/// <summary>How one heartbeat went.</summary>
public enum BeatOutcome
{
    /// <summary>The agent answered the ping.</summary>
    Answered,
    /// <summary>Another request held the agent's channel, and the agent answered it recently: the status stands.</summary>
    Busy,
    /// <summary>The agent did not answer: the heartbeat reads No contact or Lost communication.</summary>
    Failed,
}
