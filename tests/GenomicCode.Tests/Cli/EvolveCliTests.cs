using System.Text.Json;
using GenomicCode.Cli;
using GenomicCode.Data;
using Spectre.Console.Testing;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class EvolveCliTests
{
    [Fact]
    public void Should_WriteJsonAndFigures_When_EvolvingToAnIndexTarget()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        var r = Run("evolve", "--run", run, "--target", "1234", "--strategy", "ga", "--generations", "3", "--population", "4", "--seed", "1");
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("generation 3/3", r.Output);
        foreach (string f in new[] { "evolve.json", "evolve.png", "evolve_fitness.png" }) Assert.True(File.Exists(Path.Combine(run, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "evolve.json")));
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("best_fitness").GetArrayLength());
        Assert.Equal(3, root.GetProperty("encoder").GetProperty("genome").GetArrayLength());
        Assert.Equal(4, root.GetProperty("population").GetInt32());
        // The default objective is MAP: fitness is minus (NLL + -log p(z)), and the gap is reported under both objectives.
        Assert.Equal("map", root.GetProperty("objective").GetString());
        double Get(string genome, string key) => root.GetProperty(genome).GetProperty(key).GetDouble();
        var encoderGenome = root.GetProperty("encoder").GetProperty("genome").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(0.5 * encoderGenome.Sum(z => z * z) + 1.5 * Math.Log(2 * Math.PI), Get("encoder", "neg_log_prior"), 5);
        var gap = root.GetProperty("amortisation_gap");
        Assert.Equal(Get("encoder", "nll") - Get("evolved", "nll"), gap.GetProperty("likelihood").GetDouble(), 9);
        Assert.Equal(Get("encoder", "nll") + Get("encoder", "neg_log_prior") - Get("evolved", "nll") - Get("evolved", "neg_log_prior"),
            gap.GetProperty("map").GetDouble(), 9);
        double bestSoFar = root.GetProperty("best_so_far").EnumerateArray().Last().GetDouble();
        Assert.Equal(-(Get("evolved", "nll") + Get("evolved", "neg_log_prior")), bestSoFar, 4);  // the best genome's MAP fitness (float32 development)
        Assert.Contains("amortisation gap", r.Output);

        var likelihood = Run("evolve", "--run", run, "--target", "1234", "--strategy", "ga", "--generations", "2", "--population", "4", "--no-prior",
            "--json", Path.Combine(run, "likelihood.json"));
        Assert.True(likelihood.Code == 0, likelihood.Output);
        using var second = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "likelihood.json")));
        Assert.Equal("likelihood", second.RootElement.GetProperty("objective").GetString());
        Assert.Equal(-second.RootElement.GetProperty("evolved").GetProperty("nll").GetDouble(),
            second.RootElement.GetProperty("best_so_far").EnumerateArray().Last().GetDouble(), 4);
    }

    [Fact]
    public void Should_EvolveWithAnyCatalogueStrategy_When_NamedOnTheCommandLine()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        var r = Run("evolve", "--run", run, "--target", "1234", "--strategy", "hill-climber", "--population", "2", "--generations", "4",
            "--seed", "3", "--json", dir["hc/evolve.json"]);
        Assert.True(r.Code == 0, r.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(dir["hc/evolve.json"]));
        var root = json.RootElement;
        Assert.Equal("hill-climber", root.GetProperty("strategy").GetString());
        Assert.Equal(2, root.GetProperty("population").GetInt32());
        Assert.Equal(2, root.GetProperty("options").GetProperty("strategy").GetProperty("options").GetProperty("population").GetInt32());
        var bestSoFar = root.GetProperty("best_so_far").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(4, bestSoFar.Length);
        for (int i = 1; i < bestSoFar.Length; i++) Assert.True(bestSoFar[i] >= bestSoFar[i - 1]);
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "1", "--strategy", "annealing"),
            "--strategy must be one of cma, cma-diagonal, es, ga, hill-climber, got 'annealing'");
    }

    [Fact]
    public void Should_WriteWhereAsked_When_TheTargetIsAnNpyImage()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        var image = new double[64, 64];
        for (int y = 20; y < 30; y++)
            for (int x = 20; x < 40; x++) image[y, x] = 1;
        Npy.Write(dir["target.npy"], image);
        var r = Run("evolve", "--run", run, "--target", dir["target.npy"], "--generations", "2", "--json", dir["out/result.json"]);
        Assert.True(r.Code == 0, r.Output);
        Assert.True(File.Exists(dir["out/result.json"]));
        Assert.True(File.Exists(dir["out/result.png"]));
        Assert.True(File.Exists(dir["out/result_fitness.png"]));
        Assert.False(File.Exists(Path.Combine(run, "evolve.json")));
    }

    [Fact]
    public void Should_RefuseBadInput_AndLeaveTheRunIntact()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        Npy.Write(dir["small.npy"], new double[8, 8]);
        string[] before = Directory.GetFiles(run).Order().ToArray();
        byte[] checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoint.bin"));
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "1", "--population", "1"), "Population must be 0 (the default 4 + 3 ln G) or in [2, 1000000], got 1");
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "1", "--generations", "0"), "--generations must be >= 1");
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "1", "--loss", "mse"), "--loss mse needs --no-prior");
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "737280"), "target index 737280 is out of range [0, 737279]");
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", dir["small.npy"]), "has shape (8, 8); the run's phenotypes are 64x64");
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "1", "--strategy", "es", "--population", "5"), "even");
        Assert.Equal(before, Directory.GetFiles(run).Order().ToArray());
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(run, "checkpoint.bin")));

        Directory.CreateDirectory(dir["empty"]);
        AssertOneLineUsageError(Run("evolve", "--run", dir["empty"], "--target", "1"), "is not a run folder");
        Assert.Empty(Directory.GetFiles(dir["empty"]));

        // A run folder with its config but no checkpoint yet.
        Directory.CreateDirectory(dir["untrained"]);
        File.Copy(Path.Combine(run, "config.json"), dir["untrained/config.json"]);
        AssertOneLineUsageError(Run("evolve", "--run", dir["untrained"], "--target", "1"), "has no checkpoint.bin");
        Assert.Single(Directory.GetFiles(dir["untrained"]));
    }

    [Fact]
    public void Should_WriteTheCorrelatedResponseMatrix_When_RunningTheSelectabilityExperiment()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        var r = Run("experiment", "selectability", "--run", run, "--generations", "2", "--population", "8");
        Assert.True(r.Code == 0, r.Output);
        foreach (string f in new[] { "selectability.json", "selectability_trajectories.png", "selectability_response.png", "selectability_controls.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "selectability.json")));
        var root = json.RootElement;
        Assert.Equal(5, root.GetProperty("correlated_response").GetArrayLength());
        Assert.Equal(5, root.GetProperty("correlated_response")[0].GetArrayLength());
        Assert.Equal(3, root.GetProperty("trajectories").GetProperty("scale").GetArrayLength()); // generations 0..2
        // Cross-talk is the ratio of the mean |off-target| to the mean |direct| response, both written.
        var response = root.GetProperty("correlated_response").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        double direct = Enumerable.Range(0, 5).Average(s => Math.Abs(response[s][s]));
        double off = Enumerable.Range(0, 5).SelectMany(s => Enumerable.Range(0, 5).Where(t => t != s).Select(t => Math.Abs(response[s][t]))).Average();
        Assert.Equal(direct, root.GetProperty("direct_response").GetDouble(), 9);
        Assert.Equal(off / direct, root.GetProperty("cross_talk").GetDouble(), 9);
        Assert.Equal(new[] { "per-locus", "rotated", "rotated per-locus" },
            root.GetProperty("controls").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var hh = root.GetProperty("hansen_houle");
        Assert.Equal(5, hh.GetProperty("trait_autonomy").GetArrayLength());
        Assert.Equal(10_000, hh.GetProperty("gradients").GetInt32());
        // Mean evolvability is exactly the mean of G's diagonal (trace / k).
        Assert.Equal(hh.GetProperty("trait_evolvability").EnumerateArray().Average(v => v.GetDouble()), hh.GetProperty("mean_evolvability").GetDouble(), 9);

        var quick = Run("experiment", "selectability", "--run", run, "--generations", "1", "--population", "4", "--no-controls", "--gradients", "10",
            "--json", dir["quick/s.json"]);
        Assert.True(quick.Code == 0, quick.Output);
        using var second = JsonDocument.Parse(File.ReadAllText(dir["quick/s.json"]));
        Assert.Equal(0, second.RootElement.GetProperty("controls").GetArrayLength());
        Assert.False(File.Exists(dir["quick/s_controls.png"]));
    }

    [Fact]
    public void Should_RefuseBadSelectabilityInput_AndLeaveTheRunIntact()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        string[] before = Directory.GetFiles(run).Order().ToArray();
        AssertOneLineUsageError(Run("experiment", "selectability", "--run", run, "--trait", "colour"), "--trait must be one of posX, posY, scale");
        AssertOneLineUsageError(Run("experiment", "selectability", "--run", run, "--population", "1"), "--population must be >= 2");
        AssertOneLineUsageError(Run("experiment", "selectability", "--run", run, "--generations", "0"), "--generations must be >= 1");
        AssertOneLineUsageError(Run("experiment", "selectability", "--runs", $"{run},{dir["missing"]}"), "does not exist");
        AssertOneLineUsageError(Run("experiment", "selectability", "--run", run, "--gradients", "0"), "--gradients must be >= 1");
        Assert.Equal(before, Directory.GetFiles(run).Order().ToArray());
    }
}
