using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Options of SAP: training and held-out points (disentanglement_lib's defaults).</summary>
public sealed record SapOptions : HeldOutMetricOptions;

/// <summary>
/// Separated Attribute Predictability (Kumar et al. 2018, "Variational inference of disentangled latent concepts from
/// unlabeled observations", section 3): a score matrix S (D, K) holds how well each single code dimension predicts each
/// factor; SAP is the mean over factors of the gap between the two best codes. As in disentanglement_lib with discrete
/// factors (continuous_factors = False): S_ij is the held-out accuracy of a linear SVM trained on code i alone,
/// scikit-learn's LinearSVC(C = 0.01, class_weight = "balanced") (<see cref="LinearSvm"/>: squared hinge, one-vs-rest,
/// bias regularised); 10000 train / 5000 test points.
/// </summary>
public sealed class Sap : ICodeMetric
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<SapOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "sap", "per factor, the gap in held-out accuracy between the two codes that best predict it alone.",
        "Kumar et al. 2018, Variational inference of disentangled latent concepts from unlabeled observations (ICLR), sec. 3",
        (o, _) => new Sap(o));

    /// <summary>Creates the metric with <paramref name="options"/> (defaults: disentanglement_lib's).</summary>
    public Sap(SapOptions? options = null)
    {
        Options = options ?? new SapOptions();
        Options.Validate();
    }

    /// <summary>Sample sizes.</summary>
    public SapOptions Options { get; }

    IComponentOptions IDisentanglementMetric.Options => Options;

    /// <inheritdoc />
    public string Name => "sap";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "sap" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null) =>
        Score(CodeSampler.Sample(data, represent, Options.NumTrain, (long)Core.Seeds.Derive(seed, 0), device),
              CodeSampler.Sample(data, represent, Options.NumTest, (long)Core.Seeds.Derive(seed, 1), device), seed);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Score(LabelledCodes train, LabelledCodes test, long seed) =>
        new Dictionary<string, double> { ["sap"] = FromScoreMatrix(ScoreMatrix(train, test, seed)) };

    /// <summary>Penalty C of the linear SVM (disentanglement_lib's sap_score.py).</summary>
    public const double SvmC = 0.01;

    /// <summary>S (D, K): held-out accuracy of a balanced linear SVM predicting factor j from code i alone.</summary>
    public static double[,] ScoreMatrix(LabelledCodes train, LabelledCodes test, long seed)
    {
        int d = train.CodeSize, k = train.FactorCount;
        var s = new double[d, k];
        Parallel.For(0, d * k, cell =>
        {
            int i = cell / k, j = cell % k;
            var model = LinearSvm.Fit(OneColumn(train.Codes, i), train.FactorColumn(j), SvmC, balanced: true, seed: (long)Core.Seeds.Derive(seed, i, j));
            s[i, j] = model.Accuracy(OneColumn(test.Codes, i), test.FactorColumn(j));
        });
        return s;
    }

    /// <summary>SAP = mean over factors j of (largest S_ij - second largest S_ij) over codes i (Kumar et al. 2018, section 3).</summary>
    public static double FromScoreMatrix(double[,] s)
    {
        int d = s.GetLength(0), k = s.GetLength(1);
        double total = 0;
        for (int j = 0; j < k; j++)
        {
            var col = Enumerable.Range(0, d).Select(i => s[i, j]).OrderByDescending(v => v).ToArray();
            total += col[0] - (d > 1 ? col[1] : 0);
        }
        return total / k;
    }

    private static double[,] OneColumn(double[,] x, int j)
    {
        var c = new double[x.GetLength(0), 1];
        for (int i = 0; i < c.Length; i++) c[i, 0] = x[i, j];
        return c;
    }
}
