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

    [Fact]
    public void Should_EvolveTheSameWay_When_TheIlgpuBackendRunsOnTheCpuAccelerator()
    {
        // Given the same tiny run on the torch backend and on the ILGPU kernels (CPU accelerator)
        using var dir = new TempDir();
        string[] common = { "experiment", "learning", "--generations", "2", "--population", "2", "--steps", "1", "--seed", "1" };
        var torchRun = Run(common.Concat(new[] { "--out", dir["torch"] }).ToArray());
        var ilgpuRun = Run(common.Concat(new[] { "--backend", "ilgpu", "--accelerator", "cpu", "--out", dir["ilgpu"] }).ToArray());
        Assert.True(torchRun.Code == 0, torchRun.Output);
        Assert.True(ilgpuRun.Code == 0, ilgpuRun.Output);

        // Then both record their backend, and the evolution curves agree to float tolerance
        JsonElement Evolution(string run, out string backend)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir[run], "learning.json")));
            backend = json.RootElement.GetProperty("backend").GetString()!;
            return json.RootElement.GetProperty("evolution").GetProperty("curve").GetProperty("loss").Clone();
        }
        var a = Evolution("torch", out string torchBackend).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var b = Evolution("ilgpu", out string ilgpuBackend).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal("torch", torchBackend);
        Assert.Equal("ilgpu", ilgpuBackend);
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
    }

    [Theory]
    [InlineData("--backend", "cuda", "--backend must be torch or ilgpu")]
    [InlineData("--accelerator", "tpu", "unknown accelerator 'tpu'")]
    public void Should_FailWithOneLineError_When_TheBackendIsBad(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var args = new List<string> { "experiment", "learning", "--generations", "1", "--population", "2", "--steps", "1", option, value, "--out", dir["learn"] };
        if (option == "--accelerator") args.InsertRange(2, new[] { "--backend", "ilgpu" });
        AssertOneLineUsageError(Run(args.ToArray()), expected);
        Assert.False(Directory.Exists(dir["learn"]));
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
