using System.CommandLine;
using System.Net.Http;
using System.Net.Sockets;
using Nube.Cli.Output;
using Nube.Contracts.Client;

namespace Nube.Cli.Commands;

/// <summary>Runs a command's body with a client, and turns every failure into a message and an exit code.</summary>
public static class CommandRunner
{
    public static void SetHandler(this Command command, Func<ParseResult, NubeApiClient, CancellationToken, Task> body) =>
        command.SetAction(async (p, ct) =>
        {
            try
            {
                using var client = GlobalOptions.Client(p);
                await body(p, client, ct);
                return ExitCodes.Ok;
            }
            catch (NubeApiException e)
            {
                return ErrorReport.Write(Printer.Json(p), ExitCodes.ForStatus(e.Status), e.Message, e.Problem with { Status = e.Status });
            }
            catch (CliException e)
            {
                return ErrorReport.Write(Printer.Json(p), e.ExitCode, e.Message, e.Problem, e.Job);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                var where = p.GetValue(GlobalOptions.Url)?.ToString() ?? p.GetValue(GlobalOptions.Socket);
                return ErrorReport.Write(Printer.Json(p), ExitCodes.Unreachable, $"Cannot reach the host service at {where}: {e.InnerException?.Message ?? e.Message}. Is nubed running?");
            }
            catch (System.Text.Json.JsonException e)
            {
                // Most likely a nubed of another version, whose answers have another shape.
                return ErrorReport.Write(Printer.Json(p), ExitCodes.Failed, $"Cannot read the host service's answer; is nubed another version than nube? {e.Message}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: whatever was waiting has said what it leaves behind.
                return ExitCodes.Interrupted;
            }
        });
}
