using System.Text.Json;
using GenomicCode.Cli;
using Spectre.Console.Testing;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class GenomeCliTests
{
    private static readonly string[] Layout = { "--genes", "2", "--motif", "2", "--cis", "3" };

    private static string Fasta(TempDir dir, string text)
    {
        File.WriteAllText(dir["g.fa"], text);
        return dir["g.fa"];
    }

    [Fact]
    public void Should_PrintAndWriteTheRegulation_When_TheFastaFitsTheLayout()
    {
        using var dir = new TempDir();
        var r = Run(new[] { "genome", "affinity", Fasta(dir, ">known\nACACGGTTTT\n>unsure\nACNCGGTTTT\n"), "--out", dir["w.json"] }.Concat(Layout).ToArray());
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("known", r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(dir["w.json"]));
        var genomes = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, genomes.Length);
        // W[1, 1] of the known genome, motif GT on cis TTT: sites TT, TT, AA, AA score a + b, a + b, 2b, 2b (a = ln 3.7,
        // b = ln 0.1), occupancy sigmoid(ln(2 x 0.37 + 2 x 0.01) - 3) = 0.03645, W = 2 (0.03645 - 0.1) = -0.1271; no spread without N.
        Assert.Equal(-0.1271, genomes[0].GetProperty("weights")[1][1].GetDouble(), 3);
        Assert.All(genomes[0].GetProperty("weightsStd").EnumerateArray().SelectMany(row => row.EnumerateArray()), v => Assert.True(v.GetDouble() < 1e-3));
        // The N in gene 0's motif spreads column 0 of the unsure genome.
        Assert.True(genomes[1].GetProperty("weightsStd")[0][0].GetDouble() > 0.01);
    }

    [Fact]
    public void Should_ExitWithUsageError_When_TheFastaHasABadCharacter()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run(new[] { "genome", "affinity", Fasta(dir, ">a\nACACGGTTTT\n>b\nACACGGTXTT\n") }.Concat(Layout).ToArray()),
            "record 'b', position 8: 'X' is not A, C, G, T or N");
    }

    [Fact]
    public void Should_ExitWithUsageError_When_ASequenceDoesNotFitTheLayout()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run(new[] { "genome", "affinity", Fasta(dir, ">a\nACACGGTTT\n") }.Concat(Layout).ToArray()),
            "record 'a' has 9 positions, but the layout (2 genes x (2 motif + 3 cis)) needs 10");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    public void Should_ExitWithUsageError_When_TheGumbelTemperatureIsNotPositive(string tau)
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run(new[] { "genome", "affinity", Fasta(dir, ">a\nACACGGTTTT\n"), "--temperature", tau }.Concat(Layout).ToArray()),
            "Gumbel temperature");
    }

    [Fact]
    public void Should_ExitWithUsageError_When_TheLayoutIsImpossible()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("genome", "affinity", Fasta(dir, ">a\nACACGGTTTT\n"), "--motif", "5", "--cis", "3"), "CisLength");
        AssertOneLineUsageError(Run("genome", "affinity", dir["missing.fa"]), "does not exist");
    }
}
