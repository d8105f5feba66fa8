using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Options of MIG (disentanglement_lib's defaults).</summary>
public sealed record MigOptions : SampledMetricOptions
{
    /// <summary>Equal-width histogram bins per code dimension (2..10^4). Default 20.</summary>
    public int Bins { get; init; } = 20;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.InRange(Bins, 2, 1e4);
    }
}

/// <summary>
/// Mutual Information Gap (Chen et al. 2018, "Isolating sources of disentanglement in VAEs", eq. 6): for each factor,
/// the gap between the two code dimensions sharing most mutual information with it, divided by the factor's entropy,
/// averaged over factors. As in disentanglement_lib: codes discretised into 20 equal-width bins, discrete mutual
/// information in nats, 10000 points.
/// </summary>
public sealed class Mig : ICodeMetric
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<MigOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "mig", "per factor, the gap in mutual information between its two most informative codes, over its entropy.",
        "Chen et al. 2018, Isolating sources of disentanglement in VAEs (NeurIPS), eq. 6",
        (o, _) => new Mig(o));

    /// <summary>Creates the metric with <paramref name="options"/> (defaults: disentanglement_lib's).</summary>
    public Mig(MigOptions? options = null)
    {
        Options = options ?? new MigOptions();
        Options.Validate();
    }

    /// <summary>Sample size and bins.</summary>
    public MigOptions Options { get; }

    IComponentOptions IDisentanglementMetric.Options => Options;

    /// <inheritdoc />
    public string Name => "mig";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "mig" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null)
    {
        var sample = CodeSampler.Sample(data, represent, Options.NumTrain, (long)Core.Seeds.Derive(seed, 0), device);
        return new Dictionary<string, double> { ["mig"] = Compute(sample.Codes, sample.Factors, Options.Bins).Mig };
    }

    /// <summary>Scores the training half only (MIG fits nothing, so the test half is not used).</summary>
    public IReadOnlyDictionary<string, double> Score(LabelledCodes train, LabelledCodes test, long seed) =>
        new Dictionary<string, double> { ["mig"] = Compute(train.Codes, train.Factors, Options.Bins).Mig };

    /// <summary>
    /// MIG of codes (n, D) against factors (n, K): mean over factors k of (I(z_a; v_k) - I(z_b; v_k)) / H(v_k), where a
    /// and b are the codes with the largest and second-largest information about v_k (Chen et al. 2018, eq. 6).
    /// Returns the score and the normalised gap of each factor.
    /// </summary>
    public static (double Mig, double[] PerFactor) Compute(double[,] codes, int[,] factors, int bins = 20)
    {
        var mi = InformationTheory.MutualInformationMatrix(InformationTheory.Discretize(codes, bins), factors); // (D, K)
        var h = InformationTheory.FactorEntropies(factors);
        return FromMutualInformation(mi, h);
    }

    /// <summary>MIG from a mutual-information matrix (D, K) and factor entropies (K).</summary>
    public static (double Mig, double[] PerFactor) FromMutualInformation(double[,] mi, double[] factorEntropy)
    {
        int d = mi.GetLength(0), k = mi.GetLength(1);
        var gaps = new double[k];
        for (int f = 0; f < k; f++)
        {
            double top = double.NegativeInfinity, second = double.NegativeInfinity;
            for (int j = 0; j < d; j++)
            {
                double v = mi[j, f];
                if (v > top) { second = top; top = v; }
                else if (v > second) second = v;
            }
            if (d == 1) second = 0;
            if (!(factorEntropy[f] > 0))
                throw new Core.UserInputException($"factor {f} has zero entropy (a single value); MIG needs factors with at least two values.");
            gaps[f] = (top - second) / factorEntropy[f];
        }
        return (gaps.Average(), gaps);
    }
}
