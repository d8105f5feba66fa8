using GenomicCode.Core;
using GenomicCode.Evolution.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Evolution;

public class GeneralisationExperimentTests
{
    [Fact]
    public void Should_MatchTheHandComputedStep_When_DevelopingOneStep()
    {
        // P1 = P0 + tau1 tanh(B P0) - tau2 P0 with P0 = (1, -0.5), B = [[0.2, 0.4], [-1, 0]]:
        // B P0 = (0.0, -1.0); P1 = (1 + tanh 0 - 0.2, -0.5 + tanh(-1) - 0.2 * -0.5) = (0.8, -1.1615941559557649).
        using var g = torch.tensor(new double[] { 1, -0.5 }).reshape(1, 2);
        using var b = torch.tensor(new double[] { 0.2, 0.4, -1, 0 }).reshape(2, 2);
        var p = GeneralisationExperiment.Develop(g, b, 1, 1.0, 0.2).data<double>().ToArray();
        Assert.Equal(0.8, p[0], 12);
        Assert.Equal(-0.5 + Math.Tanh(-1) + 0.1, p[1], 12);
    }

    [Fact]
    public void Should_SplitModularTargetsIntoSeenAndUnseen()
    {
        var (training, unseen) = GeneralisationExperiment.Targets(new GeneralisationOptions { Traits = 3, Modules = 3 });
        Assert.Equal(6, training.Length);
        Assert.Equal(2, unseen.Length);
        Assert.Contains(training, t => t.SequenceEqual(new double[] { 1, 1, 1 }));
        Assert.Contains(training, t => t.SequenceEqual(new double[] { 1, -1, 1 }));
        Assert.Contains(unseen, t => t.SequenceEqual(new double[] { -1, 1, 1 }));
        Assert.Contains(unseen, t => t.SequenceEqual(new double[] { 1, -1, -1 }));
        // No unseen target is the negative of a training target (development is odd: -G develops into -P).
        Assert.DoesNotContain(unseen, u => training.Any(t => t.Zip(u).All(p => p.First == -p.Second)));
    }

    [Fact]
    public void Should_ReturnFiniteResultsForEveryCondition_When_RunSmall()
    {
        var o = new GeneralisationOptions { TrainingGenerations = 40, SwitchEvery = 10, PopulationSize = 16, TestGenerations = 30, Replicates = 1 };
        var r = GeneralisationExperiment.Run(o, seed: 1);
        Assert.Equal(3, r.Conditions.Count);
        Assert.All(r.Conditions, c =>
        {
            Assert.InRange(c.GenerationsToAdaptUnseen, 0, 30);
            Assert.Equal(144, c.RegulatoryMatrix.Length);
        });
        Assert.Equal(0, r.Conditions[0].WithinModuleWeight); // the B = 0 baseline
        Assert.True(r.Conditions[1].WithinModuleWeight > 0);
    }

    [Fact]
    public void Should_RejectTraitsThatDoNotSplitIntoModules()
    {
        var e = Assert.Throws<UserInputException>(() => new GeneralisationOptions { Traits = 7, Modules = 3 }.Validate());
        Assert.Contains("Traits", e.Message);
    }
}
