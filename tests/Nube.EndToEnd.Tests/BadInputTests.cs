using Nube.Contracts.Client;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Each kind of bad input gets an error that names the field, the value and the limit.</summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_link_inside_a_storage_root_that_leads_outside_it_is_refused_at_start()
    {
        await using var host = await NubedHost.StartAsync(output);
        var link = Path.Combine(host.Root, "images", "vmlinux");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, "/etc/hostname");
        var settings = NubedHost.GuestSettings("linked");
        await host.Client.CreateVmAsync(settings with { Boot = settings.Boot! with { Kernel = link } });

        var e = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.RunJobAsync("linked", "start"));
        Assert.Equal(400, e.Status);
        Assert.StartsWith("boot.kernel: '/etc/hostname' is outside the host's storage roots", e.Message);
        Assert.Equal("off", (await host.Client.GetVmAsync("linked", 0)).Summary.State);
    }

    [Fact]
    public async Task Host_paths_outside_the_storage_roots_and_host_devices_are_refused()
    {
        await using var host = await NubedHost.StartAsync(output);
        var settings = NubedHost.GuestSettings("sneaky");
        var e = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.CreateVmAsync(settings with
        {
            Boot = settings.Boot! with { Kernel = "/etc/shadow" },
            IdeDrives = [new IdeDriveSettings { Controller = 0, Location = 1, Path = "/dev/sda" }],
        }));
        Assert.Equal(400, e.Status);
        Assert.Contains($"boot.kernel: '/etc/shadow' is outside the host's storage roots ({host.DataDir}/images, {TestGuest.Directory}, {host.Root}); " +
            "put the file under one of them or add a root with 'nube host set --storage-root'", e.Message);
        Assert.Contains("ideDrives[0].path: '/dev/sda' is a host device that is not a passthrough device of this host; " +
            "name it in the host's passthroughDevices ('nube host set --passthrough-device') to let VMs have it", e.Message);
        Assert.Empty(await host.Client.ListVmsAsync());
    }

    [Fact]
    public async Task Unreadable_requests_are_refused_naming_the_field_without_exception_text()
    {
        await using var host = await NubedHost.StartAsync(output);
        using var http = host.RawHttp();
        async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, string json)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path)
            {
                Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            });
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        static string Detail(string problem) => System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("detail").GetString()!;

        var wrongKind = await SendAsync(HttpMethod.Patch, "api/v1/host", """{"stopTimeoutSeconds": "soon"}""");
        Assert.Equal(400, wrongKind.Status);
        Assert.Equal("stopTimeoutSeconds: \"soon\" is not a whole number", Detail(wrongKind.Body));
        var twoMebibytes = $$"""{"edition": "{{new string('x', 2 * 1024 * 1024)}}"}""";
        var oversized = await DeclaredBody.SendAsync(DeclaredBody.Unix(host.Socket), "PATCH", "api/v1/host", twoMebibytes);
        Assert.Equal(413, oversized.Status);
        Assert.Contains($"body: {twoMebibytes.Length} bytes exceed the limit of 1048576 bytes of this request", oversized.Text);
        var badQuery = await SendAsync(HttpMethod.Post, "api/v1/vms/nothing/start?wait=soon", "");
        Assert.Equal(400, badQuery.Status);
        Assert.Equal("wait: 'soon' is not a number", Detail(badQuery.Body));
        // A route the API does not have: a problem that says so, not routing's empty 404.
        var unknown = await SendAsync(HttpMethod.Post, "api/v1/vms/nothing/reboot", "");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("The API has no route POST /api/v1/vms/nothing/reboot; /api/v1/openapi.json lists every route.", Detail(unknown.Body));
        Assert.All(new[] { wrongKind.Body, oversized.Text, badQuery.Body }, b => Assert.DoesNotContain("Exception", b));
        Assert.DoesNotContain("   at ", host.Log);
        Assert.Equal("nube", (await host.Client.GetHostAsync()).Edition);
    }

    [Fact]
    public async Task An_unknown_edition_is_refused_and_the_host_keeps_its_own()
    {
        await using var host = await NubedHost.StartAsync(output);
        var r = await NubeCli.RunAsync(host, "host", "set", "--edition", "ws2019-standard");
        Assert.Equal(5, r.ExitCode);
        Assert.Contains("edition: 'ws2019-standard' is not a known edition; the editions are 'ws2008r2-standard', " +
            "'ws2008r2-enterprise', 'ws2008r2-datacenter', 'hyperv-server-2008r2', 'nube'", NubeCli.Flat(r.Stderr));
        Assert.Equal("nube", (await host.Client.GetHostAsync()).Edition);
    }

    [Fact]
    public async Task The_service_refuses_to_start_with_an_unknown_edition_in_its_settings()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.KillServiceAsync();
        await File.WriteAllTextAsync(Path.Combine(host.DataDir, "host.json"), """{ "schemaVersion": 1, "edition": "ws2019-datacenter" }""");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartServiceAsync());
        Assert.Contains("nubed exited with code 2 while starting", e.Message);
        Assert.Contains("nubed: cannot start: edition: 'ws2019-datacenter' is not a known edition", host.Log);
    }

    [Fact]
    public async Task A_second_service_on_the_same_data_directory_is_refused_and_the_first_keeps_serving()
    {
        await using var first = await NubedHost.StartAsync(output);
        using var second = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "nubed.dll"), "--data-dir", first.DataDir, "--run-dir", first.RunDir])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!;
        var stderr = await second.StandardError.ReadToEndAsync();
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"nubed: cannot start: another nubed already serves the data directory {first.DataDir}.", stderr);
        Assert.Equal("nube", (await first.Client.GetHostAsync()).Edition);
    }

    [Fact]
    public async Task Edition_limits_are_enforced_at_creation_with_every_problem_at_once()
    {
        await using var host = await NubedHost.StartAsync(output);
        var set = await NubeCli.RunAsync(host, "host", "set", "--edition", "ws2008r2-standard");
        Assert.True(set.ExitCode == 0, set.Stderr);
        var r = await NubeCli.RunAsync(host, "vm", "new", "big", "--cpus", "8", "--memory", "40960",
            "--kernel", TestGuest.Kernel, "--nic", "legacy", "--nic", "legacy", "--nic", "legacy", "--nic", "legacy", "--nic", "legacy");
        Assert.Equal(5, r.ExitCode);
        var err = NubeCli.Flat(r.Stderr);
        Assert.Contains("processorCount: 8 exceeds the limit of 4 vCPUs per VM of edition 'ws2008r2-standard'", err);
        Assert.Contains("memoryStartupMiB: 40960 exceeds the limit of 32768 MiB of guest memory of edition 'ws2008r2-standard'", err);
        Assert.Contains("networkAdapters: 5 legacy adapters exceed the limit of 4 legacy network adapters per VM of edition 'ws2008r2-standard'", err);
        Assert.Empty(await host.Client.ListVmsAsync());
    }

    [Fact]
    public async Task Edition_limits_are_enforced_at_start_after_the_edition_changes()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.Client.CreateVmAsync(NubedHost.GuestSettings("wide") with { ProcessorCount = 6 });
        await host.Client.SetHostAsync(new() { Edition = "hyperv-server-2008r2" });
        var e = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.RunJobAsync("wide", "start"));
        Assert.Equal(400, e.Status);
        Assert.Equal("processorCount: 6 exceeds the limit of 4 vCPUs per VM of edition 'hyperv-server-2008r2'", e.Message);
        Assert.Equal("off", (await host.Client.GetVmAsync("wide", 0)).Summary.State);
    }

    [Fact]
    public async Task A_duplicate_vm_name_is_refused()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("twin");
        var r = await NubeCli.RunAsync(host, "vm", "new", "TWIN", "--kernel", TestGuest.Kernel);
        Assert.Equal(5, r.ExitCode);
        Assert.Contains("name: 'TWIN' is already the name of another VM ('twin')", NubeCli.Flat(r.Stderr));
        Assert.Single(await host.Client.ListVmsAsync());
    }

    [Fact]
    public async Task Malformed_and_future_version_vm_files_are_reported_broken_and_the_others_load()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("healthy");
        await host.KillServiceAsync();
        var malformed = Guid.NewGuid();
        var future = Guid.NewGuid();
        WriteVmFile(host, malformed, "{ \"schemaVersion\": 1, \"id\": ");
        WriteVmFile(host, future, $$"""{ "schemaVersion": 99, "id": "{{future}}", "name": "from-the-future" }""");

        await host.StartServiceAsync();
        var vms = (await host.Client.ListVmsAsync()).ToDictionary(v => v.Id);
        Assert.Equal(3, vms.Count);
        Assert.Equal("off", vms.Values.Single(v => v.Name == "healthy").State);
        Assert.Equal("broken", vms[malformed].State);
        Assert.StartsWith($"{VmFile(host, malformed)}: not valid JSON", vms[malformed].StateReason);
        Assert.Equal("broken", vms[future].State);
        Assert.Equal($"{VmFile(host, future)}: schemaVersion 99 is newer than this Nube understands (up to 2); upgrade Nube to use it.",
            vms[future].StateReason);
        var e = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.RunJobAsync(future.ToString(), "start"));
        Assert.Equal(409, e.Status);
        Assert.True(File.Exists(VmFile(host, future)), "a broken VM's file must never be rewritten or deleted by loading it");
    }

    [Fact]
    public async Task A_missing_kernel_or_disk_fails_the_start_naming_the_field_and_path()
    {
        await using var host = await NubedHost.StartAsync(output);
        var kernel = Path.Combine(host.Root, "nonexistent", "vmlinux");
        var disk = Path.Combine(host.Root, "nonexistent", "data.qcow2");
        await host.Client.CreateVmAsync(new VmSettings
        {
            Name = "hollow",
            Boot = new BootSettings { Kind = "kernel", Kernel = kernel, Initrd = TestGuest.Initrd },
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk }] }],
        });
        var r = await NubeCli.RunAsync(host, "vm", "start", "hollow");
        Assert.Equal(5, r.ExitCode);
        var err = NubeCli.Flat(r.Stderr);
        Assert.Contains($"Cannot start VM 'hollow': boot.kernel: the file '{kernel}' does not exist.", err);
        Assert.Contains($"scsiControllers[0].disks[0].path: the file '{disk}' does not exist.", err);
        Assert.Equal("off", (await host.Client.GetVmAsync("hollow", 0)).Summary.State);
    }

    [Fact]
    public async Task Qemu_missing_from_path_is_reported_by_host_info_and_vm_start()
    {
        await using var host = await NubedHost.StartAsync(output, "--qemu", "qemu-system-nube-missing");
        Assert.Equal("missing", (await host.Client.GetHostAsync()).QemuVersion);
        await host.CreateGuestVmAsync("noqemu");
        var r = await NubeCli.RunAsync(host, "vm", "start", "noqemu");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Cannot start VM 'noqemu': QEMU was not found: 'qemu-system-nube-missing' is not on PATH", NubeCli.Flat(r.Stderr));
    }

    [Fact]
    public async Task A_stale_qmp_socket_and_pidfile_are_cleared_and_the_vm_starts()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("stale");
        await host.KillServiceAsync();
        var run = Path.Combine(host.RunDir, "vms", vm.Summary.Id.ToString());
        Directory.CreateDirectory(run);
        using (var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0))
            s.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(run, "qmp.sock")));
        using (var dead = System.Diagnostics.Process.Start("true")!)
        {
            dead.WaitForExit();
            File.WriteAllText(Path.Combine(run, "pid"), dead.Id.ToString());
        }

        await host.StartServiceAsync();
        Assert.Equal("off", (await host.Client.GetVmAsync("stale", 0)).Summary.State);
        var started = await host.Client.RunJobAsync("stale", "start");
        Assert.Equal("running", started.Vm!.State);
        Assert.True((await host.Client.GetVmAsync("stale", 60)).GuestAgent?.Responding);
    }

    [Fact]
    public async Task Hardware_cannot_change_while_the_vm_runs()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("busy");
        await host.Client.RunJobAsync("busy", "start");
        var r = await NubeCli.RunAsync(host, "vm", "set", "busy", "--cpus", "2", "--notes", "hello");
        Assert.Equal(5, r.ExitCode);
        Assert.Contains("processorCount: can change only while the VM is off; it is running", NubeCli.Flat(r.Stderr));
        var ok = await NubeCli.RunAsync(host, "vm", "set", "busy", "--notes", "web tier");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Equal("web tier", (await host.Client.GetVmAsync("busy", 0)).Settings!.Notes);
    }

    [Fact]
    public async Task Kvm_is_accepted_only_where_it_is_usable()
    {
        await using var host = await NubedHost.StartAsync(output);
        var info = await host.Client.GetHostAsync();
        var r = await NubeCli.RunAsync(host, "host", "set", "--accelerator", "kvm");
        if (info.KvmUsable)
        {
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Equal("kvm", (await host.Client.GetHostAsync()).AcceleratorInUse);
            return;
        }
        Assert.Equal(5, r.ExitCode);
        Assert.Contains("accelerator: 'kvm' was requested but /dev/kvm is not usable on this host", NubeCli.Flat(r.Stderr));
        Assert.Equal("auto", (await host.Client.GetHostAsync()).Accelerator);
        Assert.Equal("tcg", (await host.Client.GetHostAsync()).AcceleratorInUse);
    }

    [Fact]
    public async Task A_running_vm_cannot_be_removed_and_an_off_one_leaves_its_disks()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("doomed");
        var disk = Path.Combine(host.DataDir, "vms", vm.Summary.Id.ToString(), "data.raw");
        await File.WriteAllTextAsync(disk, "precious");
        await host.Client.RunJobAsync("doomed", "start");
        var refused = await NubeCli.RunAsync(host, "vm", "remove", "doomed");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("Cannot remove VM 'doomed': it is running; turn it off first.", NubeCli.Flat(refused.Stderr));

        await host.Client.RunJobAsync("doomed", "turn-off");
        var removed = await NubeCli.RunAsync(host, "vm", "remove", "doomed");
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.Empty(await host.Client.ListVmsAsync());
        Assert.Equal("precious", await File.ReadAllTextAsync(disk));
        Assert.False(File.Exists(VmFile(host, vm.Summary.Id)));
    }

    private static string VmFile(NubedHost host, Guid id) => Path.Combine(host.DataDir, "vms", id.ToString(), "vm.json");

    private static void WriteVmFile(NubedHost host, Guid id, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(VmFile(host, id))!);
        File.WriteAllText(VmFile(host, id), content);
    }
}
