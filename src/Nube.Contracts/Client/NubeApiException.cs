namespace Nube.Contracts.Client;

/// <summary>The host service refused a request; the problem says why.</summary>
public sealed class NubeApiException(int status, ApiProblem problem)
    : Exception(Describe(problem))
{
    public int Status { get; } = status;
    public ApiProblem Problem { get; } = problem;

    private static string Describe(ApiProblem problem)
    {
        if (problem.Errors is { Count: > 0 } errors)
            return string.Join(Environment.NewLine, errors.Select(e => e.Message));
        return problem.Detail ?? problem.Title ?? "the host service refused the request";
    }
}
