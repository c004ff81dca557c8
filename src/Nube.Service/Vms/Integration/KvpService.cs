using System.Collections.Concurrent;
using Nube.Contracts.Vms;
using Nube.Core.Integration;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Data exchange (KVP), as Hyper-V's: the host's pairs kept with the VM and written into the
/// guest, the guest's pairs and the intrinsic items read from it. The host's pairs reach the
/// guest whole at the first agent contact of each run (<see cref="RequestExchange"/>), then one
/// by one as they are set and removed; the guest's are read when asked for.
/// </summary>
public sealed class KvpService(ILogger<KvpService> logger) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, KvpExchange> exchanges = new();
    private readonly CancellationTokenSource lifetime = new();

    public async Task<KvpList> ListAsync(VmController vm, string? pool, CancellationToken ct)
    {
        var pools = pool is null ? KvpPools.All : [CheckPool(pool)];
        var items = new List<KvpItem>();
        var notes = new List<KvpPoolNote>();
        foreach (var p in pools)
        {
            if (p == KvpPools.Host)
            {
                items.AddRange(HostItems(vm));
                continue;
            }
            if (Unavailable(vm, p) is { } why)
            {
                if (pool is not null)
                    throw new VmConflictException(why);
                notes.Add(new KvpPoolNote { Pool = p, Note = why });
                continue;
            }
            try
            {
                items.AddRange(await ReadPoolAsync(vm, p, null, notes, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (pool is null && GuestAgentErrors.IsAgentFailure(e))
            {
                notes.Add(new KvpPoolNote { Pool = p, Note = GuestAgentErrors.Describe(e, $"read the {p} pairs", vm.Snapshot.Name).Message });
            }
        }
        return new KvpList { Items = items, Notes = notes };
    }

    /// <summary>The pair with <paramref name="key"/>: in <paramref name="pool"/>, or else the first of host, guest, intrinsic that has it.</summary>
    public async Task<KvpItem> GetAsync(VmController vm, string? key, string? pool, CancellationToken ct)
    {
        CheckKey(key);
        var pools = pool is null ? KvpPools.All : [CheckPool(pool)];
        var unread = new List<string>();
        foreach (var p in pools)
        {
            if (p == KvpPools.Host)
            {
                if (HostItems(vm).FirstOrDefault(i => i.Key == key) is { } mine)
                    return mine;
                continue;
            }
            if (Unavailable(vm, p) is { } why)
            {
                if (pool is not null)
                    throw new VmConflictException(why);
                unread.Add(why);
                continue;
            }
            var found = (await ReadPoolAsync(vm, p, key, [], ct).ConfigureAwait(false)).FirstOrDefault(i => i.Key == key);
            if (found is not null)
                return found;
        }
        var where = pool is null ? "any pool" : $"the {pool} pool";
        throw new KvpKeyNotFoundException($"VM '{vm.Snapshot.Name}' has no pair with key {Show(key!)} in {where}" +
            (unread.Count > 0 ? $"; the guest's pools were not read: {unread[0]}" : "."));
    }

    /// <summary>Adds or replaces a host pair: stored with the VM, then written into the guest when it can be.</summary>
    public async Task<KvpChange> SetAsync(VmController vm, string? key, string? value, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        KvpRules.CheckKey("key", key, errors);
        KvpRules.CheckValue("value", value, errors);
        if (errors.Count > 0)
            throw new ValidationException(errors);
        await vm.ChangeAsync(new SetKvpHostItem(key!, value!)).ConfigureAwait(false);
        var item = new KvpItem { Pool = KvpPools.Host, Key = key!, Value = value };
        var note = await ReflectAsync(vm, "set", (run, t) => KvpGuest.WriteAsync(run, key!, value!, t), ct).ConfigureAwait(false);
        return new KvpChange { Item = item, InGuest = note is null, Note = note };
    }

    public async Task<KvpChange> RemoveAsync(VmController vm, string? key, CancellationToken ct)
    {
        CheckKey(key);
        // The value for the answer; the change itself finds the pair again when its turn comes.
        var removed = vm.Snapshot.Config?.KvpHostItems.FirstOrDefault(i => i.Key == key);
        await vm.ChangeAsync(new RemoveKvpHostItem(key!)).ConfigureAwait(false);
        var item = new KvpItem { Pool = KvpPools.Host, Key = key!, Value = removed?.Value };
        var note = await ReflectAsync(vm, "removed", (run, t) => KvpGuest.DeleteAsync(run, key!, t), ct).ConfigureAwait(false);
        return new KvpChange { Item = item, InGuest = note is null, Note = note };
    }

    /// <summary>
    /// Writes the host's pairs into the guest once this run's agent answers, retrying until it does
    /// or the run ends. Nothing happens when they are there already for this run, or data exchange
    /// is disabled (enabling it asks again).
    /// </summary>
    public void RequestExchange(VmController vm) => Exchange(vm).Request(vm, lifetime.Token);

    /// <summary>Forgets a removed VM.</summary>
    public void Forget(Guid id) => exchanges.TryRemove(id, out _);

    /// <summary>
    /// Makes the guest's file follow a change of the host's pairs. Null when it did; otherwise the
    /// note that says why not and when it will (the change is stored either way).
    /// </summary>
    private async Task<string?> ReflectAsync(VmController vm, string verb, Func<QemuSession, CancellationToken, Task> change, CancellationToken ct)
    {
        var name = vm.Snapshot.Name;
        var later = verb == "set" ? "the pair is written into the guest" : "its file is deleted from the guest";
        if (Unavailable(vm, KvpPools.Host) is { } why)
            return $"{why}; {later} when it runs with data exchange enabled.";
        var exchange = Exchange(vm);
        if (!await exchange.ApplyAsync(vm, change, ct).ConfigureAwait(false))
        {
            RequestExchange(vm);
            return $"The guest agent of VM '{name}' has not answered yet in this run; {later} when it does.";
        }
        return null;
    }

    private async Task<IReadOnlyList<KvpItem>> ReadPoolAsync(VmController vm, string pool, string? onlyKey, List<KvpPoolNote> notes, CancellationToken ct)
    {
        var run = vm.Session ?? throw new VmConflictException($"VM '{vm.Snapshot.Name}' is not running.");
        try
        {
            IReadOnlyList<KvpItem> items;
            if (pool == KvpPools.Intrinsic)
            {
                items = await KvpIntrinsic.ReadAsync(run, ct).ConfigureAwait(false);
            }
            else
            {
                var (read, more) = await KvpGuest.ReadAsync(run, onlyKey, ct).ConfigureAwait(false);
                if (more)
                    notes.Add(new KvpPoolNote { Pool = pool, Note = $"The guest's folder {KvpGuest.GuestFolder} holds more than {KvpRules.MaxItems} entries; the first {KvpRules.MaxItems} by name were read." });
                Exchange(vm).LogRefusals(vm.Snapshot.Name, read, logger);
                items = [.. read.Select(i => new KvpItem { Pool = KvpPools.Guest, Key = i.Key, Value = i.Value, Refused = i.Refused })];
            }
            vm.Integration.Answered(IntegrationService.DataExchange);
            return onlyKey is null ? items : [.. items.Where(i => i.Key == onlyKey)];
        }
        catch (Exception e) when (GuestAgentErrors.IsAgentFailure(e))
        {
            var described = GuestAgentErrors.Describe(e, $"read the {pool} pairs", vm.Snapshot.Name);
            vm.Integration.Failed(IntegrationService.DataExchange, described.Message);
            throw described;
        }
    }

    private KvpExchange Exchange(VmController vm) => exchanges.GetOrAdd(vm.Id, _ => new KvpExchange(logger));

    private static IEnumerable<KvpItem> HostItems(VmController vm) =>
        (vm.Snapshot.Config?.KvpHostItems ?? []).Select(i => new KvpItem { Pool = KvpPools.Host, Key = i.Key, Value = i.Value });

    /// <summary>Why the guest cannot be reached for data exchange now, or null when it can.</summary>
    public static string? Unavailable(VmController vm, string pool)
    {
        var now = vm.Snapshot;
        var what = pool == KvpPools.Host ? "its host pairs cannot be written into the guest" : $"its {pool} pairs cannot be read";
        if (now.Config is { } config && !config.IntegrationServices.IsEnabled(IntegrationService.DataExchange))
            return $"Data exchange is disabled for VM '{now.Name}', so {what}; enable it with 'nube vm integration enable {now.Name} kvp'";
        if (now.State != VmState.Running || vm.Session is null)
            return $"VM '{now.Name}' is {VmLifecycle.Word(now.State)}, so {what}";
        return null;
    }

    private static string CheckPool(string pool) => KvpPools.All.Contains(pool)
        ? pool
        : throw new ValidationException([new("pool", pool, $"pool: {Show(pool)} is not one of {string.Join(", ", KvpPools.All)}")]);

    private static void CheckKey(string? key)
    {
        var errors = new List<ValidationError>();
        KvpRules.CheckKey("key", key, errors);
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    internal static string Show(string text) => $"'{GuestText.Sanitize(text)}'";

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }
}
