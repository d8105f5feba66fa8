using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Runs;

namespace GenomicCode.Tests.Experiments;

[Collection(TorchCollection.Name)]
public class RegenerationExperimentTests(TinyRunFixture tiny) : IClassFixture<TinyRunFixture>
{
    [Fact]
    public void Should_CountTheStepsUntilTheThresholdShareIsUndone_When_Recovering()
    {
        // Given loss 1 before the damage and 3 right after: 90% undone means loss <= 1 + 0.1 * 2 = 1.2
        Assert.Equal(3, RegenerationExperiment.StepsToRecover(1, 3, new[] { 2.9, 2.5, 1.2, 1.0 }, 0.9));
        Assert.Null(RegenerationExperiment.StepsToRecover(1, 3, new[] { 2.9, 2.5, 1.3 }, 0.9));
        Assert.Equal(1, RegenerationExperiment.StepsToRecover(1, 3, new[] { 2.0 }, 0.5));
        Assert.Null(RegenerationExperiment.StepsToRecover(1, 1, new[] { 0.5 }, 0.9));   // the damage raised no loss
        Assert.Equal(0.75, RegenerationExperiment.Recovered(1, 3, 1.5));
        Assert.Equal(1.25, RegenerationExperiment.Recovered(1, 3, 0.5));
        Assert.True(double.IsNaN(RegenerationExperiment.Recovered(2, 1, 0.5)));
    }

    [Fact]
    public void Should_FrameBothEnds_When_SpacingStripFrames()
    {
        Assert.Equal(new[] { 0, 24, 48, 72, 96 }, RegenerationExperiment.FrameSteps(96, 5));
        Assert.Equal(new[] { 0, 1, 2 }, RegenerationExperiment.FrameSteps(2, 8));
    }

    [Fact]
    public void Should_RecordLossBeforeAfterAndDuringRecovery_When_RunOnAGrowingNcaRun()
    {
        // When a tiny trained run regrows 3 damaged organisms for 5 steps after 6 steps of growth
        var options = new RegenerationOptions { Run = tiny.GrowingNcaRun, Organisms = 3, GrowSteps = 6, RecoverySteps = 5, Frames = 4 };
        var result = RegenerationExperiment.Run(options, seed: 7);
        var again = RegenerationExperiment.Run(options, seed: 7);

        // Then the curve has the damage step twice (before, after), one point per step otherwise, and agrees with the organisms
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10, 11 }, result.Time);
        Assert.Equal(result.Time.Length, result.Loss.Length);
        Assert.Equal(result.Time.Length, result.ControlLoss.Length);
        Assert.Equal(result.LossBefore, result.Loss[6], 6);
        Assert.Equal(result.LossAfter, result.Loss[7], 6);
        Assert.Equal(result.LossFinal, result.Loss[^1], 6);
        Assert.Equal(result.Loss[0], result.ControlLoss[0]);     // all start as the same seed
        Assert.Equal(3, result.Organisms.Count);
        Assert.Equal(result.Loss, again.Loss);                   // seeds explicit: the same numbers
        Assert.Equal(4 * 8 * 8 * 3, result.Growth.Rgb.Length);
        Assert.Equal(new[] { 6, 8, 9, 11 }, result.Regeneration.Steps);

        // And its figures render
        var figures = ExperimentFigures.Regeneration(result);
        Assert.Equal(new[] { "regenerate.png", "regenerate_strips.png" }, figures.Keys.Order(StringComparer.Ordinal));
        Assert.All(figures.Values, f => Assert.True(f.ToPng().Length > 1000));
    }

    [Fact]
    public void Should_RefuseAGenomeVaeRun_When_Regenerating()
    {
        var e = Assert.Throws<GenomicCode.Core.UserInputException>(() => GrowingNcaRun.Load(tiny.Run, "cpu"));
        Assert.Contains("holds a genome VAE run", e.Message);
        var back = Assert.Throws<GenomicCode.Core.UserInputException>(() => TrainedRun.Load(tiny.GrowingNcaRun, "cpu"));
        Assert.Contains("experiment regenerate", back.Message);
    }
}
