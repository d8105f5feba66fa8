using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Options of the FactorVAE score (disentanglement_lib's defaults).</summary>
public sealed record FactorVaeScoreOptions : VoteMetricOptions
{
    /// <summary>Observations that estimate each code's global variance (2..10^7). Default 10000.</summary>
    public int NumVarianceEstimate { get; init; } = 10000;

    /// <summary>Codes with global standard deviation below this are pruned as collapsed (>= 0). Default 0.05.</summary>
    public double PruneThreshold { get; init; } = 0.05;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.InRange(NumVarianceEstimate, 2, 1e7);
        Guard.NonNegative(PruneThreshold);
    }
}

/// <summary>
/// The FactorVAE score (Kim and Mnih 2018, "Disentangling by factorising", section 4): codes are divided by their
/// global standard deviation; collapsed codes (global standard deviation below 0.05) are pruned; for a batch of 64
/// observations sharing the value of one random factor, the code with the smallest normalised variance votes for that
/// factor; a majority-vote classifier maps each code to the factor it voted for most; the score is its accuracy on
/// held-out votes. Defaults as in disentanglement_lib: 10000 points estimate the global variances, 10000 training and
/// 5000 evaluation votes. The fixed factor is drawn from the data's scored factors
/// (<see cref="IGroundTruthData.ScoredFactors"/>, all by default), so chance level is about 1 / (scored factors); it
/// needs at least two.
/// </summary>
public sealed class FactorVaeScore : IDisentanglementMetric
{
    private const int Block = 32;

    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<FactorVaeScoreOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "factor-vae", "accuracy of a majority vote mapping the code of least normalised variance, in batches sharing one factor, to that factor.",
        "Kim and Mnih 2018, Disentangling by factorising (ICML), sec. 4",
        (o, _) => new FactorVaeScore(o), "factorvae", "factor_vae");

    /// <summary>Creates the metric with <paramref name="options"/> (defaults: disentanglement_lib's).</summary>
    public FactorVaeScore(FactorVaeScoreOptions? options = null)
    {
        Options = options ?? new FactorVaeScoreOptions();
        Options.Validate();
    }

    /// <summary>Sample sizes and the pruning threshold.</summary>
    public FactorVaeScoreOptions Options { get; }

    IComponentOptions IDisentanglementMetric.Options => Options;

    /// <inheritdoc />
    public string Name => "factor-vae";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "factor_vae_score", "factor_vae_train_accuracy", "factor_vae_active_dims" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null)
    {
        BetaVaeScore.RequireTwoScored(data, Name);
        var global = CodeSampler.Sample(data, represent, Options.NumVarianceEstimate, (long)Seeds.Derive(seed, 0), device).Codes;
        var variance = Variances(global);
        var active = variance.Select(v => Math.Sqrt(v) >= Options.PruneThreshold).ToArray();
        int activeCount = active.Count(a => a);
        if (activeCount == 0)
            return new Dictionary<string, double> { ["factor_vae_score"] = 0, ["factor_vae_train_accuracy"] = 0, ["factor_vae_active_dims"] = 0 };
        var trainVotes = Votes(data, represent, Options.NumTrain, Options.BatchSize, variance, active, (long)Seeds.Derive(seed, 1), device);
        var testVotes = Votes(data, represent, Options.NumTest, Options.BatchSize, variance, active, (long)Seeds.Derive(seed, 2), device);
        var (train, test) = MajorityVoteAccuracy(trainVotes, testVotes);
        return new Dictionary<string, double>
        {
            ["factor_vae_score"] = test,
            ["factor_vae_train_accuracy"] = train,
            ["factor_vae_active_dims"] = activeCount,
        };
    }

    /// <summary>
    /// Vote counts (active codes, scored factors): how often each active code had the smallest normalised variance when
    /// each scored factor was fixed (columns in the order of <see cref="IGroundTruthData.ScoredFactors"/>).
    /// </summary>
    public static int[,] Votes(IGroundTruthData data, Representation represent, int points, int batchSize, double[] globalVariance, bool[] active,
        long seed, Device? device = null)
    {
        int k = data.FactorSizes.Count;
        var scored = data.CheckedScoredFactors();
        var votes = new int[active.Count(a => a), scored.Length];
        var rng = Seeds.Random(seed, 13);
        for (int start = 0; start < points; start += Block)
        {
            int m = Math.Min(Block, points - start);
            var factors = new int[m * batchSize, k];
            var fixedFactor = new int[m];  // position in scored
            for (int p = 0; p < m; p++)
            {
                int f = scored[fixedFactor[p] = rng.Next(scored.Length)];
                var batch = data.SampleFactors(batchSize, (long)Seeds.Derive(seed, start + p));
                for (int r = 0; r < batchSize; r++)
                    for (int c = 0; c < k; c++)
                        factors[p * batchSize + r, c] = c == f ? batch[0, c] : batch[r, c];
            }
            var codes = CodeSampler.Encode(data, represent, factors, device);
            for (int p = 0; p < m; p++)
                votes[ArgminNormalisedVariance(codes, p * batchSize, batchSize, globalVariance, active), fixedFactor[p]]++;
        }
        return votes;
    }

    /// <summary>
    /// Index (among the active codes) of the code whose variance over rows [first, first + count), divided by its global
    /// variance, is smallest (Kim and Mnih 2018, section 4; variances with n - 1 in the denominator as numpy's ddof = 1).
    /// </summary>
    public static int ArgminNormalisedVariance(double[,] codes, int first, int count, double[] globalVariance, bool[] active)
    {
        int best = -1, index = 0;
        double bestValue = double.PositiveInfinity;
        for (int j = 0; j < active.Length; j++)
        {
            if (!active[j]) continue;
            double mean = 0;
            for (int r = 0; r < count; r++) mean += codes[first + r, j];
            mean /= count;
            double v = 0;
            for (int r = 0; r < count; r++) v += (codes[first + r, j] - mean) * (codes[first + r, j] - mean);
            v /= count - 1;
            double normalised = v / globalVariance[j];
            if (normalised < bestValue) { bestValue = normalised; best = index; }
            index++;
        }
        return Math.Max(0, best);
    }

    /// <summary>
    /// Majority-vote classifier: each code predicts the factor it voted for most in <paramref name="train"/>; returns
    /// the share of votes it gets right on the training and on the held-out votes (Kim and Mnih 2018, section 4).
    /// </summary>
    public static (double Train, double Test) MajorityVoteAccuracy(int[,] train, int[,] test)
    {
        int d = train.GetLength(0), k = train.GetLength(1);
        long trainHit = 0, trainTotal = 0, testHit = 0, testTotal = 0;
        for (int j = 0; j < d; j++)
        {
            int best = 0;
            for (int f = 0; f < k; f++)
            {
                if (train[j, f] > train[j, best]) best = f;
                trainTotal += train[j, f];
                testTotal += test[j, f];
            }
            trainHit += train[j, best];
            testHit += test[j, best];
        }
        return (trainTotal == 0 ? 0 : (double)trainHit / trainTotal, testTotal == 0 ? 0 : (double)testHit / testTotal);
    }

    /// <summary>Variance of each column with n - 1 in the denominator (numpy's ddof = 1, as disentanglement_lib).</summary>
    public static double[] Variances(double[,] codes)
    {
        int n = codes.GetLength(0), d = codes.GetLength(1);
        var v = new double[d];
        for (int j = 0; j < d; j++)
            v[j] = MathNet.Numerics.Statistics.Statistics.Variance(LabelledCodes.Column(codes, j));
        return v;
    }
}
