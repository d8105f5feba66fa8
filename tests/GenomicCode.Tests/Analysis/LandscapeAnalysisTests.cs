using GenomicCode.Analysis;
using GenomicCode.Plotting;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Analysis;

[Collection(TorchCollection.Name)]
public class LandscapeAnalysisTests
{
    // Hand-written double well: E(x, y) = (x^2 - 1)^2 + y^2; minima (+-1, 0) with E = 0, saddle (0, 0) with E = 1.
    private static Tensor DoubleWell(Tensor s)
    {
        var x = s.select(1, 0);
        var y = s.select(1, 1);
        return (x.pow(2) - 1).pow(2) + y.pow(2);
    }

    [Fact]
    public void Should_FindBothMinimaAndTheBarrier_When_SurveyingADoubleWell()
    {
        using var scope = torch.NewDisposeScope();
        var starts = LandscapeAnalysis.RandomStarts(200, 2, -2, 2, seed: 0);
        var survey = LandscapeAnalysis.FindAttractors(DoubleWell, starts, stepSize: 0.02, maxSteps: 3000);
        Assert.Equal(2, survey.Attractors.Count);
        var xs = survey.Attractors.Select(a => a.Position[0]).OrderBy(v => v).ToArray();
        Assert.Equal(-1, xs[0], 2);
        Assert.Equal(1, xs[1], 2);
        Assert.All(survey.Attractors, a => Assert.Equal(0, a.Position[1], 2));
        Assert.Equal(1.0, survey.Attractors.Sum(a => a.BasinShare), 9);
        Assert.All(survey.Attractors, a => Assert.InRange(a.BasinShare, 0.35, 0.65)); // symmetric well, uniform starts
        var barrier = LandscapeAnalysis.BarrierBetween(DoubleWell, survey.Attractors[0].Position, survey.Attractors[1].Position);
        Assert.InRange(barrier.HeightFromStart, 0.95, 1.05);
        Assert.InRange(barrier.HeightFromEnd, 0.95, 1.05);
        Assert.InRange(barrier.AtFraction, 0.45, 0.55);
    }

    [Fact]
    public void Should_RenderTheLandscape_When_PlottingASliceWithTrajectories()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var starts = LandscapeAnalysis.RandomStarts(4, 2, -1.5, 1.5, seed: 0);
        var slice = LandscapeAnalysis.Slice(DoubleWell, new double[] { 0, 0 }, 0, 1, 2, 21, starts, 0.02, 50);
        Assert.Equal(1.0, slice.Energy[10, 10], 6); // the saddle at the centre
        Assert.Equal(4, slice.Trajectories.Count);
        Assert.All(slice.Trajectories, t => Assert.Equal(51, t.X.Length));
        string path = LandscapeFigure.Save(new LandscapePlotData(slice.Xs, slice.Ys, slice.Energy, slice.Trajectories), "double well", dir["landscape.png"]);
        Assert.True(new FileInfo(path).Length > 1000);
    }
}
