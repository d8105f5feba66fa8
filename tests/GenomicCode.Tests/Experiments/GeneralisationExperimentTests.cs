using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

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
        var (training, unseen) = GeneralisationExperiment.Targets(new GeneralisationOptions { TargetSet = "complement", Traits = 3, Modules = 3 });
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
        var o = GeneralisationOptions.GeneticAlgorithmDefaults with { TrainingGenerations = 40, SwitchEvery = 10, PopulationSize = 16, TestGenerations = 30, Replicates = 1 };
        var r = GeneralisationExperiment.Run(o, seed: 1);
        Assert.Equal(3, r.Conditions.Count);
        Assert.All(r.Conditions, c =>
        {
            // The condition's numbers are the means of its replicates', and its statistics take the replicate as the unit.
            Assert.Equal(c.Replicates.Average(x => x.GenerationsToAdaptUnseen), c.GenerationsToAdaptUnseen, 9);
            Assert.Equal(c.GenerationsToAdaptUnseen, c.Statistics!.GenerationsToAdaptUnseen.Mean, 9);
            Assert.Equal(1, c.Statistics.GenerationsToAdaptUnseen.Count);
            Assert.Equal(144, c.RegulatoryMatrix.Length);
        });
        Assert.Equal(0, r.Conditions[0].WithinModuleWeight); // the B = 0 baseline
        Assert.True(r.Conditions[1].WithinModuleWeight > 0);
    }

    [Fact]
    public void Should_TrainHadamardRowsAndHoldOutTheRest_When_TargetSetIsOrthogonal()
    {
        var (training, unseen) = GeneralisationExperiment.Targets(new GeneralisationOptions { TargetSet = "orthogonal", Traits = 8, Modules = 4 });
        // Sylvester-Hadamard rows of order 4, each module 2 traits: ++++, +-+-, ++--, +--+.
        Assert.Equal(new double[] { 1, 1, 1, 1, 1, 1, 1, 1 }, training[0]);
        Assert.Equal(new double[] { 1, 1, -1, -1, 1, 1, -1, -1 }, training[1]);
        Assert.Equal(new double[] { 1, 1, 1, 1, -1, -1, -1, -1 }, training[2]);
        Assert.Equal(new double[] { 1, 1, -1, -1, -1, -1, 1, 1 }, training[3]);
        // Every pair of modules is uncorrelated over training.
        for (int a = 0; a < 4; a++)
            for (int b = a + 1; b < 4; b++)
                Assert.Equal(0, training.Sum(t => t[2 * a] * t[2 * b]));
        // 16 patterns - 4 trained - 4 negatives of trained = 8 unseen, none of them trained or the negative of a trained one.
        Assert.Equal(8, unseen.Length);
        Assert.DoesNotContain(unseen, u => training.Any(t => t.SequenceEqual(u) || t.Zip(u).All(p => p.First == -p.Second)));
    }

    [Fact]
    public void Should_MatchTheHandComputedCost_When_NormIsL1OrL2()
    {
        // B = [[1, -2], [0, 3]], N = 2, lambda = 0.5: L1 = 0.5 * (1 + 2 + 0 + 3) / 2 = 1.5; L2 = 0.5 * (1 + 4 + 0 + 9) / 2 = 3.5.
        using var b = torch.tensor(new double[] { 1, -2, 0, 3 }).reshape(1, 2, 2);
        Assert.Equal(1.5, GeneralisationExperiment.ConnectionCost(b, 0.5, "l1").item<double>(), 12);
        Assert.Equal(3.5, GeneralisationExperiment.ConnectionCost(b, 0.5, "l2").item<double>(), 12);
    }

    [Fact]
    public void Should_MatchTheHandComputedFitness_When_CostIsL2()
    {
        // G = (1, 0), B = 0, T = 1, tau2 = 0.2: P = (0.8, 0); S = (1, -1): P.S / N = 0.4; with B = [[0, 1], [0, 0]] (so
        // B P = (0, 0) and P is unchanged) and L2 lambda 0.2: cost = 0.2 * 1 / 2 = 0.1, fitness 0.3.
        var o = new GeneralisationOptions { Traits = 4, Modules = 4, DevelopmentSteps = 1, CostNorm = "l2" };
        using var g = torch.tensor(new double[] { 1, 0 }).reshape(1, 2);
        using var b = torch.tensor(new double[] { 0, 1, 0, 0 }).reshape(1, 2, 2);
        using var s = torch.tensor(new double[] { 1, -1 });
        Assert.Equal(0.3, GeneralisationExperiment.Fitness(g, b, s, o, 0.2).item<double>(), 12);
    }

    // Proposes the mutants it is given, whatever the parents.
    private sealed class FixedMutants(Tensor mutants) : IMutation
    {
        public Tensor Mutate(Tensor genomes, Generator generator) => mutants.clone();
    }

    [Fact]
    public void Should_KeepMutantsThatAreNotWorse_When_TheHillClimberSelects()
    {
        // Genomes [G (2) | B (2 x 2)]. Lineage 0: mutant ties its parent (kept: neutral drift); lineage 1: mutant is worse (parent kept).
        using var parents = torch.tensor(new double[] { 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0 }).reshape(2, 6);
        using var mutants = torch.tensor(new double[] { 5, 5, 1, 1, 1, 1, 7, 7, 1, 1, 1, 1 }).reshape(2, 6);
        using var climber = new HillClimber(parents, new FixedMutants(mutants), seed: 0);
        climber.Reevaluate(_ => torch.tensor(new double[] { 1, 2 }));
        using (var asked = climber.Ask()) Assert.Equal(mutants.data<double>().ToArray(), asked.data<double>().ToArray());
        climber.Tell(torch.tensor(new double[] { 1, 1.5 }));
        using var kept = climber.Parents;
        using var fitness = climber.ParentFitness!;
        Assert.Equal(new double[] { 5, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, kept.data<double>().ToArray());
        Assert.Equal(new double[] { 1, 2 }, fitness.data<double>().ToArray());
    }

    [Fact]
    public void Should_ChangeExactlyOneGeneWithinItsBound_When_Mutating()
    {
        using var gen = new torch.Generator(3);
        using var genomes = torch.cat(new[] { torch.full(new long[] { 8, 3 }, 0.95, dtype: ScalarType.Float64), torch.zeros(8, 9, dtype: ScalarType.Float64) }, 1);
        var mutation = new RegulatoryMutation(3, sigmaG: 0.5, sigmaB: 0.1, bound: 1, regulationProbability: 0.5, selfRegulation: false);
        using var mutated = mutation.Mutate(genomes, gen);
        var g = genomes.narrow(1, 0, 3);
        var g2 = mutated.narrow(1, 0, 3);
        var b2 = mutated.narrow(1, 3, 9).reshape(8, 3, 3);
        var changedG = g2.ne(g).sum(1).data<long>().ToArray();
        var changedB = b2.ne(0.0).sum(new long[] { 1, 2 }).data<long>().ToArray();
        for (int r = 0; r < 8; r++) Assert.InRange(changedG[r] + changedB[r], 0, 1); // a clipped or diagonal step may change nothing
        Assert.True(g2.abs().le(1).all().item<bool>());
        Assert.True(b2.abs().le(0.1).all().item<bool>());
        Assert.Equal(0, b2.diagonal(0, 1, 2).abs().sum().item<double>()); // no self-regulation
        Assert.True(changedG.Sum() + changedB.Sum() > 0);
    }

    [Fact]
    public void Should_DrawTheSameStream_When_TheGenomeCarriesBOrNot()
    {
        // With p = 0 a genome [G | B] and the genome G alone change G identically: the draws do not depend on the layout.
        var mutation = new RegulatoryMutation(3, sigmaG: 0.5, sigmaB: 0.1, bound: 1, regulationProbability: 0, selfRegulation: true);
        using var full = torch.zeros(4, 12, dtype: ScalarType.Float64);
        using var alone = torch.zeros(4, 3, dtype: ScalarType.Float64);
        using var a = new torch.Generator(9);
        using var b = new torch.Generator(9);
        using var fromFull = mutation.Mutate(full, a);
        using var fromAlone = mutation.Mutate(alone, b);
        Assert.Equal(fromAlone.data<double>().ToArray(), fromFull.narrow(1, 0, 3).contiguous().data<double>().ToArray());
        Assert.Equal(0, fromFull.narrow(1, 3, 9).abs().sum().item<double>());
    }

    [Fact]
    public void Should_ReturnOne_When_BIsTheTargetsCorrelation()
    {
        var targets = new[] { new double[] { 1, 1, -1 }, new double[] { 1, -1, 1 } };
        // C = mean S S^T: C01 = 0, C02 = 0, C12 = -1. B = 2 C off the diagonal (any diagonal) gives r = 1, -B gives r = -1.
        var b = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) b[i * 3 + j] = i == j ? 7 : targets.Sum(t => t[i] * t[j]);
        Assert.Equal(1, GeneralisationExperiment.HebbianCorrelation(b, targets), 12);
        Assert.Equal(-1, GeneralisationExperiment.HebbianCorrelation(b.Select(x => -x).ToArray(), targets), 12);
    }

    [Fact]
    public void Should_ReturnFiniteResults_When_TheHillClimberRunsSmall()
    {
        var o = new GeneralisationOptions { TargetSet = "orthogonal", Modules = 4, TrainingGenerations = 60, SwitchEvery = 20, TestGenerations = 20, Replicates = 2, ProbeGenotypes = 50, SigmaB = 0.1 };
        var r = GeneralisationExperiment.Run(o, seed: 2);
        Assert.Equal(3, r.Conditions.Count);
        Assert.Equal(4, r.TrainingTargets.Length);
        Assert.Equal(8, r.UnseenTargets.Length);
        Assert.All(r.Conditions, c =>
        {
            Assert.Equal(2, c.Replicates.Count);
            Assert.Equal(c.Replicates.Average(x => x.GenerationsToAdaptUnseen), c.GenerationsToAdaptUnseen, 9);
            Assert.Equal(c.Replicates.Average(x => x.RandomToUnseenShare), c.RandomToUnseenShare, 9);
            var stats = c.Statistics!;
            Assert.Equal(2, stats.RandomToUnseenShare.Count);
            Assert.Equal(c.Replicates.Count(x => x.ReachedEveryUnseen), stats.ReplicatesReachingEveryUnseen);
            // A replicate reached every unseen target exactly when its share of unseen targets reached is 1.
            Assert.All(c.Replicates, x => Assert.Equal(x.UnseenAdaptedShare == 1, x.ReachedEveryUnseen));
        });
        Assert.Equal(0, r.Conditions[0].WithinModuleWeight);
        Assert.True(r.Conditions[1].WithinModuleWeight + r.Conditions[1].BetweenModuleWeight > 0);
    }

    [Fact]
    public void Should_LeaveNoTensorsBehind_When_TheHillClimberRunsTwice()
    {
        var o = new GeneralisationOptions { TrainingGenerations = 20, SwitchEvery = 5, TestGenerations = 5, Replicates = 1, ProbeGenotypes = 10, Traits = 6 };
        GeneralisationExperiment.Run(o, seed: 1);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        GeneralisationExperiment.Run(o, seed: 1);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Should_MatchTheHandCountedDistribution_When_BIsZero()
    {
        // B = 0: P(T) = (1 - tau2)^T G keeps the signs of G. Complement targets of 3 modules x 1 trait: training +++, ---,
        // ++-, --+, +-+, -+-; unseen -++, +--. Probes: two develop into +++ (training), one into -++ (unseen), one into a
        // pattern with a zero trait (outside the class).
        var o = new GeneralisationOptions { Traits = 3, Modules = 3, DevelopmentSteps = 2 };
        var (training, unseen) = GeneralisationExperiment.Targets(o);
        using var g = torch.tensor(new double[] { 1, 2, 3, 0.5, 0.1, 0.2, -1, 1, 1, 1, 0, -1 }).reshape(4, 3);
        using var b = torch.zeros(3, 3, dtype: ScalarType.Float64);
        var d = GeneralisationExperiment.Distribution(o, g, b, training, unseen);
        Assert.Equal(0.5, d.SeenShare, 12);
        Assert.Equal(0.25, d.UnseenShare, 12);
        // Pattern masks: bit k set = module k positive; +++ is mask 7, -++ is mask 6.
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 0.25, 0.5 }, d.PatternShares);
        // Training error: p = 1/2 on one of 6 training patterns: sqrt(1 - sqrt(1/2 * 1/6)).
        Assert.Equal(Math.Sqrt(1 - Math.Sqrt(0.5 / 6)), d.TrainingError, 12);
        // Generalisation error: 1/2 and 1/4 on two of 8 class patterns: sqrt(1 - sqrt(1/16) - sqrt(1/32)).
        Assert.Equal(Math.Sqrt(1 - Math.Sqrt(1.0 / 16) - Math.Sqrt(1.0 / 32)), d.GeneralisationError, 12);
    }

    [Fact]
    public void Should_GiveZeroTrainingError_When_GenotypesDevelopUniformlyIntoTheTrainingPatterns()
    {
        // One probe on each of the 6 training patterns: training error 0; generalisation error sqrt(1 - 6 sqrt(1/6 * 1/8)).
        var o = new GeneralisationOptions { Traits = 3, Modules = 3, DevelopmentSteps = 1 };
        var (training, unseen) = GeneralisationExperiment.Targets(o);
        using var g = torch.tensor(training.SelectMany(t => t).ToArray()).reshape(6, 3);
        using var b = torch.zeros(3, 3, dtype: ScalarType.Float64);
        var d = GeneralisationExperiment.Distribution(o, g, b, training, unseen);
        Assert.Equal(0.0, d.TrainingError, 7);
        Assert.Equal(Math.Sqrt(1 - 6 * Math.Sqrt(1.0 / 48)), d.GeneralisationError, 12);
        Assert.Equal(1.0, d.SeenShare, 12);
    }

    [Fact]
    public void Should_ConvertKouvarisCosts_When_TheirNormalisationIsUsed()
    {
        // lambda = 2 (tau1 / tau2) lambda_K / N: for N = 16, tau1 = 1, tau2 = 0.2, L1 0.22 -> 0.1375 and L2 38 -> 23.75.
        Assert.Equal(0.1375, GeneralisationExperiment.CostFromKouvaris(0.22, 16, 1, 0.2), 12);
        Assert.Equal(23.75, GeneralisationExperiment.CostFromKouvaris(38, 16, 1, 0.2), 12);
        var o = new GeneralisationOptions { CostUnits = "kouvaris", ConnectionCost = 0.22 };
        Assert.Equal(2 * 5 * 0.22 / 12, o.OurCost(o.ConnectionCost), 12);
        // Their fitness times 2 tau1 / tau2, less the constant tau1 / tau2, is ours with the converted cost.
        var ours = new GeneralisationOptions { Traits = 4, Modules = 4, DevelopmentSteps = 3, CostNorm = "l2" };
        using var gen = torch.tensor(new double[] { 0.3, -0.2, 0.5, 0.1 }).reshape(1, 4);
        using var bm = torch.tensor(new double[] { 0, 0.2, -0.1, 0.3, 0.1, 0, 0.2, -0.3, 0.05, 0.1, 0, 0.2, -0.2, 0.1, 0.1, 0 }).reshape(1, 4, 4);
        using var target = torch.tensor(new double[] { 1, -1, 1, 1 });
        double lambdaK = 38, n = 4, ratio = 1 / 0.2;
        using var p = GeneralisationExperiment.Develop(gen, bm, 3, 1, 0.2);
        double theirs = 0.5 * (1 + p.div(torch.tensor(ratio)).matmul(target).item<double>() / n) - lambdaK / (n * n) * bm.square().sum().item<double>();
        double converted = GeneralisationExperiment.Fitness(gen, bm, target, ours, GeneralisationExperiment.CostFromKouvaris(lambdaK, 4, 1, 0.2)).item<double>();
        Assert.Equal(2 * ratio * theirs - ratio, converted, 10);
    }

    [Fact]
    public void Should_ReportStatisticsByReplicate_When_RunWithNoiseAndASweep()
    {
        var o = new GeneralisationOptions
        {
            Traits = 6, TrainingGenerations = 40, SwitchEvery = 10, TestGenerations = 10, Replicates = 3, ProbeGenotypes = 50, SigmaB = 0.1,
            EnvironmentalNoise = 0.1, CostSweep = new[] { 0.0, 0.5 },
        };
        var r = GeneralisationExperiment.Run(o, seed: 4);
        Assert.Equal(4, r.Conditions.Count);
        Assert.Equal("evolved B, environmental noise 0.1", r.Conditions[3].Condition);
        Assert.Equal(0.1, r.Conditions[3].EnvironmentalNoise);
        Assert.Equal(8, r.ClassPatterns!.Length);
        foreach (var c in r.Conditions)
        {
            var st = c.Statistics!;
            // Every interval is over the 3 replicates' own values.
            var shares = c.Replicates.Select(x => x.UnseenAdaptedShare).ToArray();
            Assert.Equal(Statistics.TInterval(shares), st.UnseenAdaptedShare);
            Assert.Equal(c.Replicates.Count(x => x.ReachedEveryUnseen), st.ReplicatesReachingEveryUnseen);
            Assert.All(c.Replicates, x => Assert.Equal(x.RandomToSeenShare + x.RandomToUnseenShare,
                x.PatternShares!.Sum(), 12)); // complement targets: the class is the training patterns, their negatives and the unseen pair
            if (c.Condition == GeneralisationExperiment.NoCostCondition) Assert.Null(st.VersusNoCost);
            else Assert.Equal(Statistics.CompareCounts(st.ReplicatesReachingEveryUnseen, 3,
                r.Conditions[1].Statistics!.ReplicatesReachingEveryUnseen, 3).PValue, st.VersusNoCost!.PValue, 12);
        }
        Assert.Equal(new[] { 0.0, 0.5 }, r.CostCurve!.Select(p => p.Lambda));
        Assert.All(r.CostCurve!, p => Assert.Equal(Statistics.TInterval(p.TrainingErrors), p.TrainingError));
        // The noise condition's lineages train on their own stream: the other conditions are those of a run without noise.
        var quiet = GeneralisationExperiment.Run(o with { EnvironmentalNoise = 0, CostSweep = Array.Empty<double>() }, seed: 4);
        for (int c = 0; c < 3; c++) Assert.Equal(quiet.Conditions[c].RegulatoryMatrix, r.Conditions[c].RegulatoryMatrix);
    }

    [Fact]
    public void Should_RejectBadNoiseUnitsOrSweep()
    {
        Assert.Contains("EnvironmentalNoise", Assert.Throws<UserInputException>(() => new GeneralisationOptions { EnvironmentalNoise = -1 }.Validate()).Message);
        Assert.Contains("CostUnits", Assert.Throws<UserInputException>(() => new GeneralisationOptions { CostUnits = "theirs" }.Validate()).Message);
        Assert.Contains("CostSweep", Assert.Throws<UserInputException>(() => new GeneralisationOptions { CostSweep = new[] { 0.1, -1 } }.Validate()).Message);
        Assert.Contains("Tau2", Assert.Throws<UserInputException>(() => new GeneralisationOptions { CostUnits = "kouvaris", Tau2 = 0 }.Validate()).Message);
    }

    [Fact]
    public void Should_RejectAnUnknownStrategyOrNorm()
    {
        Assert.Contains("Strategy", Assert.Throws<UserInputException>(() => new GeneralisationOptions { Strategy = "sgd" }.Validate()).Message);
        Assert.Contains("CostNorm", Assert.Throws<UserInputException>(() => new GeneralisationOptions { CostNorm = "l3" }.Validate()).Message);
        Assert.Contains("Modules", Assert.Throws<UserInputException>(() => new GeneralisationOptions { TargetSet = "orthogonal", Modules = 3 }.Validate()).Message);
    }

    [Fact]
    public void Should_RejectTraitsThatDoNotSplitIntoModules()
    {
        var e = Assert.Throws<UserInputException>(() => new GeneralisationOptions { TargetSet = "complement", Traits = 7, Modules = 3 }.Validate());
        Assert.Contains("Traits", e.Message);
    }
}
