using Nube.Service.Auth;
using Nube.Service.Jobs;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Audit;

/// <summary>
/// Records every state-changing API request (see <see cref="AuditRecords.Audited"/>) in the audit
/// log once it is answered, refused ones included: it runs before the exception handler and the
/// authentication gate, so it sees the final status of every answer and the caller the gate named.
/// The request's jobs are made under its <see cref="JobOrigin"/>, which names the same caller.
/// A record's time is when the answer ended (a WebSocket's: when it closed), so that the file is in
/// time order; its duration says how long before that the request came.
/// </summary>
public sealed class AuditTrail(RequestDelegate next, AuditLog log, VmRegistry registry, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!AuditRecords.Audited(http))
        {
            await next(http);
            return;
        }
        var started = clock.GetTimestamp();
        // Read now: the exception handler clears the endpoint and route values before it answers.
        var route = AuditRecords.RouteOf(http);
        // Before the request runs: a removed VM is still found.
        var vm = Target(http.Request.RouteValues.TryGetValue("vm", out var value) ? value?.ToString() : null);
        var facts = new AuditFacts(new JobOrigin(() => AuditRecords.Who(http.Features.Get<Caller>()).Who));
        http.Features.Set(facts);
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            using (JobOrigin.Enter(facts.Origin))
                await next(http);
            status = http.Response.StatusCode;
        }
        finally
        {
            var who = AuditRecords.Who(http.Features.Get<Caller>(), facts.SignInUser);
            log.Record(AuditRecords.Build(clock.GetUtcNow(), who, AuditRecords.From(http), http.Request.Method, route,
                $"{http.Request.PathBase}{http.Request.Path}", vm, status, facts.Origin.FirstJob, facts.Problem, clock.GetElapsedTime(started)));
        }
    }

    /// <summary>The VM a route names, by its name and id when it exists (the CLI names VMs, the web console gives ids).</summary>
    private (string? Name, Guid? Id) Target(string? given)
    {
        if (given is null)
            return (null, null);
        try
        {
            var vm = registry.Resolve(given);
            return (vm.Snapshot.Name, vm.Id);
        }
        catch (VmNotFoundException)
        {
            return (given, null);
        }
    }
}
