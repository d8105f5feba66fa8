namespace GenomicCode.Metrics;

/// <summary>
/// The lasso (Tibshirani 1996) with an intercept, as scikit-learn's <c>Lasso(alpha)</c> defines and fits it: minimises
/// (1 / (2n)) |y - X w - b|^2 + alpha |w|_1 by cyclic coordinate descent on centred X and y (Friedman, Hastie and
/// Tibshirani 2010, "Regularization paths for generalized linear models via coordinate descent", J. Stat. Softw. 33,
/// eqs. 5-6: w_j := S(x_j . r_(j), n alpha) / |x_j|^2 with the partial residual r_(j) and soft-thresholding S), the
/// intercept being mean(y) - mean(X) w. Stopping as scikit-learn's enet_coordinate_descent: after a sweep whose largest
/// coefficient change is below tolerance x the largest coefficient (or when every coefficient is 0, or at the sweep
/// cap), the duality gap is computed and the fit stops when it is below tolerance x |y - mean(y)|^2.
/// </summary>
public static class Lasso
{
    /// <summary>scikit-learn's default tolerance.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>scikit-learn's default cap on sweeps.</summary>
    public const int DefaultMaxSweeps = 1000;

    /// <summary>Fits y on the columns of x (n, d); returns the coefficients, the intercept and the sweeps used.</summary>
    public static (double[] Coefficients, double Intercept, int Sweeps) Fit(double[,] x, double[] y, double alpha,
        double tolerance = DefaultTolerance, int maxSweeps = DefaultMaxSweeps)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        if (y.Length != n) throw new ArgumentException($"{n} rows but {y.Length} targets.");
        if (alpha < 0) throw new ArgumentException($"alpha must be >= 0, got {alpha}.");
        // Centre the columns and the target (the intercept is then not penalised).
        var columns = new double[d][];
        var xMean = new double[d];
        for (int j = 0; j < d; j++)
        {
            var c = new double[n];
            for (int i = 0; i < n; i++) c[i] = x[i, j];
            xMean[j] = c.Average();
            for (int i = 0; i < n; i++) c[i] -= xMean[j];
            columns[j] = c;
        }
        double yMean = y.Average();
        var yc = y.Select(v => v - yMean).ToArray();
        var norm = columns.Select(c => c.Sum(v => v * v)).ToArray();
        var w = new double[d];
        var r = (double[])yc.Clone();             // residual y - X w
        double l1 = alpha * n;
        double gapTolerance = tolerance * yc.Sum(v => v * v);
        int sweep = 0;
        for (; sweep < maxSweeps; sweep++)
        {
            double wMax = 0, dwMax = 0;
            for (int j = 0; j < d; j++)
            {
                if (norm[j] == 0) continue;
                var c = columns[j];
                double old = w[j];
                if (old != 0) for (int i = 0; i < n; i++) r[i] += old * c[i];
                double rho = 0;
                for (int i = 0; i < n; i++) rho += c[i] * r[i];
                w[j] = Math.Sign(rho) * Math.Max(Math.Abs(rho) - l1, 0) / norm[j];
                if (w[j] != 0) for (int i = 0; i < n; i++) r[i] -= w[j] * c[i];
                dwMax = Math.Max(dwMax, Math.Abs(w[j] - old));
                wMax = Math.Max(wMax, Math.Abs(w[j]));
            }
            if (wMax == 0 || dwMax / wMax < tolerance || sweep == maxSweeps - 1)
            {
                if (DualityGap(columns, yc, r, w, l1) < gapTolerance) { sweep++; break; }
            }
        }
        double intercept = yMean;
        for (int j = 0; j < d; j++) intercept -= xMean[j] * w[j];
        return (w, intercept, sweep);
    }

    /// <summary>
    /// Duality gap of the lasso at w with residual r (as scikit-learn's enet_coordinate_descent computes it): the dual point
    /// scales r so that |X^T r|_inf is at most the penalty n alpha.
    /// </summary>
    private static double DualityGap(double[][] columns, double[] y, double[] r, double[] w, double l1)
    {
        double dualNorm = 0;
        foreach (var c in columns)
        {
            double s = 0;
            for (int i = 0; i < c.Length; i++) s += c[i] * r[i];
            dualNorm = Math.Max(dualNorm, Math.Abs(s));
        }
        double rNorm2 = r.Sum(v => v * v);
        double gap, scale;
        if (dualNorm > l1)
        {
            scale = l1 / dualNorm;
            gap = 0.5 * (rNorm2 + rNorm2 * scale * scale);
        }
        else
        {
            scale = 1;
            gap = rNorm2;
        }
        double ry = 0;
        for (int i = 0; i < y.Length; i++) ry += r[i] * y[i];
        gap += l1 * w.Sum(Math.Abs) - scale * ry;
        return gap;
    }
}
