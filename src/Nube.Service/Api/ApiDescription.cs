using Nube.Contracts;
using Nube.Contracts.Jobs;

namespace Nube.Service.Api;

/// <summary>
/// What a route tells the OpenAPI document (<see cref="ApiDocument"/>) beyond what its handler's
/// signature says: its name (the operationId), summary and description, the body it reads through
/// <see cref="JsonBody"/>, the problems it answers with, and the shape of a job's answer.
/// </summary>
public static class ApiDescription
{
    public const string ProblemType = "application/problem+json";

    /// <summary>The description of <c>?wait</c> on every route that starts a job.</summary>
    public const string Wait =
        "Seconds to wait for the job to end (at most 300): its end within the wait answers 200 with the job, or the job's problem.";

    /// <summary>The operationId, summary and (when there is more to say) description of a route.</summary>
    public static TBuilder Describe<TBuilder>(this TBuilder route, string name, string summary, string? description = null)
        where TBuilder : IEndpointConventionBuilder
    {
        route.WithName(name).WithSummary(summary);
        return description is null ? route : route.WithDescription(description);
    }

    /// <summary>A JSON body read by <see cref="JsonBody.ReadAsync{T}"/> rather than bound by a parameter.</summary>
    public static RouteHandlerBuilder Reads<TBody>(this RouteHandlerBuilder route) where TBody : class =>
        route.Accepts<TBody>("application/json").Problems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType);

    /// <summary>What a problem's status means wherever the API answers it.</summary>
    private static readonly Dictionary<int, string> ProblemMeanings = new()
    {
        [StatusCodes.Status400BadRequest] = "The request is not valid: errors names each field, its value and the limit.",
        [StatusCodes.Status401Unauthorized] = "Over TCP: no credentials, or a token or session that is not valid (any more).",
        [StatusCodes.Status403Forbidden] = "A change made with the session cookie without its CSRF token, or a WebSocket opened from another site.",
        [StatusCodes.Status404NotFound] = "The VM, job, user, token or item named is not there.",
        [StatusCodes.Status409Conflict] = "The state of the VM, the job or the host does not allow this now.",
        [StatusCodes.Status413PayloadTooLarge] = "The body is larger than the request's limit.",
        [StatusCodes.Status415UnsupportedMediaType] = "The body is not sent as application/json.",
        [StatusCodes.Status429TooManyRequests] = "Too many sign-in attempts: Retry-After says when to try again.",
        [StatusCodes.Status502BadGateway] = "A command on the host failed; detail has its error.",
    };

    /// <summary>Problem documents (<see cref="ApiProblem"/>) the route answers with, by status.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder route, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
            route.Answers(status, typeof(ApiProblem), ProblemType, ProblemMeanings.GetValueOrDefault(status));
        return route;
    }

    /// <summary>An answer with its meaning (where the status's name alone would not say it).</summary>
    public static TBuilder Answers<TBuilder>(this TBuilder route, int status, Type? type, string? contentType, string? meaning)
        where TBuilder : IEndpointConventionBuilder =>
        route.WithMetadata(new ProducesResponseTypeMetadata(status, type, contentType is null ? null : [contentType]) { Description = meaning });

    /// <summary>A route that starts a job (<see cref="JobEndpoints.AnswerAsync"/>): 202 with the job, 200 with it ended, or its problem.</summary>
    public static RouteHandlerBuilder AnswersJob(this RouteHandlerBuilder route) =>
        route.Answers(StatusCodes.Status202Accepted, typeof(JobInfo), "application/json", "The job, still under way: GET /api/v1/jobs/{id} follows it.")
            .Answers(StatusCodes.Status200OK, typeof(JobInfo), "application/json", "The job, completed within the wait.")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

    /// <summary>A WebSocket: the 101 that upgrades the connection, or a problem before it.</summary>
    public static RouteHandlerBuilder WebSocket(this RouteHandlerBuilder route) =>
        route.Answers(StatusCodes.Status101SwitchingProtocols, typeof(void), null, "The connection is now the WebSocket.").Problems(StatusCodes.Status400BadRequest,
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
}
