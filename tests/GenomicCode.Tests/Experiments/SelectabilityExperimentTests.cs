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
        // One batched call per generation and line, plus the initial measure and the final offspring of each line.
        Assert.Equal(1 + 3 * (Options.Generations + 1), map.Calls);
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

    [Theory]
    [InlineData(0, 0.25, 0.1, "generations")]
    [InlineData(3, 0.0, 0.1, "truncation fraction")]
    [InlineData(3, 0.25, -1, "mutation sigma")]
    public void Should_RefuseBadOptions_When_Validated(int generations, double fraction, double sigma, string expected)
    {
        var options = new SelectabilityOptions { Generations = generations, TruncationFraction = fraction, MutationSigma = sigma };
        var e = Assert.Throws<UserInputException>(options.Validate);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Should_RefuseAWrongTraitShape_When_TheTraitFunctionMisbehaves()
    {
        using var start = Start(1);
        var e = Assert.Throws<UserInputException>(() => SelectabilityExperiment.Run(x => x.narrow(1, 0, 2), Names, start, Options, Seed));
        Assert.Contains("expected (4096, 3)", e.Message);
    }
}
