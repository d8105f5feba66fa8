using GenomicCode.Core;

namespace GenomicCode.Tests.Core;

/// <summary>Atomic writes under failing disks: injected faults (any user) and a real 200 KB tmpfs (root only).</summary>
[Collection(TorchCollection.Name)]
public class AtomicFileTests
{
    private static string[] Temporaries(string folder) =>
        Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(n => n!.Contains(".tmp", StringComparison.Ordinal)).ToArray()!;

    [Fact]
    public void Should_KeepThePreviousFileAndLeaveNoTemporary_When_TheDiskFillsMidWrite()
    {
        using var dir = new TempDir();
        string path = dir["data.bin"];
        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        DiskFaults.FailAfterBytes = 100;
        try
        {
            var e = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllBytes(path, new byte[1000]));
            Assert.Equal($"cannot write '{path}': the disk is full; free some space or choose another folder (the previous file, if any, is unchanged).", e.Message);
        }
        finally
        {
            DiskFaults.FailAfterBytes = null;
        }
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Empty(Temporaries(dir.Path));
    }

    [Fact]
    public void Should_KeepTheReplacedFileAsThePreviousOne_When_AskedTo()
    {
        using var dir = new TempDir();
        string path = dir["c.bin"], previous = dir["c.previous.bin"];
        AtomicFile.Write(path, s => s.Write(new byte[] { 1 }), previous);
        Assert.False(File.Exists(previous));
        AtomicFile.Write(path, s => s.Write(new byte[] { 2 }), previous);
        AtomicFile.Write(path, s => s.Write(new byte[] { 3 }), previous);
        Assert.Equal(new byte[] { 3 }, File.ReadAllBytes(path));
        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(previous));
        Assert.Empty(Temporaries(dir.Path));
    }

    [Fact]
    public void Should_RefuseEarly_When_TheFileSystemHasTooLittleSpace()
    {
        using var dir = new TempDir();
        DiskFaults.FreeBytes = 200 * 1024;
        try
        {
            var e = Assert.Throws<UserInputException>(() => AtomicFile.RequireFreeSpace(dir["new/run"], 3 * 1024 * 1024, "training"));
            Assert.Equal($"not enough free space for training: needs 3.0 MB, '{dir.Path}' has 200.0 KB free; free some space or choose another folder.", e.Message);
            AtomicFile.RequireFreeSpace(dir["new/run"], 100 * 1024, "a small file");
        }
        finally
        {
            DiskFaults.FreeBytes = null;
        }
        Assert.False(Directory.Exists(dir["new"]));
    }

    [Fact]
    public void Should_RefuseADestination_When_ItIsAFolderOrUnderAFile()
    {
        using var dir = new TempDir();
        var folder = Assert.Throws<UserInputException>(() => AtomicFile.CheckDestination(dir.Path, option: "--json"));
        Assert.Equal($"--json '{dir.Path}' is a folder; give a file name.", folder.Message);
        File.WriteAllText(dir["file"], "x");
        var underFile = Assert.Throws<UserInputException>(() => AtomicFile.CheckDestination(dir["file/sub/out.json"]));
        Assert.StartsWith($"cannot write '{dir["file/sub/out.json"]}': '{dir["file"]}' is a file", underFile.Message);
        AtomicFile.CheckDestination(dir["new/sub/out.json"], 10);
        Assert.False(Directory.Exists(dir["new"])); // the check creates nothing
        Assert.Equal(new[] { "file" }, Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_RefuseADestination_When_ItsFolderIsNotWritable()
    {
        Assert.SkipUnless(Directory.Exists("/proc/self"), "needs Linux /proc (a folder nobody can create files in)");
        var e = Assert.Throws<UserInputException>(() => AtomicFile.CheckDestination("/proc/forbidden/scores.json", option: "--json"));
        Assert.StartsWith("cannot write --json '/proc/forbidden/scores.json': folder '/proc' is not writable", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
    }

    [Fact]
    public void Should_RemoveOnlyTheTemporaryFilesOfDeadProcesses_When_Cleaning()
    {
        using var dir = new TempDir();
        string path = dir["checkpoint.bin"];
        File.WriteAllText(dir[".checkpoint.bin.tmp-999999999"], "left by a killed process");
        File.WriteAllText(dir["checkpoint.bin.tmp"], "left by an older version");
        File.WriteAllText(dir[$".checkpoint.bin.tmp-{Environment.ProcessId}"], "being written by this process");
        File.WriteAllText(path, "kept");
        AtomicFile.RemoveStaleTemporaryFiles(path);
        Assert.Equal(new[] { $".checkpoint.bin.tmp-{Environment.ProcessId}", "checkpoint.bin" },
            Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_FailInOneLineAndLeaveNothing_When_WritingIntoARealFullTmpfs()
    {
        using var mount = SmallTmpfs.TryMount(200);
        Assert.SkipWhen(mount is null, "needs root and tmpfs (mount -t tmpfs -o size=200k)");
        string path = Path.Combine(mount!.Path, "big.bin");
        AtomicFile.WriteAllBytes(path, new byte[] { 7 });
        long free = AtomicFile.FreeBytes(mount.Path);
        Assert.InRange(free, 100 * 1024, 200 * 1024);
        var early = Assert.Throws<UserInputException>(() => AtomicFile.CheckDestination(path, 1024 * 1024));
        Assert.StartsWith("not enough free space for writing '", early.Message);
        var e = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllBytes(path, new byte[400 * 1024]));
        Assert.Equal($"cannot write '{path}': the disk is full; free some space or choose another folder (the previous file, if any, is unchanged).", e.Message);
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "big.bin" }, Directory.EnumerateFileSystemEntries(mount.Path).Select(Path.GetFileName));
    }
}

/// <summary>A real tmpfs of a given size for disk-full tests, mounted when the tests run as root; unmounted on dispose.</summary>
internal sealed class SmallTmpfs : IDisposable
{
    private readonly TempDir dir;

    private SmallTmpfs(TempDir dir, string path)
    {
        this.dir = dir;
        Path = path;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KB, or returns null where that is not possible (not root).</summary>
    public static SmallTmpfs? TryMount(int kilobytes)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return null;
        var dir = new TempDir();
        string point = dir["mnt"];
        Directory.CreateDirectory(point);
        if (Exec("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", point) != 0)
        {
            dir.Dispose();
            return null;
        }
        return new SmallTmpfs(dir, point);
    }

    private static int Exec(string file, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = System.Diagnostics.Process.Start(info)!;
            p.WaitForExit(10_000);
            return p.HasExited ? p.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Exec("umount", Path);
        dir.Dispose();
    }
}
