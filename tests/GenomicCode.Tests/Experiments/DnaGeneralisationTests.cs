using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

[Collection(TorchCollection.Name)]
public class DnaGeneralisationTests
{
    private static Tensor Genomes(int rows, int traits, int loci, long seed)
    {
        using var g = new Generator((ulong)seed);
        var gPart = torch.rand(new long[] { rows, traits }, dtype: ScalarType.Float64, generator: g).Mul(0.2);
        var bases = torch.randint(0, 4, new long[] { rows, loci }, dtype: ScalarType.Int64, generator: g).to(ScalarType.Float64);
        return torch.cat(new[] { gPart, bases }, 1);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Should_ChangeOneGeneOrOneBase_When_TheHillClimberMutates(double baseProbability)
    {
        // Given 200 genomes [G (3) | bases (10)]
        using var genomes = Genomes(200, 3, 10, seed: 1);
        var mutation = DnaRegulatoryMutation.SingleChange(3, 10, sigmaG: 0.1, bound: 1, regulationProbability: baseProbability);
        using var generator = new Generator(7);

        // When each mutates once
        using var mutants = mutation.Mutate(genomes, generator);

        // Then each differs from its parent in exactly one place: a G_i by at most 0.1, or a base that became another base
        var before = genomes.data<double>().ToArray();
        var after = mutants.data<double>().ToArray();
        int baseChanges = 0;
        for (int r = 0; r < 200; r++)
        {
            var changed = Enumerable.Range(0, 13).Where(j => after[r * 13 + j] != before[r * 13 + j]).ToArray();
            Assert.True(changed.Length <= 1, $"genome {r} changed at {string.Join(", ", changed)}");
            foreach (int j in changed)
            {
                if (j < 3) Assert.InRange(Math.Abs(after[r * 13 + j] - before[r * 13 + j]), 0, 0.1);
                else
                {
                    baseChanges++;
                    Assert.Contains(after[r * 13 + j], new double[] { 0, 1, 2, 3 });
                }
            }
        }
        if (baseProbability == 0) Assert.Equal(0, baseChanges);
        if (baseProbability == 1) Assert.Equal(200, baseChanges);                       // every genome, one base each
        if (baseProbability == 0.5) Assert.InRange(baseChanges, 70, 130);               // Binomial(200, 0.5): 100 +- 4.2 SD
    }

    [Fact]
    public void Should_SubstituteEveryBaseAndStepEveryGene_When_TheGaMutatesAtRateOne()
    {
        using var genomes = Genomes(50, 3, 10, seed: 2);
        using var generator = new Generator(3);
        using var mutants = DnaRegulatoryMutation.PerLocus(3, 10, sigmaG: 0.05, rate: 1).Mutate(genomes, generator);
        using var unchanged = DnaRegulatoryMutation.PerLocus(3, 10, sigmaG: 0, rate: 0).Mutate(genomes, generator);
        // Rate 1: every base is one of its three other bases; sigma > 0: every G_i moved
        Assert.False(mutants.narrow(1, 3, 10).eq(genomes.narrow(1, 3, 10)).any().item<bool>());
        Assert.False(mutants.narrow(1, 0, 3).eq(genomes.narrow(1, 0, 3)).any().item<bool>());
        Assert.True(mutants.narrow(1, 3, 10).ge(0.0).all().item<bool>() && mutants.narrow(1, 3, 10).le(3.0).all().item<bool>());
        // Rate 0 and sigma 0: nothing changes
        Assert.True(unchanged.allclose(genomes, rtol: 0, atol: 0));
        Assert.Throws<UserInputException>(() => DnaRegulatoryMutation.PerLocus(3, 10, 0.1, 0.5).Mutate(torch.zeros(2, 12, dtype: ScalarType.Float64), generator));
    }

    [Fact]
    public void Should_MoveOneColumnOrOneRowOfB_When_AMotifOrACisBaseMutates()
    {
        // Given a nucleotide genome of 3 traits (3 genes x (2 motif + 4 cis) = 18 bases) and its B
        var options = new GeneralisationOptions { Traits = 3, Modules = 3, MotifLength = 2, CisLength = 4, Genome = "nucleotide" };
        using var affinity = GeneralisationExperiment.Affinity(options, torch.CPU);
        using var dna = NucleotideGenome.FromStrings(new[] { "ACGTACCATGCAGGTTCA" }).to(ScalarType.Float64);
        // gene 1's motif starts at 6, its cis region at 8; flip one base of each
        using var motifMutant = dna.clone();
        motifMutant[0, 6] = torch.tensor(((long)dna[0, 6].item<double>() + 1) % 4, ScalarType.Float64);
        using var cisMutant = dna.clone();
        cisMutant[0, 9] = torch.tensor(((long)dna[0, 9].item<double>() + 2) % 4, ScalarType.Float64);
        using var b = GeneralisationExperiment.RegulationOf(options, dna, affinity);
        using var bMotif = GeneralisationExperiment.RegulationOf(options, motifMutant, affinity);
        using var bCis = GeneralisationExperiment.RegulationOf(options, cisMutant, affinity);

        // Then B is what SequenceAffinity reads from the one-hot DNA
        using var expected = affinity.forward(NucleotideGenome.OneHot(dna.to(ScalarType.Int64)).to(ScalarType.Float64)).Weights;
        Assert.True(b.allclose(expected, rtol: 0, atol: 1e-12));
        // and the motif mutation moves only column 1 (regulator 1's binding everywhere), the cis one only row 1
        using var motifChange = (bMotif - b).abs().Gt(1e-12);
        using var cisChange = (bCis - b).abs().Gt(1e-12);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                if (j != 1) Assert.False(motifChange[0, i, j].item<bool>(), $"motif mutation moved B[{i}, {j}]");
                if (i != 1) Assert.False(cisChange[0, i, j].item<bool>(), $"cis mutation moved B[{i}, {j}]");
            }
        // and without self-regulation the diagonal is zero
        using var noSelf = GeneralisationExperiment.RegulationOf(options with { SelfRegulation = false }, dna, affinity);
        Assert.Equal(0, noSelf[0].diagonal().abs().sum().item<double>());
    }

    [Theory]
    [InlineData("ga")]
    [InlineData("hill-climber")]
    public void Should_RunDnaConditionsBesideTheDirectOnes_When_TheGenomeIsNucleotide(string strategy)
    {
        var start = strategy == "ga" ? GeneralisationOptions.GeneticAlgorithmDefaults : new GeneralisationOptions();
        var o = start with
        {
            Genome = "nucleotide", TrainingGenerations = 30, SwitchEvery = 10, PopulationSize = 8, TestGenerations = 10, Replicates = 2, ProbeGenotypes = 50,
        };
        var r = GeneralisationExperiment.Run(o, seed: 4);

        // Then the three direct conditions come first, then DNA without and with the connection cost
        Assert.Equal(new[] { "direct", "direct", "direct", "nucleotide", "nucleotide" }, r.Conditions.Select(c => c.Genome));
        Assert.Equal("DNA-encoded B, no connection cost", r.Conditions[3].Condition);
        Assert.StartsWith("DNA-encoded B, L1 connection cost", r.Conditions[4].Condition);
        Assert.Equal(o.ConnectionCost, r.Conditions[4].ConnectionCost);
        using var affinity = GeneralisationExperiment.Affinity(o, torch.CPU);
        foreach (var c in r.Conditions.Skip(3))
        {
            // each holds its first replicate's DNA (12 genes x (4 + 8) bases), and B is exactly what that DNA encodes
            Assert.Equal(144, c.Dna!.Length);
            Assert.True(c.Dna.All(ch => "ACGT".Contains(ch)), c.Dna);
            using var bases = NucleotideGenome.FromStrings(new[] { c.Dna }).to(ScalarType.Float64);
            var b = GeneralisationExperiment.RegulationOf(o, bases, affinity).data<double>().ToArray();
            Assert.Equal(c.RegulatoryMatrix.Length, b.Length);
            for (int i = 0; i < b.Length; i++) Assert.Equal(b[i], c.RegulatoryMatrix[i], 9);
            Assert.Equal(2, c.Replicates.Count);
            Assert.All(c.Replicates, x => Assert.True(double.IsFinite(x.GenerationsToAdaptUnseen) && double.IsFinite(x.TrainingError)));
        }
        Assert.All(r.Conditions.Take(3), c => Assert.Null(c.Dna));
    }

    [Theory]
    [InlineData("Genome", "Genome must be one of direct, nucleotide, got 'rna'.")]
    [InlineData("CisLength", "CisLength must be in [MotifLength = 4, 4096] so a motif fits in it, got 3.")]
    [InlineData("Substitutions", "Substitutions must be finite and > 0, got 0.")]
    public void Should_NameTheField_When_NucleotideOptionsAreBad(string field, string expected)
    {
        var o = field switch
        {
            "Genome" => new GeneralisationOptions { Genome = "rna" },
            "CisLength" => new GeneralisationOptions { CisLength = 3 },
            _ => new GeneralisationOptions { Substitutions = 0 },
        };
        Assert.Equal(expected, Assert.Throws<UserInputException>(o.Validate).Message);
    }
}
