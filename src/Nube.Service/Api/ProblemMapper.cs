using Microsoft.AspNetCore.Diagnostics;
using Nube.Contracts;
using Nube.Core.Validation;
using Nube.Service.Vms;

namespace Nube.Service.Api;

/// <summary>Turns Nube's exceptions into problem-details answers that name what was wrong.</summary>
public sealed class ProblemMapper(ILogger<ProblemMapper> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            ValidationException v => new ApiProblem
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid",
                Detail = v.Message,
                Errors = v.Errors.Select(e => new ApiFieldError(e.Field, e.Value, e.Message)).ToList(),
            },
            VmNotFoundException => new ApiProblem
            {
                Status = StatusCodes.Status404NotFound, Title = "No such VM", Detail = exception.Message,
            },
            VmOperationException o => new ApiProblem { Status = o.Status, Title = o.Title, Detail = o.Message },
            BadHttpRequestException b => new ApiProblem
            {
                Status = b.StatusCode, Title = "The request could not be read", Detail = b.InnerException?.Message ?? b.Message,
            },
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = new ApiProblem
            {
                Status = StatusCodes.Status500InternalServerError, Title = "Internal error", Detail = exception.Message,
            };
        }
        http.Response.StatusCode = problem.Status!.Value;
        http.Response.ContentType = "application/problem+json";
        await http.Response.WriteAsJsonAsync(problem, ContractsJson.Default.ApiProblem, "application/problem+json", ct);
        return true;
    }
}
