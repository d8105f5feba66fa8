using System.Text.RegularExpressions;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Metrics;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Extending;

/// <summary>
/// docs/extending.md stays true: a toy variant of every family (Toys.cs, public API only) registers, is read from a
/// preset's JSON components, trains, shows in <c>genomic-code list</c> and trains from the CLI; the worked examples in
/// the document are the toys' code.
/// </summary>
[Collection(TorchCollection.Name)]
public partial class ExtendingTests
{
    private const string ToyPreset = """
        {
          "name": "toys",
          "model": {
            "latentSize": 2,
            "latent": { "name": "wide-gaussian", "options": { "priorScale": 2 } },
            "encoder": "pooled",
            "decoder": { "name": "linear", "options": { "bias": true } },
            "regularizer": { "name": "l1-code", "options": { "weight": 0.5 } }
          },
          "training": { "steps": 30, "batchSize": 8, "learningRate": 0.01, "logEvery": 1, "device": "cpu", "dataset": { "name": "stripes", "options": { "size": 16 } } }
        }
        """;

    private static IDisposable[] RegisterToys() => new[]
    {
        RegularizerCatalog.Catalogue.Register(L1Code.Entry),
        LatentCatalog.Catalogue.Register(WideGaussian.Entry),
        EncoderCatalog.Catalogue.Register(PooledEncoder.Entry),
        DecoderCatalog.Catalogue.Register(LinearDecoder.Entry),
        DatasetCatalog.Catalogue.Register(Stripes.Entry),
        MetricCatalog.Catalogue.Register(MaxCorrelation.Entry),
    };

    [Fact]
    public void Should_TrainAPresetOfToyComponents_When_EachIsRegistered()
    {
        var registrations = RegisterToys();
        try
        {
            // Given a preset whose every component is a toy, read from JSON
            var preset = Preset.Parse(ToyPreset, "toys.json");
            Assert.Equal(preset, Preset.Parse(preset.ToJson(), "toys again"));
            Assert.Equal(new WideGaussianOptions { PriorScale = 2 }, preset.Model.Latent.Options);
            var data = DatasetCatalog.Create(preset.Training.Dataset);
            using var model = GenomeVae.Create(preset.Model, data, preset.Training.Seed, torch.CPU);
            Assert.IsType<WideGaussian>(model.Latent);
            Assert.IsType<PooledEncoder>(model.Encoder);
            Assert.IsType<LinearDecoder>(model.Decoder);
            // When it trains 30 steps
            using var trainer = new Trainer(model, data, preset.Training, torch.CPU);
            var steps = Enumerable.Range(0, 30).Select(_ => trainer.TrainStep()).ToList();
            // Then the loss falls and the toy regulariser's terms are logged
            Assert.True(steps.Take(5).Average(m => m.Loss) > steps.TakeLast(5).Average(m => m.Loss),
                $"loss {steps.Take(5).Average(m => m.Loss)} -> {steps.TakeLast(5).Average(m => m.Loss)}");
            Assert.Contains("l1", steps[^1].Terms.Keys);

            // And the toy metric, read from a component, scores the trained codes against the stripes' factors: the ground
            // truth itself scores 1, the trained model's codes a correlation in (0, 1]
            var metric = MetricCatalog.Create(MetricCatalog.Catalogue.Read(System.Text.Json.JsonDocument.Parse("""{ "name": "max-correlation", "options": { "numTrain": 200 } }""").RootElement));
            Assert.Equal(new MaxCorrelationOptions { NumTrain = 200 }, metric.Options);
            Assert.Equal(1.0, metric.Evaluate(data, StripeFactors, seed: 1)["max_correlation"], 6);
            double trained = metric.Evaluate(data, model.Encode, seed: 1)["max_correlation"];
            Assert.InRange(trained, 1e-3, 1.0 + 1e-9);

            // And the command line knows them: listed, and trained from the same preset file
            using var dir = new TempDir();
            File.WriteAllText(dir["toys.json"], ToyPreset);
            foreach (var (family, name) in new[] { ("regularizers", "l1-code"), ("latents", "wide-gaussian"), ("encoders", "pooled"), ("decoders", "linear"), ("datasets", "stripes"), ("metrics", "max-correlation") })
                Assert.Contains(name, Run("list", family).Output);
            var cli = Run("train", "--preset", dir["toys.json"], "--steps", "2", "--out", dir["run"]);
            Assert.True(cli.Code == 0, cli.Output);
            Assert.Equal(preset.Model, RunFolder.OpenExisting(dir["run"]).ReadConfig().Model);
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
        // Unregistered again, the names are unknown.
        Assert.False(RegularizerCatalog.Catalogue.Contains("l1-code"));
        Assert.Throws<UserInputException>(() => Preset.Parse(ToyPreset, "toys.json"));
    }

    /// <summary>
    /// The stripes' factors read off the images: the largest row sum (16 for a horizontal stripe, 2 for a vertical one)
    /// and the first row plus the first column holding the stripe (twice its band either way). (B, 1, S, S) -> (B, 2).
    /// </summary>
    private static torch.Tensor StripeFactors(torch.Tensor x)
    {
        var rows = x.sum(3).flatten(1);                                         // (B, S) row sums
        var columns = x.sum(2).flatten(1);                                      // (B, S) column sums
        var place = rows.argmax(1) + columns.argmax(1);                         // (B) 2 x band
        return torch.stack(new[] { rows.amax(1), place.to(torch.ScalarType.Float32) }, 1);
    }

    [Fact]
    public void Should_RefuseAToy_When_ItsNameIsTaken()
    {
        var taken = new CatalogueEntry<L1CodeOptions, RegularizerContext, IRegularizer>("vae", "", "", (o, _) => new L1Code(o.Weight));
        Assert.Throws<ArgumentException>(() => RegularizerCatalog.Catalogue.Register(taken));
        Assert.Equal(7, RegularizerCatalog.Catalogue.Entries.Count(e => e.Paper.Length > 0));
    }

    [Fact]
    public void Should_ComputeTheToysMathsExactly()
    {
        using var scope = torch.NewDisposeScope();
        // L1: mean over the batch of sum |mu| = ((1 + 2) + (0 + 3)) / 2 = 3, times weight 0.5.
        var mean = torch.tensor(new float[] { 1, -2, 0, 3 }, new long[] { 2, 2 });
        var zeros = torch.zeros(2, 2);
        var terms = new L1Code(0.5).Compute(new LatentBatch(mean, zeros, mean, zeros), 0);
        Assert.Equal(1.5, terms["l1"].item<float>(), 6);
        // Wide Gaussian, s = 2: KL = 0 at the prior (m = 0, v = 4); at m = 2, v = 1: 0.5 (5/4 - 1 + 2 ln 2) = 0.818147.
        using var latent = new WideGaussian(1, 2);
        var posterior = latent.Posterior(torch.tensor(new float[] { 0, (float)Math.Log(4), 2, 0 }, new long[] { 2, 2 }));
        var kl = latent.KlPerDimension(posterior).data<float>().ToArray();
        Assert.Equal(0, kl[0], 6);
        Assert.Equal(0.5 * (1.25 - 1 + 2 * Math.Log(2)), kl[1], 5);
        // Stripes: a horizontal stripe in band 3 fills rows 6 and 7; a vertical one in band 0 fills columns 0 and 1.
        var images = new Stripes(16).Render(new[,] { { 0, 3 }, { 1, 0 } });
        Assert.Equal(32f, images[0].sum().item<float>());
        Assert.Equal(16f, images[0, 0, 6].sum().item<float>());
        Assert.Equal(16f, images[1, 0, torch.TensorIndex.Colon, 1].sum().item<float>());
        Assert.Equal(0f, images[1, 0, torch.TensorIndex.Colon, 2].sum().item<float>());
        // Pearson: x = (0, 1, 2), y = (0, 1, 3): cov 3, sd sqrt 2 and sqrt(42 / 9): r = 3 / sqrt(2 x 42 / 9) = 0.981981.
        Assert.Equal(3 / Math.Sqrt(2 * 42.0 / 9), MaxCorrelation.Pearson(new double[] { 0, 1, 2 }, new double[] { 0, 1, 3 }), 9);
        Assert.Equal(0, MaxCorrelation.Pearson(new double[] { 1, 1, 1 }, new double[] { 0, 1, 3 }));
    }

    [Fact]
    public void Should_ShowTheToysCodeVerbatim_When_DocsExtendingIsRead()
    {
        string root = RepoRoot();
        string toys = File.ReadAllText(Path.Combine(root, "tests", "GenomicCode.Tests", "Extending", "Toys.cs")).ReplaceLineEndings("\n");
        string docs = File.ReadAllText(Path.Combine(root, "docs", "extending.md")).ReplaceLineEndings("\n");
        var regions = Region().Matches(toys).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        var blocks = DocBlock().Matches(docs).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        Assert.Equal(regions.Keys.Order(), blocks.Keys.Order());
        foreach (var (name, code) in regions) Assert.True(code == blocks[name], $"docs/extending.md's {name} example differs from Toys.cs");
    }

    [GeneratedRegex(@"#region extending:(\w+)\n(.*?)#endregion", RegexOptions.Singleline)]
    private static partial Regex Region();

    [GeneratedRegex(@"<!-- extending:(\w+) -->\n```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DocBlock();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenomicCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("no GenomicCode.sln above the test assembly.");
    }
}
