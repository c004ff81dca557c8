using System.Text.Json;
using Nube.Linux;

namespace Nube.Service.Persistence;

/// <summary>
/// The VMs that were running when the host's automatic stop actions ran (<c>host stop-vms</c>, at
/// host shutdown), with the boot they ran in: after a reboot their QEMUs and pid files are gone,
/// and this is how "start if it was running" knows they were. Read once, at nubed's start, and
/// removed; it counts only when the host has booted since it was written, so a restart of nubed
/// after a <c>host stop-vms</c> by hand starts nothing.
/// </summary>
public sealed class StoppedAtShutdown(string dataDir)
{
    private string FilePath => Path.Combine(dataDir, "stopped-at-shutdown.json");

    /// <summary>
    /// Adds the VMs to the record of this boot (a second <c>host stop-vms</c> at shutdown, after
    /// the one sconfig ran before rebooting, finds none running and must not forget the first's).
    /// </summary>
    public Task AddAsync(string bootId, IEnumerable<Guid> vms)
    {
        var earlier = Read() is { } record && record.BootId == bootId ? record.Vms : [];
        return AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(
            new Record { SchemaVersion = 1, BootId = bootId, Vms = [.. earlier.Union(vms)] }, StoppedAtShutdownJson.Default.Record));
    }

    /// <summary>The VMs stopped at the end of an earlier boot than <paramref name="bootId"/>; the record is removed.</summary>
    /// <exception cref="IOException">The record cannot be read; the message names it.</exception>
    public IReadOnlySet<Guid> Take(string bootId)
    {
        Record? record;
        try
        {
            record = Read();
        }
        finally
        {
            File.Delete(FilePath); // read once, even when unreadable
        }
        return record is not null && record.BootId != bootId ? record.Vms.ToHashSet() : new HashSet<Guid>();
    }

    private Record? Read()
    {
        if (!File.Exists(FilePath))
            return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(FilePath), StoppedAtShutdownJson.Default.Record);
        }
        catch (JsonException e)
        {
            throw new IOException($"{FilePath}: not a record of VMs stopped at shutdown: {e.Message}", e);
        }
    }

    public sealed record Record
    {
        public required int SchemaVersion { get; init; }
        public required string BootId { get; init; }
        public required IReadOnlyList<Guid> Vms { get; init; }
    }
}
