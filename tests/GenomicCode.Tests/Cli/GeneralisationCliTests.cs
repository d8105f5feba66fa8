using System.Text.Json;
using GenomicCode.Cli;
using Spectre.Console.Testing;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class GeneralisationCliTests
{
    [Fact]
    public void Should_WriteJsonAndFigures_When_RunWithTinySettings()
    {
        using var dir = new TempDir();
        var r = Run("experiment", "generalisation", "--strategy", "ga", "--generations", "3", "--replicates", "1", "--test-generations", "2",
            "--population", "4", "--seed", "1", "--switch-every", "2", "--sigma-b", "0.02", "--out", dir["gen"]);
        Assert.True(r.Code == 0, r.Output);
        foreach (string f in new[] { "generalisation.json", "generalisation_adapt.png", "generalisation_shares.png",
                     "generalisation_B0.png", "generalisation_B1.png", "generalisation_B2.png" })
            Assert.True(File.Exists(Path.Combine(dir["gen"], f)), $"missing {f}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["gen"], "generalisation.json")));
        var conditions = json.RootElement.GetProperty("conditions");
        Assert.Equal(3, conditions.GetArrayLength());
        Assert.Equal(144, conditions[0].GetProperty("regulatoryMatrix").GetArrayLength());
        Assert.All(conditions[0].GetProperty("regulatoryMatrix").EnumerateArray(), v => Assert.Equal(0.0, v.GetDouble())); // baseline B = 0
        Assert.Equal(6, json.RootElement.GetProperty("training_targets").GetArrayLength());
        Assert.Equal(2, json.RootElement.GetProperty("options").GetProperty("switchEvery").GetInt32());
        Assert.Equal(0.02, json.RootElement.GetProperty("options").GetProperty("sigmaB").GetDouble());
    }

    [Fact]
    public void Should_UseTheHillClimberDefaults_When_NoStrategyIsGiven()
    {
        using var dir = new TempDir();
        var r = Run("experiment", "generalisation", "--generations", "4", "--replicates", "1", "--test-generations", "2",
            "--switch-every", "2", "--cost-norm", "l2", "--tau1", "0.5", "--seed", "1", "--out", dir["gen"]);
        Assert.True(r.Code == 0, r.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["gen"], "generalisation.json")));
        var options = json.RootElement.GetProperty("options");
        Assert.Equal("hill-climber", options.GetProperty("strategy").GetString());
        Assert.Equal("complement", options.GetProperty("targetSet").GetString());
        Assert.Equal(0.8, options.GetProperty("connectionCost").GetDouble());
        Assert.Equal("l2", options.GetProperty("costNorm").GetString());
        Assert.Equal(0.5, options.GetProperty("tau1").GetDouble());
        Assert.Equal(6, json.RootElement.GetProperty("training_targets").GetArrayLength());
        Assert.Equal(1, json.RootElement.GetProperty("conditions")[2].GetProperty("replicates").GetArrayLength());
    }

    [Fact]
    public void Should_WriteTheDnaConditionsBesideTheDirectOnes_When_TheGenomeIsNucleotide()
    {
        using var dir = new TempDir();
        var r = Run("experiment", "generalisation", "--genome", "nucleotide", "--strategy", "ga", "--generations", "6", "--switch-every", "3",
            "--population", "4", "--test-generations", "3", "--replicates", "1", "--motif-length", "3", "--cis-length", "5", "--out", dir["gen"]);
        Assert.True(r.Code == 0, r.Output);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["gen"], "generalisation.json")));
        var conditions = json.RootElement.GetProperty("conditions").EnumerateArray().ToArray();
        Assert.Equal(5, conditions.Length);
        // 12 genes x (3 motif + 5 cis) = 96 bases of DNA, and a B heatmap for every condition
        Assert.Equal(96, conditions[3].GetProperty("dna").GetString()!.Length);
        Assert.Equal("nucleotide", conditions[4].GetProperty("genome").GetString());
        Assert.Equal("direct", conditions[1].GetProperty("genome").GetString());
        Assert.True(File.Exists(Path.Combine(dir["gen"], "generalisation_B4.png")));
        Assert.Contains("replicate 1's DNA (96 bases)", r.Output);
    }

    [Theory]
    [InlineData("--replicates", "0", "Replicates")]
    [InlineData("--strategy", "annealing", "Strategy must be one of")]
    [InlineData("--cost-norm", "l3", "CostNorm must be one of")]
    [InlineData("--target-set", "random", "TargetSet must be one of")]
    [InlineData("--modules", "2", "Modules must be >= 3")]
    [InlineData("--environmental-noise", "NaN", "EnvironmentalNoise must be finite")]
    [InlineData("--cost-units", "theirs", "CostUnits must be ours or kouvaris")]
    [InlineData("--cost-sweep", "0.1,x", "--cost-sweep: 'x' is not a connection cost")]
    [InlineData("--genome", "rna", "Genome must be one of direct, nucleotide")]
    [InlineData("--cis-length", "2", "CisLength must be in [MotifLength = 4, 4096]")]
    public void Should_FailWithOneLineError_When_AnOptionIsBad(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var r = Run("experiment", "generalisation", option, value, "--out", dir["gen"]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Output);
        Assert.Single(r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", r.Output);
        Assert.False(Directory.Exists(dir["gen"]));
    }
}
