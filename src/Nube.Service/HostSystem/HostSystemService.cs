using Nube.Contracts.HostSystem;
using Nube.Core.Validation;

namespace Nube.Service.HostSystem;

/// <summary>
/// The host machine's settings as one document: read from the system each time, changed all
/// together once every field is valid (every problem reported at once), one change at a time.
/// </summary>
public sealed class HostSystemService(HostNames names, NetworkProbe network, HostClock clock, LoginMenu loginMenu)
{
    private readonly SemaphoreSlim changing = new(1, 1);

    public async Task<HostSystemInfo> GetAsync(CancellationToken ct)
    {
        var interfaces = network.ListAsync(ct);
        var ntp = clock.NtpAsync(ct);
        await Task.WhenAll(interfaces, ntp).ConfigureAwait(false);
        var zone = clock.TimeZone();
        return new HostSystemInfo
        {
            HostName = names.Current(),
            Interfaces = interfaces.Result,
            TimeZone = zone,
            Ntp = ntp.Result,
            LocalTime = clock.LocalTime(zone),
            LoginMenu = loginMenu.IsOn,
        };
    }

    public async Task<HostSystemInfo> ChangeAsync(HostSystemSettings change, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        if (change.HostName is { } name)
            errors.AddRange(HostNameRules.Check(name));
        var zoneFile = change.TimeZone is { } zone ? clock.Resolve(zone, errors) : null;
        if (errors.Count > 0)
            throw new ValidationException(errors);
        await changing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (change.HostName is { } newName)
                await names.SetAsync(newName, ct).ConfigureAwait(false);
            if (change.TimeZone is { } newZone && zoneFile is not null)
                await clock.SetAsync(newZone, zoneFile, ct).ConfigureAwait(false);
            if (change.LoginMenu is { } on && on != loginMenu.IsOn)
                await loginMenu.SetAsync(on, ct).ConfigureAwait(false);
        }
        finally
        {
            changing.Release();
        }
        return await GetAsync(ct).ConfigureAwait(false);
    }
}
