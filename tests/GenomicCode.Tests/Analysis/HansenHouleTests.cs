using GenomicCode.Analysis;
using GenomicCode.Core;

namespace GenomicCode.Tests.Analysis;

public class HansenHouleTests
{
    [Fact]
    public void Should_MatchTheHandComputedMeasures_When_TwoTraitsCovary()
    {
        // G = [[2, 1], [1, 2]], G^-1 = [[2, -1], [-1, 2]] / 3. Along a trait axis: e = 2, c = 1 / (2/3) = 1.5, a = 0.75.
        // Over beta = (cos t, sin t), t uniform: e = 2 + sin 2t (mean exactly 2 = trace / k); c = 3 / (2 - sin 2t) with mean
        // 3 / sqrt(4 - 1) = sqrt 3; a = c / e = 3 / (4 - sin^2 2t) with mean 3 / (2 sqrt 3) = sqrt(3) / 2
        // (from the integral of 1 / (a^2 - sin^2 u) over a period, 2 pi / (a sqrt(a^2 - 1))).
        var m = HansenHoule.Of(new double[,] { { 2, 1 }, { 1, 2 } }, gradients: 40_000, seed: 1);
        Assert.Equal(new[] { 2.0, 2.0 }, m.TraitEvolvability);
        Assert.Equal(1.5, m.TraitConditionalEvolvability[0], 12);
        Assert.Equal(1.5, m.TraitConditionalEvolvability[1], 12);
        Assert.Equal(0.75, m.TraitAutonomy[0], 12);
        Assert.Equal(2.0, m.MeanEvolvability, 12);
        Assert.Equal(Math.Sqrt(3), m.MeanConditionalEvolvability, 0.01);   // Monte Carlo over 40000 gradients: SE about 0.003
        Assert.Equal(Math.Sqrt(3) / 2, m.MeanAutonomy, 0.005);               // SE about 0.0005
        Assert.Equal(40_000, m.Gradients);
    }

    [Fact]
    public void Should_GiveAutonomyOneAlongEachTrait_When_GIsDiagonal()
    {
        // Uncorrelated traits: along each trait axis c = e = G_ii, so a = 1; off the axes a < 1 unless the variances are
        // equal (for G = 2 I, c = e = 2 in every direction and the mean autonomy is exactly 1).
        var m = HansenHoule.Of(new double[,] { { 4, 0, 0 }, { 0, 1, 0 }, { 0, 0, 0.25 } }, gradients: 500);
        Assert.All(m.TraitAutonomy, a => Assert.Equal(1.0, a, 12));
        Assert.Equal(new[] { 4.0, 1.0, 0.25 }, m.TraitConditionalEvolvability.Select(c => Math.Round(c, 12)));
        Assert.Equal(5.25 / 3, m.MeanEvolvability, 12);
        Assert.True(m.MeanAutonomy < 0.9, $"mean autonomy {m.MeanAutonomy}");
        var isotropic = HansenHoule.Of(new double[,] { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 2 } }, gradients: 500);
        Assert.Equal(1.0, isotropic.MeanAutonomy, 12);
        Assert.Equal(2.0, isotropic.MeanConditionalEvolvability, 12);
    }

    [Fact]
    public void Should_GiveNoConditionalEvolvability_When_TwoTraitsAreOneDirection()
    {
        // G = [[1, 1], [1, 1]] moves only along (1, 1): holding one trait holds the other, so c = 0 along each trait and
        // for almost every gradient; e along a trait is still 1.
        var m = HansenHoule.Of(new double[,] { { 1, 1 }, { 1, 1 } }, gradients: 200);
        Assert.Equal(new[] { 1.0, 1.0 }, m.TraitEvolvability);
        Assert.Equal(new[] { 0.0, 0.0 }, m.TraitConditionalEvolvability);
        Assert.Equal(0.0, m.MeanAutonomy);
        Assert.Equal(1.0, m.MeanEvolvability, 12);
    }

    [Fact]
    public void Should_BuildGFromJacobians_When_AveragingOverOrganisms()
    {
        // J1 = [[1, 0, 2], [0, 1, 1]] gives J1 J1' = [[5, 2], [2, 2]]; J2 = 0 halves it in the mean.
        var g = HansenHoule.FromJacobians(new[] { new double[,] { { 1, 0, 2 }, { 0, 1, 1 } }, new double[2, 3] });
        Assert.Equal(new double[,] { { 2.5, 1 }, { 1, 1 } }, g);
    }

    [Fact]
    public void Should_RefuseAMatrixThatIsNotACovariance()
    {
        Assert.Contains("symmetric", Assert.Throws<UserInputException>(() => HansenHoule.Of(new double[,] { { 1, 2 }, { 0, 1 } })).Message);
        Assert.Contains("semi-definite", Assert.Throws<UserInputException>(() => HansenHoule.Of(new double[,] { { 1, 2 }, { 2, 1 } })).Message);
        Assert.Contains("gradients", Assert.Throws<UserInputException>(() => HansenHoule.Of(new double[,] { { 1 } }, gradients: 0)).Message);
    }
}
