using GenomicCode.Core;
using GenomicCode.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

[Collection(TorchCollection.Name)]
public class EvolvabilityExperimentTests
{
    // A linear trait map t = w . g with |w| = 1, so a Gaussian mutation of size sigma moves the trait by N(0, sigma^2).
    private static Func<Tensor, Tensor> Linear(params double[] w)
    {
        var weights = torch.tensor(w, dtype: ScalarType.Float64);
        return g => g.matmul(weights);
    }

    [Fact]
    public void Should_MatchTheGaussianShareOfFitterMutants_When_TheTraitMapIsLinear()
    {
        NativeRuntime.EnsureLoaded();
        // Parents with traits 0 and 2: mean 1, SD 1, so target A = 1 + 1 * 1 = 2 and fitness = -(t - 2)^2.
        // Parent at 2 (on target): every mutant is worse. Parent at 0 (distance d = 2), trait change x ~ N(0, sigma^2 = 4):
        // fitter iff |2 - x| < 2 iff 0 < x < 4, probability Phi(4/2) - 1/2 = 0.47725. Overall share 0.23862.
        // Mean fitness change: E[d^2 - (d - x)^2] = -E[x^2] = -sigma^2 = -4 for both parents.
        using var parents = torch.tensor(new double[] { 0, 5, 2, -3 }, dtype: ScalarType.Float64).reshape(2, 2);
        var options = new EvolvabilityOptions { MutantsPerParent = 20_000, MutationSigma = 2, GenerationsPerTarget = 1 };
        var r = EvolvabilityExperiment.Run(Linear(1, 0), parents, options, seed: 3);
        Assert.Equal(1.0, r.TraitMean, 12);
        Assert.Equal(1.0, r.TraitStd, 12);
        Assert.Equal(2.0, r.TargetA, 12);
        Assert.Equal(0.0, r.TargetB, 12);
        Assert.Equal(0.23862, r.FitterShare, 0.01);
        Assert.Equal(-4.0, r.MeanFitnessChange, 0.2);
        Assert.Equal(40_000, r.FitnessChanges.Length);
        Assert.All(r.FitnessChanges.Skip(20_000), c => Assert.True(c <= 0)); // the parent on target cannot improve
        Assert.True(r.FitnessChangeQuantiles.Zip(r.FitnessChangeQuantiles.Skip(1)).All(p => p.First <= p.Second));
        Assert.True(r.FitnessChangeQuantiles[^1] <= 4.0); // no mutant of the parent at d = 2 gains more than d^2 = 4
    }

    [Fact]
    public void Should_AdaptToTheFirstTarget_AndRecoverAfterTheSwitch_When_TheTraitMapIsLinear()
    {
        NativeRuntime.EnsureLoaded();
        using var g = new torch.Generator(7, torch.CPU);
        using var parents = torch.randn(new long[] { 64, 3 }, dtype: ScalarType.Float64, generator: g);
        var options = new EvolvabilityOptions { MutantsPerParent = 1, MutationSigma = 0.2, GenerationsPerTarget = 25 };
        var r = EvolvabilityExperiment.Run(Linear(0.6, 0.8, 0), parents, options, seed: 1);
        Assert.Equal(50, r.MeanFitness.Length);
        // The switch moves the target by 2 SD: just after it the mean fitness is near -(2)^2 = -4.
        Assert.True(r.MeanFitness[25] < -2.5, $"fitness just after the switch {r.MeanFitness[25]}");
        Assert.NotNull(r.GenerationsToAdaptA);
        Assert.NotNull(r.GenerationsToRecover);
        // Mutations move the trait by N(0, 0.04) per generation, so crossing 1.5 SD takes a few generations; within 15.
        Assert.InRange(r.GenerationsToRecover!.Value, 2, 15);
        Assert.True(r.MeanFitness[^1] >= -0.25);
        var again = EvolvabilityExperiment.Run(Linear(0.6, 0.8, 0), parents, options, seed: 1);
        Assert.Equal(r.MeanFitness, again.MeanFitness); // reproducible from the seed
    }

    [Fact]
    public void Should_Refuse_When_TheParentsTraitDoesNotVary_OrAnOptionIsBad()
    {
        NativeRuntime.EnsureLoaded();
        using var parents = torch.tensor(new double[] { 1, 0, 1, 5 }, dtype: ScalarType.Float64).reshape(2, 2);
        var e = Assert.Throws<UserInputException>(() => EvolvabilityExperiment.Run(Linear(1, 0), parents, new EvolvabilityOptions(), seed: 0));
        Assert.Contains("SD 0", e.Message);
        Assert.Throws<UserInputException>(() => new EvolvabilityOptions { MutationSigma = 0 }.Validate());
        Assert.Throws<UserInputException>(() => new EvolvabilityOptions { MutantsPerParent = 0 }.Validate());
    }
}
