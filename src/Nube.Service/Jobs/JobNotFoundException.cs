namespace Nube.Service.Jobs;

public sealed class JobNotFoundException(string id) : Exception($"Job '{id}' was not found; 'nube job list' shows the host's jobs.");
