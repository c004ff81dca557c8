using System.Text;
using Nube.Core.Validation;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// The guest's side of data exchange: one folder per direction, one file per pair, the key as
/// its name and the value as its content. Everything read from the guest is bounded (a listing
/// of at most <see cref="KvpRules.MaxItems"/> + 1 names, at most <see cref="KvpRules.MaxValueBytes"/>
/// + 1 bytes per value), so no reply comes near the agent client's limit whatever the guest wrote.
/// </summary>
public static class KvpGuest
{
    public const string HostFolder = "/var/lib/nube/kvp/host";
    public const string GuestFolder = "/var/lib/nube/kvp/guest";
    public const string ResetName = "nube-kvp-reset";
    public const string ListName = "nube-kvp-list";
    public const string RemoveName = "nube-kvp-remove";

    /// <summary>Each listed entry: its type letter, its name, a NUL.</summary>
    public const int MaxListingBytes = (KvpRules.MaxItems + 1) * (KvpRules.MaxKeyBytes + 2);

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The host's folder holds the host's pairs and nothing else: emptied, then written whole.
    private const string ResetScript = """rm -rf -- "$1" && mkdir -p -- "$1" "$2" """;

    // f: a regular file, l: a symbolic link, o: anything else (opening a FIFO would block the agent).
    // The glob's order is sorted; head bounds the output however many entries there are.
    private const string ListScript = """
        cd -- "$1" 2>/dev/null || exit 0
        for n in * .*; do
          case $n in .|..) continue;; esac
          if [ -L "$n" ]; then t=l; elif [ -f "$n" ]; then t=f; elif [ -e "$n" ]; then t=o; else continue; fi
          printf '%s%s\0' "$t" "$n"
        done | head -c "$2"
        """;

    /// <summary>Empties the host's folder and makes both folders.</summary>
    public static async Task ResetAsync(QemuSession run, CancellationToken ct)
    {
        var result = await GuestExec.ShellAsync(run, ResetScript, ResetName, [HostFolder, GuestFolder], ScriptTimeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new GuestOperationFailedException($"the guest could not prepare {HostFolder} (exit {result.ExitCode}): {result.ErrorText}");
    }

    /// <summary>Writes one pair of the host's into its file: open, one write (a value fits in one), close.</summary>
    public static Task WriteAsync(QemuSession run, string key, string value, CancellationToken ct) =>
        run.Agent.UseAsync(async (agent, t) =>
        {
            var handle = await agent.OpenFileAsync($"{HostFolder}/{key}", "w", t).ConfigureAwait(false);
            try
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                if (bytes.Length > 0 && await agent.WriteFileAsync(handle, bytes, t).ConfigureAwait(false) != bytes.Length)
                    throw new GuestOperationFailedException($"the guest wrote only part of {HostFolder}/{key}");
            }
            finally
            {
                await agent.CloseFileAsync(handle, t).ConfigureAwait(false);
            }
            return true;
        }, GuestExec.AgentWait, ct);

    /// <summary>Deletes one pair's file of the host's folder.</summary>
    public static async Task DeleteAsync(QemuSession run, string key, CancellationToken ct)
    {
        var result = await GuestExec.ShellAsync(run, """rm -f -- "$1" """, RemoveName, [$"{HostFolder}/{key}"], ScriptTimeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new GuestOperationFailedException($"the guest could not delete {HostFolder}/{key} (exit {result.ExitCode}): {result.ErrorText}");
    }

    /// <summary>
    /// Reads the guest's pairs, or only <paramref name="onlyKey"/>'s. An item the host does not take
    /// comes back refused with the reason. More is true when the folder holds more than
    /// <see cref="KvpRules.MaxItems"/> entries (the first ones, in name order, are read).
    /// </summary>
    public static async Task<(IReadOnlyList<KvpGuestItem> Items, bool More)> ReadAsync(QemuSession run, string? onlyKey, CancellationToken ct)
    {
        var listing = await GuestExec.ShellAsync(run, ListScript, ListName, [GuestFolder, MaxListingBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ScriptTimeout, ct).ConfigureAwait(false);
        if (listing.ExitCode != 0)
            throw new GuestOperationFailedException($"the guest could not list {GuestFolder} (exit {listing.ExitCode}): {listing.ErrorText}");
        var entries = ParseListing(listing.Output);
        var more = entries.Count > KvpRules.MaxItems;
        if (more)
            entries = entries[..KvpRules.MaxItems];
        var items = new List<KvpGuestItem>();
        foreach (var entry in entries)
        {
            if (onlyKey is not null && entry.Key != onlyKey)
                continue;
            if (entry.Refused is not null || entry.Type != 'f')
            {
                items.Add(entry with { Refused = entry.Refused ?? (entry.Type == 'l' ? "it is a symbolic link, not a regular file" : "it is not a regular file") });
                continue;
            }
            if (await ReadValueAsync(run, entry.Key, ct).ConfigureAwait(false) is { } read)
                items.Add(read);
        }
        return (items, more);
    }

    /// <summary>
    /// Splits the listing: entries end in NUL, and a last one cut short by the byte bound is
    /// dropped. A name that is not a valid key (not UTF-8, too long, a control character) is refused.
    /// </summary>
    public static List<KvpGuestItem> ParseListing(ReadOnlySpan<byte> output)
    {
        var entries = new List<KvpGuestItem>();
        while (output.IndexOf((byte)0) is var end and >= 0)
        {
            var entry = output[..end];
            output = output[(end + 1)..];
            if (entry.Length < 2)
                continue;
            var type = (char)entry[0];
            var name = entry[1..];
            string key;
            try
            {
                key = Strict.GetString(name);
            }
            catch (DecoderFallbackException)
            {
                entries.Add(new KvpGuestItem(GuestText.Sanitize(Encoding.UTF8.GetString(name)), type, null, "the key is not valid UTF-8 text"));
                continue;
            }
            var errors = new List<ValidationError>();
            KvpRules.CheckKey("key", key, errors);
            entries.Add(errors.Count == 0
                ? new KvpGuestItem(key, type, null, null)
                : new KvpGuestItem(GuestText.Sanitize(key), type, null, string.Join("; ", errors.Select(e => e.Message))));
        }
        return entries;
    }

    /// <summary>
    /// The value of one file, or the reason it is refused: more than <see cref="KvpRules.MaxValueBytes"/>
    /// bytes, or not UTF-8. One trailing newline (what <c>echo</c> adds) is dropped; other control
    /// characters are shown as '?'. Null when the file went away since the listing.
    /// </summary>
    private static async Task<KvpGuestItem?> ReadValueAsync(QemuSession run, string key, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await run.Agent.UseAsync(async (agent, t) =>
            {
                var handle = await agent.OpenFileAsync($"{GuestFolder}/{key}", "r", t).ConfigureAwait(false);
                try
                {
                    return (await agent.ReadFileAsync(handle, KvpRules.MaxValueBytes + 1, t).ConfigureAwait(false)).Bytes;
                }
                finally
                {
                    await agent.CloseFileAsync(handle, t).ConfigureAwait(false);
                }
            }, GuestExec.AgentWait, ct).ConfigureAwait(false);
        }
        catch (GuestAgentCommandException e) when (e.Desc.Contains("No such file", StringComparison.Ordinal))
        {
            return null;
        }
        catch (GuestAgentCommandException e)
        {
            return new KvpGuestItem(key, 'f', null, $"the guest could not read it: {e.Desc}");
        }
        return Decode(key, bytes);
    }

    public static KvpGuestItem Decode(string key, byte[] bytes)
    {
        if (bytes.Length > KvpRules.MaxValueBytes)
            return new KvpGuestItem(key, 'f', null, $"the value is larger than the limit of {KvpRules.MaxValueBytes} bytes");
        var length = bytes.Length;
        if (length > 0 && bytes[length - 1] == '\n')
            length--;
        try
        {
            var text = Strict.GetString(bytes, 0, length);
            return new KvpGuestItem(key, 'f', GuestText.Sanitize(text, KvpRules.MaxValueBytes), null);
        }
        catch (DecoderFallbackException)
        {
            return new KvpGuestItem(key, 'f', null, "the value is not valid UTF-8 text");
        }
    }
}
