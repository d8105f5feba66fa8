using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace GenomicCode.Metrics;

/// <summary>
/// The classifiers and regressors the metrics use, all from ML.NET (Microsoft.ML 5.0.1) rather than hand-rolled
/// optimisers: multinomial logistic regression (L-BFGS maximum entropy, standing in for scikit-learn's
/// LogisticRegression) and gradient-boosted regression trees (FastTree, standing in for GradientBoostingClassifier).
/// </summary>
public static class Learners
{
    private sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
        public float Weight { get; set; } = 1f;
        public float Target { get; set; }
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    private sealed class ValueRow
    {
        public float Score { get; set; }
    }

    /// <summary>A fitted multinomial logistic regression.</summary>
    public sealed class LogisticModel
    {
        private readonly MLContext ml;
        private readonly ITransformer model;
        private readonly int features;

        internal LogisticModel(MLContext ml, ITransformer model, int classes, int features)
        {
            this.ml = ml;
            this.model = model;
            this.features = features;
            Classes = classes;
        }

        /// <summary>Number of classes (labels 0..Classes-1).</summary>
        public int Classes { get; }

        /// <summary>Class probabilities (n, Classes).</summary>
        public double[,] PredictProbabilities(double[,] x)
        {
            var rows = ml.Data.CreateEnumerable<ScoreRow>(model.Transform(Load(ml, x, null, Classes, null)), reuseRowObject: false).ToList();
            var p = new double[rows.Count, Classes];
            for (int i = 0; i < rows.Count; i++)
                for (int c = 0; c < Classes; c++) p[i, c] = rows[i].Score[c];
            return p;
        }

        /// <summary>Most probable class of each row.</summary>
        public int[] Predict(double[,] x)
        {
            var p = PredictProbabilities(x);
            var y = new int[p.GetLength(0)];
            for (int i = 0; i < y.Length; i++)
                for (int c = 1; c < Classes; c++)
                    if (p[i, c] > p[i, y[i]]) y[i] = c;
            return y;
        }

        /// <summary>Share of rows whose predicted class equals <paramref name="y"/>.</summary>
        public double Accuracy(double[,] x, int[] y) => Scoring.Accuracy(Predict(x), y);

        internal int Features => features;
    }

    /// <summary>
    /// Fits a multinomial logistic regression by L-BFGS with the L2 penalty of scikit-learn's default (C = 1: the penalty
    /// 0.5 |w|^2 against the summed log-loss; ML.NET averages the loss over examples, so its weight is 1 / n). With
    /// <paramref name="balanced"/>, examples are weighted n / (classes x count of their class) (scikit-learn's
    /// class_weight="balanced"). At most 100 L-BFGS iterations, as scikit-learn's max_iter.
    /// </summary>
    public static LogisticModel FitLogistic(double[,] x, int[] y, int classes, long seed, bool balanced = false)
    {
        if (x.GetLength(0) != y.Length) throw new ArgumentException($"{x.GetLength(0)} rows but {y.Length} labels.");
        var ml = new MLContext(seed: (int)(seed & 0x7FFFFFFF));
        float[]? weights = null;
        if (balanced)
        {
            var counts = new int[classes];
            foreach (int c in y) counts[c]++;
            weights = y.Select(c => (float)((double)y.Length / (classes * counts[c]))).ToArray();
        }
        var data = Load(ml, x, y, classes, weights);
        var trainer = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            ExampleWeightColumnName = balanced ? nameof(Row.Weight) : null,
            L2Regularization = (float)(1.0 / Math.Max(1, y.Length)),
            L1Regularization = 0f,
            MaximumNumberOfIterations = 100, // scikit-learn's max_iter
            NumberOfThreads = 1,
        });
        return new LogisticModel(ml, trainer.Fit(data), classes, x.GetLength(1));
    }

    /// <summary>A fitted boosted-tree ensemble: per-feature importances and predictions.</summary>
    /// <param name="Importances">Split gain per feature (non-negative; zero for unused features).</param>
    /// <param name="Predict">Predicts the target of rows of features.</param>
    public sealed record TreeModel(double[] Importances, Func<double[,], double[]> Predict);

    /// <summary>
    /// Fits gradient-boosted regression trees (ML.NET FastTree; Friedman 2001) to <paramref name="target"/> and returns
    /// the total split gain of each feature. FastTree reports sqrt(gain) / sqrt(max gain); we square it back, so
    /// importances are proportional to the impurity decrease scikit-learn reports.
    /// </summary>
    public static TreeModel FitBoostedTrees(double[,] x, double[] target, int trees, int leaves, double learningRate, long seed)
    {
        var ml = new MLContext(seed: (int)(seed & 0x7FFFFFFF));
        var data = Load(ml, x, null, 0, null, target);
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(Row.Target),
            FeatureColumnName = nameof(Row.Features),
            NumberOfTrees = trees,
            NumberOfLeaves = leaves,
            LearningRate = learningRate,
            MinimumExampleCountPerLeaf = 1,
            NumberOfThreads = 1,
            Seed = (int)(seed & 0x7FFFFFFF),
        });
        var model = trainer.Fit(data);
        var w = default(VBuffer<float>);
        model.Model.GetFeatureWeights(ref w);
        var dense = w.DenseValues().ToArray();
        var importances = new double[x.GetLength(1)];
        for (int j = 0; j < importances.Length && j < dense.Length; j++) importances[j] = (double)dense[j] * dense[j];
        return new TreeModel(importances, rows =>
            ml.Data.CreateEnumerable<ValueRow>(model.Transform(Load(ml, rows, null, 0, null, new double[rows.GetLength(0)])), reuseRowObject: false)
                .Select(r => (double)r.Score).ToArray());
    }

    private static IDataView Load(MLContext ml, double[,] x, int[]? y, int classes, float[]? weights, double[]? target = null)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var rows = new Row[n];
        for (int i = 0; i < n; i++)
        {
            var f = new float[d];
            for (int j = 0; j < d; j++) f[j] = (float)x[i, j];
            rows[i] = new Row
            {
                Features = f,
                Label = y is null ? 0u : (uint)y[i], // class index; ML.NET stores it as key y + 1 (0 = missing)
                Weight = weights?[i] ?? 1f,
                Target = target is null ? 0f : (float)target[i],
            };
        }
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), Math.Max(1, classes));
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}

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
}
