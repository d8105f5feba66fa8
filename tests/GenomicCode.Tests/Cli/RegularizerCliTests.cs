using GenomicCode.Cli;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using GenomicCode.Runs;
using GenomicCode.Training;
using Spectre.Console.Testing;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class RegularizerCliTests
{
    private static string Preset(TempDir dir, string model)
    {
        string path = dir["p.json"];
        File.WriteAllText(path, $$"""
            { "name": "tiny", "model": { "latentSize": 3, "encoder": { "name": "conv", "options": { "hiddenSize": 32 } },
              "decoder": { "name": "conv", "options": { "hiddenSize": 32 } }{{model}} },
              "training": { "steps": 3, "batchSize": 4, "logEvery": 1, "device": "cpu" } }
            """);
        return path;
    }

    [Fact]
    public void Should_ListEveryRegularizerWithOptionsAndPaper()
    {
        var r = Run("list", "regularizers");
        Assert.Equal(0, r.Code);
        foreach (var e in RegularizerCatalog.Catalogue.Entries)
        {
            Assert.Contains(e.Name, r.Output);
            Assert.Contains(e.Paper.Split(',')[0], r.Output);
        }
        Assert.Contains("discriminatorWidth = 1000", r.Output);
    }

    [Fact]
    public void Should_TrainWithTheChosenRegularizerAndLogTc_When_GivenOnTheCommandLine()
    {
        using var dir = new TempDir();
        var r = Run("train", "--preset", Preset(dir, ""), "--regularizer", "beta-tc", "--beta", "6", "--out", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        var config = GenomicCode.Runs.Preset.Parse(File.ReadAllText(Path.Combine(dir["run"], "config.json")), "config");
        Assert.Equal(("beta-tcvae", 6.0), (config.Model.Regularizer.Name, config.Model.Regularizer.OptionsAs<BetaTcVaeOptions>().Beta));
        string last = File.ReadLines(Path.Combine(dir["run"], RunFolder.MetricsFile)).Last();
        Assert.Contains("\"tc_estimate\":", last);
        Assert.Contains("\"beta_tc\":", last);
    }

    [Fact]
    public void Should_ExitWithUsageError_When_TheRegularizerIsUnknown()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", Preset(dir, ""), "--regularizer", "beta-wae", "--out", dir["run"]), $"known: {string.Join(", ", RegularizerCatalog.Names)}.");
        Assert.False(Directory.Exists(dir["run"]));
    }

    [Fact]
    public void Should_ExitWithUsageError_When_BetaIsGivenToARegularizerWithoutBeta()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", Preset(dir, ""), "--regularizer", "dip-vae-i", "--beta", "4", "--out", dir["run"]), "--beta does not apply to regularizer 'dip-vae-i'");
    }

    [Theory]
    [InlineData(""", "regularizer": { "name": "annealed-vae", "options": { "capacitySteps": 0 } }""", "model.regularizer.options: CapacitySteps")]
    [InlineData(""", "regularizer": { "name": "factor-vae", "options": { "gamma": -1 } }""", "model.regularizer.options: Gamma")]
    [InlineData(""", "regularizer": { "name": "dip-vae-i", "options": { "lambdaDiagonal": "NaN" } }""", "lambdaDiagonal")]
    [InlineData(""", "regularizer": { "name": "dip-vae-i", "options": { "beta": 4 } }""", "beta")]
    [InlineData(""", "regularizer": "nope" """, "unknown regularizer 'nope'")]
    public void Should_ExitWithUsageError_When_APresetHasBadRegularizerOptions(string model, string expected)
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", Preset(dir, model), "--out", dir["run"]), expected);
        Assert.False(Directory.Exists(dir["run"]));
    }

    [Fact]
    public void Should_ExitWithUsageError_When_BetaIsNaN()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", Preset(dir, ""), "--regularizer", "beta-tcvae", "--beta", "NaN", "--out", dir["run"]), "--beta");
    }
}
