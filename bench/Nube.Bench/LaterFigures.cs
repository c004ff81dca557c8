namespace Nube.Bench;

/// <summary>Figures 3 to 5 and 7 to 10, and, for each that failed, why (the others still run).</summary>
public sealed class LaterFigures
{
    public DiskResult? Disk { get; set; }
    public NetResult? Network { get; set; }
    public HeartbeatResult? Heartbeat { get; set; }
    public MeteringResult? Metering { get; set; }
    public DiskFormatResult? DiskFormats { get; set; }
    public HotPlugResult? HotPlug { get; set; }
    public MigrationResult? Migration { get; set; }
    public SortedDictionary<int, string> Failures { get; } = [];

    public async Task<T?> TryAsync<T>(int figure, Func<Task<T>> run, CancellationToken ct) where T : class
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Failures[figure] = e.Message;
            Console.Error.WriteLine($"bench: figure {figure} failed: {e}");
            return null;
        }
    }
}
