using System.Text.Json;
using GenomicCode.Cli;
using Spectre.Console.Testing;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class EvolvabilityCliTests
{
    [Fact]
    public void Should_WriteJsonAndFigures_When_RunOnATinyRun()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        var r = Run("experiment", "evolvability", "--run", run, "--parents", "8", "--mutants", "4", "--generations", "2", "--sigma", "0.5");
        Assert.True(r.Code == 0, r.Output);
        foreach (string f in new[] { "evolvability.json", "evolvability_offspring.png", "evolvability_switch.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "evolvability.json")));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("mean_fitness").GetArrayLength());
        // 8 parents x 4 mutants; the fitter share is the share of them whose fitness change is strictly positive, and
        // the mean change is their mean.
        var changes = root.GetProperty("fitness_changes").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(32, changes.Length);
        Assert.Equal(changes.Count(c => c > 0) / 32.0, root.GetProperty("fitter_share").GetDouble(), 12);
        Assert.Equal(changes.Average(), root.GetProperty("mean_fitness_change").GetDouble(), 9);
        Assert.Equal("scale", root.GetProperty("trait").GetString());
    }

    [Fact]
    public void Should_FailWithOneLineError_When_AnOptionIsBad()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        foreach (var args in new[] { new[] { "--sigma", "0" }, new[] { "--trait", "colour" }, new[] { "--mutants", "0" } })
        {
            var r = Run(new[] { "experiment", "evolvability", "--run", run }.Concat(args).ToArray());
            Assert.Equal(2, r.Code);
            Assert.Single(r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", r.Output);
        }
        Assert.False(File.Exists(Path.Combine(run, "evolvability.json")));
    }
}
