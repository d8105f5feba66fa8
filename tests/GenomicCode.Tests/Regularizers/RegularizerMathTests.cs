using GenomicCode.Latent;
using GenomicCode.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Regularizers;

public class RegularizerMathTests
{
    private static Tensor T(float[,] values) => torch.tensor(values);

    private static LatentBatch Batch(Tensor mean, Tensor logVar, Tensor? sample = null) =>
        new(mean, logVar, sample ?? mean, GaussianGenome.KlToStandardNormal(mean, logVar));

    private static double V(Tensor t) => t.item<float>();

    // log N(x; m, s^2) by hand.
    private static double LogNormal(double x, double m, double variance) =>
        -0.5 * (Math.Log(2 * Math.PI) + Math.Log(variance) + (x - m) * (x - m) / variance);

    private static double LogSumExp(params double[] xs)
    {
        double max = xs.Max();
        return max + Math.Log(xs.Sum(x => Math.Exp(x - max)));
    }

    [Fact]
    public void Should_GiveBetaTimesKl_When_BetaVaeSeesKnownGaussians()
    {
        // Given q = N(1, 1) and N(0, 2) in two dimensions: KL = 0.5 (1 + 1 - 0 - 1) + 0.5 (0 + 2 - ln 2 - 1) = 0.5 + 0.5 (1 - ln 2)
        var latent = Batch(T(new float[,] { { 1, 0 } }), T(new float[,] { { 0, (float)Math.Log(2) } }));
        double kl = 0.5 + 0.5 * (1 - Math.Log(2));
        // When / Then
        Assert.Equal(4 * kl, V(new BetaVae(4).Compute(latent, 0)["beta_kl"]), 5);
    }

    [Theory]
    [InlineData(0, 500.0)]      // C = 0:     1000 |0.5 - 0|
    [InlineData(1, 250.0)]      // C = 0.25:  1000 |0.5 - 0.25|
    [InlineData(50, 12000.0)]   // C = 12.5:  1000 |0.5 - 12.5|
    [InlineData(200, 24500.0)]  // C = C_max: 1000 |0.5 - 25|
    public void Should_PenaliseDistanceToTheCapacity_When_Annealing(long step, double expected)
    {
        var latent = Batch(T(new float[,] { { 1 } }), T(new float[,] { { 0 } })); // KL = 0.5
        var reg = new AnnealedVae(new AnnealedVaeOptions { Gamma = 1000, CapacityMax = 25, CapacitySteps = 100 });
        Assert.Equal(expected, V(reg.Compute(latent, step)["capacity_kl"]), 2);
    }

    [Fact]
    public void Should_MatchTheHandComputedDecomposition_When_PosteriorsEqualThePrior()
    {
        // Given two standard-normal posteriors, samples (0, 0) and (1, 1), N = 10 with minibatch-weighted sampling:
        // every log q(z|n_j) is the same, so log q(z) = log 2 + log phi(z) - log 20 and each marginal likewise, giving
        // MI = ln 10, TC = (D - 1) ln 10 = ln 10, dimension-wise KL = -D ln 10; their sum is the exact KL, 0.
        var zero = torch.zeros(2, 2);
        var z = T(new float[,] { { 0, 0 }, { 1, 1 } });
        var mws = TotalCorrelation.Decompose(z, zero, zero, datasetSize: 10, TotalCorrelation.MinibatchWeighted);
        Assert.Equal(Math.Log(10), V(mws.MutualInformation), 4);
        Assert.Equal(Math.Log(10), V(mws.TotalCorrelation), 4);
        Assert.Equal(-2 * Math.Log(10), V(mws.DimensionWiseKl), 4);
        // Stratified with N = M = 2 is the exact empirical aggregate posterior: all three parts vanish.
        var mss = TotalCorrelation.Decompose(z, zero, zero, datasetSize: 2, TotalCorrelation.MinibatchStratified);
        Assert.Equal(0, V(mss.MutualInformation), 5);
        Assert.Equal(0, V(mss.TotalCorrelation), 5);
        Assert.Equal(0, V(mss.DimensionWiseKl), 5);
    }

    [Fact]
    public void Should_MatchTheHandComputedMixture_When_StratifiedOnTwoSeparatedPosteriors()
    {
        // Given q(z|n_1) = N(0, 1), q(z|n_2) = N(2, 1) in one dimension, samples at the means, N = M = 2:
        // q(z) = 0.5 N(z; 0, 1) + 0.5 N(z; 2, 1); TC is 0 in one dimension.
        var mean = T(new float[,] { { 0 }, { 2 } });
        var logVar = torch.zeros(2, 1);
        var d = TotalCorrelation.Decompose(mean, mean, logVar, 2, TotalCorrelation.MinibatchStratified);
        double logQz = LogSumExp(Math.Log(0.5) + LogNormal(0, 0, 1), Math.Log(0.5) + LogNormal(0, 2, 1)); // same at z = 2 by symmetry
        double mi = LogNormal(0, 0, 1) - logQz;
        double dwkl = 0.5 * ((logQz - LogNormal(0, 0, 1)) + (logQz - LogNormal(2, 0, 1)));
        Assert.Equal(mi, V(d.MutualInformation), 5);
        Assert.Equal(0, V(d.TotalCorrelation), 5);
        Assert.Equal(dwkl, V(d.DimensionWiseKl), 5);
    }

    private static (Tensor Z, Tensor Mean, Tensor LogVar) Posteriors(bool correlated, int m = 512, int d = 3)
    {
        using var g = new Generator(7);
        var shared = torch.randn(new long[] { m, 1 }, generator: g);
        var mean = correlated ? shared.expand(m, d) + 0.05 * torch.randn(new long[] { m, d }, generator: g) : torch.randn(new long[] { m, d }, generator: g);
        var logVar = torch.full(new long[] { m, d }, Math.Log(0.25));
        return (GaussianGenome.Sample(mean, logVar, g), mean, logVar);
    }

    [Fact]
    public void Should_EstimateNearZeroTc_When_DimensionsAreIndependent_AndClearlyPositive_When_Correlated()
    {
        // Given 512 posteriors N(mu, 0.25) with independent means, or means shared by all three dimensions
        // (then q(z) has correlation 0.8 between dimensions: Gaussian TC = -0.5 ln det R = 1.13 nats).
        var (zi, mi, lvi) = Posteriors(correlated: false);
        var (zc, mc, lvc) = Posteriors(correlated: true);
        // When the batch is the whole data set (stratified, N = M), the estimate is that of the empirical q(z).
        double independent = V(TotalCorrelation.Decompose(zi, mi, lvi, 512, TotalCorrelation.MinibatchStratified).TotalCorrelation);
        double correlated = V(TotalCorrelation.Decompose(zc, mc, lvc, 512, TotalCorrelation.MinibatchStratified).TotalCorrelation);
        Assert.InRange(independent, -0.1, 0.1);
        Assert.InRange(correlated, 0.8, 1.6);
        // The minibatch-weighted estimate carries a constant offset but keeps the order by a wide margin.
        double mwsIndependent = V(TotalCorrelation.Decompose(zi, mi, lvi, 512).TotalCorrelation);
        double mwsCorrelated = V(TotalCorrelation.Decompose(zc, mc, lvc, 512).TotalCorrelation);
        Assert.True(mwsCorrelated > mwsIndependent + 0.8, $"mws: independent {mwsIndependent}, correlated {mwsCorrelated}");
    }

    [Fact]
    public void Should_WeightTheThreeParts_When_BetaTcVaeComputes()
    {
        var zero = torch.zeros(2, 2);
        var z = T(new float[,] { { 0, 0 }, { 1, 1 } });
        var reg = new BetaTcVae(new BetaTcVaeOptions { Beta = 6, Alpha = 2, Gamma = 3 }, datasetSize: 10);
        var terms = reg.Compute(new LatentBatch(zero, zero, z, GaussianGenome.KlToStandardNormal(zero, zero)), 0);
        Assert.Equal(2 * Math.Log(10), V(terms["alpha_mi"]), 4);
        Assert.Equal(6 * Math.Log(10), V(terms["beta_tc"]), 4);
        Assert.Equal(3 * -2 * Math.Log(10), V(terms["gamma_dwkl"]), 4);
    }

    [Fact]
    public void Should_GiveZeroPenalties_When_CovarianceIsTheIdentity()
    {
        // Given means (+-1, +-1): batch mean 0, population covariance I.
        var mean = T(new float[,] { { 1, 1 }, { 1, -1 }, { -1, 1 }, { -1, -1 } });
        var dip1 = new DipVaeI(new DipVaeIOptions()).Compute(Batch(mean, torch.zeros(4, 2)), 0);
        Assert.Equal(0, V(dip1["dip_off_diagonal"]), 6);
        Assert.Equal(0, V(dip1["dip_diagonal"]), 6);
        // DIP-VAE-II: means scaled to covariance 0.75 I plus posterior variance 0.25 gives Cov_q(z) = I.
        var scaled = mean * (float)Math.Sqrt(0.75);
        var dip2 = new DipVaeII(new DipVaeIIOptions()).Compute(Batch(scaled, torch.full(4, 2, Math.Log(0.25))), 0);
        Assert.Equal(0, V(dip2["dip_off_diagonal"]), 5);
        Assert.Equal(0, V(dip2["dip_diagonal"]), 5);
    }

    [Fact]
    public void Should_MatchHandComputedPenalties_When_MeansAreFullyCorrelated()
    {
        // Given means (1, 1), (-1, -1): Cov = [[1, 1], [1, 1]]; off-diagonal sum of squares 2, diagonal penalty 0.
        var mean = T(new float[,] { { 1, 1 }, { -1, -1 } });
        var dip1 = new DipVaeI(new DipVaeIOptions { LambdaOffDiagonal = 10, LambdaDiagonal = 100 }).Compute(Batch(mean, torch.zeros(2, 2)), 0);
        Assert.Equal(20, V(dip1["dip_off_diagonal"]), 5);
        Assert.Equal(0, V(dip1["dip_diagonal"]), 5);
        // DIP-VAE-II adds posterior variance 1 to the diagonal: (2 - 1)^2 x 2 dimensions = 2, weight 10.
        var dip2 = new DipVaeII(new DipVaeIIOptions()).Compute(Batch(mean, torch.zeros(2, 2)), 0);
        Assert.Equal(20, V(dip2["dip_off_diagonal"]), 5);
        Assert.Equal(20, V(dip2["dip_diagonal"]), 5);
    }

    [Theory]
    [InlineData("rbf")]
    [InlineData("imq")]
    public void Should_GiveZeroMmd_When_SamplesAreIdentical(string kernel)
    {
        using var g = new Generator(3);
        var x = torch.randn(new long[] { 16, 4 }, generator: g);
        Assert.Equal(0, V(InfoVae.Mmd(x, x.clone(), kernel, 1)), 6);
    }

    [Fact]
    public void Should_MatchHandComputedMmd_When_TwoPointsInOneDimension()
    {
        // x = 0, y = 1, D = 1, sigma = 1: c = 2. rbf: 1 + 1 - 2 exp(-1/2); imq: 1 + 1 - 2 (2 / 3).
        var x = T(new float[,] { { 0 } });
        var y = T(new float[,] { { 1 } });
        Assert.Equal(2 - 2 * Math.Exp(-0.5), V(InfoVae.Mmd(x, y, "rbf", 1)), 5);
        Assert.Equal(2.0 / 3, V(InfoVae.Mmd(x, y, "imq", 1)), 5);
    }

    [Fact]
    public void Should_WeightKlAndMmdByAlphaAndLambda_When_InfoVaeComputes()
    {
        // Given alpha 0.5, lambda 3: KL weight 0.5, MMD weight 2.5. Rows q = N(1, 1) and N(3, 1): KL 0.5 and 4.5, mean 2.5.
        var latent = Batch(T(new float[,] { { 1 }, { 3 } }), T(new float[,] { { 0 }, { 0 } }));
        using var reg = new InfoVae(new InfoVaeOptions { Alpha = 0.5, Lambda = 3, Kernel = "rbf" }, seed: 1);
        var terms = reg.Compute(latent, 0);
        Assert.Equal(0.5 * 2.5, V(terms["kl"]), 5);
        // The prior draws of step 0 come from a generator seeded with Derive(seed 1, 19, step 0); the MMD by hand:
        // mean k(z, z') + mean k(p, p') - 2 mean k(z, p) with k = exp(-(a - b)^2 / c), c = 2 D sigma^2.
        using var g = new Generator(0);
        g.manual_seed((long)(GenomicCode.Core.Seeds.Derive(1, 19, 0) & 0x7FFFFFFFFFFFFFFF));
        var draws = torch.randn(new long[] { 2, 1 }, generator: g).data<float>().ToArray();
        double[] z = { 1, 3 };
        double c = 2 * reg.Options.Scale * reg.Options.Scale;
        double K(double a, double b) => Math.Exp(-(a - b) * (a - b) / c);
        double Mean(double[] a, double[] b) => a.SelectMany(x => b.Select(y => K(x, y))).Average();
        double[] p = draws.Select(v => (double)v).ToArray();
        double mmd = Mean(z, z) + Mean(p, p) - 2 * Mean(z, p);
        Assert.True(mmd > 0.05, $"mmd = {mmd}"); // samples at 1 and 3 are far from two standard-normal draws
        Assert.Equal(2.5 * mmd, V(terms["mmd"]), 4);
        // Raising lambda to 5 raises only the MMD weight, to 4.5, on the same prior draws.
        using var louder = new InfoVae(new InfoVaeOptions { Alpha = 0.5, Lambda = 5, Kernel = "rbf" }, seed: 1);
        var loud = louder.Compute(latent, 0);
        Assert.Equal(4.5 * mmd, V(loud["mmd"]), 4);
        Assert.Equal(V(terms["kl"]), V(loud["kl"]), 6);
    }

    [Fact]
    public void Should_KeepEveryMarginal_When_PermutingDimensions()
    {
        using var g = new Generator(5);
        var z = torch.arange(0, 40, dtype: ScalarType.Float32).reshape(10, 4);
        var p = FactorVae.PermuteDimensions(z, g);
        for (long j = 0; j < 4; j++)
            Assert.True(p.select(1, j).sort().Values.eq(z.select(1, j)).all().item<bool>());
        Assert.False(p.eq(z).all().item<bool>());
    }

    private static double TrainedDiscriminatorTc(bool correlated)
    {
        // A small discriminator trained on 2-D batches where z_2 = z_1 (TC infinite in theory; large in practice)
        // or z_2 independent of z_1 (TC 0).
        torch.random.manual_seed(11);
        using var reg = new FactorVae(2, new FactorVaeOptions { DiscriminatorLayers = 2, DiscriminatorWidth = 32, DiscriminatorLearningRate = 3e-3 }, seed: 4);
        using var g = new Generator(9);
        Tensor Draw()
        {
            var a = torch.randn(new long[] { 128, 1 }, generator: g);
            return correlated ? torch.cat(new[] { a, a + 0.1 * torch.randn(new long[] { 128, 1 }, generator: g) }, 1) : torch.randn(new long[] { 128, 2 }, generator: g);
        }
        for (long step = 1; step <= 120; step++)
        {
            using var scope = torch.NewDisposeScope();
            reg.Update(Draw(), Draw(), step);
        }
        using var _ = torch.no_grad();
        return V(reg.EstimateTotalCorrelation(Draw()));
    }

    [Fact]
    public void Should_LearnAPositiveTc_When_DimensionsAreCorrelated_AndNearZero_When_Independent()
    {
        double correlated = TrainedDiscriminatorTc(correlated: true);
        double independent = TrainedDiscriminatorTc(correlated: false);
        Assert.True(correlated > 1.0, $"correlated TC estimate {correlated}");
        Assert.InRange(independent, -0.3, 0.3);
    }
}
