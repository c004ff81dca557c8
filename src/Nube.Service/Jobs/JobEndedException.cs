namespace Nube.Service.Jobs;

/// <summary>A cancel asked of a job that has already ended.</summary>
public sealed class JobEndedException(Guid id, string state) : Exception($"Job {id} has already ended: it is {state}.");
