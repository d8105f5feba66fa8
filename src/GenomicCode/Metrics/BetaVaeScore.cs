using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Options of the BetaVAE score: training and held-out points, and observations per point (disentanglement_lib's defaults).</summary>
public sealed record BetaVaeScoreOptions : VoteMetricOptions;

/// <summary>
/// The BetaVAE score (Higgins et al. 2017, "beta-VAE: learning basic visual concepts with a constrained variational
/// framework", section 3 and appendix A.4): a point is made from a batch of pairs of observations that share the value
/// of one randomly chosen factor; its feature is the mean absolute difference of the pairs' codes; a linear classifier
/// predicts which factor was shared; the score is its accuracy on held-out points. Defaults as in disentanglement_lib:
/// batches of 64 pairs, 10000 training and 5000 evaluation points, scikit-learn's default logistic regression
/// (<see cref="LogisticRegression"/>: scikit-learn 1.2's defaults, multinomial, C = 1). The shared factor is drawn from
/// the data's scored factors (<see cref="IGroundTruthData.ScoredFactors"/>, all by default), so chance level is
/// 1 / (scored factors); it needs at least two.
/// </summary>
public sealed class BetaVaeScore : IDisentanglementMetric
{
    private const int Block = 32; // points sampled and encoded together

    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<BetaVaeScoreOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "beta-vae", "accuracy of a linear classifier that tells from |z1 - z2| which factor a batch of pairs shared.",
        "Higgins et al. 2017, beta-VAE: Learning basic visual concepts with a constrained variational framework (ICLR), sec. 3 and appendix A.4",
        (o, _) => new BetaVaeScore(o), "betavae", "beta_vae");

    /// <summary>Creates the metric with <paramref name="options"/> (defaults: disentanglement_lib's).</summary>
    public BetaVaeScore(BetaVaeScoreOptions? options = null)
    {
        Options = options ?? new BetaVaeScoreOptions();
        Options.Validate();
    }

    /// <summary>Sample sizes.</summary>
    public BetaVaeScoreOptions Options { get; }

    IComponentOptions IDisentanglementMetric.Options => Options;

    /// <inheritdoc />
    public string Name => "beta-vae";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "beta_vae_score", "beta_vae_train_accuracy" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null)
    {
        RequireTwoScored(data, Name);
        var (xTrain, yTrain) = SamplePoints(data, represent, Options.NumTrain, Options.BatchSize, (long)Seeds.Derive(seed, 0), device);
        var (xTest, yTest) = SamplePoints(data, represent, Options.NumTest, Options.BatchSize, (long)Seeds.Derive(seed, 1), device);
        var model = LogisticRegression.Fit(xTrain, yTrain);
        return new Dictionary<string, double>
        {
            ["beta_vae_score"] = model.Accuracy(xTest, yTest),
            ["beta_vae_train_accuracy"] = model.Accuracy(xTrain, yTrain),
        };
    }

    /// <summary>
    /// The number of scored factors, which must be at least two: a metric that predicts which factor a batch shares or
    /// fixes has nothing to tell apart with one. A one-line error names the usable metrics.
    /// </summary>
    internal static int RequireTwoScored(IGroundTruthData data, string metric)
    {
        var names = data.ScoredFactorNames();
        if (names.Length < 2)
            throw new UserInputException($"{metric} tells apart which scored factor a batch shares, but this data scores only '{names[0]}'; " +
                                         "use mig, dci, sap or modularity.");
        return names.Length;
    }

    /// <summary>
    /// Samples <paramref name="points"/> (feature, shared-factor) pairs: features (points, D) and, for each batch, the
    /// position in <see cref="IGroundTruthData.ScoredFactors"/> of the factor it shared.
    /// </summary>
    public static (double[,] Features, int[] Labels) SamplePoints(IGroundTruthData data, Representation represent, int points, int batchSize,
        long seed, Device? device = null)
    {
        int k = data.FactorSizes.Count;
        var scored = data.CheckedScoredFactors();
        var rng = Seeds.Random(seed, 11);
        var labels = new int[points];
        double[,]? features = null;
        for (int start = 0; start < points; start += Block)
        {
            int m = Math.Min(Block, points - start);
            var factors = new int[2 * m * batchSize, k];    // rows: point-major, first the batch of v1, then of v2
            for (int p = 0; p < m; p++)
            {
                int label = rng.Next(scored.Length);
                int shared = scored[label];
                labels[start + p] = label;
                var a = data.SampleFactors(batchSize, (long)Seeds.Derive(seed, start + p, 0));
                var b = data.SampleFactors(batchSize, (long)Seeds.Derive(seed, start + p, 1));
                for (int r = 0; r < batchSize; r++)
                    for (int c = 0; c < k; c++)
                    {
                        factors[(2 * p) * batchSize + r, c] = a[r, c];
                        factors[(2 * p + 1) * batchSize + r, c] = c == shared ? a[r, c] : b[r, c];
                    }
            }
            var codes = CodeSampler.Encode(data, represent, factors, device);
            int d = codes.GetLength(1);
            features ??= new double[points, d];
            for (int p = 0; p < m; p++)
            {
                var f = MeanAbsoluteDifference(codes, 2 * p * batchSize, (2 * p + 1) * batchSize, batchSize);
                for (int j = 0; j < d; j++) features[start + p, j] = f[j];
            }
        }
        return (features ?? new double[points, 0], labels);
    }

    /// <summary>
    /// z_diff = (1 / L) sum_l |z1_l - z2_l| over <paramref name="count"/> pairs of rows starting at
    /// <paramref name="first"/> and <paramref name="second"/> (Higgins et al. 2017, appendix A.4, step 4).
    /// </summary>
    public static double[] MeanAbsoluteDifference(double[,] codes, int first, int second, int count)
    {
        int d = codes.GetLength(1);
        var f = new double[d];
        for (int l = 0; l < count; l++)
            for (int j = 0; j < d; j++) f[j] += Math.Abs(codes[first + l, j] - codes[second + l, j]);
        for (int j = 0; j < d; j++) f[j] /= count;
        return f;
    }
}
