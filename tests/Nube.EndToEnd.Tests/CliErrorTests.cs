using System.Text.Json;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>How nube fails: the exit codes of docs/cli.md, and with --json one problem document on stdout with the same code.</summary>
public sealed class CliErrorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bad_usage_exits_2_and_with_json_says_so_in_a_problem_document()
    {
        await using var host = await NubedHost.StartAsync(output);

        var missing = await NubeCli.RunAsync(host, "vm", "start");
        Assert.Equal((2, "error: Required argument 'vm' missing for command: 'start'. See 'nube vm start --help'."),
            (missing.ExitCode, NubeCli.Flat(missing.Stderr)));
        var unknown = await NubeCli.RunAsync(host, "vm", "list", "--bogus");
        Assert.Equal((2, "error: Unrecognized command or argument '--bogus'. See 'nube vm list --help'."),
            (unknown.ExitCode, NubeCli.Flat(unknown.Stderr)));

        var json = await NubeCli.RunAsync(host, "vm", "list", "--bogus", "--json");
        Assert.Equal((2, ""), (json.ExitCode, json.Stderr));
        var problem = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("Bad usage", problem.GetProperty("title").GetString());
        Assert.Equal("Unrecognized command or argument '--bogus'. See 'nube vm list --help'.", problem.GetProperty("detail").GetString());
        Assert.Equal(2, problem.GetProperty("exitCode").GetInt32());
        Assert.False(problem.TryGetProperty("status", out _));
    }

    [Fact]
    public async Task The_hosts_refusals_a_failed_job_and_an_unreachable_host_keep_their_exit_codes_with_json()
    {
        await using var host = await NubedHost.StartAsync(output);
        var notFound = await NubeCli.RunAsync(host, "vm", "show", "nope", "--json");
        Assert.Equal((3, ""), (notFound.ExitCode, notFound.Stderr));
        var problem = JsonDocument.Parse(notFound.Stdout).RootElement;
        Assert.Equal((404, "VM 'nope' was not found.", 3),
            (problem.GetProperty("status").GetInt32(), problem.GetProperty("detail").GetString(), problem.GetProperty("exitCode").GetInt32()));
        Assert.Equal(3, (await NubeCli.RunAsync(host, "vm", "show", "nope")).ExitCode);

        var kernel = Path.Combine(host.Root, "nonexistent", "vmlinux");
        await host.Client.CreateVmAsync(new VmSettings { Name = "hollow", Boot = new BootSettings { Kind = "kernel", Kernel = kernel } });
        var failed = await NubeCli.RunAsync(host, "vm", "start", "hollow", "--json");
        Assert.Equal(5, failed.ExitCode);
        // One document: the problem, with the job in it.
        var job = JsonDocument.Parse(failed.Stdout).RootElement;
        Assert.Equal(5, job.GetProperty("exitCode").GetInt32());
        Assert.Equal(422, job.GetProperty("status").GetInt32());
        Assert.Contains($"boot.kernel: the file '{kernel}' does not exist.", job.GetProperty("detail").GetString());
        Assert.Equal("failed", job.GetProperty("job").GetProperty("state").GetString());
        Assert.Equal(job.GetProperty("job").GetProperty("id").GetGuid(), job.GetProperty("jobId").GetGuid());
        Assert.Equal(5, (await NubeCli.RunAsync(host, "vm", "start", "hollow")).ExitCode);

        await host.KillServiceAsync();
        var unreachable = await NubeCli.RunAsync(host, "host", "info", "--json");
        Assert.Equal(6, unreachable.ExitCode);
        var down = JsonDocument.Parse(unreachable.Stdout).RootElement;
        Assert.Equal("The host service cannot be reached", down.GetProperty("title").GetString());
        Assert.StartsWith($"Cannot reach the host service at {host.Socket}: ", down.GetProperty("detail").GetString());
        Assert.Equal(6, down.GetProperty("exitCode").GetInt32());
        Assert.Equal(6, (await NubeCli.RunAsync(host, "host", "info")).ExitCode);
    }
}
