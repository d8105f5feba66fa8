namespace GenomicCode.Metrics;

/// <summary>
/// A regression tree grown to a fixed depth by exact split search (Breiman et al. 1984, "Classification and regression
/// trees", chapter 8) with Friedman's split criterion (Friedman 2001, "Greedy function approximation: a gradient
/// boosting machine", Annals of Statistics 29, eq. 35): a node splits where n_l n_r (mean_l - mean_r)^2 / (n_l + n_r)
/// is largest, over every feature and every midpoint between consecutive distinct values. As scikit-learn's
/// DecisionTreeRegressor(criterion="friedman_mse", max_depth, min_samples_leaf=1): features are compared as float32
/// values; values closer than 1e-7 count as equal; the threshold is the midpoint (or the lower value when the midpoint
/// rounds up to the upper one); a node becomes a leaf at the depth limit, with fewer than 2 rows, with impurity (the
/// node variance) at most machine epsilon, or when no feature varies in it; ties between features go to the feature
/// visited first in a random order drawn per node, and ties within a feature to the smaller threshold.
/// </summary>
public sealed class RegressionTree
{
    private readonly int[] feature;        // -1 for a leaf
    private readonly double[] threshold;
    private readonly int[] left;
    private readonly int[] right;
    private readonly double[] impurity;    // variance of the targets in the node
    private readonly int[] samples;
    private readonly double[] value;
    private readonly double[] sums;        // sum of the targets in the node (while growing)
    private int count;

    private RegressionTree(int capacity)
    {
        feature = new int[capacity];
        threshold = new double[capacity];
        left = new int[capacity];
        right = new int[capacity];
        impurity = new double[capacity];
        samples = new int[capacity];
        value = new double[capacity];
        sums = new double[capacity];
    }

    /// <summary>Smallest gap between two feature values that a threshold may separate (scikit-learn's FEATURE_THRESHOLD).</summary>
    public const double FeatureThreshold = 1e-7;

    /// <summary>Number of nodes (internal and leaves).</summary>
    public int NodeCount => count;

    /// <summary>Feature split at <paramref name="node"/>, or -1 for a leaf.</summary>
    public int Feature(int node) => feature[node];

    /// <summary>Threshold of <paramref name="node"/>: rows with feature value at most this go left.</summary>
    public double Threshold(int node) => threshold[node];

    /// <summary>Left child of <paramref name="node"/> (-1 for a leaf).</summary>
    public int Left(int node) => left[node];

    /// <summary>Right child of <paramref name="node"/> (-1 for a leaf).</summary>
    public int Right(int node) => right[node];

    /// <summary>Training rows that reached <paramref name="node"/>.</summary>
    public int Samples(int node) => samples[node];

    /// <summary>Impurity (variance of the targets) of <paramref name="node"/>.</summary>
    public double Impurity(int node) => impurity[node];

    /// <summary>Prediction of <paramref name="node"/> (the mean target, or what boosting set for a leaf).</summary>
    public double Value(int node) => value[node];

    /// <summary>Sets the prediction of a leaf (gradient boosting replaces the mean by a Newton step).</summary>
    public void SetValue(int node, double v) => value[node] = v;

    /// <summary>Leaf reached by a row (features as float32, as the tree was grown).</summary>
    public int Apply(ReadOnlySpan<double> row)
    {
        int node = 0;
        while (feature[node] >= 0)
            node = (double)(float)row[feature[node]] <= threshold[node] ? left[node] : right[node];
        return node;
    }

    /// <summary>Leaf reached by a row already rounded to float32.</summary>
    internal int ApplyRounded(double[] rows, int offset)
    {
        int node = 0;
        while (feature[node] >= 0)
            node = rows[offset + feature[node]] <= threshold[node] ? left[node] : right[node];
        return node;
    }

    /// <summary>
    /// Importance of each feature in this tree, unnormalised: the sum over nodes split on it of
    /// n_node impurity_node - n_left impurity_left - n_right impurity_right, divided by the root's rows (scikit-learn's
    /// Tree.compute_feature_importances(normalize=False); Breiman et al. 1984, section 5.3.4).
    /// </summary>
    public double[] FeatureImportances(int features)
    {
        var importance = new double[features];
        for (int node = 0; node < NodeCount; node++)
        {
            if (feature[node] < 0) continue;
            int l = left[node], r = right[node];
            importance[feature[node]] += samples[node] * impurity[node] - samples[l] * impurity[l] - samples[r] * impurity[r];
        }
        for (int j = 0; j < features; j++) importance[j] /= samples[0];
        return importance;
    }

    /// <summary>Feature values rounded to float32 and each feature's row order by value (ties by row), computed once.</summary>
    public sealed class Presorted
    {
        /// <summary>Rounds <paramref name="x"/> (n, d) to float32 and sorts every feature.</summary>
        public Presorted(double[,] x)
        {
            Rows = x.GetLength(0);
            Features = x.GetLength(1);
            Values = new double[Features][];
            SortedValues = new double[Features][];
            Order = new int[Features][];
            for (int j = 0; j < Features; j++)
            {
                var v = new double[Rows];
                for (int i = 0; i < Rows; i++) v[i] = (float)x[i, j];
                var order = Enumerable.Range(0, Rows).ToArray();
                var keys = (double[])v.Clone();
                Array.Sort(keys, order); // introsort is unstable: fix the order of equal values by row below
                for (int a = 0; a < Rows;)
                {
                    int b = a;
                    while (b + 1 < Rows && keys[b + 1] == keys[a]) b++;
                    if (b > a) Array.Sort(order, a, b - a + 1);
                    a = b + 1;
                }
                Values[j] = v;
                SortedValues[j] = keys;
                Order[j] = order;
            }
        }

        /// <summary>Rows n.</summary>
        public int Rows { get; }

        /// <summary>Features d.</summary>
        public int Features { get; }

        /// <summary>Values[j][i]: feature j of row i, as float32.</summary>
        public double[][] Values { get; }

        /// <summary>SortedValues[j][p]: feature j of row Order[j][p].</summary>
        public double[][] SortedValues { get; }

        /// <summary>Order[j]: rows sorted by feature j.</summary>
        public int[][] Order { get; }
    }

    /// <summary>
    /// Grows a tree on targets <paramref name="target"/> to depth <paramref name="maxDepth"/>, level by level: each level
    /// scans every feature once in presorted order and finds the best split of every open node at once.
    /// <paramref name="leafOf"/> (length n) receives the leaf of every training row.
    /// </summary>
    public static RegressionTree Grow(Presorted data, double[] target, int maxDepth, Random rng, int[] leafOf)
    {
        int n = data.Rows, d = data.Features;
        int capacity = (1 << (maxDepth + 1)) - 1;
        var tree = new RegressionTree(capacity);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) { sum += target[i]; sumSq += target[i] * target[i]; }
        tree.AddNode(n, sum, sumSq);
        Array.Clear(leafOf);
        var open = new List<int>();
        if (maxDepth > 0 && tree.Splittable(0)) open.Add(0);
        var slotOf = new int[capacity];
        Array.Fill(slotOf, -1);
        var slotOfRow = new int[n];
        for (int depth = 0; depth < maxDepth && open.Count > 0; depth++)
        {
            int m = open.Count;
            for (int s = 0; s < m; s++) slotOf[open[s]] = s;
            var rank = new int[m * d];
            var perm = new int[d];
            for (int s = 0; s < m; s++)
            {
                for (int j = 0; j < d; j++) perm[j] = j;
                for (int j = d - 1; j > 0; j--) { int t = rng.Next(j + 1); (perm[j], perm[t]) = (perm[t], perm[j]); }
                for (int p = 0; p < d; p++) rank[s * d + perm[p]] = p; // the node visits feature perm[p] p-th
            }
            var bestProxy = new double[m];
            var bestFeature = new int[m];
            var bestThreshold = new double[m];
            Array.Fill(bestProxy, double.NegativeInfinity);
            Array.Fill(bestFeature, -1);
            var countLeft = new int[m];
            var sumLeft = new double[m];
            var last = new double[m];
            var nodeCount = new int[m];
            var nodeSum = new double[m];
            for (int s = 0; s < m; s++) { nodeCount[s] = tree.samples[open[s]]; nodeSum[s] = tree.sums[open[s]]; }
            for (int i = 0; i < n; i++) slotOfRow[i] = slotOf[leafOf[i]];
            for (int j = 0; j < d; j++)
            {
                Array.Clear(countLeft);
                Array.Clear(sumLeft);
                var order = data.Order[j];
                var sorted = data.SortedValues[j];
                for (int p = 0; p < n; p++)
                {
                    int i = order[p];
                    int s = slotOfRow[i];
                    if (s < 0) continue;
                    double v = sorted[p];
                    int nl = countLeft[s];
                    if (nl > 0 && v > last[s] + FeatureThreshold)
                    {
                        // Friedman's proxy: (n_r sum_l - n_l sum_r)^2 / (n_l n_r), scikit-learn's FriedmanMSE.
                        double nL = nl, nR = nodeCount[s] - nl, sL = sumLeft[s], sR = nodeSum[s] - sL;
                        double diff = nR * sL - nL * sR;
                        double proxy = diff * diff / (nL * nR);
                        if (proxy > bestProxy[s] || (proxy == bestProxy[s] && rank[s * d + j] < rank[s * d + bestFeature[s]]))
                        {
                            bestProxy[s] = proxy;
                            bestFeature[s] = j;
                            double mid = last[s] / 2.0 + v / 2.0;
                            bestThreshold[s] = mid == v || double.IsInfinity(mid) ? last[s] : mid;
                        }
                    }
                    countLeft[s] = nl + 1;
                    sumLeft[s] += target[i];
                    last[s] = v;
                }
            }
            // Split every open node that found a threshold, then route its rows to the new children in one pass.
            var childOf = new int[m * 2];
            for (int s = 0; s < m; s++)
            {
                if (bestFeature[s] < 0) continue;
                int node = open[s];
                childOf[s * 2] = tree.AddNode(0, 0, 0);
                childOf[s * 2 + 1] = tree.AddNode(0, 0, 0);
                tree.feature[node] = bestFeature[s];
                tree.threshold[node] = bestThreshold[s];
                tree.left[node] = childOf[s * 2];
                tree.right[node] = childOf[s * 2 + 1];
            }
            var stats = new double[m * 6]; // count, sum, sum of squares of the left and the right child
            for (int i = 0; i < n; i++)
            {
                int s = slotOfRow[i];
                if (s < 0 || bestFeature[s] < 0) continue;
                int side = data.Values[bestFeature[s]][i] <= bestThreshold[s] ? 0 : 1;
                leafOf[i] = childOf[s * 2 + side];
                stats[s * 6 + side * 3] += 1;
                stats[s * 6 + side * 3 + 1] += target[i];
                stats[s * 6 + side * 3 + 2] += target[i] * target[i];
            }
            var next = new List<int>();
            for (int s = 0; s < m; s++)
            {
                slotOf[open[s]] = -1;
                if (bestFeature[s] < 0) continue;
                for (int side = 0; side < 2; side++)
                {
                    int child = childOf[s * 2 + side];
                    tree.SetStatistics(child, (int)stats[s * 6 + side * 3], stats[s * 6 + side * 3 + 1], stats[s * 6 + side * 3 + 2]);
                    if (depth + 1 < maxDepth && tree.Splittable(child)) next.Add(child);
                }
            }
            open = next;
        }
        return tree;
    }

    /// <summary>Machine epsilon of double: a node whose impurity is at most this is pure (scikit-learn's EPSILON).</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    private bool Splittable(int node) => samples[node] >= 2 && impurity[node] > MachineEpsilon;

    private int AddNode(int rows, double sum, double sumSq)
    {
        int node = count++;
        feature[node] = -1;
        left[node] = -1;
        right[node] = -1;
        SetStatistics(node, rows, sum, sumSq);
        return node;
    }

    private void SetStatistics(int node, int rows, double sum, double sumSq)
    {
        double mean = rows > 0 ? sum / rows : 0;
        impurity[node] = rows > 0 ? sumSq / rows - mean * mean : 0; // the node's variance, as scikit-learn's MSE
        samples[node] = rows;
        value[node] = mean;
        sums[node] = sum;
    }
}

/// <summary>
/// Gradient-boosted classification trees (Friedman 2001, "Greedy function approximation: a gradient boosting machine",
/// Annals of Statistics 29: Algorithm 6, K-class logistic gradient boosting, and section 4.5 for two classes), as
/// scikit-learn's GradientBoostingClassifier fits them with its defaults (what disentanglement_lib's DCI uses):
/// 100 stages, learning rate 0.1, trees of depth 3 (<see cref="RegressionTree"/>), no subsampling, prior init.
/// The raw score of each class starts at log of its training frequency (clipped to [eps, 1 - eps], eps of float32);
/// each stage fits one tree per class to the residual y_k - p_k of the scores at the start of the stage and replaces
/// every leaf's value by the Newton step (K - 1) / K x sum r / sum (y - r)(1 - y + r), i.e. sum r / sum |r| (1 - |r|)
/// scaled (Friedman 2001, eq. 32); a leaf whose denominator is below 1e-150 gets 0. Two classes use one tree per stage
/// on the log-odds, residual y - sigmoid(F) and leaf step sum r / sum p (1 - p). Predictions are the class of the
/// largest score. Trees of one stage are grown in parallel; each tree's random feature order comes from its own seed.
/// </summary>
public sealed class GradientBoostedClassifier
{
    private readonly RegressionTree[][] trees; // [stage][problem]
    private readonly double[] init;            // initial raw score of each problem

    private GradientBoostedClassifier(int[] classes, RegressionTree[][] trees, double[] init, double learningRate, double[] importances)
    {
        Classes = classes;
        this.trees = trees;
        this.init = init;
        LearningRate = learningRate;
        FeatureImportances = importances;
    }

    /// <summary>The distinct training labels in increasing order.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>Shrinkage applied to every tree's output.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// Impurity-decrease importance of each feature: every tree's <see cref="RegressionTree.FeatureImportances"/>
    /// averaged over the trees with more than one node, normalised to sum 1 (all zero when no tree split), as
    /// scikit-learn's feature_importances_.
    /// </summary>
    public IReadOnlyList<double> FeatureImportances { get; }

    /// <summary>The trees of stage <paramref name="stage"/> (one per class, or one for two classes).</summary>
    public IReadOnlyList<RegressionTree> Stage(int stage) => trees[stage];

    /// <summary>Number of stages fitted.</summary>
    public int Stages => trees.Length;

    /// <summary>Fits the classifier to rows <paramref name="x"/> (n, d) and labels <paramref name="y"/>.</summary>
    public static GradientBoostedClassifier Fit(double[,] x, int[] y, int stages = 100, double learningRate = 0.1, int maxDepth = 3, long seed = 0)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        if (y.Length != n) throw new ArgumentException($"{n} rows but {y.Length} labels.");
        var classes = y.Distinct().OrderBy(v => v).ToArray();
        if (classes.Length < 2)
            return new GradientBoostedClassifier(classes, Array.Empty<RegressionTree[]>(), new[] { 0.0 }, learningRate, new double[d]);
        var index = classes.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var label = y.Select(v => index[v]).ToArray();
        int k = classes.Length, problems = k == 2 ? 1 : k;
        var counts = new int[k];
        foreach (int l in label) counts[l]++;
        const double eps = 1.1920928955078125e-07; // float32 machine epsilon, scikit-learn's clip of the prior
        var init = new double[problems];
        if (k == 2)
        {
            double p1 = Math.Clamp((double)counts[1] / n, eps, 1 - eps);
            init[0] = Math.Log(p1 / (1 - p1));
        }
        else
            for (int c = 0; c < k; c++) init[c] = Math.Log(Math.Clamp((double)counts[c] / n, eps, 1 - eps));

        var data = new RegressionTree.Presorted(x);
        var raw = new double[problems][];
        var residual = new double[problems][];
        var target = new double[problems][];
        var leafOf = new int[problems][];
        for (int p = 0; p < problems; p++)
        {
            raw[p] = new double[n];
            Array.Fill(raw[p], init[p]);
            residual[p] = new double[n];
            leafOf[p] = new int[n];
            target[p] = new double[n];
            int positive = k == 2 ? 1 : p;
            for (int i = 0; i < n; i++) target[p][i] = label[i] == positive ? 1 : 0;
        }
        var all = new RegressionTree[stages][];
        var importance = new double[d];
        int relevant = 0;
        var scores = new double[problems];
        for (int stage = 0; stage < stages; stage++)
        {
            // Residuals of every class from the scores at the start of the stage.
            for (int i = 0; i < n; i++)
            {
                if (k == 2) { residual[0][i] = target[0][i] - Sigmoid(raw[0][i]); continue; }
                for (int p = 0; p < problems; p++) scores[p] = raw[p][i];
                double lse = LogSumExp(scores);
                for (int p = 0; p < problems; p++) residual[p][i] = target[p][i] - Math.Exp(raw[p][i] - lse);
            }
            var stageTrees = new RegressionTree[problems];
            int stageIndex = stage;
            Parallel.For(0, problems, p =>
            {
                var rng = new Random((int)(Core.Seeds.Derive(seed, stageIndex, p) & 0x7FFFFFFF));
                var tree = RegressionTree.Grow(data, residual[p], maxDepth, rng, leafOf[p]);
                var numerator = new double[tree.NodeCount];
                var denominator = new double[tree.NodeCount];
                for (int i = 0; i < n; i++)
                {
                    int leaf = leafOf[p][i];
                    double r = residual[p][i], t = target[p][i];
                    numerator[leaf] += r;
                    denominator[leaf] += (t - r) * (1 - t + r);
                }
                double scale = k == 2 ? 1 : (k - 1.0) / k;
                for (int node = 0; node < tree.NodeCount; node++)
                    if (tree.Feature(node) < 0)
                        tree.SetValue(node, Math.Abs(denominator[node]) < 1e-150 ? 0 : scale * numerator[node] / denominator[node]);
                for (int i = 0; i < n; i++) raw[p][i] += learningRate * tree.Value(leafOf[p][i]);
                stageTrees[p] = tree;
            });
            foreach (var tree in stageTrees)
            {
                if (tree.NodeCount <= 1) continue;
                var imp = tree.FeatureImportances(d);
                for (int j = 0; j < d; j++) importance[j] += imp[j];
                relevant++;
            }
            all[stage] = stageTrees;
        }
        double total = importance.Sum();
        if (relevant == 0 || !(total > 0)) Array.Clear(importance);
        else for (int j = 0; j < d; j++) importance[j] /= total;
        return new GradientBoostedClassifier(classes, all, init, learningRate, importance);
    }

    /// <summary>Raw scores (n, problems): the initial score plus the learning rate times every tree's leaf value.</summary>
    public double[,] RawScores(double[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1), problems = init.Length;
        var rows = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) rows[i * d + j] = (float)x[i, j];
        var f = new double[n, problems];
        Parallel.For(0, problems, p =>
        {
            for (int i = 0; i < n; i++)
            {
                double s = init[p];
                foreach (var stage in trees) s += LearningRate * stage[p].Value(stage[p].ApplyRounded(rows, i * d));
                f[i, p] = s;
            }
        });
        return f;
    }

    /// <summary>Predicted labels: the class of the largest probability (the first on ties), as scikit-learn predicts.</summary>
    public int[] Predict(double[,] x)
    {
        int n = x.GetLength(0);
        var result = new int[n];
        if (Classes.Count < 2)
        {
            Array.Fill(result, Classes.Count == 1 ? Classes[0] : 0);
            return result;
        }
        var f = RawScores(x);
        var scores = new double[init.Length];
        for (int i = 0; i < n; i++)
        {
            if (Classes.Count == 2)
            {
                double p1 = Sigmoid(f[i, 0]);
                result[i] = p1 > 1 - p1 ? Classes[1] : Classes[0];
                continue;
            }
            for (int p = 0; p < scores.Length; p++) scores[p] = f[i, p];
            double lse = LogSumExp(scores);
            int best = 0;
            double bestP = Math.Exp(scores[0] - lse);
            for (int p = 1; p < scores.Length; p++)
            {
                double q = Math.Exp(scores[p] - lse);
                if (q > bestP) { bestP = q; best = p; }
            }
            result[i] = Classes[best];
        }
        return result;
    }

    /// <summary>Share of rows whose predicted label equals <paramref name="y"/>.</summary>
    public double Accuracy(double[,] x, int[] y) => Scoring.Accuracy(Predict(x), y);

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v)); // scipy.special.expit

    private static double LogSumExp(double[] v)
    {
        double max = v.Max();
        if (double.IsNegativeInfinity(max)) return max;
        double s = 0;
        foreach (double a in v) s += Math.Exp(a - max);
        return max + Math.Log(s);
    }
}
