using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Nube.Contracts;
using Nube.Contracts.Audit;
using Nube.Linux;

namespace Nube.Service.Audit;

/// <summary>
/// The audit file, <c>&lt;data&gt;/audit/audit.jsonl</c>: one JSON record per line, appended, never
/// rewritten; root only (0600 in a 0700 folder, never through a link). It rotates at
/// <see cref="MaxBytes"/> keeping <see cref="Files"/> files (<c>audit.jsonl.1</c> is the one before).
/// Requests hand their records to a bounded queue that one writer empties, so none waits on the
/// disk; when the queue is full records are dropped and counted in nubed's log. At shutdown,
/// after the server has answered its last request, what is queued is written.
/// </summary>
public sealed class AuditLog : IHostedService, IAsyncDisposable
{
    public const long MaxBytes = 8L * 1024 * 1024;
    public const int Files = 5;
    public const int QueueCapacity = 10_000;
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly ILogger logger;
    private readonly Channel<AuditRecord> queue;
    private readonly Task writer;
    private long dropped;

    public AuditLog(string dataDirectory, ILogger<AuditLog> logger)
    {
        Folder = Path.Combine(dataDirectory, "audit");
        FilePath = Path.Combine(Folder, "audit.jsonl");
        this.logger = logger;
        queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite,
        }, _ => Interlocked.Increment(ref dropped));
        writer = Task.Run(WriteLoopAsync);
    }

    public string Folder { get; }

    public string FilePath { get; }

    /// <summary>Queues a record; never waits.</summary>
    public void Record(AuditRecord record) => queue.Writer.TryWrite(record);

    /// <summary>The records that match, newest first (see <see cref="AuditReader"/>).</summary>
    public IReadOnlyList<AuditRecord> Read(AuditQuery query) => AuditReader.Read(FilePath, Files, query, logger);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        RotatingLog? file = null;
        try
        {
            await foreach (var record in queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    file ??= Open();
                    file.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, CompactJson.Context.AuditRecord) + "\n"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The next record tries again: a full disk may have room by then.
                    file?.Dispose();
                    file = null;
                    logger.LogError("Cannot write the audit record of {Method} {Path} to {File}: {Error}", record.Method, record.Path, FilePath, e.Message);
                }
                if (Interlocked.Exchange(ref dropped, 0) is > 0 and var lost)
                    logger.LogError("The audit queue was full: {Count} records were not written", lost);
            }
        }
        finally
        {
            file?.Dispose();
        }
    }

    private RotatingLog Open()
    {
        if (new DirectoryInfo(Folder).LinkTarget is not null)
            throw new IOException($"{Folder} is a symbolic link; the audit folder must be a real folder");
        Directory.CreateDirectory(Folder, FolderMode);
        File.SetUnixFileMode(Folder, FolderMode);
        return new RotatingLog(FilePath, MaxBytes, Files, FileMode);
    }
}
