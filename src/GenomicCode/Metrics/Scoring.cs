namespace GenomicCode.Metrics;

/// <summary>Small scoring helpers shared by the metrics.</summary>
public static class Scoring
{
    /// <summary>Share of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
    public static double Accuracy(int[] predicted, int[] actual)
    {
        if (predicted.Length != actual.Length) throw new ArgumentException("prediction and label counts differ.");
        if (actual.Length == 0) return 0;
        int hit = 0;
        for (int i = 0; i < actual.Length; i++) if (predicted[i] == actual[i]) hit++;
        return (double)hit / actual.Length;
    }

    /// <summary>
    /// Area under the ROC curve of scores for a binary labelling, by the Mann-Whitney rank statistic with ties
    /// averaged (Hanley and McNeil 1982, eq. 2): (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg). NaN if one class is empty.
    /// </summary>
    public static double RocAuc(double[] scores, bool[] positive)
    {
        int n = scores.Length;
        if (positive.Length != n) throw new ArgumentException("score and label counts differ.");
        var order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1; // average 1-based rank of the tie block
            for (int t = i; t <= j; t++) ranks[order[t]] = rank;
            i = j + 1;
        }
        double nPos = positive.Count(p => p), nNeg = n - nPos;
        if (nPos == 0 || nNeg == 0) return double.NaN;
        double rPos = 0;
        for (int i = 0; i < n; i++) if (positive[i]) rPos += ranks[i];
        return (rPos - nPos * (nPos + 1) / 2) / (nPos * nNeg);
    }

    /// <summary>Number of classes needed to hold every label in the given factor columns (max + 1).</summary>
    public static int ClassCount(params int[][] labels) => labels.SelectMany(l => l).DefaultIfEmpty(0).Max() + 1;

    /// <summary>
    /// Standardises both sets with the column means and standard deviations (ddof 0) of <paramref name="train"/>, as
    /// scikit-learn's StandardScaler fitted on the train rows; a constant column keeps scale 1 (StandardScaler's rule;
    /// disentanglement_lib's normalize_data would divide by zero there).
    /// </summary>
    public static (double[,] Train, double[,] Test) Standardize(double[,] train, double[,] test)
    {
        int n = train.GetLength(0), d = train.GetLength(1);
        if (test.GetLength(1) != d) throw new ArgumentException($"train has {d} columns, test {test.GetLength(1)}.");
        var mean = new double[d];
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double m = 0;
            for (int i = 0; i < n; i++) m += train[i, j];
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += (train[i, j] - m) * (train[i, j] - m);
            double sd = Math.Sqrt(v / n);
            mean[j] = m;
            scale[j] = sd > 0 ? sd : 1;
        }
        return (Apply(train), Apply(test));

        double[,] Apply(double[,] x)
        {
            var r = new double[x.GetLength(0), d];
            for (int i = 0; i < x.GetLength(0); i++)
                for (int j = 0; j < d; j++) r[i, j] = (x[i, j] - mean[j]) / scale[j];
            return r;
        }
    }

    /// <summary>Median of the values (the mean of the two middle ones for an even count, as numpy.median); NaN if empty.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
