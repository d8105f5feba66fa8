using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Models;

/// <summary>The importance-weighted log-likelihood bound (Burda et al. 2016, eq. 8) against hand-computed cases.</summary>
[Collection(TorchCollection.Name)]
public class ImportanceWeightedTests
{
    private static readonly (int, int, int) Shape = (1, 16, 16);

    [Fact]
    public void Should_AverageTheWeightsInsideTheLog_When_BoundingFromLogWeights()
    {
        // Image 0 has weights 1 and 2: log((1 + 2) / 2); image 1 has weights 3 and 5: log((3 + 5) / 2) = log 4.
        using var scope = torch.NewDisposeScope();
        var logWeights = torch.tensor(new double[] { 0, Math.Log(3), Math.Log(2), Math.Log(5) }, new long[] { 2, 2 });
        var bound = ImportanceWeighted.Bound(logWeights).data<double>().ToArray();
        Assert.Equal(Math.Log(1.5), bound[0], 12);
        Assert.Equal(Math.Log(4), bound[1], 12);
        // Huge log-weights do not overflow (logsumexp): log((e^1000 + e^1000) / 2) = 1000.
        Assert.Equal(1000, ImportanceWeighted.Bound(torch.tensor(new double[] { 1000, 1000 }, new long[] { 2, 1 })).item<double>(), 9);
    }

    [Fact]
    public void Should_MatchTheGaussianDensityByHand_When_SummingLogNormal()
    {
        using var scope = torch.NewDisposeScope();
        double log2Pi = Math.Log(2 * Math.PI);
        var z = torch.tensor(new double[] { 1, 2 });
        var mean = torch.tensor(new double[] { 0, 1 });
        var logVar = torch.tensor(new double[] { Math.Log(4), 0 });
        // -0.5 [(log 2 pi + log 4 + 1 / 4) + (log 2 pi + 0 + 1)]
        double expected = -0.5 * (log2Pi + Math.Log(4) + 0.25 + log2Pi + 1);
        Assert.Equal(expected, ImportanceWeighted.LogNormal(z, mean, logVar).item<double>(), 12);
    }

    /// <summary>A conv VAE on 16x16 whose encoder outputs 0 (posterior = prior N(0, I)) and whose decoder ignores the genome (logits = b).</summary>
    private static GenomeVae ConstantModel(double bias)
    {
        var options = new ModelOptions
        {
            LatentSize = 2,
            Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
            Decoder = DecoderCatalog.Spec("conv", new ConvDecoderOptions { HiddenSize = 16 }),
            Regularizer = RegularizerCatalog.Spec("beta-vae"),
        };
        var model = GenomeVae.Create(options, Shape, seed: 1);
        using var _ = torch.no_grad();
        foreach (var p in model.parameters()) p.zero_();
        var last = model.Decoder.named_parameters().Last(p => p.name.EndsWith("bias", StringComparison.Ordinal)).parameter;
        last.fill_(bias);
        return model;
    }

    private static Tensor Images(int n, int seed) =>
        torch.rand(new long[] { n, 1, 16, 16 }, generator: new Generator((ulong)seed)).lt(0.3).to(ScalarType.Float32);

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Should_GiveTheExactLogLikelihood_When_PosteriorIsThePriorAndTheDecoderIgnoresTheGenome(int samples)
    {
        // Then p(x, z) / q(z | x) = p(x | z) = prod_pixels sigmoid(b)^x (1 - sigmoid(b))^(1 - x) for every z: every
        // weight is p(x), so L_K = log p(x) exactly, for any K.
        using var scope = torch.NewDisposeScope();
        using var model = ConstantModel(0.3);
        var images = Images(5, 4);
        var estimate = ImportanceWeighted.Estimate(model, (start, n) => images.narrow(0, start, n), 5, samples, seed: 9, torch.CPU, elements: 8);
        double p = 1 / (1 + Math.Exp(-0.3));
        var x = images.view(5, -1).data<float>().ToArray();
        for (int i = 0; i < 5; i++)
        {
            double logPx = 0;
            for (int j = 0; j < 256; j++) logPx += x[i * 256 + j] > 0.5 ? Math.Log(p) : Math.Log(1 - p);
            Assert.Equal(logPx, estimate.PerImage[i], 3);
        }
        Assert.Equal(estimate.PerImage.Average(), estimate.MeanNats, 9);
        Assert.Equal((samples, 5), (estimate.ImportanceSamples, estimate.Images));
        double sd = Math.Sqrt(estimate.PerImage.Sum(v => Math.Pow(v - estimate.MeanNats, 2)) / 4);
        Assert.Equal(sd / Math.Sqrt(5), estimate.StandardError, 9);
    }

    [Fact]
    public void Should_RiseWithTheSamples_When_ThePosteriorIsNotExact()
    {
        // A random (untrained) model: L_1 is a one-sample ELBO; L_64 is tighter on average (Burda et al. 2016, theorem 1).
        using var scope = torch.NewDisposeScope();
        var options = new ModelOptions
        {
            LatentSize = 3,
            Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
            Decoder = DecoderCatalog.Spec("conv", new ConvDecoderOptions { HiddenSize = 16 }),
        };
        using var model = GenomeVae.Create(options, Shape, seed: 3);
        var images = Images(8, 5);
        double Bound(int k) => ImportanceWeighted.Estimate(model, (start, n) => images.narrow(0, start, n), 8, k, seed: 2, torch.CPU).MeanNats;
        double one = Bound(1), many = Bound(64);
        Assert.True(many > one + 0.01, $"L_1 = {one}, L_64 = {many}");
        // Same seed, same batches: the same number again.
        Assert.Equal(many, Bound(64));
    }

    [Fact]
    public void Should_SpreadTheHeldOutImagesOverTheSplit_When_TakingFewerThanAll()
    {
        Assert.Equal(new[] { 0, 3, 6 }, GenomicCode.Experiments.EvaluationExperiment.HeldOutIndices(3, 10));
        Assert.Equal(new[] { 0, 1, 2, 3 }, GenomicCode.Experiments.EvaluationExperiment.HeldOutIndices(4, 4));
        // 10 of a split of 1,000 stored 100 per class: one image of each class.
        Assert.Equal(Enumerable.Range(0, 10).Select(c => 100 * c), GenomicCode.Experiments.EvaluationExperiment.HeldOutIndices(10, 1000));
    }

    [Fact]
    public void Should_Refuse_When_TheGenomeIsNotGaussian()
    {
        var options = new ModelOptions
        {
            LatentSize = 2,
            Latent = LatentCatalog.Spec("nucleotide"),
            Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
            Decoder = DecoderCatalog.Spec("conv", new ConvDecoderOptions { HiddenSize = 16 }),
        };
        using var model = GenomeVae.Create(options, Shape, seed: 3);
        using var images = Images(2, 1);
        var e = Assert.Throws<UserInputException>(() => ImportanceWeighted.Estimate(model, (s, n) => images.narrow(0, s, n), 2, 4, 0, torch.CPU));
        Assert.Contains("gaussian genome", e.Message);
        Assert.Throws<UserInputException>(() => ImportanceWeighted.Estimate(model, (s, n) => images.narrow(0, s, n), 2, 0, 0, torch.CPU));
    }

    [Fact]
    public void Should_KeepLiveTensorsFlat_When_EstimatingRepeatedly()
    {
        using var model = ConstantModel(-0.5);
        using var images = Images(6, 2);
        void Once() => ImportanceWeighted.Estimate(model, (s, n) => images.narrow(0, s, n), 6, 5, 1, torch.CPU, elements: 10);
        Once();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) Once();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
