using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Evolution;

public class StrategyCatalogTests
{
    private static readonly double[] Optimum = { 1, -2, 0.5, 3, -1 };

    private static Tensor Quadratic(Tensor population)
    {
        var c = torch.tensor(Optimum, dtype: population.dtype, device: population.device);
        return -(population - c).square().sum(dim: 1);
    }

    public static TheoryData<string> StrategyNames() => new(StrategyCatalog.Names);

    [Theory]
    [MemberData(nameof(StrategyNames))]
    public void Should_BuildAndImprove_When_EveryCatalogueStrategyRunsOnAQuadratic(string name)
    {
        // Given the entry's default options and a start at 0 (distance to the optimum sqrt(15.25) = 3.9)
        var spec = StrategyCatalog.Spec(name);
        using var start = torch.zeros(5);
        using var strategy = StrategyCatalog.Create(spec, start, seed: 1);

        // When it evolves for 60 generations
        var reports = Evolver.Run(strategy, Quadratic, 60);

        // Then the best fitness rose, the mean is a (G) vector and the parents are (K, G) rows
        Assert.True(reports[^1].BestSoFar > reports[0].BestFitness, $"{name}: {reports[0].BestFitness} -> {reports[^1].BestSoFar}");
        using var mean = strategy.Mean;
        using var parents = strategy.Parents;
        Assert.Equal(new long[] { 5 }, mean.shape);
        Assert.Equal(5, parents.shape[1]);
        Assert.False(string.IsNullOrEmpty(strategy.Name));
    }

    [Theory]
    [MemberData(nameof(StrategyNames))]
    public void Should_RoundTripItsOptions_When_WrittenAsJson(string name)
    {
        var entry = StrategyCatalog.Catalogue.Find(name);
        var options = (IStrategyOptions)entry.DefaultOptions();
        var changed = options.With(population: 6, sigma: 0.25);
        string json = JsonSerializer.Serialize(changed, changed.GetType(), JsonSettings.Default);
        var back = (IStrategyOptions)entry.ReadOptions(JsonDocument.Parse(json).RootElement);
        Assert.Equal(changed, back);
        Assert.Equal(6, back.Population);
        Assert.Equal(0.25, back.Sigma);
    }

    [Fact]
    public void Should_ReadASpecByNameOrWithOptions_When_ParsingJson()
    {
        var bare = StrategyCatalog.Catalogue.Read(JsonDocument.Parse("\"sep-cma\"").RootElement);
        Assert.Equal("cma-diagonal", bare.Name);
        Assert.Equal(new CmaOptions(), bare.Options);
        var full = StrategyCatalog.Catalogue.Read(JsonDocument.Parse("""{ "name": "es", "options": { "population": 10, "learningRate": 0.2 } }""").RootElement);
        Assert.Equal(new OpenAiEsOptions { Population = 10, LearningRate = 0.2 }, full.Options);
    }

    [Theory]
    [InlineData("es", 7, "Population must be even")]
    [InlineData("cma", 1, "Population must be 0")]
    [InlineData("ga", 1, "Population must be in [2, 1000000]")]
    [InlineData("hill-climber", 0, "Population must be in [1, 1000000]")]
    public void Should_NameTheBadField_When_StrategyOptionsAreInvalid(string name, int population, string expected)
    {
        var spec = StrategyCatalog.Spec(name);
        var e = Assert.Throws<UserInputException>(() => StrategyCatalog.With(spec, population));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_BeTheCentroidOfItsPopulation_When_AskingAGeneticAlgorithmForItsMean()
    {
        // Population rows (0, 0), (2, 4), (4, 2): centroid (2, 2).
        using var population = torch.tensor(new double[] { 0, 0, 2, 4, 4, 2 }).reshape(3, 2);
        using var ga = new GeneticAlgorithm(population, new TruncationSelection(), new GaussianMutation(0.1), null, 1, seed: 0);
        using var mean = ga.Mean;
        Assert.Equal(new double[] { 2, 2 }, mean.data<double>().ToArray());
        using var parents = ga.Parents;
        Assert.Equal(population.data<double>().ToArray(), parents.data<double>().ToArray());
    }

    [Fact]
    public void Should_ReturnTheDistributionMean_When_AskingCmaEsOrOpenAiEsForTheirMean()
    {
        using var start = torch.tensor(new double[] { 1, -1, 3 });
        using var cma = new CmaEs(start, 0.5, seed: 2);
        using var es = new OpenAiEs(start, 4, 0.1, 0.1, seed: 2);
        foreach (IEvolutionStrategy s in new IEvolutionStrategy[] { cma, es })
        {
            using var mean = s.Mean;
            using var parents = s.Parents;
            Assert.Equal(new double[] { 1, -1, 3 }, mean.data<double>().ToArray());
            Assert.Equal(new long[] { 1, 3 }, parents.shape);
        }
    }

    [Fact]
    public void Should_AskForTheParentsFirst_When_TheHillClimberKnowsNoFitnessYet()
    {
        // Two lineages from (0, 0) and (1, 1); no fitness known, so generation 1 evaluates the parents themselves.
        using var parents = torch.tensor(new double[] { 0, 0, 1, 1 }).reshape(2, 2);
        using var climber = new HillClimber(parents, new SingleGeneMutation(0.5), seed: 3);
        using (var first = climber.Ask()) Assert.Equal(new double[] { 0, 0, 1, 1 }, first.data<double>().ToArray());
        climber.Tell(torch.tensor(new double[] { -1, -2 }));
        using (var fitness = climber.ParentFitness!) Assert.Equal(new double[] { -1, -2 }, fitness.data<double>().ToArray());
        // Generation 2 asks one mutant per lineage, each differing from its parent in at most one gene.
        using var mutants = climber.Ask();
        var changed = mutants.ne(parents).sum(1).data<long>().ToArray();
        Assert.All(changed, c => Assert.InRange(c, 0L, 1L));
        Assert.Equal(2, climber.PopulationSize);
    }

    [Fact]
    public void Should_MeasureTheParentsAgain_When_TheFitnessChanges()
    {
        // Parents 0 and 3 on one gene; fitness -|x - target|: target 0 gives (0, -3), target 3 gives (-3, 0).
        using var parents = torch.tensor(new double[] { 0, 3 }).reshape(2, 1);
        using var climber = new HillClimber(parents, new SingleGeneMutation(0.1), seed: 4);
        climber.Reevaluate(p => p.squeeze(1).sub(0.0).abs().neg());
        using (var f = climber.ParentFitness!) Assert.Equal(new double[] { 0, -3 }, f.data<double>().ToArray());
        climber.Reevaluate(p => p.squeeze(1).sub(3.0).abs().neg());
        using (var f = climber.ParentFitness!) Assert.Equal(new double[] { -3, 0 }, f.data<double>().ToArray());
    }

    [Fact]
    public void Should_ChangeOneGeneByAtMostSigmaWithinTheBound_When_MutatingOneGene()
    {
        using var g = new Generator(5);
        using var genomes = torch.full(new long[] { 64, 4 }, 0.9, dtype: ScalarType.Float64);
        using var mutated = new SingleGeneMutation(0.3, bound: 1).Mutate(genomes, g);
        using var delta = (mutated - genomes).abs();
        Assert.All(delta.gt(0).sum(1).data<long>().ToArray(), c => Assert.InRange(c, 0L, 1L));
        Assert.True(delta.le(0.3 + 1e-12).all().item<bool>());
        Assert.True(mutated.le(1).all().item<bool>());
        Assert.True(delta.sum().item<double>() > 0);
    }

    [Fact]
    public void Should_StackMembersAndTellEachItsRows_When_StrategiesRunAsAGroup()
    {
        // Two GAs of 4 on 2 genes, from 0 and from 10: the group asks 8 rows, members in order, and each keeps its own parents.
        using var group = new StrategyGroup(new IEvolutionStrategy[]
        {
            new GeneticAlgorithm(torch.zeros(4, 2), new TruncationSelection(0.5), new GaussianMutation(0.01), null, 1, seed: 1),
            new GeneticAlgorithm(torch.full(new long[] { 4, 2 }, 10.0), new TruncationSelection(0.5), new GaussianMutation(0.01), null, 1, seed: 2),
        });
        Assert.Equal(8, group.PopulationSize);
        for (int gen = 0; gen < 3; gen++)
        {
            using var population = group.Ask();
            group.Tell(-population.sum(1));
        }
        using var parents = group.Parents;
        Assert.Equal(new long[] { 8, 2 }, parents.shape);
        Assert.True(parents.narrow(0, 0, 4).abs().max().item<float>() < 1);
        Assert.True(parents.narrow(0, 4, 4).min().item<float>() > 9);
        Assert.Equal(3, group.Generation);
        Assert.Equal("2 x genetic algorithm", group.Name);
    }

    [Fact]
    public void Should_ReachTheOptimum_When_HillClimberLineagesRun()
    {
        // Eight (1+1) lineages with steps of up to 0.3 on a 5-gene quadratic: the best lineage ends within 0.2 of the optimum.
        var spec = StrategyCatalog.Spec("hill-climber", new HillClimberOptions { Population = 8, Sigma = 0.3 });
        using var start = torch.zeros(5, dtype: ScalarType.Float64);
        using var climber = StrategyCatalog.Create(spec, start, seed: 6);
        var reports = Evolver.Run(climber, Quadratic, 400);
        Assert.True(climber.BestFitness > -0.04, $"best {climber.BestFitness}");
        // (1+1) selection never loses fitness: each lineage's parent is at least as fit as before.
        for (int i = 2; i < reports.Count; i++) Assert.True(reports[i].BestSoFar >= reports[i - 1].BestSoFar);
    }
}
