using Microsoft.AspNetCore.Diagnostics;
using Nube.Contracts;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Api;

/// <summary>
/// The one place where Nube's errors become problem documents with HTTP statuses: for answers
/// to requests, and for the jobs that ended with an error.
/// </summary>
public sealed class ProblemMapper(ILogger<ProblemMapper> logger) : IExceptionHandler
{
    public static ApiProblem ToProblem(Exception e) => e switch
    {
        ValidationException v => new ApiProblem
        {
            Status = StatusCodes.Status400BadRequest, Title = "The request is not valid", Detail = v.Message,
            Errors = [.. v.Errors.Select(x => new ApiFieldError(x.Field, x.Value, x.Message))],
        },
        VmNotFoundException or JobNotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
        VmStateException => Problem(StatusCodes.Status409Conflict, "The VM's state does not allow this", e.Message),
        VmConflictException => Problem(StatusCodes.Status409Conflict, "The VM's state does not allow this", e.Message),
        JobEndedException => Problem(StatusCodes.Status409Conflict, "The job has ended", e.Message),
        JobCancelledException => Problem(StatusCodes.Status409Conflict, "The job was cancelled", e.Message),
        HostNotReadyException h => Problem(StatusCodes.Status503ServiceUnavailable, h.Title, e.Message),
        GuestAgentNoAnswerException => Problem(StatusCodes.Status504GatewayTimeout, "The guest agent did not answer", e.Message),
        VmOperationFailedException { InnerException: QemuLaunchException } =>
            Problem(StatusCodes.Status422UnprocessableEntity, "QEMU refused to start the VM", e.Message),
        VmOperationFailedException { InnerException: QmpCommandException q } =>
            Problem(StatusCodes.Status502BadGateway, "QEMU refused a command", e.Message) with { QmpCommand = q.Command },
        VmOperationFailedException => Problem(StatusCodes.Status502BadGateway, "QEMU did not carry out the operation", e.Message),
        KvpKeyNotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
        GuestOperationFailedException => Problem(StatusCodes.Status502BadGateway, "The guest did not carry out the operation", e.Message),
        BadHttpRequestException b => Problem(b.StatusCode, "The request could not be read", b.InnerException?.Message ?? b.Message),
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", e.Message),
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = ToProblem(exception);
        if (problem.Status == StatusCodes.Status500InternalServerError)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        await WriteAsync(http, problem, ct);
        return true;
    }

    public static async Task WriteAsync(HttpContext http, ApiProblem problem, CancellationToken ct)
    {
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        await http.Response.WriteAsJsonAsync(problem, ContractsJson.Default.ApiProblem, "application/problem+json", ct);
    }

    private static ApiProblem Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
