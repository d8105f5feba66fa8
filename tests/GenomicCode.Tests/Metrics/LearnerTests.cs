using GenomicCode.Metrics;

namespace GenomicCode.Tests.Metrics;

/// <summary>Exact small cases for the metrics' learners: SVM, boosted trees, logistic regression, lasso, L-BFGS.</summary>
public class LearnerTests
{
    private static double[,] Column(params double[] v)
    {
        var x = new double[v.Length, 1];
        for (int i = 0; i < v.Length; i++) x[i, 0] = v[i];
        return x;
    }

    [Fact]
    public void Should_FindTheHandSolvedSquaredHingeOptimum_When_TwoPointsAreSeparable()
    {
        // x = 0 (class 0) and x = 2 (class 1), C = 0.5, bias regularised: minimise 0.5 (w^2 + b^2) + C (1 + b)^2
        // + C (1 - 2w - b)^2. Setting the gradient to zero: w = 4C r2, b = 2C (r2 - r1) with r1 = 1 + b, r2 = 1 - 2w - b,
        // so with C = 0.5: r2 = 1 + 2b and 5 r2 = 1 - b, giving b = -4/11, w = 6/11.
        var svm = LinearSvm.Fit(Column(0, 2), new[] { 0, 1 }, c: 0.5, balanced: true, tolerance: 1e-12, maxIterations: 100000);
        Assert.Equal(6.0 / 11, svm.Weight(0, 0), 8);
        Assert.Equal(-4.0 / 11, svm.Intercept(0), 8);
        Assert.Equal(new[] { 0, 1 }, svm.Classes);
        Assert.Equal(new[] { 0, 0, 1, 1 }, svm.Predict(Column(-1, 0.6, 0.7, 3))); // boundary at x = 4/6
    }

    [Fact]
    public void Should_FindTheSymmetricOptimum_When_LabelsAreNotZeroAndOne()
    {
        // x = -1 (class 3) and x = +1 (class 7): by symmetry b = 0 and 0.5 w^2 + 2C (1 - w)^2 is least at
        // w = 4C / (1 + 4C); C = 1 gives 0.8 (labels keep their own values; the larger label is the positive side).
        var svm = LinearSvm.Fit(Column(-1, 1), new[] { 3, 7 }, c: 1, tolerance: 1e-12, maxIterations: 100000);
        Assert.Equal(0.8, svm.Weight(0, 0), 8);
        Assert.Equal(0, svm.Intercept(0), 8);
        Assert.Equal(new[] { 3, 7 }, svm.Predict(Column(-0.1, 0.1)));
    }

    [Fact]
    public void Should_WeightOnlyThePositiveClass_When_FittingOneVsRestLikeLiblinear()
    {
        // Three classes, unequal counts. Reference: scikit-learn 1.2.1 LinearSVC(C=0.01, class_weight="balanced",
        // tol=1e-10, max_iter=100000) on the same rows (coef_, intercept_), printed by
        // python3 -c "from sklearn.svm import LinearSVC; import numpy as np; x=np.array([[-2],[-1.5],[-1],[0],[0.2],[1],[2],[2.5]]);
        // y=[0,0,0,1,1,2,2,2]; m=LinearSVC(C=0.01,class_weight='balanced',tol=1e-10,max_iter=100000).fit(x,y); print(m.coef_.ravel().tolist(), m.intercept_.tolist())"
        var x = Column(-2, -1.5, -1, 0, 0.2, 1, 2, 2.5);
        var y = new[] { 0, 0, 0, 1, 1, 2, 2, 2 };
        var svm = LinearSvm.Fit(x, y, c: 0.01, tolerance: 1e-10, maxIterations: 100000);
        double[] coef = { -0.14229606820740875, -0.009651282470885605, 0.13692287377452728 };
        double[] intercept = { -0.0362675725557264, -0.056609801855754566, -0.04186067674567299 };
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal(coef[p], svm.Weight(p, 0), 6);
            Assert.Equal(intercept[p], svm.Intercept(p), 6);
        }
    }

    [Fact]
    public void Should_FitTheHandComputedStump_When_BoostingTwoClasses()
    {
        // x0 = 0..3 with classes 0, 0, 1, 1; x1 = 0, 1, 0, 1 carries nothing. Prior 1/2: raw 0, residual y - 1/2.
        // Friedman's proxy: x0 at 1.5 gives (2 (-1) - 2 (1))^2 / 4 = 4; x1 gives 0. Leaves: sum r / sum p (1 - p) =
        // -1 / 0.5 = -2 and +2. Importance: root variance 1/4 times 4 rows, children pure, over 4 rows: 1/4 on x0.
        var x = new double[,] { { 0, 0 }, { 1, 1 }, { 2, 0 }, { 3, 1 } };
        var model = GradientBoostedClassifier.Fit(x, new[] { 0, 0, 1, 1 }, stages: 1, learningRate: 0.1, maxDepth: 1);
        var tree = model.Stage(0)[0];
        Assert.Equal(3, tree.NodeCount);
        Assert.Equal(0, tree.Feature(0));
        Assert.Equal(1.5, tree.Threshold(0));
        Assert.Equal(-2, tree.Value(tree.Left(0)), 12);
        Assert.Equal(2, tree.Value(tree.Right(0)), 12);
        Assert.Equal(new[] { 0.25, 0 }, tree.FeatureImportances(2));
        Assert.Equal(new[] { 1.0, 0 }, model.FeatureImportances);
        var raw = model.RawScores(x);
        Assert.Equal(-0.2, raw[0, 0], 12); // 0 + 0.1 x (-2)
        Assert.Equal(0.2, raw[3, 0], 12);
        Assert.Equal(new[] { 0, 0, 1, 1 }, model.Predict(x));
    }

    [Fact]
    public void Should_FitOneHandComputedStumpPerClass_When_BoostingThreeClasses()
    {
        // x = 0..5 with classes 0, 0, 1, 1, 2, 2; priors 1/3, so every p = 1/3 and r_k = [y = k] - 1/3.
        // Class 0: the best split is 1.5 (proxy 8; 2.5 gives 4, 3.5 gives 2). Leaves with the (K-1)/K Newton step:
        // left (2/3) (4/3) / (2 x 2/9) = 2, right (2/3) (-4/3) / (4 x 2/9) = -1.
        // Class 1: 1.5 and 3.5 tie at proxy 2; the smaller threshold wins. Left (2/3)(-2/3) / (4/9) = -1, right
        // (2/3)(2/3) / (8/9) = 1/2. Class 2 mirrors class 0 at 3.5: left -1, right 2.
        var x = Column(0, 1, 2, 3, 4, 5);
        var model = GradientBoostedClassifier.Fit(x, new[] { 0, 0, 1, 1, 2, 2 }, stages: 1, learningRate: 1, maxDepth: 1);
        var trees = model.Stage(0);
        Assert.Equal(3, trees.Count);
        double[] thresholds = { 1.5, 1.5, 3.5 };
        double[,] leaves = { { 2, -1 }, { -1, 0.5 }, { -1, 2 } };
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(thresholds[k], trees[k].Threshold(0));
            Assert.Equal(leaves[k, 0], trees[k].Value(trees[k].Left(0)), 12);
            Assert.Equal(leaves[k, 1], trees[k].Value(trees[k].Right(0)), 12);
        }
        // Unnormalised importances: class 0, root variance 2/9 and pure children: 2/9; class 1, right child variance
        // 1/4 over 4 rows: (6 x 2/9 - 4 x 1/4) / 6 = 1/18.
        Assert.Equal(2.0 / 9, trees[0].FeatureImportances(1)[0], 12);
        Assert.Equal(1.0 / 18, trees[1].FeatureImportances(1)[0], 12);
        var raw = model.RawScores(x);
        Assert.Equal(Math.Log(1.0 / 3) + 2, raw[0, 0], 12);
        Assert.Equal(Math.Log(1.0 / 3) - 1, raw[0, 1], 12);
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2 }, model.Predict(x));
    }

    [Fact]
    public void Should_SplitImportanceBetweenDuplicates_When_TiesAreBrokenInRandomOrder()
    {
        // Two identical features always tie; a random visiting order per node (scikit-learn's) shares the importance,
        // where always taking the first feature would give (1, 0).
        var rng = new Random(1);
        int n = 200;
        var x = new double[n, 2];
        var y = new int[n];
        for (int i = 0; i < n; i++) { y[i] = rng.Next(3); x[i, 0] = x[i, 1] = y[i] + rng.NextDouble(); }
        var model = GradientBoostedClassifier.Fit(x, y, stages: 20, seed: 3);
        Assert.Equal(1, model.FeatureImportances.Sum(), 12);
        Assert.InRange(model.FeatureImportances[0], 0.25, 0.75);
    }

    [Fact]
    public void Should_SoftThreshold_When_LassoDesignIsOrthonormal()
    {
        // Centred orthogonal columns with x_j.x_j / n = 1: the lasso solution is w_j = S(x_j.y / n, alpha).
        // y = 3 + 0.5 x1 - 0.05 x2 and alpha = 0.1: w = (0.4, 0), intercept 3.
        var x = new double[,] { { 1, 1 }, { 1, -1 }, { -1, 1 }, { -1, -1 } };
        var y = Enumerable.Range(0, 4).Select(i => 3 + 0.5 * x[i, 0] - 0.05 * x[i, 1]).ToArray();
        var (w, b, _) = Lasso.Fit(x, y, alpha: 0.1);
        Assert.Equal(0.4, w[0], 12);
        Assert.Equal(0, w[1], 12);
        Assert.Equal(3, b, 12);
        var (w0, b0, _) = Lasso.Fit(x, y, alpha: 0.6); // alpha above every |x_j.y| / n: all zero, intercept mean(y)
        Assert.Equal(new[] { 0.0, 0.0 }, w0);
        Assert.Equal(3, b0, 12);
    }

    [Fact]
    public void Should_SolveTheStationaryEquation_When_BinaryLogisticIsSymmetric()
    {
        // x = -1 (class 0), +1 (class 1), C = 1: b = 0 by symmetry and 2 log(1 + e^-w) + w^2 / 2 is least where
        // w = 2 / (1 + e^w) (about 0.6750).
        var model = LogisticRegression.Fit(Column(-1, 1), new[] { 0, 1 }, tolerance: 1e-10);
        double w = model.Weight(0, 0);
        Assert.Equal(2 / (1 + Math.Exp(w)), w, 9);
        Assert.Equal(0, model.Intercept(0), 9);
        var p = model.PredictProbabilities(Column(1));
        Assert.Equal(1 / (1 + Math.Exp(-w)), p[0, 1], 12);
        Assert.Equal(1, p[0, 0] + p[0, 1], 12);
    }

    [Fact]
    public void Should_ReachTheMultinomialOptimum_When_ThreeClasses()
    {
        // scikit-learn 1.2's objective sum_i -log p(y_i | x_i) + 0.5 |W|^2 (C = 1, intercepts free) minimised by scipy's
        // L-BFGS-B with ftol 1e-20 and gtol 1e-14 (largest gradient component 7e-10 at the end):
        // python3 -c "import numpy as np; from scipy.optimize import minimize; from scipy.special import logsumexp;
        // X=np.array([[0,1],[1,0],[2,2],[3,1],[1,3],[0,0],[2,0]],float); Y=np.eye(3)[[0,1,2,2,0,1,1]]
        // def f(t): W=t[:6].reshape(3,2); Z=X@W.T+t[6:]; l=logsumexp(Z,1); G=np.exp(Z-l[:,None])-Y; return (l-(Z*Y).sum(1)).sum()+0.5*(W**2).sum(), np.concatenate([(G.T@X+W).ravel(),G.sum(0)])
        // r=minimize(f,np.zeros(9),jac=True,method='L-BFGS-B',options=dict(ftol=1e-20,gtol=1e-14,maxiter=100000)); print(r.x)"
        // scikit-learn's LogisticRegression(tol=1e-12) itself stops 2.4e-6 away (scipy's default ftol 2.2e-9).
        var x = new double[,] { { 0, 1 }, { 1, 0 }, { 2, 2 }, { 3, 1 }, { 1, 3 }, { 0, 0 }, { 2, 0 } };
        var y = new[] { 0, 1, 2, 2, 0, 1, 1 };
        var model = LogisticRegression.Fit(x, y, tolerance: 1e-10);
        double[,] coef = { { -0.7045656076190376, 0.6477572015195622 }, { -0.12718591684942987, -0.9720343772725671 }, { 0.8317515244684671, 0.3242771757530046 } };
        double[] intercept = { 0.13870203919274562, 1.4224915137689051, -1.561193552961653 };
        for (int k = 0; k < 3; k++)
        {
            for (int j = 0; j < 2; j++) Assert.Equal(coef[k, j], model.Weight(k, j), 1e-8);
            // Intercepts are defined up to a common shift; both solvers start at 0 and keep their sum at 0.
            Assert.Equal(intercept[k], model.Intercept(k), 1e-8);
        }
        var p = model.PredictProbabilities(x);
        Assert.Equal(1, p[0, 0] + p[0, 1] + p[0, 2], 12);
    }

    [Fact]
    public void Should_ReachTheMinimum_When_LbfgsMinimisesAQuadratic()
    {
        // f = 0.5 (x - a)^T A (x - a) with A = [[3, 1], [1, 2]], a = (1, -2): minimum at a.
        double F(double[] v, double[] g)
        {
            double d0 = v[0] - 1, d1 = v[1] + 2;
            g[0] = 3 * d0 + d1;
            g[1] = d0 + 2 * d1;
            return 0.5 * (d0 * g[0] + d1 * g[1]);
        }
        var v = new double[2];
        Lbfgs.Minimize(F, v, 1e-12, 100);
        Assert.Equal(1, v[0], 10);
        Assert.Equal(-2, v[1], 10);
    }
}
