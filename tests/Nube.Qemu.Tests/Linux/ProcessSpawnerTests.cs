using System.Runtime.InteropServices;
using Nube.Linux;
using Nube.Linux.Descriptors;
using Nube.Linux.Processes;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Linux;

/// <summary>What QEMU inherits from nubed: exactly the descriptors it is given, at their numbers, and nothing else.</summary>
public sealed class ProcessSpawnerTests
{
    [Fact]
    public async Task A_child_gets_its_descriptors_at_their_numbers_and_no_other()
    {
        using var folder = new TempFolder();
        var input = Path.Combine(folder.Path, "in");
        await File.WriteAllTextAsync(input, "from fd 7\n");
        var output = Path.Combine(folder.Path, "out");
        var log = Path.Combine(folder.Path, "log");
        // A descriptor nubed holds but does not pass: the child must not see it.
        using var unrelated = File.OpenHandle(input);
        using var passed = RegularFile.Open(input, FileAccessMode.Read).Handle;
        using var written = RegularFile.Create(output, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var logHandle = RegularFile.Create(log, FileAccessMode.Append, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var pid = ProcessSpawner.Spawn(["sh", "-c", "cat <&7 >&3; ls /proc/self/fd; echo to the log"],
            new Dictionary<int, SafeHandle> { [7] = passed, [3] = written }, logHandle);
        await WaitGoneAsync(pid);

        Assert.Equal("exited with code 0", ChildReaper.Ending(pid));
        Assert.Equal("from fd 7\n", await File.ReadAllTextAsync(output));
        // ls itself opens one more (its directory); everything else is 0-2, 3 and 7, and /dev/null between them.
        var fds = (await File.ReadAllLinesAsync(log)).Where(l => int.TryParse(l, out _)).Select(int.Parse).ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], fds.Where(fd => fd != fds.Max()).Order());
        Assert.Contains("to the log", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public void A_program_that_is_not_installed_is_an_error_that_names_it()
    {
        using var folder = new TempFolder();
        using var log = RegularFile.Create(Path.Combine(folder.Path, "log"), FileAccessMode.Append, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var e = Assert.Throws<IOException>(() => ProcessSpawner.Spawn(["nube-no-such-program"], new Dictionary<int, SafeHandle>(), log));
        Assert.Equal("'nube-no-such-program' is not installed (not found on PATH).", e.Message);
    }

    [Fact]
    public async Task A_descriptor_passed_over_a_UNIX_socket_arrives_with_its_bytes()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "passed");
        await File.WriteAllTextAsync(file, "the file's content");
        var (ours, theirs) = UnixSocket.Pair();
        await using (ours)
        using (theirs)
        using (var handle = RegularFile.Open(file, FileAccessMode.Read).Handle)
        {
            ours.SendWithDescriptor("{\"execute\":\"getfd\"}\n"u8, handle);
            var (bytes, received) = Receive(theirs);
            Assert.Equal("{\"execute\":\"getfd\"}\n", bytes);
            using var arrived = new Microsoft.Win32.SafeHandles.SafeFileHandle(received, ownsHandle: true);
            var content = new byte[64];
            var n = RandomAccess.Read(arrived, content, 0);
            Assert.Equal("the file's content", System.Text.Encoding.UTF8.GetString(content, 0, n));
        }
    }

    private static async Task WaitGoneAsync(int pid)
    {
        for (var i = 0; i < 500 && ChildReaper.Ending(pid) is null; i++)
            await Task.Delay(10);
    }

    /// <summary>recvmsg(2): the bytes and the one descriptor that came with them.</summary>
    private static unsafe (string Bytes, int Fd) Receive(SafeHandle socket)
    {
        var data = new byte[256];
        var control = stackalloc byte[64];
        fixed (byte* buffer = data)
        {
            var iov = stackalloc nint[2];
            iov[0] = (nint)buffer;
            iov[1] = data.Length;
            var message = stackalloc nint[7];
            message[2] = (nint)iov;
            message[3] = 1;
            message[4] = (nint)control;
            message[5] = 64;
            var n = RecvMsg(checked((int)socket.DangerousGetHandle()), message, 0);
            Assert.True(n > 0, $"recvmsg failed: {Marshal.GetLastPInvokeError()}");
            Assert.Equal(1, *(int*)(control + 12)); // SCM_RIGHTS
            return (System.Text.Encoding.UTF8.GetString(data, 0, (int)n), *(int*)(control + 16));
        }
    }

    [DllImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static extern unsafe nint RecvMsg(int socket, nint* message, int flags);
}
