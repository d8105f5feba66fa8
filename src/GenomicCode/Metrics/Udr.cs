using GenomicCode.Core;
using GenomicCode.Data;
using MathNet.Numerics.Statistics;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>
/// Unsupervised Disentanglement Ranking (Duan et al. 2020, "Unsupervised model selection for variational disentangled
/// representation learning", ICLR, eq. 1): needs no ground truth. Models trained with different seeds encode the same
/// observations; for each ordered pair (a, b) a matrix R relates the active latents of a (rows; mean KL above the
/// threshold) to those of b (columns), and a relative-strength score of R is 1 when latents match one-to-one; a
/// model's UDR is the median over the other models a of the score of the pair (a, it). As disentanglement_lib's
/// udr.py (compute_udr_sklearn): each model's codes are standardised (StandardScaler) and its inactive latents set to
/// zero; R is by default |coefficients| of a lasso (alpha 0.1) predicting each latent of b from all latents of a
/// (UDR_L), or the absolute Spearman correlations (UDR_S, <see cref="UdrOptions.Correlation"/>); 1000
/// observations, KL threshold 0.01. Difference: a pair in which either model has no active latent scores 0 here;
/// disentanglement_lib gives NaN there.
/// Not in <see cref="MetricCatalog"/>: it compares several representations instead of scoring one against factors.
/// </summary>
public static class Udr
{
    /// <summary>Observations encoded by every model. Default 1000 (disentanglement_lib).</summary>
    public const int DefaultPoints = 1000;

    /// <summary>Name of the lasso correlation matrix (the default).</summary>
    public const string Lasso = "lasso";

    /// <summary>Name of the Spearman correlation matrix.</summary>
    public const string Spearman = "spearman";

    /// <summary>Penalty of the lasso correlation matrix (disentanglement_lib's lasso_correlation_matrix).</summary>
    public const double LassoAlpha = 0.1;

    /// <summary>
    /// UDR of each model: encodes the same <see cref="UdrOptions.Points"/> observations with every representation; a
    /// latent is active when its mean KL (<paramref name="klPerDimension"/>, one array per model) exceeds the threshold.
    /// </summary>
    public static double[] Evaluate(IGroundTruthData data, IReadOnlyList<Representation> models, IReadOnlyList<double[]> klPerDimension,
        long seed, UdrOptions? options = null, Device? device = null)
    {
        options ??= new UdrOptions();
        options.Validate();
        int points = options.Points;
        if (models.Count < 2) throw new UserInputException($"UDR compares models trained with different seeds; give at least 2, got {models.Count}.");
        if (klPerDimension.Count != models.Count) throw new UserInputException($"UDR needs one KL array per model: {models.Count} models, {klPerDimension.Count} arrays.");
        var factors = data.SampleFactors(points, (long)Seeds.Derive(seed, 0));
        var codes = models.Select(m => CodeSampler.Encode(data, m, factors, device)).ToList();
        var active = klPerDimension.Select(kl => kl.Select(v => v > options.KlThreshold).ToArray()).ToList();
        return ModelScores(codes, active, options.Correlation);
    }

    /// <summary>UDR of each model m: the median over the other models a of <c>PairwiseScores[a, m]</c>.</summary>
    public static double[] ModelScores(IReadOnlyList<double[,]> codes, IReadOnlyList<bool[]> active, string correlation = Lasso)
    {
        var pairwise = PairwiseScores(codes, active, correlation);
        int m = codes.Count;
        var scores = new double[m];
        for (int b = 0; b < m; b++)
            scores[b] = Scoring.Median(Enumerable.Range(0, m).Where(a => a != b).Select(a => pairwise[a, b]));
        return scores;
    }

    /// <summary>Pair scores (models, models): entry (a, b) is <see cref="PairScore"/> of a's latents against b's; the diagonal is 0.</summary>
    public static double[,] PairwiseScores(IReadOnlyList<double[,]> codes, IReadOnlyList<bool[]> active, string correlation = Lasso)
    {
        int m = codes.Count;
        if (active.Count != m) throw new ArgumentException($"{m} models but {active.Count} activity masks.");
        var result = new double[m, m];
        Parallel.For(0, m * m, cell =>
        {
            int a = cell / m, b = cell % m;
            if (a != b) result[a, b] = PairScore(codes[a], active[a], codes[b], active[b], correlation);
        });
        return result;
    }

    /// <summary>Relative strength of <see cref="CorrelationMatrix"/> of the two models' active latents; 0 if either has none.</summary>
    public static double PairScore(double[,] codesA, bool[] activeA, double[,] codesB, bool[] activeB, string correlation = Lasso)
    {
        var r = CorrelationMatrix(codesA, activeA, codesB, activeB, correlation);
        return r.Length == 0 ? 0 : RelativeStrength(r);
    }

    /// <summary>
    /// R (active latents of a, active latents of b). Lasso: both models' codes standardised (mean 0, standard deviation
    /// 1 with ddof 0; a constant latent stays 0), then R_xy = |w_x| of the lasso (alpha 0.1, with intercept) predicting
    /// latent y of b from the active latents of a. Spearman: R_xy = |Spearman correlation| of latent x of a and latent y
    /// of b (0 where undefined).
    /// </summary>
    public static double[,] CorrelationMatrix(double[,] codesA, bool[] activeA, double[,] codesB, bool[] activeB, string correlation = Lasso)
    {
        if (codesA.GetLength(0) != codesB.GetLength(0))
            throw new ArgumentException($"both models must encode the same observations: {codesA.GetLength(0)} vs {codesB.GetLength(0)} rows.");
        var ia = Enumerable.Range(0, activeA.Length).Where(j => activeA[j]).ToArray();
        var ib = Enumerable.Range(0, activeB.Length).Where(j => activeB[j]).ToArray();
        var r = new double[ia.Length, ib.Length];
        if (ia.Length == 0 || ib.Length == 0) return r;
        if (correlation == Spearman)
        {
            for (int x = 0; x < ia.Length; x++)
            {
                var ca = LabelledCodes.Column(codesA, ia[x]);
                for (int y = 0; y < ib.Length; y++)
                {
                    double rho = Correlation.Spearman(ca, LabelledCodes.Column(codesB, ib[y]));
                    r[x, y] = double.IsNaN(rho) ? 0 : Math.Abs(rho);
                }
            }
            return r;
        }
        if (correlation != Lasso) throw new UserInputException($"unknown UDR correlation '{correlation}'; use '{Lasso}' or '{Spearman}'.");
        var features = Scoring.Standardize(Columns(codesA, ia), new double[0, ia.Length]).Train;
        var targets = Scoring.Standardize(Columns(codesB, ib), new double[0, ib.Length]).Train;
        for (int y = 0; y < ib.Length; y++)
        {
            var (w, _, _) = Metrics.Lasso.Fit(features, LabelledCodes.Column(targets, y), LassoAlpha);
            for (int x = 0; x < ia.Length; x++) r[x, y] = Math.Abs(w[x]);
        }
        return r;
    }

    private static double[,] Columns(double[,] codes, int[] columns)
    {
        var c = new double[codes.GetLength(0), columns.Length];
        for (int i = 0; i < codes.GetLength(0); i++)
            for (int j = 0; j < columns.Length; j++) c[i, j] = codes[i, columns[j]];
        return c;
    }

    /// <summary>
    /// Relative strength of a non-negative correlation matrix R (a, b): the mean of (mean over columns of
    /// max_i R_ij^2 / sum_i R_ij) and (mean over rows of max_j R_ij^2 / sum_j R_ij), empty sums counting 0
    /// (Duan et al. 2020, eq. 1, as disentanglement_lib's relative_strength_disentanglement).
    /// </summary>
    public static double RelativeStrength(double[,] r)
    {
        int a = r.GetLength(0), b = r.GetLength(1);
        double cols = 0, rows = 0;
        for (int j = 0; j < b; j++)
        {
            double max = 0, sum = 0;
            for (int i = 0; i < a; i++) { max = Math.Max(max, r[i, j]); sum += r[i, j]; }
            cols += sum > 0 ? max * max / sum : 0;
        }
        for (int i = 0; i < a; i++)
        {
            double max = 0, sum = 0;
            for (int j = 0; j < b; j++) { max = Math.Max(max, r[i, j]); sum += r[i, j]; }
            rows += sum > 0 ? max * max / sum : 0;
        }
        return (cols / b + rows / a) / 2;
    }
}
