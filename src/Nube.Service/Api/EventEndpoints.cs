using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Nube.Contracts;
using Nube.Contracts.Events;
using Nube.Service.Events;

namespace Nube.Service.Api;

public static class EventEndpoints
{
    /// <summary><c>GET /api/v1/events</c>: the host's events as Server-Sent Events; Last-Event-ID resumes.</summary>
    public static void MapEventEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/events", async (HttpContext http, EventHub hub, CancellationToken ct) =>
        {
            long? after = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                ? last : null;
            var response = http.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache,no-store";
            response.Headers.Pragma = "no-cache";
            response.Headers.ContentEncoding = "identity";
            http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            try
            {
                // The headers go now rather than with the first event, so that a client knows the
                // stream is open (a browser's EventSource fires 'open') on a quiet host too.
                await response.StartAsync(ct);
                await response.Body.FlushAsync(ct);
                await SseFormatter.WriteAsync(StreamAsync(hub, after, ct), response.Body, WriteJson, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away: the stream's normal end.
            }
        }).WithTags("Events").Describe("StreamEvents", "Follow the host's events (Server-Sent Events)",
            "A text/event-stream of the host's events (VM state changes, jobs, removals), each a JSON HostEvent named by its type " +
            "and numbered; a Last-Event-ID header resumes after that event. The stream stays open until the client goes away.")
            .Produces<HostEvent>(StatusCodes.Status200OK, "text/event-stream");

    private static void WriteJson(SseItem<HostEvent> item, System.Buffers.IBufferWriter<byte> buffer)
    {
        using var writer = new Utf8JsonWriter(buffer);
        JsonSerializer.Serialize(writer, item.Data, ContractsJson.Default.HostEvent);
    }

    private static async IAsyncEnumerable<SseItem<HostEvent>> StreamAsync(EventHub hub, long? after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var events = hub.SubscribeAsync(after, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            HostEvent next;
            var last = false;
            try
            {
                if (!await events.MoveNextAsync())
                    yield break;
                next = events.Current;
            }
            catch (EventStreamOverflowException e)
            {
                // Told once, then the stream ends: the client reconnects and re-reads what it shows.
                next = hub.Overflow(e.Sequence);
                last = true;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return new SseItem<HostEvent>(next, next.Type) { EventId = next.Sequence.ToString(CultureInfo.InvariantCulture) };
            if (last)
                yield break;
        }
    }
}
