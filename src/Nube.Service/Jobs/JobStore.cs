using System.Threading.Channels;
using Nube.Contracts.Jobs;
using Nube.Core.Serialization;
using Nube.Linux;

namespace Nube.Service.Jobs;

/// <summary>
/// Keeps job records on disk so that a restarted host service still shows them. Writes go
/// through one queue in order, off the controllers' path; a record is written when a job is
/// created, starts and ends, not on every progress step.
/// </summary>
public sealed class JobStore : IAsyncDisposable
{
    private readonly string directory;
    private readonly ILogger logger;
    private readonly Channel<(Guid Id, JobInfo? Info)> writes = Channel.CreateUnbounded<(Guid, JobInfo?)>(new() { SingleReader = true });
    private readonly Task writer;

    public JobStore(string dataDirectory, ILogger<JobStore> logger)
    {
        directory = Path.Combine(dataDirectory, "jobs");
        this.logger = logger;
        writer = Task.Run(WriteLoopAsync);
    }

    public IEnumerable<JobInfo> LoadAll()
    {
        if (!Directory.Exists(directory))
            yield break;
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            JobInfo? info = null;
            try
            {
                info = ConfigDocument.Parse<JobRecord>(File.ReadAllText(file), JobRecord.CurrentSchemaVersion, file).Job;
            }
            catch (Exception e) when (e is ConfigDocumentException or IOException)
            {
                logger.LogWarning("Ignoring job record {File}: {Error}", file, e.Message);
            }
            if (info is not null)
                yield return info;
        }
    }

    public void Save(JobInfo info) => writes.Writer.TryWrite((info.Id, info));

    public void Delete(Guid id) => writes.Writer.TryWrite((id, null));

    private async Task WriteLoopAsync()
    {
        await foreach (var (id, info) in writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var path = Path.Combine(directory, $"{id}.json");
            try
            {
                if (info is null)
                {
                    File.Delete(path);
                    continue;
                }
                Directory.CreateDirectory(directory);
                await AtomicFile.WriteAllTextAsync(path, ConfigDocument.Write(new JobRecord { Job = info })).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError("Cannot write the job record {Path}: {Error}", path, e.Message);
            }
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        writes.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }
}
