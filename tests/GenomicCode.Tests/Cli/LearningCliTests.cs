using System.Text.Json;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class LearningCliTests
{
    [Fact]
    public void Should_WriteJsonAndFigures_When_RunWithTinySettings()
    {
        using var dir = new TempDir();
        var r = Run("experiment", "learning", "--generations", "2", "--population", "4", "--steps", "2", "--seed", "1", "--sigma", "0.05", "--out", dir["learn"]);
        Assert.True(r.Code == 0, r.Output);
        foreach (string f in new[] { "learning.json", "learning.png", "learning_time.png", "learning_phenotypes.png" })
            Assert.True(File.Exists(Path.Combine(dir["learn"], f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["learn"], "learning.json")));
        var root = json.RootElement;
        Assert.Equal(8, root.GetProperty("evolution").GetProperty("evaluations").GetInt64());
        Assert.Equal(2, root.GetProperty("gradient").GetProperty("evaluations").GetInt64());
        Assert.Equal("OpenAI-ES", root.GetProperty("evolution").GetProperty("learner").GetString());
        Assert.Equal(3, root.GetProperty("gradient").GetProperty("curve").GetProperty("loss").GetArrayLength()); // start + 2 steps
        Assert.True(root.GetProperty("evolution").GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("parameters").GetInt32() > 0);
        Assert.Equal("grn", root.GetProperty("options").GetProperty("decoder").GetProperty("name").GetString());
        Assert.Equal(2, root.GetProperty("options").GetProperty("decoder").GetProperty("options").GetProperty("morphogens").GetInt32());
        Assert.Equal(0.05, root.GetProperty("options").GetProperty("strategy").GetProperty("options").GetProperty("sigma").GetDouble());
    }

    [Theory]
    [InlineData("--population", "1", "Population")]
    [InlineData("--population", "5", "even")]
    [InlineData("--decoder", "conv", "Decoder")]
    [InlineData("--strategy", "sgd", "unknown strategy 'sgd'")]
    [InlineData("--generations", "0", "Generations")]
    [InlineData("--steps", "0", "Steps")]
    [InlineData("--sigma", "0", "Sigma")]
    public void Should_FailWithOneLineErrorAndWriteNothing_When_AnOptionIsBad(string option, string value, string expected)
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("experiment", "learning", option, value, "--out", dir["learn"]), expected);
        Assert.False(Directory.Exists(dir["learn"]));
    }

    [Fact]
    public void Should_TakeCmaAsTheDiagonalVariant_When_LearningWeights()
    {
        // A full covariance over D weights is D x D, so `--strategy cma` of this verb is sep-CMA-ES with the verb's flags.
        var options = new GenomicCode.Cli.Commands.LearningSettings { Strategy = "cma", Population = 6, Sigma = 0.05 }.ToOptions();
        Assert.Equal("cma-diagonal", options.Strategy.Name);
        Assert.Equal(new GenomicCode.Evolution.CmaOptions { Population = 6, Sigma = 0.05 }, options.Strategy.Options);
        var es = new GenomicCode.Cli.Commands.LearningSettings { EsLearningRate = 0.2 }.ToOptions();
        Assert.Equal(new GenomicCode.Evolution.OpenAiEsOptions { Population = 32, Sigma = 0.02, LearningRate = 0.2 }, es.Strategy.Options);
    }
}
