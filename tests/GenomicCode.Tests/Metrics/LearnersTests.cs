using GenomicCode.Metrics;

namespace GenomicCode.Tests.Metrics;

[Collection(TorchCollection.Name)] // ML.NET allocates heavily; keep its GC pressure off concurrent libtorch calls
public class LearnersTests
{
    [Fact]
    public void Should_KeepClassOrderInProbabilities_When_ClassesAreSeparable()
    {
        // Given three classes separated along x0; x1 is noise.
        var rng = new Random(0);
        int n = 300;
        var x = new double[n, 2];
        var y = new int[n];
        for (int i = 0; i < n; i++) { y[i] = i % 3; x[i, 0] = y[i] + 0.1 * rng.NextDouble(); x[i, 1] = rng.NextDouble(); }
        // When a logistic regression is fitted, Then column c of the probabilities belongs to class c.
        var model = Learners.FitLogistic(x, y, 3, seed: 0);
        var p = model.PredictProbabilities(x);
        for (int i = 0; i < 3; i++) Assert.True(p[i, y[i]] > 0.9, $"row {i}: p = {p[i, 0]}, {p[i, 1]}, {p[i, 2]}");
        Assert.Equal(1, model.Accuracy(x, y));
        // And boosted trees put their importance on the informative feature.
        var trees = Learners.FitBoostedTrees(x, y.Select(v => (double)v).ToArray(), trees: 50, leaves: 4, learningRate: 0.5, seed: 0);
        Assert.True(trees.Importances[0] > 100 * trees.Importances[1], string.Join(", ", trees.Importances));
        Assert.All(trees.Predict(x).Zip(y), t => Assert.Equal(t.Second, Math.Round(t.First)));
    }
}
