using GenomicCode.Data;
using GenomicCode.Metrics;

namespace GenomicCode.Tests.Metrics;

/// <summary>Every catalogue entry honours the Metric contract.</summary>
[Collection(TorchCollection.Name)]
public class MetricConformanceTests
{
    public static TheoryData<string> Names() => new(MetricCatalog.Names);


    [Theory]
    [MemberData(nameof(Names))]
    public void Should_ReturnItsNamedFiniteScores_Reproducibly_When_Evaluated(string name)
    {
        var world = new FactorVectorWorld(new[] { 3, 4 });
        var tiny = MetricSanityTests.Sized(name, 200, 100, batch: 8, trees: 5);
        var metric = MetricCatalog.Create(name, tiny);
        Assert.Equal(tiny, metric.Options);
        Assert.Equal(name, metric.Name);
        Assert.NotEmpty(metric.ScoreNames);
        var a = metric.Evaluate(world, MetricSanityTests.GroundTruth, seed: 3);
        var b = MetricCatalog.Create(name, tiny).Evaluate(world, MetricSanityTests.GroundTruth, seed: 3);
        Assert.Equal(metric.ScoreNames.OrderBy(s => s), a.Keys.OrderBy(s => s));
        Assert.All(a.Values, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(a, b);
        if (metric is ICodeMetric codeMetric)
        {
            var train = CodeSampler.Sample(world, MetricSanityTests.GroundTruth, 100, 1);
            var test = CodeSampler.Sample(world, MetricSanityTests.GroundTruth, 50, 2);
            var s = codeMetric.Score(train, test, 0);
            Assert.Equal(metric.ScoreNames.OrderBy(x => x), s.Keys.OrderBy(x => x));
        }
    }

    [Fact]
    public void Should_NameKnownMetrics_When_MetricIsUnknown()
    {
        var e = Assert.Throws<GenomicCode.Core.UserInputException>(() => MetricCatalog.Create("nope"));
        Assert.Contains($"known: {string.Join(", ", MetricCatalog.Names)}.", e.Message);
        Assert.Equal(new[] { "mig", "dci", "sap", "modularity" }, MetricCatalog.CodeMetricNames);
        Assert.Equal("modularity", MetricCatalog.Create("explicitness").Name);
    }
}
