using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Serialization.Metadata;
using Nube.Contracts.Audit;
using Nube.Contracts.Auth;
using Nube.Contracts.Events;
using Nube.Contracts.Hosts;
using Nube.Contracts.HostSystem;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Contracts.Client;

/// <summary>
/// Talks to one host service (<c>nubed</c>) over its UNIX socket, or over TCP with a bearer token.
/// Used by the CLI, the benchmarks and the end-to-end tests alike.
/// </summary>
public sealed class NubeApiClient : IDisposable
{
    private static readonly ContractsJson Json = ContractsJson.Default;
    private readonly HttpClient http;
    /// <summary>The same connection settings with no timeout, for the event stream.</summary>
    private readonly HttpClient streaming;
    private readonly HttpMessageInvoker invoker;
    private readonly Uri baseAddress;
    private readonly SocketsHttpHandler handler;

    private NubeApiClient(SocketsHttpHandler handler, Uri baseAddress, string? token, TimeSpan timeout)
    {
        this.baseAddress = baseAddress;
        this.handler = handler;
        invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        http = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = timeout };
        streaming = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            streaming.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
        }
    }

    /// <summary>A client for the service listening on a UNIX socket.</summary>
    public static NubeApiClient ForUnixSocket(string socketPath, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            // A local socket: no proxy to look up.
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new NubeApiClient(handler, new Uri("http://nubed/"), null, timeout ?? DefaultTimeout);
    }

    /// <summary>A client for the service listening on TCP, which requires a bearer token.</summary>
    public static NubeApiClient ForUrl(Uri url, string token, TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler(), url, token, timeout ?? DefaultTimeout);

    /// <summary>
    /// A client for the service over TLS with a certificate no authority vouches for (the host's
    /// self-signed one): it is accepted when, and only when, its SHA-256 fingerprint is
    /// <paramref name="certificateFingerprint"/> (hex, colons optional), as <c>nube host info</c> shows it.
    /// </summary>
    /// <param name="presented">Told the fingerprint of the certificate the server presented, whether it matched or not.</param>
    public static NubeApiClient ForPinnedUrl(Uri url, string token, string certificateFingerprint, TimeSpan? timeout = null, Action<string>? presented = null)
    {
        var pinned = NormaliseFingerprint(certificateFingerprint);
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && Matches(certificate, pinned, presented) },
        };
        return new NubeApiClient(handler, url, token, timeout ?? DefaultTimeout);
    }

    /// <summary>Uppercase hex without separators, for comparing fingerprints however they were written.</summary>
    public static string NormaliseFingerprint(string fingerprint) =>
        string.Concat(fingerprint.Where(char.IsAsciiHexDigit)).ToUpperInvariant();

    private static bool Matches(System.Security.Cryptography.X509Certificates.X509Certificate certificate, string pinned, Action<string>? presented)
    {
        var hash = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        presented?.Invoke(hash);
        return string.Equals(hash, pinned, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Graceful stops and saves can take a while; the service bounds them itself.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public Task<HostInfo> GetHostAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "api/v1/host", null, Json.HostInfo, ct);

    public Task<HostInfo> SetHostAsync(HostSettings settings, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, "api/v1/host", JsonContent.Create(settings, Json.HostSettings), Json.HostInfo, ct);

    /// <summary>Applies every running VM's automatic stop action, as at host shutdown.</summary>
    public Task<IReadOnlyList<VmSummary>> StopAllVmsAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/host/stop-vms", null, Json.IReadOnlyListVmSummary, ct);

    public Task<IReadOnlyList<VmSummary>> ListVmsAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "api/v1/vms", null, Json.IReadOnlyListVmSummary, ct);

    /// <summary>A VM's details; the service waits up to <paramref name="agentWaitSeconds"/> for the guest agent.</summary>
    public Task<VmDetails> GetVmAsync(string vm, int agentWaitSeconds = 1, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"{VmPath(vm)}?agentWait={agentWaitSeconds}", null, Json.VmDetails, ct);

    /// <summary>The VM's resource use now; <paramref name="history"/> adds the last half hour's rates.</summary>
    public Task<VmMeasurement> MeasureVmAsync(string vm, bool history = false, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"{VmPath(vm)}/measure{(history ? "?history=true" : "")}", null, Json.VmMeasurement, ct);

    public Task<VmDetails> CreateVmAsync(VmSettings settings, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/vms", JsonContent.Create(settings, Json.VmSettings), Json.VmDetails, ct);

    public Task<VmDetails> SetVmAsync(string vm, VmSettings changes, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, VmPath(vm), JsonContent.Create(changes, Json.VmSettings), Json.VmDetails, ct);

    /// <param name="deleteDisks">Delete the VM's disk files too, those no other VM uses (the answer's diskFiles says what became of each).</param>
    public Task<VmDetails> RemoveVmAsync(string vm, bool deleteDisks = false, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, deleteDisks ? $"{VmPath(vm)}?deleteDisks=true" : VmPath(vm), null, Json.VmDetails, ct);

    /// <summary>
    /// Starts a lifecycle operation (start, stop, turn-off, pause, resume, save) as a job and
    /// returns it: ended when it finished within <paramref name="waitSeconds"/>, else queued or
    /// running. A job that failed or was cancelled within the wait throws its problem.
    /// </summary>
    /// <param name="agentWaitSeconds">start only: after QEMU runs, wait this long for the guest agent.</param>
    public Task<JobInfo> StartJobAsync(string vm, string operation, double waitSeconds = 0, int? agentWaitSeconds = null,
        CancellationToken ct = default)
    {
        var query = $"?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
            (agentWaitSeconds is { } a ? $"&agentWait={a}" : "");
        return SendAsync(HttpMethod.Post, $"{VmPath(vm)}/{Uri.EscapeDataString(operation)}{query}", null, Json.JobInfo, ct);
    }

    /// <summary>Runs an operation to its end (see <see cref="StartJobAsync"/>); throws the job's problem if it did not complete.</summary>
    public async Task<JobInfo> RunJobAsync(string vm, string operation, int? agentWaitSeconds = null, CancellationToken ct = default)
    {
        var job = await StartJobAsync(vm, operation, LongPollSeconds, agentWaitSeconds, ct).ConfigureAwait(false);
        // An ended job came back whole (a failed one was thrown as its problem): no need to ask again.
        return JobStates.IsEnded(job.State) ? job : await WaitJobAsync(job.Id, ct).ConfigureAwait(false);
    }

    /// <summary>A job as it is now; with <paramref name="waitSeconds"/>, as soon as it ends or when the wait is over.</summary>
    public Task<JobInfo> GetJobAsync(Guid id, double waitSeconds = 0, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"api/v1/jobs/{id}?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            null, Json.JobInfo, ct);

    /// <summary>Waits for a job to end; throws its problem unless it completed.</summary>
    public async Task<JobInfo> WaitJobAsync(Guid id, CancellationToken ct = default)
    {
        while (true)
        {
            var job = await GetJobAsync(id, LongPollSeconds, ct).ConfigureAwait(false);
            if (!JobStates.IsEnded(job.State))
                continue;
            if (job.State == JobStates.Completed)
                return job;
            throw new NubeApiException(job.Problem?.Status ?? (int)HttpStatusCode.InternalServerError,
                job.Problem ?? new ApiProblem { Title = $"The job {job.State}", JobId = job.Id });
        }
    }

    /// <summary>The host's jobs, newest first: those under way and a bounded history of ended ones.</summary>
    public Task<IReadOnlyList<JobInfo>> ListJobsAsync(string? vm = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, vm is null ? "api/v1/jobs" : $"api/v1/jobs?vm={Uri.EscapeDataString(vm)}",
            null, Json.IReadOnlyListJobInfo, ct);

    /// <summary>Asks a job to stop; it ends cancelled once its VM is in the safe state the job's kind documents.</summary>
    public Task<JobInfo> CancelJobAsync(Guid id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/jobs/{id}/cancel", null, Json.JobInfo, ct);

    /// <summary>Follows the host's event stream until cancelled; <paramref name="after"/> resumes after that sequence number.</summary>
    public async IAsyncEnumerable<HostEvent> FollowEventsAsync(long? after = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (after is { } sequence)
            request.Headers.Add("Last-Event-ID", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ToExceptionAsync(response, ct).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var parser = System.Net.ServerSentEvents.SseParser.Create(body,
            (_, data) => System.Text.Json.JsonSerializer.Deserialize(data, Json.HostEvent)!);
        await foreach (var item in parser.EnumerateAsync(ct).ConfigureAwait(false))
            yield return item.Data;
    }

    /// <summary>Every integration service of a VM with its status.</summary>
    public Task<IReadOnlyList<IntegrationServiceInfo>> ListIntegrationServicesAsync(string vm, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"{VmPath(vm)}/integration-services", null, Json.IReadOnlyListIntegrationServiceInfo, ct);

    /// <summary>Enables or disables one integration service (heartbeat, shutdown, time-sync, kvp, guest-services, backup), live.</summary>
    public Task<IntegrationServiceInfo> SetIntegrationServiceAsync(string vm, string service, bool enabled, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"{VmPath(vm)}/integration-services/{Uri.EscapeDataString(service)}/{(enabled ? "enable" : "disable")}",
            null, Json.IntegrationServiceInfo, ct);

    /// <summary>
    /// Freezes the guest's file systems as a job that ends once they are frozen; the host thaws them
    /// after <paramref name="timeoutSeconds"/> (its default when null) unless thawed before.
    /// </summary>
    public Task<JobInfo> StartFreezeAsync(string vm, int? timeoutSeconds, double waitSeconds = 0, CancellationToken ct = default)
    {
        var query = $"?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
            (timeoutSeconds is { } t ? $"&timeoutSeconds={t}" : "");
        return SendAsync(HttpMethod.Post, $"{VmPath(vm)}/freeze{query}", null, Json.JobInfo, ct);
    }

    /// <summary>Long-polls stay under the client's timeout and any proxy's idle limit.</summary>
    private const double LongPollSeconds = 30;

    /// <summary>Opens the VM's serial console (COM1) as a WebSocket of raw bytes.</summary>
    public async Task<WebSocket> OpenConsoleAsync(string vm, CancellationToken ct = default)
    {
        var ws = new ClientWebSocket();
        if (http.DefaultRequestHeaders.Authorization is { } auth)
            ws.Options.SetRequestHeader("Authorization", auth.ToString());
        var uri = new UriBuilder(new Uri(baseAddress, $"{VmPath(vm)}/console"))
        {
            Scheme = baseAddress.Scheme == "https" ? "wss" : "ws",
        }.Uri;
        try
        {
            await ws.ConnectAsync(uri, invoker, ct).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            // ClientWebSocket hides the refusal's body: ask over plain HTTP, which throws the
            // real problem when the VM does not exist, and otherwise explain the likely cause.
            ws.Dispose();
            var details = await GetVmAsync(vm, 0, ct).ConfigureAwait(false);
            throw new NubeApiException((int)HttpStatusCode.Conflict, new ApiProblem
            {
                Title = "The console is not available",
                Detail = $"VM '{details.Summary.Name}' is {details.Summary.State}: its console is there only while it runs.",
            });
        }
        return ws;
    }

    /// <summary>The VM's screen as it is now, as PNG (running or paused VMs only).</summary>
    public async Task<byte[]> GetScreenshotAsync(string vm, CancellationToken ct = default)
    {
        using var response = await http.GetAsync($"{VmPath(vm)}/screenshot", ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ToExceptionAsync(response, ct).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A VM's data exchange pairs: every pool, or only <paramref name="pool"/> (host, guest, intrinsic).</summary>
    public Task<KvpList> ListKvpAsync(string vm, string? pool = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"{VmPath(vm)}/kvp{(pool is null ? "" : $"?pool={Uri.EscapeDataString(pool)}")}", null, Json.KvpList, ct);

    /// <summary>One pair: from <paramref name="pool"/>, or the first of host, guest, intrinsic that has the key.</summary>
    public Task<KvpItem> GetKvpAsync(string vm, string key, string? pool = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"{VmPath(vm)}/kvp/item?key={Uri.EscapeDataString(key)}{(pool is null ? "" : $"&pool={Uri.EscapeDataString(pool)}")}",
            null, Json.KvpItem, ct);

    /// <summary>Adds or replaces a host-to-guest pair.</summary>
    public Task<KvpChange> SetKvpAsync(string vm, string key, string value, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"{VmPath(vm)}/kvp/item", JsonContent.Create(new KvpSetRequest { Key = key, Value = value }, Json.KvpSetRequest),
            Json.KvpChange, ct);

    public Task<KvpChange> RemoveKvpAsync(string vm, string key, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"{VmPath(vm)}/kvp/item?key={Uri.EscapeDataString(key)}", null, Json.KvpChange, ct);

    /// <summary>Starts a copy of a host file into the guest as a job (see <see cref="StartJobAsync"/> for the wait).</summary>
    public Task<JobInfo> CopyFileAsync(string vm, FileCopyRequest request, double waitSeconds = 0, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"{VmPath(vm)}/copy-file?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            JsonContent.Create(request, Json.FileCopyRequest), Json.JobInfo, ct);

    /// <summary>The host machine's own settings: host name, network interfaces, time zone and NTP, login menu.</summary>
    public Task<HostSystemInfo> GetHostSystemAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "api/v1/host/system", null, Json.HostSystemInfo, ct);

    public Task<HostSystemInfo> SetHostSystemAsync(HostSystemSettings settings, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, "api/v1/host/system", JsonContent.Create(settings, Json.HostSystemSettings), Json.HostSystemInfo, ct);

    /// <summary>The Debian updates available for the packages Nube uses.</summary>
    public Task<HostUpdates> GetHostUpdatesAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "api/v1/host/system/updates", null, Json.HostUpdates, ct);

    /// <summary>Starts a host job on the updates: <c>check</c> (download the package lists) or <c>apply</c> (install them).</summary>
    public Task<JobInfo> StartHostUpdateJobAsync(string operation, double waitSeconds = 0, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post,
            $"api/v1/host/system/updates/{Uri.EscapeDataString(operation)}?wait={waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            null, Json.JobInfo, ct);

    /// <summary>Applies every running VM's automatic stop action, then restarts or shuts down the host.</summary>
    public Task<PowerResult> PowerAsync(PowerRequest request, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/host/system/power", JsonContent.Create(request, Json.PowerRequest), Json.PowerResult, ct);

    public Task<IReadOnlyList<UserInfo>> ListUsersAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "api/v1/users", null, Json.IReadOnlyListUserInfo, ct);

    public Task<UserInfo> AddUserAsync(string name, string password, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/users", JsonContent.Create(new NewUserRequest { Name = name, Password = password }, Json.NewUserRequest),
            Json.UserInfo, ct);

    /// <summary>Removes a user, with its API tokens and sessions.</summary>
    public Task<UserInfo> RemoveUserAsync(string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"api/v1/users/{Uri.EscapeDataString(name)}", null, Json.UserInfo, ct);

    /// <summary>Gives a user a new password; its other sessions end.</summary>
    public Task<UserInfo> SetPasswordAsync(string name, string password, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"api/v1/users/{Uri.EscapeDataString(name)}/password",
            JsonContent.Create(new PasswordRequest { Password = password }, Json.PasswordRequest), Json.UserInfo, ct);

    public Task<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "api/v1/tokens", null, Json.IReadOnlyListTokenInfo, ct);

    /// <summary>Makes an API token; its secret is in the answer and nowhere else, ever.</summary>
    public Task<NewToken> CreateTokenAsync(NewTokenRequest request, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/tokens", JsonContent.Create(request, Json.NewTokenRequest), Json.NewToken, ct);

    public Task<TokenInfo> RevokeTokenAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"api/v1/tokens/{Uri.EscapeDataString(id)}", null, Json.TokenInfo, ct);

    /// <summary>The audit trail's records, newest first; every filter is optional (see <c>GET /api/v1/audit</c>).</summary>
    public Task<IReadOnlyList<AuditRecord>> ListAuditAsync(DateTimeOffset? since = null, DateTimeOffset? until = null, string? user = null,
        string? vm = null, int? limit = null, CancellationToken ct = default)
    {
        var query = string.Join('&', new (string Name, string? Value)[]
            {
                ("since", since?.ToString("O", CultureInfo.InvariantCulture)), ("until", until?.ToString("O", CultureInfo.InvariantCulture)),
                ("user", user), ("vm", vm), ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
            }.Where(q => q.Value is not null).Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}"));
        return SendAsync(HttpMethod.Get, query.Length == 0 ? "api/v1/audit" : $"api/v1/audit?{query}", null, Json.IReadOnlyListAuditRecord, ct);
    }

    /// <summary>The disk files of the host (<c>nube disk</c>).</summary>
    public DiskApi Disks => new(this);

    /// <summary>The host's ISO library (<c>nube iso</c>).</summary>
    public IsoApi Isos => new(this);

    /// <summary>The host's virtual switches (<c>nube switch</c>).</summary>
    public SwitchApi Switches => new(this);

    public PeerApi Peers => new(this);

    public MigrationApi Migrations => new(this);

    internal static string VmPath(string vm) => $"api/v1/vms/{Uri.EscapeDataString(vm)}";

    /// <summary>One request with its JSON answer, or the problem it answered as a <see cref="NubeApiException"/>; for the clients of one area too (<see cref="DiskApi"/>).</summary>
    /// <param name="upload">
    /// A large body: no timeout (an upload takes as long as its size needs), and Expect: 100-continue,
    /// so that a refusal (a name taken, a size over the limit) comes before the body is sent.
    /// </param>
    internal async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body,
        JsonTypeInfo<T> typeInfo, CancellationToken ct, bool upload = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        request.Headers.ExpectContinue = upload ? true : null;
        using var response = await (upload ? streaming : http).SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ToExceptionAsync(response, ct).ConfigureAwait(false);
        var result = await response.Content.ReadFromJsonAsync(typeInfo, ct).ConfigureAwait(false);
        return result ?? throw new NubeApiException((int)response.StatusCode,
            new ApiProblem { Detail = $"The host service answered {path} with an empty body." });
    }

    private static async Task<NubeApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        ApiProblem? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(Json.ApiProblem, ct).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a problem document (a proxy, or a crash before the handler ran): report the status alone.
        }
        problem ??= new ApiProblem { Status = (int)response.StatusCode, Title = response.ReasonPhrase };
        return new NubeApiException((int)response.StatusCode, problem);
    }

    public void Dispose()
    {
        http.Dispose();
        streaming.Dispose();
        invoker.Dispose();
        handler.Dispose();
    }
}
