using System.Globalization;
using System.Net.ServerSentEvents;
using Nube.Contracts.Events;
using Nube.Service.Events;

namespace Nube.Service.Api;

public static class EventEndpoints
{
    /// <summary><c>GET /api/v1/events</c>: the host's events as Server-Sent Events; Last-Event-ID resumes.</summary>
    public static void MapEventEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/events", (HttpContext http, EventHub hub, CancellationToken ct) =>
        {
            long? after = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                ? last : null;
            return TypedResults.ServerSentEvents(StreamAsync(hub, after, ct));
        });

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
