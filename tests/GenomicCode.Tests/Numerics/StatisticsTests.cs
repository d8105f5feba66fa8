using GenomicCode.Core;
using GenomicCode.Numerics;

namespace GenomicCode.Tests.Numerics;

public class StatisticsTests
{
    [Theory]
    [InlineData(0.975)]
    [InlineData(0.9)]
    [InlineData(0.3)]
    public void Should_MatchTheCauchyQuantile_When_TheTDistributionHasOneDegreeOfFreedom(double p)
    {
        // t with 1 degree of freedom is the standard Cauchy distribution: quantile tan(pi (p - 1/2)).
        Assert.Equal(Math.Tan(Math.PI * (p - 0.5)), Statistics.StudentTQuantile(p, 1), 9);
    }

    [Theory]
    [InlineData(0.975)]
    [InlineData(0.995)]
    [InlineData(0.2)]
    public void Should_MatchTheClosedForm_When_TheTDistributionHasTwoDegreesOfFreedom(double p)
    {
        // t with 2 degrees of freedom has the quantile (2p - 1) / sqrt(2 p (1 - p)).
        Assert.Equal((2 * p - 1) / Math.Sqrt(2 * p * (1 - p)), Statistics.StudentTQuantile(p, 2), 9);
    }

    [Fact]
    public void Should_MatchTheTableValue_When_TheTDistributionHasFourDegreesOfFreedom()
    {
        // Student-t tables: t(0.975; 4) = 2.776445105; t(0.975; 9) = 2.262157163.
        Assert.Equal(2.7764451051977987, Statistics.StudentTQuantile(0.975, 4), 8);
        Assert.Equal(2.2621571627409915, Statistics.StudentTQuantile(0.975, 9), 8);
    }

    [Fact]
    public void Should_ComputeTheTInterval_When_GivenThreeValues()
    {
        // {1, 2, 6}: mean 3, sd sqrt((4 + 1 + 9) / 2) = sqrt 7; half-width t(0.975; 2) sqrt 7 / sqrt 3 with t(0.975; 2) = 0.95 / sqrt(0.04875).
        var r = Statistics.TInterval(new double[] { 1, 2, 6 });
        double half = 0.95 / Math.Sqrt(0.04875) * Math.Sqrt(7) / Math.Sqrt(3);
        Assert.Equal(3, r.Mean, 12);
        Assert.Equal(Math.Sqrt(7), r.StandardDeviation, 12);
        Assert.Equal(3 - half, r.Lower, 9);
        Assert.Equal(3 + half, r.Upper, 9);
        Assert.Equal(3, r.Count);
        Assert.Equal(0.95, r.Confidence);
        Assert.Equal("3.00 [-3.57, 9.57]", r.Format(2));
    }

    [Fact]
    public void Should_LeaveTheIntervalUndefined_When_ThereIsOneValue()
    {
        var r = Statistics.TInterval(new double[] { 4 });
        Assert.Equal(4, r.Mean);
        Assert.True(double.IsNaN(r.Lower) && double.IsNaN(r.Upper) && double.IsNaN(r.StandardDeviation));
    }

    [Fact]
    public void Should_RefuseNonFiniteOrNoValues_When_ComputingAnInterval()
    {
        Assert.Throws<UserInputException>(() => Statistics.TInterval(Array.Empty<double>()));
        Assert.Contains("finite", Assert.Throws<UserInputException>(() => Statistics.TInterval(new[] { 1, double.NaN })).Message);
        Assert.Contains("confidence", Assert.Throws<UserInputException>(() => Statistics.TInterval(new double[] { 1, 2 }, 1.0)).Message);
    }

    [Theory]
    // Exact sums of hypergeometric probabilities (rational arithmetic): 17/35 (Fisher's tea-tasting table),
    // 1087/10005, 37227/17489311, 1/126, 41/14858 (the 2 x 2 example of R's fisher.test help, 0.002759).
    [InlineData(3, 1, 1, 3, 17.0 / 35)]
    [InlineData(7, 8, 2, 13, 1087.0 / 10005)]
    [InlineData(13, 17, 2, 28, 37227.0 / 17489311)]
    [InlineData(5, 0, 0, 5, 1.0 / 126)]
    [InlineData(1, 9, 11, 3, 41.0 / 14858)]
    [InlineData(2, 2, 2, 2, 1.0)]
    public void Should_MatchTheExactSum_When_RunningFishersTest(int a, int b, int c, int d, double expected)
    {
        Assert.Equal(expected, Statistics.FisherExact(a, b, c, d), 12);
        // The test does not depend on which row or column comes first.
        Assert.Equal(expected, Statistics.FisherExact(c, d, a, b), 12);
        Assert.Equal(expected, Statistics.FisherExact(b, a, d, c), 12);
    }

    [Fact]
    public void Should_CompareSuccessCounts_When_GivenTwoGroups()
    {
        var r = Statistics.CompareCounts(7, 15, 2, 15);
        Assert.Equal(1087.0 / 10005, r.PValue, 12);
        Assert.Equal((7, 15, 2, 15), (r.SuccessesA, r.TotalA, r.SuccessesB, r.TotalB));
        Assert.Throws<UserInputException>(() => Statistics.CompareCounts(16, 15, 2, 15));
    }
}
