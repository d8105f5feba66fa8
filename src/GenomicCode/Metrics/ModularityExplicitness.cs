using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Options of modularity and explicitness (disentanglement_lib's defaults).</summary>
public sealed record ModularityOptions : HeldOutMetricOptions
{
    /// <summary>Equal-width histogram bins per code dimension for modularity (2..10^4). Default 20.</summary>
    public int Bins { get; init; } = 20;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Guard.InRange(Bins, 2, 1e4);
    }
}

/// <summary>
/// Modularity and explicitness (Ridgeway and Mozer 2018, "Learning deep disentangled embeddings with the F-statistic
/// loss", section 3). Modularity: each code should carry information about one factor only, from the mutual
/// information of 20-bin discretised codes with the factors. Explicitness: the mean one-vs-rest ROC AUC of a logistic
/// regression from all codes to each factor, on held-out points. As in disentanglement_lib's
/// modularity_explicitness.py: 10000 train / 5000 test points, 20 bins; codes standardised with the train rows' mean
/// and standard deviation; the regression is scikit-learn 1.2's default LogisticRegression (<see cref="LogisticRegression"/>:
/// multinomial for more than two classes, C = 1).
/// </summary>
public sealed class ModularityExplicitness : ICodeMetric
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<ModularityOptions, NoContext, IDisentanglementMetric> Entry { get; } = new(
        "modularity", "modularity (each code informs about one factor) and explicitness (held-out ROC AUC of a linear classifier).",
        "Ridgeway and Mozer 2018, Learning deep disentangled embeddings with the F-statistic loss (NeurIPS), sec. 3",
        (o, _) => new ModularityExplicitness(o), "explicitness");

    /// <summary>Creates the metric with <paramref name="options"/> (defaults: disentanglement_lib's).</summary>
    public ModularityExplicitness(ModularityOptions? options = null)
    {
        Options = options ?? new ModularityOptions();
        Options.Validate();
    }

    /// <summary>Sample sizes and bins.</summary>
    public ModularityOptions Options { get; }

    IComponentOptions IDisentanglementMetric.Options => Options;

    /// <inheritdoc />
    public string Name => "modularity";

    /// <inheritdoc />
    public IReadOnlyList<string> ScoreNames { get; } = new[] { "modularity", "explicitness" };

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null) =>
        Score(CodeSampler.Sample(data, represent, Options.NumTrain, (long)Core.Seeds.Derive(seed, 0), device),
              CodeSampler.Sample(data, represent, Options.NumTest, (long)Core.Seeds.Derive(seed, 1), device), seed);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Score(LabelledCodes train, LabelledCodes test, long seed)
    {
        var mi = InformationTheory.MutualInformationMatrix(InformationTheory.Discretize(train.Codes, Options.Bins), train.Factors);
        return new Dictionary<string, double>
        {
            ["modularity"] = Modularity(mi),
            ["explicitness"] = Explicitness(train, test, seed),
        };
    }

    /// <summary>
    /// Modularity = mean over codes i of 1 - delta_i, with delta_i = (sum_j m_ij^2 - theta_i^2) / (theta_i^2 (K - 1)) and
    /// theta_i = max_j m_ij (Ridgeway and Mozer 2018, eq. 2); a code with no information scores 0 (disentanglement_lib).
    /// </summary>
    public static double Modularity(double[,] mutualInformation)
    {
        int d = mutualInformation.GetLength(0), k = mutualInformation.GetLength(1);
        double total = 0;
        for (int i = 0; i < d; i++)
        {
            double sum = 0, max = 0;
            for (int j = 0; j < k; j++)
            {
                double sq = mutualInformation[i, j] * mutualInformation[i, j];
                sum += sq;
                max = Math.Max(max, sq);
            }
            if (max == 0 || k < 2) { total += max == 0 ? 0 : 1; continue; }
            double delta = (sum - max) / (max * (k - 1));
            total += 1 - delta;
        }
        return total / d;
    }

    /// <summary>
    /// Explicitness = mean over factors of the macro-averaged one-vs-rest ROC AUC of the held-out class probabilities
    /// of a logistic regression from all codes (Ridgeway and Mozer 2018, section 3), fitted on codes standardised with
    /// the train rows' statistics (the test rows use the same). The logistic regression is deterministic, so the seed
    /// is unused.
    /// </summary>
    public static double Explicitness(LabelledCodes train, LabelledCodes test, long seed)
    {
        _ = seed;
        var (xTrain, xTest) = Scoring.Standardize(train.Codes, test.Codes);
        var total = new double[train.FactorCount];
        Parallel.For(0, train.FactorCount, j =>
        {
            var model = LogisticRegression.Fit(xTrain, train.FactorColumn(j));
            total[j] = MacroAuc(model.PredictProbabilities(xTest), test.FactorColumn(j), model.Classes);
        });
        return total.Average();
    }

    /// <summary>
    /// Mean over the classes of <paramref name="classes"/> (column c of <paramref name="probabilities"/> belongs to
    /// classes[c]; default 0..C-1) that occur in <paramref name="labels"/> alongside other labels, of the one-vs-rest ROC
    /// AUC (scikit-learn's roc_auc_score on a label-binarised target, macro average).
    /// </summary>
    public static double MacroAuc(double[,] probabilities, int[] labels, IReadOnlyList<int>? classes = null)
    {
        int columns = probabilities.GetLength(1);
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < columns; c++)
        {
            int label = classes is null ? c : classes[c];
            var positive = labels.Select(y => y == label).ToArray();
            double auc = Scoring.RocAuc(Enumerable.Range(0, labels.Length).Select(i => probabilities[i, c]).ToArray(), positive);
            if (double.IsNaN(auc)) continue;
            sum += auc;
            counted++;
        }
        return counted == 0 ? double.NaN : sum / counted;
    }
}
