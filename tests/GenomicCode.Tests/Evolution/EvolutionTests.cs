using GenomicCode.Core;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Evolution;

public class EvolutionTests
{
    private static readonly double[] Optimum = { 1, -2, 0.5, 3, -1 };

    // f(x) = -||x - c||^2, maximal (0) at c.
    private static Tensor Quadratic(Tensor population)
    {
        var c = torch.tensor(Optimum, dtype: population.dtype, device: population.device);
        return -(population - c).square().sum(dim: 1);
    }

    private static double DistanceToOptimum(Tensor x) =>
        (x.to(ScalarType.Float64) - torch.tensor(Optimum, dtype: ScalarType.Float64)).norm().item<double>();

    [Fact]
    public void Should_ReachTheOptimum_When_GeneticAlgorithmRuns150Generations()
    {
        using var g = new Generator(1);
        using var start = torch.randn(new long[] { 64, 5 }, generator: g);
        using var ga = new GeneticAlgorithm(start, new TournamentSelection(3), new GaussianMutation(0.05), new UniformCrossover(), eliteCount: 2, seed: 1);
        var reports = Evolver.Run(ga, Quadratic, 150);
        Assert.True(ga.BestFitness > -0.01, $"best fitness {ga.BestFitness}");
        using var best = ga.BestGenome!;
        Assert.True(DistanceToOptimum(best) < 0.1, $"distance {DistanceToOptimum(best)}");
        // Elitism: the best of each generation never gets worse.
        for (int i = 1; i < reports.Count; i++) Assert.True(reports[i].BestFitness >= reports[i - 1].BestFitness - 1e-9);
    }

    [Fact]
    public void Should_ReachTheOptimum_When_OpenAiEsRuns300Generations()
    {
        using var start = torch.zeros(5);
        using var es = new OpenAiEs(start, populationSize: 32, sigma: 0.1, learningRate: 0.05, seed: 2);
        Evolver.Run(es, Quadratic, 300);
        using var mean = es.Mean;
        Assert.True(DistanceToOptimum(mean) < 0.05, $"distance {DistanceToOptimum(mean)}");
    }

    [Theory]
    [InlineData(CmaCovariance.Full)]
    [InlineData(CmaCovariance.Diagonal)]
    public void Should_ConvergeTightly_When_CmaEsRuns150Generations(CmaCovariance covariance)
    {
        using var start = torch.zeros(5);
        using var cma = new CmaEs(start, initialSigma: 1.0, seed: 3, covariance: covariance);
        Assert.Equal(8, cma.PopulationSize); // 4 + floor(3 ln 5)
        Evolver.Run(cma, Quadratic, 150);
        using var mean = cma.Mean;
        Assert.True(DistanceToOptimum(mean) < 1e-4, $"distance {DistanceToOptimum(mean)}");
        Assert.True(cma.Sigma < 1e-3, $"sigma {cma.Sigma}");
    }

    [Fact]
    public void Should_ConvergeOnAnIllConditionedEllipsoid_When_CmaEsAdaptsFullCovariance()
    {
        // f(x) = -sum_i 10^(3 i / (n - 1)) x_i^2, rotated by a fixed orthogonal matrix: needs the full covariance.
        int n = 4;
        using var g = new Generator(11);
        var (q, _) = torch.linalg.qr(torch.randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: g));
        var scale = torch.tensor(Enumerable.Range(0, n).Select(i => Math.Pow(10, 3.0 * i / (n - 1))).ToArray());
        Tensor Ellipsoid(Tensor x) => -(x.to(ScalarType.Float64).matmul(q).square() * scale).sum(dim: 1);
        using var cma = new CmaEs(torch.ones(n), 0.5, seed: 4);
        Evolver.Run(cma, Ellipsoid, 250);
        Assert.True(cma.BestFitness > -1e-8, $"best {cma.BestFitness}");
    }

    [Fact]
    public void Should_ChangeAboutRateTimesLengthSites_When_NucleotidesMutate()
    {
        using var g = new Generator(5);
        using var genomes = torch.randint(0, 4, new long[] { 200, 500 }, dtype: ScalarType.Int64, generator: g);
        using var mutated = new NucleotideSubstitution(0.05).Mutate(genomes, g);
        long changed = mutated.ne(genomes).sum().item<long>();
        // Expected 0.05 x 100,000 = 5,000 substitutions; binomial sd ~ 69.
        Assert.InRange(changed, 4700, 5300);
        Assert.Equal(0, mutated.lt(0).logical_or(mutated.gt(3)).sum().item<long>());
        using var none = new NucleotideSubstitution(0).Mutate(genomes, g);
        Assert.True(none.eq(genomes).all().item<bool>());
    }

    [Fact]
    public void Should_TakeEveryGeneFromAParent_When_Crossing()
    {
        using var g = new Generator(6);
        using var mothers = torch.arange(0, 40, dtype: ScalarType.Float32).reshape(4, 10);
        using var fathers = -mothers - 1;
        foreach (IRecombination r in new IRecombination[] { new UniformCrossover(), new OnePointCrossover() })
        {
            using var child = r.Recombine(mothers, fathers, g);
            Assert.True(child.eq(mothers).logical_or(child.eq(fathers)).all().item<bool>(), r.GetType().Name);
            Assert.True(child.eq(mothers).any().item<bool>() && child.eq(fathers).any().item<bool>(), r.GetType().Name);
        }
        // One point: a mother prefix then a father suffix in every row.
        using var onePoint = new OnePointCrossover().Recombine(mothers, fathers, g);
        var fromMother = onePoint.eq(mothers).to(ScalarType.Int32);
        Assert.True((fromMother.narrow(1, 1, 9) - fromMother.narrow(1, 0, 9)).le(0).all().item<bool>());
        Assert.True(fromMother.select(1, 0).eq(1).all().item<bool>());
        Assert.True(fromMother.select(1, 9).eq(0).all().item<bool>());
    }

    [Fact]
    public void Should_PickOnlyFromTheTop_When_SelectingByTruncationOrProportion()
    {
        using var g = new Generator(7);
        using var fitness = torch.tensor(new double[] { 5, 1, 9, 3, 7, 2, 8, 0 });
        using var top = new TruncationSelection(0.25).SelectParents(fitness, 100, g);
        Assert.True(top.eq(2).logical_or(top.eq(6)).all().item<bool>()); // fitness 9 and 8
        using var only = new FitnessProportionalSelection().SelectParents(torch.tensor(new double[] { 0, 0, 1 }), 50, g);
        Assert.True(only.eq(2).all().item<bool>());
        using var winners = new TournamentSelection(8).SelectParents(fitness, 200, g);
        // Tournaments of 8 drawn with replacement from 8 nearly always contain index 2 (fitness 9): P(miss) = (7/8)^8 = 0.34.
        double share = winners.eq(2).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(share, 0.55, 0.78);
    }

    [Fact]
    public void Should_GiveCentredRanks_When_ShapingFitness()
    {
        using var ranks = OpenAiEs.CentredRanks(torch.tensor(new double[] { 3, 1, 2 }));
        Assert.Equal(new[] { 0.5, -0.5, 0.0 }, ranks.data<double>().ToArray());
    }

    [Fact]
    public void Should_DevelopAWholeGenerationInOneCall_When_Evolving()
    {
        int calls = 0;
        var sizes = new List<long>();
        Tensor CountingFitness(Tensor population)
        {
            calls++;
            sizes.Add(population.shape[0]);
            return Quadratic(population);
        }
        using var ga = new GeneticAlgorithm(torch.zeros(16, 5), new TournamentSelection(), new GaussianMutation(0.1), null, 1, seed: 8);
        Evolver.Run(ga, CountingFitness, 7);
        Assert.Equal(7, calls);
        Assert.All(sizes, s => Assert.Equal(16, s));
    }

    [Fact]
    public void Should_ReproduceARun_When_SeedIsTheSame()
    {
        double Run(long seed)
        {
            using var ga = new GeneticAlgorithm(torch.zeros(16, 5), new TournamentSelection(), new GaussianMutation(0.3), new OnePointCrossover(), 1, seed);
            Evolver.Run(ga, Quadratic, 10);
            return ga.BestFitness;
        }
        double first = Run(9), again = Run(9), otherSeed = Run(10); // three independent runs
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Should_NameGenerationAndIndividual_When_FitnessIsNaNOrMisshaped()
    {
        using var ga = new GeneticAlgorithm(torch.zeros(4, 2), new TournamentSelection(), new GaussianMutation(0.1), null, 0, seed: 0);
        var e = Assert.Throws<UserInputException>(() => Evolver.Run(ga, p => torch.tensor(new double[] { 1, 2, double.NaN, 4 }), 1));
        Assert.Contains("generation 0", e.Message);
        Assert.Contains("individual 2", e.Message);
        var shape = Assert.Throws<UserInputException>(() => Evolver.Run(ga, p => torch.zeros(3), 1));
        Assert.Contains("expected (4)", shape.Message);
    }

    [Fact]
    public void Should_RejectBadSettings_With_OneLineErrors()
    {
        Assert.Contains("population size", Assert.Throws<UserInputException>(() =>
            new GeneticAlgorithm(torch.zeros(1, 3), new TournamentSelection(), new GaussianMutation(0.1), null, 0, 0)).Message);
        Assert.Contains("elite count", Assert.Throws<UserInputException>(() =>
            new GeneticAlgorithm(torch.zeros(4, 3), new TournamentSelection(), new GaussianMutation(0.1), null, 4, 0)).Message);
        Assert.Contains("mutation rate", Assert.Throws<UserInputException>(() => new GaussianMutation(0.1, 1.5)).Message);
        Assert.Contains("mutation rate", Assert.Throws<UserInputException>(() => new NucleotideSubstitution(-0.1)).Message);
        Assert.Contains("even", Assert.Throws<UserInputException>(() => new OpenAiEs(torch.zeros(3), 5, 0.1, 0.1, 0)).Message);
    }

    [Fact]
    public void Should_KeepItsState_When_BuiltInsideADisposeScopeThatEnds()
    {
        IEvolutionStrategy[] strategies;
        using (torch.NewDisposeScope())
        {
            strategies = new IEvolutionStrategy[]
            {
                new CmaEs(torch.zeros(5), 1.0, seed: 13),
                new OpenAiEs(torch.zeros(5), 8, 0.1, 0.05, seed: 13),
                new GeneticAlgorithm(torch.zeros(8, 5), new TournamentSelection(), new GaussianMutation(0.1), null, 1, seed: 13),
            };
        }
        foreach (var s in strategies)
        {
            using (s)
            {
                var reports = Evolver.Run(s, Quadratic, 3);
                Assert.All(reports, r => Assert.True(double.IsFinite(r.BestFitness)));
            }
        }
    }

    [Fact]
    public void Should_KeepLiveTensorsFlat_When_Evolving()
    {
        using var cma = new CmaEs(torch.zeros(5), 1.0, seed: 12);
        Evolver.Run(cma, Quadratic, 3);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Evolver.Run(cma, Quadratic, 20);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
