using GenomicCode.Core;
using GenomicCode.Latent;
using GenomicCode.Runs;
using TorchSharp;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

/// <summary>A 20-step run of the sprites-dna-grn preset, trained once for the tests that read it.</summary>
public sealed class DnaRunFixture : IDisposable
{
    private readonly TempDir dir = new();

    /// <summary>Trains <c>genomic-code train --preset sprites-dna-grn --steps 20 --out DIR/run</c>.</summary>
    public DnaRunFixture()
    {
        Training = Run("train", "--preset", "sprites-dna-grn", "--steps", "20", "--out", dir["run"]);
    }

    /// <summary>The training command's result.</summary>
    public (int Code, string Output) Training { get; }

    /// <summary>The run folder.</summary>
    public string RunDir => dir["run"];

    /// <inheritdoc />
    public void Dispose() => dir.Dispose();
}

[Collection(TorchCollection.Name)]
public class DnaCliTests(DnaRunFixture dna) : IClassFixture<DnaRunFixture>
{
    private string TrainedRun()
    {
        Assert.True(dna.Training.Code == 0, dna.Training.Output);
        return dna.RunDir;
    }

    [Fact]
    public void Should_WriteTheGenomesAsFastaAndTheRegulation_When_TrainingTheDnaPreset()
    {
        string run = TrainedRun();
        // Then genome.fa holds the 8 reconstruction sprites' genomes, 225 bases of ACGT each, named with their factors
        var records = NucleotideFasta.ReadFile(Path.Combine(run, RunFolder.GenomeFile));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"sprite{i}"), records.Select(r => r.Name));
        Assert.All(records, r => Assert.Equal(225, r.Sequence.Length));
        Assert.All(records, r => Assert.True(r.Sequence.All(c => "ACGT".Contains(c)), r.Sequence));
        Assert.StartsWith(">sprite1 shape=", File.ReadAllLines(Path.Combine(run, RunFolder.GenomeFile))[0]);
        // and regulation.png is a PNG; a DNA genome has no traversal figure.
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(run, "regulation.png"))[..4]);
        Assert.False(File.Exists(Path.Combine(run, "traversals.png")));
        Assert.Contains("nucleotide latent 225", dna.Training.Output);
    }

    [Fact]
    public void Should_GrowTheReconstructions_When_DevelopingTheRunsOwnGenomes()
    {
        string run = TrainedRun();
        using var dir = new TempDir();
        // When the run's genome.fa is grown from the command line
        var r = Run("genome", "develop", "--run", run, "--fasta", Path.Combine(run, RunFolder.GenomeFile), "--out", dir["organisms.png"]);
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("grew 8 organism(s)", r.Output);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(dir["organisms.png"])[..4]);
        // Then the organisms are exactly the reconstructions: the same sprites' most probable genomes, developed.
        using var trained = GenomicCode.Runs.TrainedRun.Load(run, "cpu");
        var latent = (NucleotideLatent)trained.Model.Latent;
        var records = NucleotideFasta.ReadFile(Path.Combine(run, RunFolder.GenomeFile));
        var fromFasta = trained.Model.Develop(latent.FromIndices(NucleotideGenome.FromStrings(records.Select(x => x.Sequence).ToArray())));
        var images = trained.Data.Render(trained.Data.SampleFactors(8, (long)Seeds.Derive(trained.Preset.Training.Seed, 3)), trained.Device);
        var reconstructions = trained.Model.Develop(trained.Model.Encode(images));
        Assert.True(fromFasta.allclose(reconstructions, rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData(">a\nACGT\n>b\n", "record 'b' has no sequence")]
    [InlineData("", "no FASTA records")]
    public void Should_ExitWithUsageErrorAndWriteNothing_When_TheFastaIsEmpty(string text, string expected)
    {
        string run = TrainedRun();
        using var dir = new TempDir();
        File.WriteAllText(dir["g.fa"], text);
        AssertOneLineUsageError(Run("genome", "develop", "--run", run, "--fasta", dir["g.fa"], "--out", dir["o.png"]), expected);
        Assert.False(File.Exists(dir["o.png"]));
    }

    [Fact]
    public void Should_NameTheRecordAndPosition_When_ASequenceIsBad()
    {
        string run = TrainedRun();
        using var dir = new TempDir();
        string good = new('A', 225);
        (string Fasta, string Expected)[] cases =
        {
            ($">ok\n{good}\n>bad\n{good[..6]}X{good[7..]}\n", "record 'bad', position 7: 'X' is not A, C, G or T"),
            ($">ok\n{good}\n>short\n{good[..200]}\n", "record 'short', position 201: the sequence ends after 200 bases, but the run's genomes have 225 (12 genes x (5 motif + 10 cis) + 9 signal motifs x 5"),
            ($">long\n{good}AC\n", "record 'long', position 226: the sequence goes on past the run's genome length 225"),
        };
        foreach (var (fasta, expected) in cases)
        {
            File.WriteAllText(dir["g.fa"], fasta);
            AssertOneLineUsageError(Run("genome", "develop", "--run", run, "--fasta", dir["g.fa"], "--out", dir["o.png"]), expected);
            Assert.False(File.Exists(dir["o.png"]));
        }
    }

    [Fact]
    public void Should_MeasureEveryLocus_When_AnalysingADnaRun()
    {
        string run = TrainedRun();
        // When analyze runs on the nucleotide run (small settings)
        var r = Run("analyze", "--run", run, "--population", "4", "--mutants", "2", "--locus-parents", "1", "--noise", "0.5");
        Assert.True(r.Code == 0, r.Output);
        // Then analysis.json is locus-level: one pleiotropy per locus, one polygenicity per trait, and loci.png is drawn
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFolder.AnalysisFile)));
        var root = doc.RootElement;
        Assert.Equal("nucleotide", root.GetProperty("genome_kind").GetString());
        Assert.Equal(225, root.GetProperty("loci").GetInt32());
        Assert.Equal(225, root.GetProperty("pleiotropy").GetArrayLength());
        Assert.Equal(root.GetProperty("traits").GetArrayLength(), root.GetProperty("polygenicity").GetArrayLength());
        Assert.Equal(225, root.GetProperty("effect_matrix_standardized").GetArrayLength());
        Assert.Equal("g0 motif 1", root.GetProperty("genes")[0].GetString());
        Assert.True(File.Exists(Path.Combine(run, "loci.png")));
        Assert.Contains("225 loci; polygenicity (loci per trait): posX", r.Output);
    }

    [Fact]
    public void Should_EvolveDna_When_EvolvingThroughANucleotideRun()
    {
        string run = TrainedRun();
        using var dir = new TempDir();
        // When evolve runs a few generations of the sequence-level GA on the nucleotide run
        var r = Run("evolve", "--run", run, "--target", "0", "--generations", "4", "--population", "8", "--json", dir["evolve.json"]);
        Assert.True(r.Code == 0, r.Output);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir["evolve.json"]));
        var root = doc.RootElement;
        // Then evolve.json says the genome is DNA and holds both genomes as ACGT text of the run's length
        Assert.Equal("nucleotide", root.GetProperty("genome_kind").GetString());
        string evolved = root.GetProperty("evolved_sequence").GetString()!, encoder = root.GetProperty("encoder_sequence").GetString()!;
        Assert.Equal(225, evolved.Length);
        Assert.Equal(225, encoder.Length);
        Assert.True(evolved.All(c => "ACGT".Contains(c)) && encoder.All(c => "ACGT".Contains(c)));
        Assert.Equal(evolved.Zip(encoder).Count(p => p.First != p.Second), root.GetProperty("differences").GetInt32());
        Assert.Equal(8, root.GetProperty("population").GetInt32());
        // and the best so far never falls (the elite is kept), ending at the evolved genome's fitness.
        var best = root.GetProperty("best_so_far").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(4, best.Length);
        for (int i = 1; i < best.Length; i++) Assert.True(best[i] >= best[i - 1], string.Join(", ", best));
        Assert.Equal(-root.GetProperty("evolved").GetProperty("nll").GetDouble(), best[^1], 3);
        Assert.Contains("differs from the encoder's at", r.Output);
    }

    [Fact]
    public void Should_SubstituteAtTheGivenRate_When_EvolvingDnaWithSubstitutions()
    {
        string run = TrainedRun();
        using var dir = new TempDir();
        // When the same seed evolves DNA with 1 (the default) and with 40 expected substitutions per genome and generation
        var one = Run("evolve", "--run", run, "--target", "0", "--generations", "2", "--population", "8", "--seed", "5", "--json", dir["one.json"]);
        var many = Run("evolve", "--run", run, "--target", "0", "--generations", "2", "--population", "8", "--seed", "5", "--substitutions", "40",
            "--json", dir["many.json"]);
        Assert.True(one.Code == 0, one.Output);
        Assert.True(many.Code == 0, many.Output);
        using var a = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir["one.json"]));
        using var b = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir["many.json"]));
        // Then the rate is recorded in the options, printed, and changes what the second generation holds
        Assert.Equal(1, a.RootElement.GetProperty("options").GetProperty("substitutions").GetDouble());
        Assert.Equal(40, b.RootElement.GetProperty("options").GetProperty("substitutions").GetDouble());
        Assert.Contains("40 expected substitutions per genome and generation", many.Output);
        // (the first generation is the same random sample; the second differs only through the mutation rate)
        double[] Mean(System.Text.Json.JsonDocument d) => d.RootElement.GetProperty("mean_fitness").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(Mean(a)[0], Mean(b)[0], 6);
        Assert.NotEqual(Mean(a)[1], Mean(b)[1]);
    }

    [Theory]
    [InlineData("0", "--substitutions must be a finite number > 0")]
    [InlineData("-2", "--substitutions must be a finite number > 0")]
    public void Should_ExitWithUsageError_When_SubstitutionsAreNotPositive(string value, string expected)
    {
        string run = TrainedRun();
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "0", "--substitutions", value, "--json", dir["e.json"]), expected);
        Assert.False(File.Exists(dir["e.json"]));
    }

    [Fact]
    public void Should_RefuseSubstitutions_When_EvolvingAGaussianRun()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        AssertOneLineUsageError(Run("evolve", "--run", run, "--target", "0", "--substitutions", "2", "--json", dir["e.json"]),
            "--substitutions applies to runs whose genome is DNA (model.latent nucleotide)");
        Assert.False(File.Exists(dir["e.json"]));
    }

    [Fact]
    public void Should_RefuseAGaussianRun_When_DevelopingDna()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        File.WriteAllText(dir["g.fa"], ">a\nACGT\n");
        AssertOneLineUsageError(Run("genome", "develop", "--run", run, "--fasta", dir["g.fa"], "--out", dir["o.png"]), "has a gaussian genome, not DNA");
        Assert.False(File.Exists(dir["o.png"]));
    }
}
