using GenomicCode.Core;
using GenomicCode.Data;
using MathNet.Numerics.Statistics;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>
/// Unsupervised Disentanglement Ranking (Duan et al. 2020, "Unsupervised model selection for variational disentangled
/// representation learning", ICLR, eq. 1, UDR_S variant): needs no ground truth. Models trained with different seeds
/// encode the same observations; for each pair, the absolute Spearman correlations R between their active latents
/// (mean KL above 0.01) give a relative-strength score that is 1 when latents match one-to-one; a model's UDR is the
/// median of its pair scores. Defaults as in disentanglement_lib's udr.py: 1000 observations, KL threshold 0.01.
/// Not in <see cref="MetricCatalog"/>: it compares several representations instead of scoring one against factors.
/// </summary>
public static class Udr
{
    /// <summary>Observations encoded by every model. Default 1000 (disentanglement_lib).</summary>
    public const int DefaultPoints = 1000;

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
        return ModelScores(codes, active);
    }

    /// <summary>UDR of each model: the median over the other models of <see cref="PairScore"/>.</summary>
    public static double[] ModelScores(IReadOnlyList<double[,]> codes, IReadOnlyList<bool[]> active)
    {
        int m = codes.Count;
        var scores = new double[m];
        for (int a = 0; a < m; a++)
        {
            var pairs = Enumerable.Range(0, m).Where(b => b != a).Select(b => PairScore(codes[a], active[a], codes[b], active[b])).ToArray();
            scores[a] = pairs.Median();
        }
        return scores;
    }

    /// <summary>Relative strength of the absolute Spearman correlation matrix between the active latents of two models.</summary>
    public static double PairScore(double[,] codesA, bool[] activeA, double[,] codesB, bool[] activeB)
    {
        var ia = Enumerable.Range(0, activeA.Length).Where(j => activeA[j]).ToArray();
        var ib = Enumerable.Range(0, activeB.Length).Where(j => activeB[j]).ToArray();
        if (ia.Length == 0 || ib.Length == 0) return 0;
        var r = new double[ia.Length, ib.Length];
        for (int x = 0; x < ia.Length; x++)
        {
            var ca = LabelledCodes.Column(codesA, ia[x]);
            for (int y = 0; y < ib.Length; y++)
            {
                double rho = Correlation.Spearman(ca, LabelledCodes.Column(codesB, ib[y]));
                r[x, y] = double.IsNaN(rho) ? 0 : Math.Abs(rho);
            }
        }
        return RelativeStrength(r);
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
