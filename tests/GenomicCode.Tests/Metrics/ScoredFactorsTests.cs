using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Metrics;

/// <summary>Metrics score only the factors the data names in ScoredFactors (all by default; the class for labelled sets).</summary>
[Collection(TorchCollection.Name)]
public class ScoredFactorsTests
{
    /// <summary>A FactorVectorWorld that scores only some of its factors.</summary>
    private sealed class Scoring(FactorVectorWorld world, int[] scored) : IGroundTruthData
    {
        public IReadOnlyList<string> FactorNames => world.FactorNames;
        public IReadOnlyList<int> FactorSizes => world.FactorSizes;
        public IReadOnlyList<int> ScoredFactors => scored;
        public (int Channels, int Height, int Width) ObservationShape => world.ObservationShape;
        public long Count => world.Count;
        public int[,] SampleFactors(int n, long seed) => world.SampleFactors(n, seed);
        public Tensor Render(int[,] factors, Device? device = null) => world.Render(factors, device);
    }

    private static Tensor Identity(Tensor x) => x.flatten(1);                      // (B, K): code j = factor j / (size - 1)

    [Fact]
    public void Should_ScoreEveryFactor_When_TheDataNamesNone()
    {
        var world = new FactorVectorWorld(new[] { 3, 4 });
        Assert.Equal(new[] { 0, 1 }, ((IGroundTruthData)world).ScoredFactors);
        var codes = CodeSampler.Sample(world, Identity, 20, seed: 4);
        Assert.Equal(world.SampleFactors(20, 4), codes.Factors);
    }

    [Fact]
    public void Should_PairCodesWithTheScoredColumns_When_SamplingCodes()
    {
        var world = new FactorVectorWorld(new[] { 3, 4, 5 });
        var data = new Scoring(world, new[] { 2, 0 });
        var all = world.SampleFactors(30, 7);
        var codes = CodeSampler.Sample(data, Identity, 30, seed: 7);
        Assert.Equal(2, codes.FactorCount);
        Assert.Equal(3, codes.CodeSize);                  // rendering still uses every factor
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(all[i, 2], codes.Factors[i, 0]);
            Assert.Equal(all[i, 0], codes.Factors[i, 1]);
        }
        Assert.Equal(new[] { "f2", "f0" }, data.ScoredFactorNames());
    }

    [Fact]
    public void Should_ShareOnlyScoredFactors_When_SamplingBetaVaePoints()
    {
        var data = new Scoring(new FactorVectorWorld(new[] { 4, 5, 6 }), new[] { 0, 2 });
        var (features, labels) = BetaVaeScore.SamplePoints(data, Identity, 40, 8, seed: 3);
        Assert.All(labels, l => Assert.InRange(l, 0, 1));
        Assert.Contains(0, labels);
        Assert.Contains(1, labels);
        int[] scored = { 0, 2 };
        for (int p = 0; p < 40; p++)
        {
            Assert.Equal(0, features[p, scored[labels[p]]]);      // the shared factor's code does not differ within pairs
            Assert.True(features[p, 1] > 0);                      // factor 1 is never shared
        }
    }

    [Fact]
    public void Should_FixOnlyScoredFactors_When_CountingFactorVaeVotes()
    {
        var data = new Scoring(new FactorVectorWorld(new[] { 4, 5, 6 }), new[] { 1, 2 });
        var variance = new[] { 1.0, 1.0, 1.0 };
        var votes = FactorVaeScore.Votes(data, Identity, 30, 16, variance, new[] { true, true, true }, seed: 2);
        Assert.Equal((3, 2), (votes.GetLength(0), votes.GetLength(1)));
        Assert.Equal(0, votes[0, 0] + votes[0, 1]);               // code 0 (the unscored factor) never has zero variance
        Assert.Equal(30, votes[1, 0] + votes[2, 1]);              // code 1 votes when factor 1 is fixed, code 2 when factor 2 is
    }

    /// <summary>10 classes x 6 instances; image = (class / 9, instance / 5) as two pixels.</summary>
    private static LabelledImageSet Labelled()
    {
        var labels = Enumerable.Range(0, 60).Select(i => i / 6).ToArray();
        var pixels = Enumerable.Range(0, 60).SelectMany(i => new[] { (byte)(i / 6 * 255 / 9), (byte)(i % 6 * 51) }).ToArray();
        return new LabelledImageSet("toy", pixels, labels, Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray(), (1, 1, 2));
    }

    [Fact]
    public void Should_ScoreTheClassAlone_When_TheDataIsALabelledImageSet()
    {
        var set = Labelled();
        // The code holds the class (pixel 0) and a constant: the class is perfectly captured. Were the instance scored
        // too, its gap would be 0 and MIG about 0.5.
        Tensor ClassOnly(Tensor x) => torch.cat(new[] { x.flatten(1).narrow(1, 0, 1), torch.zeros(x.shape[0], 1) }, 1);
        double mig = new Mig((MigOptions)MetricSanityTests.Small("mig")).Evaluate(set, ClassOnly, seed: 0)["mig"];
        Assert.True(mig > 0.95, $"mig = {mig}");
        var codes = CodeSampler.Sample(set, ClassOnly, 50, seed: 1);
        Assert.Equal(1, codes.FactorCount);

        var beta = Assert.Throws<UserInputException>(() => new BetaVaeScore((BetaVaeScoreOptions)MetricSanityTests.Small("beta-vae")).Evaluate(set, ClassOnly, seed: 0));
        Assert.Equal("beta-vae tells apart which scored factor a batch shares, but this data scores only 'class'; use mig, dci, sap or modularity.", beta.Message);
        Assert.Contains("factor-vae tells apart", Assert.Throws<UserInputException>(() => new FactorVaeScore((FactorVaeScoreOptions)MetricSanityTests.Small("factor-vae")).Evaluate(set, ClassOnly, seed: 0)).Message);
    }

    [Fact]
    public void Should_RefuseInOneLine_When_ScoredFactorsAreBad()
    {
        var world = new FactorVectorWorld(new[] { 3, 4 });
        Assert.Contains("outside 0..1", Assert.Throws<UserInputException>(() => new Scoring(world, new[] { 2 }).CheckedScoredFactors()).Message);
        Assert.Contains("repeats a factor", Assert.Throws<UserInputException>(() => new Scoring(world, new[] { 1, 1 }).CheckedScoredFactors()).Message);
        Assert.Contains("at least one factor", Assert.Throws<UserInputException>(() => new Scoring(world, Array.Empty<int>()).CheckedScoredFactors()).Message);
    }
}
