using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Options of DCI: sample sizes and the boosted trees (disentanglement_lib's and scikit-learn's defaults).</summary>
public sealed record DciOptions : HeldOutMetricOptions
{
    /// <summary>Boosted trees per factor (1..10^4). Default 100 (scikit-learn GradientBoostingClassifier).</summary>
    public int Trees { get; init; } = 100;

    /// <summary>
    /// Leaves of a full tree, a power of two 2..1024; trees are grown depth-first to depth log2(Leaves), as scikit-learn's
    /// max_depth. Default 8 (max_depth = 3).
    /// </summary>
    public int Leaves { get; init; } = 8;

    /// <summary>Tree depth: log2 of <see cref="Leaves"/>.</summary>
    internal int Depth => System.Numerics.BitOperations.Log2((uint)Leaves);

    /// <summary>Boosting learning rate (0, 1]. Default 0.1 (scikit-learn).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.InRange(Trees, 1, 1e4);
        Guard.InRange(Leaves, 2, 1024);
        if (!System.Numerics.BitOperations.IsPow2(Leaves))
            throw new UserInputException($"Leaves must be a power of two (trees grow to depth log2 of it), got {Leaves}; use 8 for depth 3.");
        Guard.InRange(LearningRate, 1e-9, 1);
    }
}

/// <summary>
/// DCI disentanglement, completeness and informativeness (Eastwood and Williams 2018, "A framework for the
/// quantitative evaluation of disentangled representations", section 3). An importance matrix R (D codes x K factors)
/// comes from a gradient-boosted classifier predicting each factor from all codes; disentanglement and completeness are
/// one minus entropies of its normalised rows and columns; informativeness is the classifier's test accuracy.
/// As in disentanglement_lib's dci.py: 10000 train / 5000 test points and scikit-learn's default
/// GradientBoostingClassifier (<see cref="GradientBoostedClassifier"/>: 100 stages, depth 3, learning rate 0.1,
/// multinomial deviance), column f of R being that classifier's feature_importances_ (summing to 1).
/// </summary>
public sealed class Dci : ICodeMetric
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<DciOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "dci", "disentanglement, completeness and informativeness from the importances of boosted trees predicting each factor.",
        "Eastwood and Williams 2018, A framework for the quantitative evaluation of disentangled representations (ICLR), sec. 3",
        (o, _) => new Dci(o));

    /// <summary>Creates the metric with <paramref name="options"/> (defaults: disentanglement_lib's).</summary>
    public Dci(DciOptions? options = null)
    {
        Options = options ?? new DciOptions();
        Options.Validate();
    }

    /// <summary>Sample sizes and tree settings.</summary>
    public DciOptions Options { get; }

    IComponentOptions IDisentanglementMetric.Options => Options;

    /// <inheritdoc />
    public string Name => "dci";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "dci_disentanglement", "dci_completeness", "dci_informativeness" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null) =>
        Score(CodeSampler.Sample(data, represent, Options.NumTrain, (long)Core.Seeds.Derive(seed, 0), device),
              CodeSampler.Sample(data, represent, Options.NumTest, (long)Core.Seeds.Derive(seed, 1), device), seed);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Score(LabelledCodes train, LabelledCodes test, long seed)
    {
        var (importance, informativeness) = Importances(train, test, Options, seed);
        return new Dictionary<string, double>
        {
            ["dci_disentanglement"] = Disentanglement(importance),
            ["dci_completeness"] = Completeness(importance),
            ["dci_informativeness"] = informativeness,
        };
    }

    /// <summary>
    /// The importance matrix R (D, K): the boosted classifier's normalised impurity importance of each code for each
    /// factor, and the mean test accuracy over factors (informativeness).
    /// </summary>
    public static (double[,] Importance, double Informativeness) Importances(LabelledCodes train, LabelledCodes test, DciOptions options, long seed)
    {
        int d = train.CodeSize, k = train.FactorCount;
        var r = new double[d, k];
        double accuracy = 0;
        int depth = options.Depth;
        for (int f = 0; f < k; f++)
        {
            var model = GradientBoostedClassifier.Fit(train.Codes, train.FactorColumn(f), options.Trees, options.LearningRate, depth,
                (long)Core.Seeds.Derive(seed, f));
            for (int j = 0; j < d; j++) r[j, f] = Math.Abs(model.FeatureImportances[j]);
            accuracy += model.Accuracy(test.Codes, test.FactorColumn(f));
        }
        return (r, accuracy / k);
    }

    /// <summary>
    /// Disentanglement D = sum_i rho_i (1 - H_K(P_i.)), where P_ij = R_ij / sum_k R_ik, H_K is the entropy with log base
    /// K, and rho_i = sum_j R_ij / sum_ij R_ij (Eastwood and Williams 2018, eqs. 1-2). An all-zero matrix counts as
    /// uniform (disentanglement_lib); 1e-11 is added inside the entropy, as scipy.stats.entropy is called there.
    /// </summary>
    public static double Disentanglement(double[,] importance)
    {
        int d = importance.GetLength(0), k = importance.GetLength(1);
        var r = ZeroAsUniform(importance);
        double total = Sum(r);
        double score = 0;
        for (int i = 0; i < d; i++)
        {
            var row = Enumerable.Range(0, k).Select(j => r[i, j]).ToArray();
            double weight = row.Sum() / total;
            score += weight * (1 - EntropyBase(row, k));
        }
        return score;
    }

    /// <summary>
    /// Completeness C = sum_j rho_j (1 - H_D(P~_.j)), where P~_ij = R_ij / sum_i R_ij, H_D is the entropy with log base D
    /// and rho_j = sum_i R_ij / sum_ij R_ij (Eastwood and Williams 2018, eq. 3, weighted as in disentanglement_lib).
    /// </summary>
    public static double Completeness(double[,] importance)
    {
        int d = importance.GetLength(0), k = importance.GetLength(1);
        var r = ZeroAsUniform(importance);
        double total = Sum(r);
        double score = 0;
        for (int j = 0; j < k; j++)
        {
            var col = Enumerable.Range(0, d).Select(i => r[i, j]).ToArray();
            double weight = col.Sum() / total;
            score += weight * (1 - EntropyBase(col, d));
        }
        return score;
    }

    /// <summary>Entropy of the normalised (values + 1e-11) with logarithms of base <paramref name="logBase"/>; 0 when the base is 1.</summary>
    public static double EntropyBase(double[] values, int logBase)
    {
        if (logBase <= 1) return 0;
        var p = values.Select(v => v + 1e-11).ToArray();
        double s = p.Sum(), h = 0;
        foreach (double v in p)
        {
            double q = v / s;
            if (q > 0) h -= q * Math.Log(q);
        }
        return h / Math.Log(logBase);
    }

    private static double[,] ZeroAsUniform(double[,] r)
    {
        if (Sum(r) > 0) return r;
        var ones = new double[r.GetLength(0), r.GetLength(1)];
        for (int i = 0; i < ones.GetLength(0); i++)
            for (int j = 0; j < ones.GetLength(1); j++) ones[i, j] = 1;
        return ones;
    }

    private static double Sum(double[,] r)
    {
        double s = 0;
        foreach (double v in r) s += v;
        return s;
    }
}
