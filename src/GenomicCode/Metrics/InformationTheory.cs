namespace GenomicCode.Metrics;

/// <summary>Discrete entropy and mutual information in nats, and equal-width discretisation of codes.</summary>
public static class InformationTheory
{
    /// <summary>Entropy H(Y) = -sum_y p(y) ln p(y) of integer labels, in nats (Cover and Thomas 2006, eq. 2.1).</summary>
    public static double Entropy(ReadOnlySpan<int> labels) => MutualInformation(labels, labels);

    /// <summary>
    /// Mutual information I(A; B) = sum_ab p(a, b) ln(p(a, b) / (p(a) p(b))) of two integer label sequences, in nats
    /// (Cover and Thomas 2006, eq. 2.28), from their empirical joint distribution (as scikit-learn's mutual_info_score).
    /// </summary>
    public static double MutualInformation(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"label sequences differ in length: {a.Length} vs {b.Length}.");
        int n = a.Length;
        if (n == 0) return 0;
        var joint = new Dictionary<(int, int), int>();
        var ca = new Dictionary<int, int>();
        var cb = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            joint[(a[i], b[i])] = joint.GetValueOrDefault((a[i], b[i])) + 1;
            ca[a[i]] = ca.GetValueOrDefault(a[i]) + 1;
            cb[b[i]] = cb.GetValueOrDefault(b[i]) + 1;
        }
        double mi = 0;
        foreach (var ((x, y), c) in joint)
            mi += (double)c / n * Math.Log((double)c * n / ((double)ca[x] * cb[y]));
        return Math.Max(0, mi);
    }

    /// <summary>
    /// Discretises each code column into <paramref name="bins"/> equal-width bins between its minimum and maximum
    /// (numpy.histogram edges, numpy.digitize against all but the last edge, as disentanglement_lib's
    /// _histogram_discretize). Returns bin indices 0..bins-1, shape (n, D).
    /// </summary>
    public static int[,] Discretize(double[,] codes, int bins)
    {
        if (bins < 1) throw new ArgumentException($"bins must be >= 1, got {bins}.");
        int n = codes.GetLength(0), d = codes.GetLength(1);
        var result = new int[n, d];
        var edges = new double[bins];
        for (int j = 0; j < d; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < n; i++) { lo = Math.Min(lo, codes[i, j]); hi = Math.Max(hi, codes[i, j]); }
            if (lo == hi) { lo -= 0.5; hi += 0.5; } // numpy widens an empty range to +-0.5
            double step = (hi - lo) / bins;
            for (int e = 0; e < bins; e++) edges[e] = lo + e * step;
            for (int i = 0; i < n; i++)
            {
                // digitize: number of edges <= x, minus one for a 0-based bin.
                int idx = Array.BinarySearch(edges, codes[i, j]);
                int count = idx >= 0 ? UpperBound(edges, idx) : ~idx;
                result[i, j] = Math.Max(0, count - 1);
            }
        }
        return result;
    }

    /// <summary>Mutual information (D, K) between each discretised code column and each factor column, in nats.</summary>
    public static double[,] MutualInformationMatrix(int[,] codes, int[,] factors)
    {
        int n = codes.GetLength(0), d = codes.GetLength(1), k = factors.GetLength(1);
        if (factors.GetLength(0) != n) throw new ArgumentException($"codes have {n} rows, factors {factors.GetLength(0)}.");
        var m = new double[d, k];
        var cols = Enumerable.Range(0, d).Select(j => Column(codes, j)).ToArray();
        var fcols = Enumerable.Range(0, k).Select(j => Column(factors, j)).ToArray();
        Parallel.For(0, d, j =>
        {
            for (int f = 0; f < k; f++) m[j, f] = MutualInformation(cols[j], fcols[f]);
        });
        return m;
    }

    /// <summary>Entropy of each factor column, in nats.</summary>
    public static double[] FactorEntropies(int[,] factors) =>
        Enumerable.Range(0, factors.GetLength(1)).Select(j => Entropy(Column(factors, j))).ToArray();

    internal static int[] Column(int[,] a, int j)
    {
        var c = new int[a.GetLength(0)];
        for (int i = 0; i < c.Length; i++) c[i] = a[i, j];
        return c;
    }

    private static int UpperBound(double[] sorted, int index)
    {
        // Array.BinarySearch returns any equal element; step past all equal edges.
        while (index + 1 < sorted.Length && sorted[index + 1] == sorted[index]) index++;
        return index + 1;
    }
}
