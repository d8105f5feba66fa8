using GenomicCode.Core;
using GenomicCode.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

public class SelectabilityExperimentTests
{
    private static readonly string[] Names = { "a", "b", "c" };

    // A linear "decoder + trait measure": traits = genomes M (N, 3) x (3, 3); counts its batched calls.
    private sealed class LinearTraits(double[,] mixing)
    {
        public int Calls;
        public Tensor Of(Tensor genomes)
        {
            Calls++;
            using var m = torch.tensor(mixing, dtype: genomes.dtype, device: genomes.device);
            return genomes.matmul(m);
        }
    }

    private static Tensor Start(long seed)
    {
        using var g = new Generator((ulong)seed);
        return torch.randn(new long[] { 4096, 3 }, dtype: ScalarType.Float64, generator: g);
    }

    private static readonly SelectabilityOptions Options = new() { Generations = 5, TruncationFraction = 0.25, MutationSigma = 0.05 };
    private const long Seed = 3;

    [Fact]
    public void Should_MoveOnlyTheSelectedTrait_When_GenesMapOneToOneOnTraits()
    {
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        using var start = Start(1);
        var result = SelectabilityExperiment.Run(map.Of, Names, start, Options, Seed);
        Assert.Equal(new[] { 0, 1, 2 }, result.SelectedTraits);
        for (int s = 0; s < 3; s++)
        {
            Assert.True(result.CorrelatedResponse[s][s] > 2, $"direct response of {Names[s]}: {result.CorrelatedResponse[s][s]}");
            for (int t = 0; t < 3; t++)
                if (t != s) Assert.True(Math.Abs(result.CorrelatedResponse[s][t]) < 0.3, $"response of {Names[t]} to selection on {Names[s]}: {result.CorrelatedResponse[s][t]}; " + string.Join(" / ", result.CorrelatedResponse.Select(r => string.Join(" ", r.Select(v => v.ToString("F2"))))) + " traj " + string.Join(" / ", result.Trajectories[Names[s]].Select(r => string.Join(" ", r.Select(v => v.ToString("F2"))))));
            Assert.Equal(Options.Generations + 1, result.Trajectories[Names[s]].Length);
            // The selected trait's mean rises every generation under truncation selection.
            for (int g = 1; g < result.Trajectories[Names[s]].Length; g++) Assert.True(result.Trajectories[Names[s]][g][s] > result.Trajectories[Names[s]][g - 1][s]);
        }
        Assert.True(result.CrossTalk < 0.1, $"cross-talk {result.CrossTalk}");
        // One batched call per generation and line, plus the final offspring of each line, for the isotropic lines and the
        // three controls; plus the initial measure and the one call of the Jacobian's perturbed copies.
        Assert.Equal(1 + 4 * 3 * (Options.Generations + 1) + 1, map.Calls);
    }

    [Fact]
    public void Should_MoveTheOtherTraitsAlong_When_GenesAreMixed()
    {
        // Trait a = g0 + g1, b = g1 - g2 (mixing column 1 has g1 - g2), c = g2: selecting on a drags b up, c barely moves.
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 1, 1, 0 }, { 0, -1, 1 } });
        using var start = Start(1);
        var result = SelectabilityExperiment.Run(map.Of, Names, start, Options, Seed, selectTraits: new[] { 0 });
        var r = result.CorrelatedResponse[0];
        Assert.True(r[0] > 2, $"direct response {r[0]}");
        // Expected correlated response: cov(a, b) / var(a) * response(a) scaled to b's sd; here cov = 1, var(a) = 2, var(b) = 2.
        Assert.True(r[1] > 0.3 * r[0], $"b should rise with a: {r[1]} vs {r[0]}");
        Assert.True(Math.Abs(r[2]) < 0.25 * r[0], $"c is not mixed into a: {r[2]} vs {r[0]}");
        Assert.True(result.CrossTalk > 0.15, $"cross-talk {result.CrossTalk}");
    }

    [Fact]
    public void Should_LowerTheTrait_When_Minimising()
    {
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        using var start = Start(2);
        var result = SelectabilityExperiment.Run(map.Of, Names, start, Options with { Maximise = false }, Seed, selectTraits: new[] { 1 });
        Assert.True(result.CorrelatedResponse[0][1] < -2, $"{result.CorrelatedResponse[0][1]}");
    }

    [Fact]
    public void Should_ComputeResponseInInitialStandardDeviations_When_Measured()
    {
        // Hand case: population {0, 2} on one gene, trait = gene; mean 1, sd sqrt(2). With truncation 0.5 and no mutation,
        // both children copy the fittest (2), so the final mean is 2 and the response (2 - 1) / sqrt(2).
        using var start = torch.tensor(new double[,] { { 0 }, { 2 } });
        var result = SelectabilityExperiment.Run(x => x.clone(), new[] { "x" }, start,
            new SelectabilityOptions { Generations = 1, TruncationFraction = 0.5, MutationSigma = 0 }, seed: 0);
        Assert.Equal(1.0, result.InitialMean[0], 12);
        Assert.Equal(Math.Sqrt(2), result.InitialStd[0], 12);
        Assert.Equal(1 / Math.Sqrt(2), result.CorrelatedResponse[0][0], 12);
        Assert.Equal(new[] { 1.0, 2.0 }, result.Trajectories["x"].Select(m => m[0]));
    }

    [Fact]
    public void Should_AverageOffDiagonalOverDiagonal_When_ComputingCrossTalk()
    {
        // Rows: selection on a, b, c; columns: responses of a, b, c.
        var r = new SelectabilityResult(null, null, new SelectabilityOptions(), 0, 2, Names, new[] { 0, 1, 2 }, new double[3], new double[3],
            new[] { new[] { 4.0, 1, -2 }, new[] { 0.0, 2, 3 }, new[] { -1.0, 0, 6 } }, new Dictionary<string, double[][]>());
        // Diagonal mean (4 + 2 + 6) / 3 = 4; off-diagonal mean (1 + 2 + 0 + 3 + 1 + 0) / 6 = 7/6.
        Assert.Equal(7.0 / 6 / 4, r.CrossTalk, 12);
        // Among a and b only: diagonal (4 + 2) / 2 = 3, off-diagonal (1 + 0) / 2 = 0.5.
        Assert.Equal(0.5 / 3, r.CrossTalkAmong(new[] { 0, 1 }), 12);
    }

    [Fact]
    public void Should_RespondIdentically_When_TheRotatedGenomeIsOnlySelected()
    {
        // Without mutation and recombination the lines only select among the starting organisms, which the rotated genome
        // develops into exactly the same phenotypes: every control repeats the isotropic responses.
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 1, 1, 0 }, { 0, -1, 1 } });
        using var start = Start(4);
        var options = Options with { MutationSigma = 0, Recombination = false, Generations = 3 };
        var result = SelectabilityExperiment.Run(map.Of, Names, start, options, Seed);
        Assert.Equal(new[] { "per-locus", "rotated", "rotated per-locus" }, result.Controls!.Select(c => c.Name));
        Assert.Equal(new[] { false, true, true }, result.Controls!.Select(c => c.Rotated));
        // The rotated isotropic lines repeat the isotropic ones, the rotated per-locus lines the per-locus ones (the two
        // mutations draw different random numbers, so their selection draws differ even at zero step size).
        var perLocus = result.Controls![0];
        for (int s = 0; s < 3; s++)
            for (int t = 0; t < 3; t++)
            {
                Assert.Equal(result.CorrelatedResponse[s][t], result.Controls[1].CorrelatedResponse[s][t], 9);
                Assert.Equal(perLocus.CorrelatedResponse[s][t], result.Controls[2].CorrelatedResponse[s][t], 9);
            }
        Assert.Equal(result.CrossTalk, result.Controls[1].CrossTalk, 9);
        Assert.Equal(result.DirectResponse, result.Controls[1].DirectResponse, 9);
    }

    [Fact]
    public void Should_RaiseCrossTalk_When_AnAxisAlignedCodeIsRotatedAndRecombined()
    {
        // One gene per trait. Uniform crossover exchanges genes: on the axis-aligned genome it recombines traits
        // independently, on the rotated genome every exchanged gene carries a mixture of traits. Measured over seeds 1-3
        // (population 256, 10 generations, sigma 0.3): cross-talk ratio 0.078-0.098 isotropic vs 0.127-0.200 rotated.
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        double aligned = 0, rotated = 0;
        foreach (long seed in new long[] { 1, 2, 3 })
        {
            using var g = new Generator((ulong)seed);
            using var start = torch.randn(new long[] { 256, 3 }, dtype: ScalarType.Float64, generator: g);
            var result = SelectabilityExperiment.Run(map.Of, Names, start, new SelectabilityOptions { Generations = 10, MutationSigma = 0.3 }, seed);
            aligned += result.CrossTalk / 3;
            rotated += result.Controls!.Single(c => c.Name == "rotated").CrossTalk / 3;
        }
        Assert.True(rotated > 1.4 * aligned, $"rotated {rotated:F3} vs axis-aligned {aligned:F3}");
    }

    [Fact]
    public void Should_DrawAnOrthogonalRotation_When_AskedForTheRotatedControl()
    {
        using var q = SelectabilityExperiment.RandomRotation(5, seed: 2, ScalarType.Float64, torch.CPU);
        using var product = q.matmul(q.t());
        using var eye = torch.eye(5, dtype: ScalarType.Float64);
        Assert.True(product.allclose(eye, rtol: 0, atol: 1e-12));
        using var again = SelectabilityExperiment.RandomRotation(5, seed: 2, ScalarType.Float64, torch.CPU);
        Assert.True(q.allclose(again, rtol: 0, atol: 0));                                         // reproducible from the seed
        using var other = SelectabilityExperiment.RandomRotation(5, seed: 3, ScalarType.Float64, torch.CPU);
        Assert.False(q.allclose(other));
    }

    [Fact]
    public void Should_GiveAutonomyOne_When_GenesMapOneToOneOnTraits()
    {
        // J = I: G = diag(1 / sd_t^2) is diagonal, so every trait's Hansen-Houle autonomy is exactly 1 and its
        // evolvability 1 / sd_t^2 (traits are measured in initial SDs).
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        using var start = Start(1);
        var result = SelectabilityExperiment.Run(map.Of, Names, start, Options with { Controls = false, Generations = 1 }, Seed);
        Assert.All(result.HansenHoule!.TraitAutonomy, a => Assert.Equal(1.0, a, 9));
        for (int t = 0; t < 3; t++) Assert.Equal(1 / (result.InitialStd[t] * result.InitialStd[t]), result.HansenHoule.TraitEvolvability[t], 9);
        Assert.Empty(result.Controls!);
    }

    [Fact]
    public void Should_MatchTheHandComputedAutonomy_When_GenesAreMixed()
    {
        // Traits a = g0 + g1, b = g1 - g2, c = g2: J J' = [[2, 1, 0], [1, 2, -1], [0, -1, 1]] with det 1 and inverse diagonal
        // (1, 2, 3), so autonomy 1 / (G_ii (G^-1)_ii) = (1/2, 1/4, 1/3), whatever the trait SDs it is scaled by.
        var map = new LinearTraits(new double[,] { { 1, 0, 0 }, { 1, 1, 0 }, { 0, -1, 1 } });
        using var start = Start(1);
        var result = SelectabilityExperiment.Run(map.Of, Names, start, Options with { Controls = false, Generations = 1 }, Seed);
        Assert.Equal(0.5, result.HansenHoule!.TraitAutonomy[0], 9);
        Assert.Equal(0.25, result.HansenHoule.TraitAutonomy[1], 9);
        Assert.Equal(1.0 / 3, result.HansenHoule.TraitAutonomy[2], 9);
    }

    [Fact]
    public void Should_KeepTheMutationalVariance_When_MutatingOneLocus()
    {
        // A uniform step on [-s, s] has variance s^2 / 3: s = sigma sqrt(3 G) gives G sigma^2, as isotropic mutation.
        var mutation = (GenomicCode.Evolution.SingleGeneMutation)new SelectabilityOptions { MutationSigma = 0.1 }.PerLocusMutation(4);
        Assert.Equal(0.1 * Math.Sqrt(12), mutation.Sigma, 12);
        Assert.Null(mutation.Bound);
    }

    [Theory]
    [InlineData(0, 0.25, 0.1, "generations")]
    [InlineData(3, 0.0, 0.1, "truncation fraction")]
    [InlineData(3, 0.25, -1, "mutation sigma")]
    public void Should_RefuseBadOptions_When_Validated(int generations, double fraction, double sigma, string expected)
    {
        var options = new SelectabilityOptions { Generations = generations, TruncationFraction = fraction, MutationSigma = sigma };
        var e = Assert.Throws<UserInputException>(options.Validate);
        Assert.Contains(expected, e.Message);
        Assert.Contains("Gradients", Assert.Throws<UserInputException>(new SelectabilityOptions { Gradients = 0 }.Validate).Message);
        Assert.Contains("JacobianGenomes", Assert.Throws<UserInputException>(new SelectabilityOptions { JacobianGenomes = 0 }.Validate).Message);
    }

    [Fact]
    public void Should_RefuseAWrongTraitShape_When_TheTraitFunctionMisbehaves()
    {
        using var start = Start(1);
        var e = Assert.Throws<UserInputException>(() => SelectabilityExperiment.Run(x => x.narrow(1, 0, 2), Names, start, Options, Seed));
        Assert.Contains("expected (4096, 3)", e.Message);
    }
}
