using System.Net;
using System.Net.Http.Headers;
using Nube.Contracts.Disks;

namespace Nube.Contracts.Client;

/// <summary>The host's ISO library under <c>/api/v1/isos</c>, over the connection of a <see cref="NubeApiClient"/>.</summary>
public sealed class IsoApi(NubeApiClient client)
{
    private const string Root = "api/v1/isos";
    private static readonly ContractsJson Json = ContractsJson.Default;

    public Task<IReadOnlyList<IsoInfo>> ListAsync(CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Get, Root, null, Json.IReadOnlyListIsoInfo, ct);

    /// <summary>Sends <paramref name="source"/> (of <paramref name="length"/> bytes) as the library's <paramref name="name"/>, reporting the bytes sent.</summary>
    public Task<IsoInfo> UploadAsync(string name, Stream source, long length, bool replace = false, IProgress<long>? sent = null,
        CancellationToken ct = default)
    {
        var content = new UploadContent(source, length, sent);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return client.SendAsync(HttpMethod.Put, $"{Root}/{Uri.EscapeDataString(name)}{(replace ? "?replace=true" : "")}", content, Json.IsoInfo, ct,
            upload: true);
    }

    /// <summary>Deletes an image no VM's DVD drive holds; <paramref name="root"/> says which root's library when several have the name.</summary>
    public Task<IsoInfo> RemoveAsync(string name, string? root = null, CancellationToken ct = default) =>
        client.SendAsync(HttpMethod.Delete, $"{Root}/{Uri.EscapeDataString(name)}{(root is null ? "" : $"?root={Uri.EscapeDataString(root)}")}",
            null, Json.IsoInfo, ct);

    /// <summary>A file's bytes as a body of known length, counting what has gone out.</summary>
    private sealed class UploadContent(Stream source, long size, IProgress<long>? sent) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[1 << 20];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
                sent?.Report(total);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}
