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
public sealed partial class ProblemMapper(ILogger<ProblemMapper> logger) : IExceptionHandler
{
    public static ApiProblem ToProblem(Exception e) => e switch
    {
        ValidationException v => new ApiProblem
        {
            Status = StatusCodes.Status400BadRequest, Title = "The request is not valid", Detail = v.Message,
            Errors = [.. v.Errors.Select(x => new ApiFieldError(x.Field, x.Value, x.Message))],
        },
        VmNotFoundException or JobNotFoundException or Core.Checkpoints.CheckpointNotFoundException or Hosts.PeerNotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
        VmStateException => Problem(StatusCodes.Status409Conflict, "The VM's state does not allow this", e.Message),
        VmConflictException => Problem(StatusCodes.Status409Conflict, "The VM's state does not allow this", e.Message),
        Disks.DiskInUseException => Problem(StatusCodes.Status409Conflict, "The disk is in use", e.Message),
        Switches.SwitchException s => Problem(s.Status, s.Status switch
        {
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status502BadGateway => "The host could not change its network",
            _ => "The switch does not allow this",
        }, e.Message),
        Disks.IsoLibraryException i => Problem(i.Status, i.Status == StatusCodes.Status404NotFound ? "Not found" : "The ISO library does not allow this", e.Message),
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
        Migration.MoveFailedException => Problem(StatusCodes.Status502BadGateway, "The move did not happen", e.Message),
        RequestBodyException r => new ApiProblem
        {
            Status = r.Status, Title = r.Status == StatusCodes.Status413PayloadTooLarge ? "The request's body is too large" : "The request's body is not JSON",
            Detail = r.Message, Errors = [new ApiFieldError(r.Error.Field, r.Error.Value, r.Error.Message)],
        },
        BadHttpRequestException b => Unreadable(b),
        _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", e.Message),
    };

    /// <summary>
    /// Answers an error of a request. A request refused for what it sent is one line in the log (its
    /// fields, not their values: a sign-in's could be a password); an unexpected error is logged whole
    /// and answered without its text, which is nubed's business, not the caller's.
    /// </summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = ToProblem(exception);
        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unexpected error on {Method} {Path} (request {Request})", http.Request.Method, http.Request.Path,
                http.TraceIdentifier);
            problem = problem with { Detail = $"nubed met an unexpected error; its log has the details (request {http.TraceIdentifier})." };
        }
        else if (problem.Status is StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType)
        {
            logger.LogInformation("Refused {Method} {Path} from {Client} with {Status}: {Fields}", http.Request.Method, http.Request.Path,
                http.Connection.RemoteIpAddress?.ToString() ?? "the UNIX socket", problem.Status,
                problem.Errors is { Count: > 0 } errors ? string.Join(", ", errors.Select(x => x.Field)) : problem.Title);
        }
        await WriteAsync(http, problem, ct);
        return true;
    }

    public static async Task WriteAsync(HttpContext http, ApiProblem problem, CancellationToken ct)
    {
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        Audit.AuditFacts.Of(http)?.Problem = problem.Title;
        await http.Response.WriteAsJsonAsync(problem, ContractsJson.Default.ApiProblem, "application/problem+json", ct);
    }

    /// <summary>
    /// A query or route value that does not parse as its parameter's type, named from the binder's
    /// report (<c>Failed to bind parameter "double? wait" from "soon".</c>); anything else unreadable
    /// in general words.
    /// </summary>
    private static ApiProblem Unreadable(BadHttpRequestException b)
    {
        const string title = "The request could not be read";
        if (BindingFailure().Match(b.Message) is not { Success: true } m)
            return Problem(b.StatusCode, title, "The request's query, path or headers could not be read as this route takes them.");
        var (type, name, value) = (m.Groups["type"].Value, m.Groups["name"].Value, m.Groups["value"].Value);
        // The binder names the type as C# does (int, Nullable<double>).
        var kind = type.Contains("int", StringComparison.Ordinal) || type.Contains("long", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("double", StringComparison.Ordinal) ? "a number"
            : type.Contains("bool", StringComparison.Ordinal) ? "true or false"
            : "a value this route takes";
        var error = new ApiFieldError(name, value, $"{name}: {Quoting.Quote(value)} is not {kind}");
        return Problem(b.StatusCode, title, error.Message) with { Errors = [error] };
    }

    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to bind parameter "(?<type>\S+) (?<name>[^"]+)" from "(?<value>.*)"\.$""")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    private static ApiProblem Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
