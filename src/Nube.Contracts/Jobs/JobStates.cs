namespace Nube.Contracts.Jobs;

/// <summary>The words of <see cref="JobInfo.State"/>.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsEnded(string state) => state is Completed or Failed or Cancelled;
}
