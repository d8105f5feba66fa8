namespace GenomicCode.Metrics;

/// <summary>
/// A linear support vector classifier with the L2-regularised squared-hinge (L2-loss) objective, fitted as
/// scikit-learn's <c>LinearSVC</c> fits it through liblinear (Fan et al. 2008, "LIBLINEAR: a library for large linear
/// classification", JMLR 9, solver 1 = L2R_L2LOSS_SVC_DUAL): for each binary problem
/// min_w 0.5 |w|^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2, where x carries an extra constant feature 1 whose weight is the
/// intercept (regularised like the others; intercept_scaling 1), solved in the dual by coordinate descent (Hsieh et
/// al. 2008, "A dual coordinate descent method for large-scale linear SVM", ICML: Algorithm 1 with the L2-loss dual of
/// section 2, a random permutation of the coordinates each pass and shrinking, as liblinear's solve_l2r_l1l2_svc
/// implements it), stopping when the projected-gradient spread over a pass falls below the tolerance or after the
/// iteration cap (liblinear's rules).
/// Several classes are fitted one-vs-rest as liblinear does: in the problem of class c the class-c rows get
/// C x weight_c and every other row gets C unweighted. Two classes give one problem whose positive class is the larger
/// label (rows of each class get C x their class weight). Balanced class weights are n / (classes x count of the class).
/// Differences from liblinear: the order in which coordinates are visited is drawn from <see cref="Random"/> with the
/// given seed instead of liblinear's generator, so the solution agrees to within the tolerance, not bit for bit.
/// </summary>
public sealed class LinearSvm
{
    private readonly double[,] weights;   // (problems, features)
    private readonly double[] intercepts; // (problems)

    private LinearSvm(int[] classes, double[,] weights, double[] intercepts, int[] iterations)
    {
        Classes = classes;
        this.weights = weights;
        this.intercepts = intercepts;
        Iterations = iterations;
    }

    /// <summary>scikit-learn's LinearSVC default tolerance on the projected-gradient spread.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>scikit-learn's LinearSVC default cap on outer iterations (passes over the active rows).</summary>
    public const int DefaultMaxIterations = 1000;

    /// <summary>The distinct training labels in increasing order; predictions are drawn from these.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>Outer iterations each binary problem took.</summary>
    public IReadOnlyList<int> Iterations { get; }

    /// <summary>Weight of feature <paramref name="feature"/> in binary problem <paramref name="problem"/> (one problem for two classes).</summary>
    public double Weight(int problem, int feature) => weights[problem, feature];

    /// <summary>Intercept of binary problem <paramref name="problem"/>.</summary>
    public double Intercept(int problem) => intercepts[problem];

    /// <summary>
    /// Fits the classifier to rows <paramref name="x"/> (n, d) and labels <paramref name="y"/>. <paramref name="c"/> is the
    /// penalty C (scikit-learn's default for SAP in disentanglement_lib: 0.01).
    /// </summary>
    public static LinearSvm Fit(double[,] x, int[] y, double c, bool balanced = true, double tolerance = DefaultTolerance,
        int maxIterations = DefaultMaxIterations, long seed = 0)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        if (y.Length != n) throw new ArgumentException($"{n} rows but {y.Length} labels.");
        if (!(c > 0)) throw new ArgumentException($"C must be positive, got {c}.");
        var classes = y.Distinct().OrderBy(v => v).ToArray();
        if (classes.Length < 2)
            return new LinearSvm(classes, new double[1, d], new[] { 0.0 }, new[] { 0 }); // one class: it is always predicted
        var index = classes.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var label = y.Select(v => index[v]).ToArray();
        var classWeight = new double[classes.Length];
        Array.Fill(classWeight, 1.0);
        if (balanced)
        {
            var counts = new int[classes.Length];
            foreach (int l in label) counts[l]++;
            for (int k = 0; k < counts.Length; k++) classWeight[k] = (double)n / (classes.Length * counts[k]);
        }

        // Rows with the bias feature appended: (n, d + 1).
        int w = d + 1;
        var rows = new double[n * w];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) rows[i * w + j] = x[i, j];
            rows[i * w + d] = 1.0;
        }
        int problems = classes.Length == 2 ? 1 : classes.Length;
        var weights = new double[problems, d];
        var intercepts = new double[problems];
        var iterations = new int[problems];
        var sign = new sbyte[n];
        var cost = new double[n];
        for (int p = 0; p < problems; p++)
        {
            for (int i = 0; i < n; i++)
            {
                if (problems == 1)
                {
                    sign[i] = label[i] == 1 ? (sbyte)1 : (sbyte)-1;
                    cost[i] = c * classWeight[label[i]];
                }
                else
                {
                    sign[i] = label[i] == p ? (sbyte)1 : (sbyte)-1;
                    cost[i] = label[i] == p ? c * classWeight[p] : c;
                }
            }
            var (solution, iter) = SolveDual(rows, w, sign, cost, tolerance, maxIterations, new Random((int)(Core.Seeds.Derive(seed, p) & 0x7FFFFFFF)));
            for (int j = 0; j < d; j++) weights[p, j] = solution[j];
            intercepts[p] = solution[d];
            iterations[p] = iter;
        }
        return new LinearSvm(classes, weights, intercepts, iterations);
    }

    /// <summary>
    /// Dual coordinate descent for the L2-loss SVM (Hsieh et al. 2008, Algorithm 1, with permutation and shrinking):
    /// min_alpha 0.5 alpha^T (Q + D) alpha - sum alpha, alpha >= 0, Q_ij = y_i y_j x_i.x_j, D_ii = 1 / (2 C_i);
    /// w = sum_i alpha_i y_i x_i. Rows are <paramref name="rows"/> (n x <paramref name="width"/>, row-major).
    /// Stops when max - min of the projected gradient over a full pass is at most <paramref name="tolerance"/>.
    /// Returns w and the outer iterations used.
    /// </summary>
    public static (double[] W, int Iterations) SolveDual(double[] rows, int width, sbyte[] y, double[] cost, double tolerance, int maxIterations, Random rng)
    {
        int n = y.Length;
        var w = new double[width];
        var alpha = new double[n];
        var diag = new double[n];
        var qd = new double[n];
        var index = new int[n];
        for (int i = 0; i < n; i++)
        {
            diag[i] = 0.5 / cost[i];
            double sq = 0;
            for (int j = 0; j < width; j++) sq += rows[i * width + j] * rows[i * width + j];
            qd[i] = diag[i] + sq;
            index[i] = i;
        }
        int active = n, iter = 0;
        double pgMaxOld = double.PositiveInfinity, pgMinOld = double.NegativeInfinity;
        while (iter < maxIterations)
        {
            double pgMaxNew = double.NegativeInfinity, pgMinNew = double.PositiveInfinity;
            for (int s = 0; s < active; s++)
            {
                int t = s + rng.Next(active - s);
                (index[s], index[t]) = (index[t], index[s]);
            }
            for (int s = 0; s < active; s++)
            {
                int i = index[s];
                int off = i * width;
                double g = 0;
                for (int j = 0; j < width; j++) g += w[j] * rows[off + j];
                g = g * y[i] - 1 + alpha[i] * diag[i];
                double pg = 0;
                if (alpha[i] == 0)
                {
                    if (g > pgMaxOld)
                    {
                        // Shrink: this coordinate is at its bound and unlikely to move this round.
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }
                    if (g < 0) pg = g;
                }
                else pg = g; // the upper bound is infinite for the L2 loss
                pgMaxNew = Math.Max(pgMaxNew, pg);
                pgMinNew = Math.Min(pgMinNew, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    double old = alpha[i];
                    alpha[i] = Math.Max(alpha[i] - g / qd[i], 0);
                    double step = (alpha[i] - old) * y[i];
                    for (int j = 0; j < width; j++) w[j] += step * rows[off + j];
                }
            }
            iter++;
            if (pgMaxNew - pgMinNew <= tolerance)
            {
                if (active == n) break;
                active = n; // converged on the shrunk set: check every coordinate again
                pgMaxOld = double.PositiveInfinity;
                pgMinOld = double.NegativeInfinity;
                continue;
            }
            pgMaxOld = pgMaxNew <= 0 ? double.PositiveInfinity : pgMaxNew;
            pgMinOld = pgMinNew >= 0 ? double.NegativeInfinity : pgMinNew;
        }
        return (w, iter);
    }

    /// <summary>Decision values (n, problems): w.x + b of each binary problem.</summary>
    public double[,] Decision(double[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1), problems = intercepts.Length;
        if (d != weights.GetLength(1)) throw new ArgumentException($"fitted on {weights.GetLength(1)} features, got {d}.");
        var f = new double[n, problems];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < problems; p++)
            {
                double s = intercepts[p];
                for (int j = 0; j < d; j++) s += weights[p, j] * x[i, j];
                f[i, p] = s;
            }
        return f;
    }

    /// <summary>
    /// Predicted labels: with two classes the larger label where the decision value is positive, else the smaller;
    /// with more, the class of the largest decision value (the first on ties), as scikit-learn predicts.
    /// </summary>
    public int[] Predict(double[,] x)
    {
        int n = x.GetLength(0);
        var result = new int[n];
        if (Classes.Count < 2)
        {
            Array.Fill(result, Classes.Count == 1 ? Classes[0] : 0);
            return result;
        }
        var f = Decision(x);
        for (int i = 0; i < n; i++)
        {
            if (Classes.Count == 2) { result[i] = f[i, 0] > 0 ? Classes[1] : Classes[0]; continue; }
            int best = 0;
            for (int p = 1; p < Classes.Count; p++) if (f[i, p] > f[i, best]) best = p;
            result[i] = Classes[best];
        }
        return result;
    }

    /// <summary>Share of rows whose predicted label equals <paramref name="y"/>.</summary>
    public double Accuracy(double[,] x, int[] y) => Scoring.Accuracy(Predict(x), y);
}
