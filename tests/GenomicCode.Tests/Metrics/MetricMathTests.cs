using GenomicCode.Core;
using GenomicCode.Metrics;
using GenomicCode.Numerics;

namespace GenomicCode.Tests.Metrics;

/// <summary>Exact, hand-computed cases for the pure maths of every metric.</summary>
public class MetricMathTests
{
    [Fact]
    public void Should_GiveLn2_When_EntropyOfTwoEqualClasses()
    {
        Assert.Equal(Math.Log(2), InformationTheory.Entropy(new[] { 0, 0, 1, 1 }), 12);
        // H = -(3/4 ln 3/4 + 1/4 ln 1/4)
        Assert.Equal(-(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25)), InformationTheory.Entropy(new[] { 5, 5, 5, 9 }), 12);
        Assert.Equal(0, InformationTheory.Entropy(new[] { 3, 3, 3 }), 12);
    }

    [Fact]
    public void Should_MatchHandComputedMutualInformation()
    {
        // Independent: joint is the product of the marginals.
        Assert.Equal(0, InformationTheory.MutualInformation(new[] { 0, 0, 1, 1 }, new[] { 0, 1, 0, 1 }), 12);
        // I(A; A) = H(A).
        Assert.Equal(Math.Log(2), InformationTheory.MutualInformation(new[] { 0, 0, 1, 1 }, new[] { 7, 7, 2, 2 }), 12);
        // Joint (0,0):2 (1,0):1 (1,1):1 -> 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2 = 3/4 ln(4/3).
        Assert.Equal(0.75 * Math.Log(4.0 / 3), InformationTheory.MutualInformation(new[] { 0, 0, 1, 1 }, new[] { 0, 0, 0, 1 }), 12);
    }

    [Fact]
    public void Should_BinLikeNumpyHistogramAndDigitize_When_Discretizing()
    {
        // Edges 0, .25, .5, .75 (last edge 1 dropped): 1 falls into the last bin, an edge value into the bin it opens.
        var codes = new double[,] { { 0 }, { 0.25 }, { 0.5 }, { 0.74 }, { 1 } };
        var bins = InformationTheory.Discretize(codes, 4);
        Assert.Equal(new[] { 0, 1, 2, 2, 3 }, Enumerable.Range(0, 5).Select(i => bins[i, 0]));
        var constant = InformationTheory.Discretize(new double[,] { { 2 }, { 2 } }, 20);
        Assert.Equal(constant[0, 0], constant[1, 0]);
    }

    [Fact]
    public void Should_ComputeMigFromMutualInformation_When_GivenExactMatrix()
    {
        // Factor 0: (1 - 0.5) / 2 = 0.25; factor 1: (0.2 - 0) / 1 = 0.2; mean 0.225.
        var (mig, per) = Mig.FromMutualInformation(new double[,] { { 1, 0 }, { 0.5, 0.2 } }, new[] { 2.0, 1.0 });
        Assert.Equal(0.225, mig, 12);
        Assert.Equal(new[] { 0.25, 0.2 }, per.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Should_ScoreDci_When_ImportanceIsDiagonalUniformOrHandBuilt()
    {
        Assert.Equal(1, Dci.Disentanglement(new double[,] { { 2, 0 }, { 0, 3 } }), 6);
        Assert.Equal(1, Dci.Completeness(new double[,] { { 2, 0 }, { 0, 3 } }), 6);
        Assert.Equal(0, Dci.Disentanglement(new double[,] { { 1, 1 }, { 1, 1 } }), 6);
        Assert.Equal(0, Dci.Disentanglement(new double[,] { { 0, 0 }, { 0, 0 } }), 6); // all zero counts as uniform
        // Rows (1,1) weight 2/3 entropy 1, and (1,0) weight 1/3 entropy 0: D = 1/3; by symmetry C = 1/3.
        Assert.Equal(1.0 / 3, Dci.Disentanglement(new double[,] { { 1, 1 }, { 1, 0 } }), 6);
        Assert.Equal(1.0 / 3, Dci.Completeness(new double[,] { { 1, 1 }, { 1, 0 } }), 6);
    }

    [Fact]
    public void Should_ScoreRowsForDisentanglementAndColumnsForCompleteness_When_ImportanceIsNotSquare()
    {
        // R: 3 codes x 2 factors, total 5. Disentanglement (rows, entropy base K = 2): (1,0) weight 1/5 -> 1; (1,1)
        // weight 2/5 -> 0; (0,2) weight 2/5 -> 1; D = 3/5. Completeness (columns, base D = 3): (1,1,0) weight 2/5 ->
        // 1 - ln 2 / ln 3; (0,1,2) weight 3/5 -> 1 - H(1/3, 2/3) / ln 3; C = 0.4000 (not 3/5: swapping D and C fails).
        var r = new double[,] { { 1, 0 }, { 1, 1 }, { 0, 2 } };
        double h = -(1.0 / 3 * Math.Log(1.0 / 3) + 2.0 / 3 * Math.Log(2.0 / 3)) / Math.Log(3);
        double c = 0.4 * (1 - Math.Log(2) / Math.Log(3)) + 0.6 * (1 - h);
        Assert.Equal(0.6, Dci.Disentanglement(r), 6);
        Assert.Equal(c, Dci.Completeness(r), 6);
        // The transpose (2 codes x 3 factors) swaps the roles: its disentanglement is r's completeness.
        var t = new double[,] { { 1, 1, 0 }, { 0, 1, 2 } };
        Assert.Equal(c, Dci.Disentanglement(t), 6);
        Assert.Equal(0.6, Dci.Completeness(t), 6);
        // A code with no importance has weight 0 in disentanglement: D stays 3/5.
        var withDead = new double[,] { { 1, 0 }, { 1, 1 }, { 0, 2 }, { 0, 0 } };
        Assert.Equal(0.6, Dci.Disentanglement(withDead), 6);
    }

    [Fact]
    public void Should_ComputeModularity_When_GivenExactMatrix()
    {
        // Code 0 informs one factor: 1. Code 1 informs two equally: delta = (2 - 1) / (1 x 1) = 1 -> 0. Code 2 none: 0.
        Assert.Equal(1.0 / 3, ModularityExplicitness.Modularity(new double[,] { { 1, 0 }, { 1, 1 }, { 0, 0 } }), 12);
    }

    [Fact]
    public void Should_ComputeSapGap_When_GivenExactScoreMatrix()
    {
        // Factor 0: 0.9 - 0.3; factor 1: 0.6 - 0.5; mean 0.35.
        Assert.Equal(0.35, Sap.FromScoreMatrix(new double[,] { { 0.9, 0.5 }, { 0.3, 0.6 } }), 12);
        // 3 codes x 2 factors: per factor (column) 0.9 - 0.5 and 0.6 - 0.3, mean 0.35; the gap per code (row) would give
        // (0.7 + 0.1 + 0.2) / 3 = 1/3.
        Assert.Equal(0.35, Sap.FromScoreMatrix(new double[,] { { 0.9, 0.2 }, { 0.5, 0.6 }, { 0.1, 0.3 } }), 12);
    }

    [Fact]
    public void Should_MatchRankStatistic_When_ComputingRocAuc()
    {
        // scikit-learn's documented example: 0.75.
        Assert.Equal(0.75, Scoring.RocAuc(new[] { 0.1, 0.4, 0.35, 0.8 }, new[] { false, false, true, true }), 12);
        Assert.Equal(0.5, Scoring.RocAuc(new[] { 0.5, 0.5 }, new[] { true, false }), 12);
        Assert.True(double.IsNaN(Scoring.RocAuc(new[] { 0.5 }, new[] { true })));
    }

    [Fact]
    public void Should_CountMajorityVotes_When_ScoringFactorVae()
    {
        var (train, test) = FactorVaeScore.MajorityVoteAccuracy(new[,] { { 5, 1 }, { 2, 6 } }, new[,] { { 3, 1 }, { 1, 3 } });
        Assert.Equal(11.0 / 14, train, 12);
        Assert.Equal(6.0 / 8, test, 12);
    }

    [Fact]
    public void Should_PickLowestNormalisedVariance_Among_ActiveCodes()
    {
        // Column variances (ddof 1): 1, 0.5, 0 (pruned). Normalised by global 1 and 4: 1, 0.125 -> active index 1.
        var codes = new double[,] { { 0, 1, 7 }, { 1, 2, 7 }, { 2, 2, 7 } };
        Assert.Equal(1, FactorVaeScore.ArgminNormalisedVariance(codes, 0, 3, new[] { 1.0, 4.0, 1.0 }, new[] { true, true, false }));
        Assert.Equal(0, FactorVaeScore.ArgminNormalisedVariance(codes, 0, 3, new[] { 1.0, 4.0, 1.0 }, new[] { false, true, false }));
        var v = FactorVaeScore.Variances(codes);
        Assert.Equal(1.0, v[0], 12);
        Assert.Equal(1.0 / 3, v[1], 12);
        Assert.Equal(0.0, v[2], 12);
    }

    [Fact]
    public void Should_AverageAbsoluteDifferences_When_BuildingBetaVaeFeature()
    {
        var codes = new double[,] { { 0, 1 }, { 2, 2 }, { 1, 1 }, { 0, 5 } };
        // Pairs (row0,row2) and (row1,row3): |0-1|,|1-1| and |2-0|,|2-5| -> (1.5, 1.5).
        Assert.Equal(new[] { 1.5, 1.5 }, BetaVaeScore.MeanAbsoluteDifference(codes, 0, 2, 2));
    }

    [Fact]
    public void Should_ScoreOne_When_UdrLatentsMatchOneToOne()
    {
        Assert.Equal(1, Udr.RelativeStrength(new double[,] { { 1, 0 }, { 0, 1 } }), 12);
        Assert.Equal(0.5, Udr.RelativeStrength(new double[,] { { 1, 1 }, { 1, 1 } }), 12);
        var rng = new Random(0);
        var a = new double[200, 3];
        var b = new double[200, 3];
        for (int i = 0; i < 200; i++)
            for (int j = 0; j < 3; j++) a[i, j] = rng.NextDouble();
        for (int i = 0; i < 200; i++) { b[i, 0] = -a[i, 2]; b[i, 1] = Math.Exp(a[i, 0]); b[i, 2] = a[i, 1] * 3; } // permuted, monotone maps
        var all = new[] { true, true, true };
        // Each latent of b is a monotone map of one latent of a (|rho| = 1); chance correlations of ~0.05 remain.
        Assert.True(Udr.PairScore(a, all, b, all, Udr.Spearman) > 0.9);
        Assert.Equal(1, Udr.PairScore(a, all, a, all, Udr.Spearman), 0); // matches itself best
        var noise = new double[200, 3];
        for (int i = 0; i < 200; i++)
            for (int j = 0; j < 3; j++) noise[i, j] = rng.NextDouble();
        foreach (string correlation in new[] { Udr.Spearman, Udr.Lasso })
        {
            var scores = Udr.ModelScores(new[] { a, b, a, noise }, new[] { all, all, all, all }, correlation);
            Assert.True(scores[0] > 0.8 && scores[3] < 0.5, $"{correlation}: {string.Join(", ", scores)}"); // the unrelated model ranks last
        }
        Assert.Equal(0, Udr.PairScore(a, new[] { false, false, false }, b, all));
    }

    [Fact]
    public void Should_SquareTheLargestEntry_When_RelativeStrengthOfNonBinaryMatrix()
    {
        // R (3 x 2). Columns: 0.8^2 / 1.2 and 0.4^2 / 0.6, mean 0.4. Rows: 0.8^2 / 1.0, 0.4^2 / 0.5, 0.3^2 / 0.3, mean 0.42.
        // UDR = (0.4 + 0.42) / 2 = 0.41 (without the square: 0.7667).
        Assert.Equal(0.41, Udr.RelativeStrength(new double[,] { { 0.8, 0.2 }, { 0.1, 0.4 }, { 0.3, 0 } }), 12);
    }

    [Fact]
    public void Should_GiveLassoShrunkCoefficients_When_UdrComparesAModelWithItself()
    {
        // Identical standardised codes Z, target z_j: the lasso (alpha 0.1) solution is 0.9 e_j whenever every
        // |correlation| between latents is at most 1 (the stationarity condition Sigma (w - e_j) + 0.1 sign(w) = 0 holds
        // at w = 0.9 e_j), so R = 0.9 I and the relative strength is 0.9^2 / 0.9 = 0.9.
        var rng = new Random(2);
        var a = new double[300, 3];
        for (int i = 0; i < 300; i++)
        {
            a[i, 0] = rng.NextDouble();
            a[i, 1] = a[i, 0] + rng.NextDouble();
            a[i, 2] = 5 * rng.NextDouble() - 2;
        }
        var all = new[] { true, true, true };
        var r = Udr.CorrelationMatrix(a, all, a, all);
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++) Assert.Equal(x == y ? 0.9 : 0, r[x, y], 4);
        Assert.Equal(0.9, Udr.PairScore(a, all, a, all), 4);
        // Only active latents enter: dropping latent 2 of the second model drops its column.
        Assert.Equal(2, Udr.CorrelationMatrix(a, all, a, new[] { true, true, false }).GetLength(1));
    }

    [Fact]
    public void Should_KeepDisentanglementLibDefaults_When_OptionsAreNew()
    {
        // Pinned: changing any of these changes every published number; do it on purpose or not at all.
        var beta = new BetaVaeScoreOptions();
        Assert.Equal((10000, 5000, 64), (beta.NumTrain, beta.NumTest, beta.BatchSize));
        var factor = new FactorVaeScoreOptions();
        Assert.Equal((10000, 5000, 64, 10000, 0.05), (factor.NumTrain, factor.NumTest, factor.BatchSize, factor.NumVarianceEstimate, factor.PruneThreshold));
        var mig = new MigOptions();
        Assert.Equal((10000, 20), (mig.NumTrain, mig.Bins));
        var dci = new DciOptions();
        Assert.Equal((10000, 5000, 100, 8, 0.1), (dci.NumTrain, dci.NumTest, dci.Trees, dci.Leaves, dci.LearningRate));
        var sap = new SapOptions();
        Assert.Equal((10000, 5000), (sap.NumTrain, sap.NumTest));
        var modularity = new ModularityOptions();
        Assert.Equal((10000, 5000, 20), (modularity.NumTrain, modularity.NumTest, modularity.Bins));
        var udr = new UdrOptions();
        Assert.Equal((1000, 0.01, "lasso"), (udr.Points, udr.KlThreshold, udr.Correlation));
        Assert.Equal(1000, Udr.DefaultPoints);
        foreach (var entry in MetricCatalog.Catalogue.Entries)
        {
            var o = entry.DefaultOptions();
            var json = System.Text.Json.JsonSerializer.Serialize(o, o.GetType(), GenomicCode.Core.JsonSettings.Default);
            Assert.Equal(o, System.Text.Json.JsonSerializer.Deserialize(json, o.GetType(), GenomicCode.Core.JsonSettings.Default));
        }
        Assert.Contains("Bins", Assert.Throws<GenomicCode.Core.UserInputException>(() => (mig with { Bins = 1 }).Validate()).Message);
        Assert.Contains("NumTest", Assert.Throws<GenomicCode.Core.UserInputException>(() => (dci with { NumTest = 0 }).Validate()).Message);
        Assert.Contains("power of two", Assert.Throws<GenomicCode.Core.UserInputException>(() => (dci with { Leaves = 6 }).Validate()).Message);
        Assert.Contains("correlation", Assert.Throws<GenomicCode.Core.UserInputException>(() => (udr with { Correlation = "pearson" }).Validate()).Message);
        Assert.Contains("PruneThreshold", Assert.Throws<GenomicCode.Core.UserInputException>(() => (factor with { PruneThreshold = -1 }).Validate()).Message);
    }

    [Fact]
    public void Should_ApplyEvaluationSizesToEachMetricsOwnOptions_When_SizesAreGiven()
    {
        var sizes = new MetricSampleSizes { NumTrain = 300, NumTest = 100, NumVotes = 40 };
        Assert.Equal(new MigOptions { NumTrain = 300 }, sizes.ApplyTo(new MigOptions()));
        Assert.Equal(new DciOptions { NumTrain = 300, NumTest = 100 }, sizes.ApplyTo(new DciOptions()));
        // The vote metrics take the votes (held-out: half); the FactorVAE score estimates its variances from NumTrain.
        Assert.Equal(new BetaVaeScoreOptions { NumTrain = 40, NumTest = 20 }, sizes.ApplyTo(new BetaVaeScoreOptions()));
        Assert.Equal(new FactorVaeScoreOptions { NumTrain = 40, NumTest = 20, NumVarianceEstimate = 300 }, sizes.ApplyTo(new FactorVaeScoreOptions()));
        Assert.Equal(new SapOptions(), new MetricSampleSizes().ApplyTo(new SapOptions()));
        Assert.Throws<GenomicCode.Core.UserInputException>(() => new MetricSampleSizes { NumTrain = 0 }.ApplyTo(new MigOptions()));
    }
}
