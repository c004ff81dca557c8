using Nube.Linux;

namespace Nube.Qemu.Tests.Linux;

public sealed class RotatingLogTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempFolder folder = new();

    private string LogPath => folder.File("com1.log");

    public void Dispose() => folder.Dispose();

    /// <summary>Byte i of the whole stream, so that any slice tells where it came from.</summary>
    private static byte At(long i) => (byte)(i * 7 % 251);

    private static byte[] Stream(long start, int length) => [.. Enumerable.Range(0, length).Select(i => At(start + i))];

    [Fact]
    public void Writing_3_5_MiB_in_4_KiB_chunks_keeps_the_newest_bytes_in_two_files_of_at_most_1_MiB()
    {
        const int chunk = 4096;
        const long total = 7L * MiB / 2;
        using (var log = new RotatingLog(LogPath))
        {
            for (long written = 0; written < total; written += chunk)
                log.Write(Stream(written, chunk));
        }

        Assert.Equal(["com1.log", "com1.log.1"], folder.Names());
        var current = File.ReadAllBytes(LogPath);
        var previous = File.ReadAllBytes(LogPath + ".1");
        Assert.InRange(current.Length, 1, MiB);
        Assert.InRange(previous.Length, 1, MiB);
        // The two files are the stream's newest bytes, in order, the newest at the end of com1.log.
        var kept = previous.Concat(current).ToArray();
        Assert.Equal(Stream(total - kept.Length, kept.Length), kept);
        Assert.Equal(MiB, previous.Length);
        Assert.Equal(MiB / 2, current.Length);
    }

    [Fact]
    public void A_write_that_does_not_fit_starts_a_new_file_instead_of_splitting()
    {
        using (var log = new RotatingLog(LogPath, maxBytes: 10))
        {
            log.Write("line one\n"u8);
            log.Write("two\n"u8);
            log.Write("three\n"u8);
        }

        Assert.Equal("two\nthree\n", File.ReadAllText(LogPath));
        Assert.Equal("line one\n", File.ReadAllText(LogPath + ".1"));
    }

    [Fact]
    public void A_write_larger_than_a_file_is_split_and_only_the_newest_files_are_kept()
    {
        using (var log = new RotatingLog(LogPath, maxBytes: 4, files: 3))
        {
            log.Write("abcdefghijklmnopqr"u8);
        }

        Assert.Equal(["com1.log", "com1.log.1", "com1.log.2"], folder.Names());
        Assert.Equal("qr", File.ReadAllText(LogPath));
        Assert.Equal("mnop", File.ReadAllText(LogPath + ".1"));
        Assert.Equal("ijkl", File.ReadAllText(LogPath + ".2"));
    }

    [Fact]
    public void One_file_starts_afresh_when_full()
    {
        using (var log = new RotatingLog(LogPath, maxBytes: 8, files: 1))
        {
            log.Write("12345678"u8);
            log.Write("9"u8);
        }

        Assert.Equal(["com1.log"], folder.Names());
        Assert.Equal("9", File.ReadAllText(LogPath));
    }

    [Fact]
    public void Reopening_appends_and_counts_what_is_already_there()
    {
        using (var log = new RotatingLog(LogPath, maxBytes: 10))
            log.Write("12345"u8);
        using (var log = new RotatingLog(LogPath, maxBytes: 10))
        {
            log.Write("6789"u8);
            Assert.Equal("123456789", File.ReadAllText(LogPath));
            log.Write("ab"u8);
        }

        Assert.Equal("ab", File.ReadAllText(LogPath));
        Assert.Equal("123456789", File.ReadAllText(LogPath + ".1"));
    }

    [Fact]
    public void A_file_left_over_the_limit_is_rotated_on_the_first_write()
    {
        File.WriteAllText(LogPath, new string('x', 50));
        using (var log = new RotatingLog(LogPath, maxBytes: 10))
            log.Write("new"u8);

        Assert.Equal("new", File.ReadAllText(LogPath));
        Assert.Equal(50, new FileInfo(LogPath + ".1").Length);
    }

    [Fact]
    public void A_reader_sees_each_write_at_once()
    {
        using var log = new RotatingLog(LogPath);
        log.Write("login: "u8);
        using var reader = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Assert.Equal("login: ", new StreamReader(reader).ReadToEnd());
        log.Write("root\n"u8);
        Assert.Equal("login: root\n", File.ReadAllText(LogPath));
    }

    [Fact]
    public void Files_are_created_with_mode_0640()
    {
        using (var log = new RotatingLog(LogPath, maxBytes: 2))
        {
            log.Write("ab"u8);
            log.Write("cd"u8);
        }

        const UnixFileMode expected = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        Assert.Equal(expected, File.GetUnixFileMode(LogPath));
        Assert.Equal(expected, File.GetUnixFileMode(LogPath + ".1"));
    }

    [Fact]
    public void Writes_from_several_threads_all_arrive_whole()
    {
        using (var log = new RotatingLog(LogPath, maxBytes: 1 << 20))
        {
            Parallel.For(0, 8, thread =>
            {
                var line = System.Text.Encoding.ASCII.GetBytes($"thread {thread} says hello\n");
                for (var i = 0; i < 200; i++)
                    log.Write(line);
            });
        }

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, line => Assert.Matches("^thread [0-7] says hello$", line));
    }

    [Fact]
    public void Writing_after_dispose_is_refused_and_bad_limits_are_refused()
    {
        var log = new RotatingLog(LogPath);
        log.Dispose();
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Write("x"u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotatingLog(LogPath, maxBytes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotatingLog(LogPath, files: 0));
    }
}
