using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nube.Core.Qemu;

namespace Nube.Qemu.Launch;

/// <summary>
/// Starts one VM's QEMU from a launch plan. QEMU daemonizes (-daemonize): its first process
/// exits once the VM is initialised, so a start error is reported here with QEMU's own words,
/// and the VM outlives the host service.
/// </summary>
public sealed class QemuLauncher(ILogger logger)
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public async Task<QemuProcess> LaunchAsync(LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct)
    {
        var missing = plan.RequiredFiles.Where(f => !File.Exists(f.Path)).ToList();
        if (missing.Count > 0)
            throw new QemuLaunchException(string.Join(Environment.NewLine,
                missing.Select(f => $"{f.Field}: the file '{f.Path}' does not exist.")));
        foreach (var file in plan.FilesFromTemplates)
            CopyTemplate(file);

        PrepareRuntimeDirectory(paths);
        var psi = new ProcessStartInfo(plan.Argv[0])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in plan.Argv.Skip(1))
            psi.ArgumentList.Add(arg);
        logger.LogInformation("Starting QEMU: {Argv}", string.Join(' ', plan.Argv));

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new QemuLaunchException($"Could not start '{plan.Argv[0]}'.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new QemuLaunchException($"Could not start '{plan.Argv[0]}': {e.Message}. Is QEMU installed (scripts/install-deps.sh)?");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StartTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new QemuLaunchException($"QEMU did not finish starting within {StartTimeout.TotalSeconds:0} s.");
            }
            var errors = (await stderr.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0)
                throw new QemuLaunchException($"QEMU exited with code {process.ExitCode}: {errors}");
            if (errors.Length > 0)
                logger.LogWarning("QEMU said while starting: {Stderr}", errors);
        }
        var pid = PidFile.Read(paths.PidFile) ?? throw new QemuLaunchException($"QEMU started but left no pid in {paths.PidFile}.");
        return new QemuProcess(pid, marker);
    }

    /// <summary>
    /// Made once and kept: the VM's own copy (its UEFI variables) is its state from then on.
    /// Copied to a temporary name first, so that a copy cut short is never taken for the file.
    /// Only root reads it: QEMU opens it before it drops its privileges.
    /// </summary>
    private static void CopyTemplate(FileFromTemplate file)
    {
        if (File.Exists(file.Path))
            return;
        var temporary = file.Path + ".new";
        try
        {
            File.Copy(file.Template, temporary, overwrite: true);
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new QemuLaunchException($"{file.Field}: cannot make '{file.Path}' from '{file.Template}': {e.Message}");
        }
    }

    /// <summary>Sockets and pidfile of a QEMU that is gone would only mislead: start clean.</summary>
    private static void PrepareRuntimeDirectory(VmRuntimePaths paths)
    {
        Directory.CreateDirectory(paths.RuntimeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in new[] { paths.QmpSocket, paths.AgentSocket, paths.SerialSocket, paths.VncSocket, paths.PidFile })
            File.Delete(file);
    }
}
