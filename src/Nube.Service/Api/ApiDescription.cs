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

    /// <summary>Problem documents (<see cref="ApiProblem"/>) the route answers with, by status.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder route, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
            route.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), [ProblemType]));
        return route;
    }

    /// <summary>A route that starts a job (<see cref="JobEndpoints.AnswerAsync"/>): 202 with the job, 200 with it ended, or its problem.</summary>
    public static RouteHandlerBuilder AnswersJob(this RouteHandlerBuilder route) =>
        route.Produces<JobInfo>(StatusCodes.Status202Accepted).Produces<JobInfo>()
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

    /// <summary>A WebSocket: the 101 that upgrades the connection, or a problem before it.</summary>
    public static RouteHandlerBuilder WebSocket(this RouteHandlerBuilder route) =>
        route.Produces(StatusCodes.Status101SwitchingProtocols).Problems(StatusCodes.Status400BadRequest,
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
}
