using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Latent;
using GenomicCode.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Latent;

[Collection(TorchCollection.Name)]
public class NucleotideLatentTests
{
    [Fact]
    public void Should_SplitEachLocusKlOverItsFourDimensions_When_LogitsAreKnown()
    {
        // Given two loci: uniform, and q = (1/8, 1/8, 1/4, 1/2)
        using var latent = new NucleotideLatent(2);
        var parameters = torch.tensor(new float[] { 0, 0, 0, 0, 0, 0, (float)Math.Log(2), (float)Math.Log(4) }).view(1, 8);
        var kl = latent.KlPerDimension(latent.Posterior(parameters));
        // Then KL per locus 0 and ln 2 / 4 (NucleotideGenomeTests), a quarter of it per dimension
        Assert.Equal(new long[] { 1, 8 }, kl.shape);
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(0, kl[0L, k].item<float>(), 6);
            Assert.Equal(Math.Log(2) / 16, kl[0L, 4 + k].item<float>(), 6);
        }
        Assert.Equal(Math.Log(2) / 4, kl.sum().item<float>(), 6);
    }

    [Fact]
    public void Should_GiveTheMostProbableGenomeAndIndicatorVariances_When_ReadingThePosterior()
    {
        // Given logits favouring G at locus 0 and q = (1/8, 1/8, 1/4, 1/2) at locus 1
        using var latent = new NucleotideLatent(2);
        var parameters = torch.tensor(new float[] { 0, 0, 5, 0, (float)Math.Log(1), (float)Math.Log(1), (float)Math.Log(2), (float)Math.Log(4) }).view(1, 8);
        var posterior = latent.Posterior(parameters);
        // Then the code is the one-hot of G and T, the genome "GT", and LogVar = ln q (1 - q) (locus 1: q = 1/2 -> ln 1/4)
        Assert.Equal(new float[] { 0, 0, 1, 0, 0, 0, 0, 1 }, posterior.Mean.data<float>().ToArray());
        Assert.Equal("GT", NucleotideGenome.ToStrings(latent.MostProbable(posterior))[0]);
        Assert.Equal(Math.Log(0.25), posterior.LogVar[0L, 7L].item<float>(), 5);
        Assert.Equal(Math.Log(1.0 / 8 * 7 / 8), posterior.LogVar[0L, 4L].item<float>(), 5);
    }

    [Fact]
    public void Should_SampleOneHotRowsWithRelaxedGradients_When_Hard()
    {
        // Given a hard (straight-through) genome of 6 loci and leaf logits
        using var latent = new NucleotideLatent(6, new NucleotideLatentOptions { Hard = true });
        using var g = new Generator(1);
        var parameters = torch.randn(new long[] { 3, 24 }, generator: g).requires_grad_(true);
        var sample = latent.Sample(latent.Posterior(parameters), g, step: 0);
        // Then every locus is exactly one-hot
        var rows = sample.detach().view(3, 6, 4);
        Assert.True(rows.sum(dim: -1).eq(1f).all().item<bool>());
        Assert.True(rows.eq(0f).logical_or(rows.eq(1f)).all().item<bool>());
        // and a loss on it sends gradients to every logit
        (sample * torch.arange(24, dtype: ScalarType.Float32)).sum().backward();
        Assert.True(parameters.grad!.abs().gt(0).all().item<bool>());
    }

    [Fact]
    public void Should_FollowTheTemperatureSchedule_When_Sampling()
    {
        // Given tau(step) = max(0.5, 1 x exp(-0.01 step)): 1 at step 0, 0.5 from step 70 on (e^-0.7 = 0.497)
        var options = new NucleotideLatentOptions { TemperatureStart = 1, TemperatureMin = 0.5, TemperatureDecay = 0.01 };
        Assert.Equal(1, options.Schedule.Temperature(0));
        Assert.Equal(Math.Exp(-0.5), options.Schedule.Temperature(50), 12);
        Assert.Equal(0.5, options.Schedule.Temperature(70));
        // and a sample at a step is the Gumbel-softmax at that temperature with the same noise
        using var latent = new NucleotideLatent(3, options);
        var parameters = torch.tensor(new float[] { 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3 }).view(1, 12);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        var sample = latent.Sample(latent.Posterior(parameters), g1, step: 50);
        var direct = NucleotideGenome.GumbelSoftmax(parameters.view(1, 3, 4), Math.Exp(-0.5), g2).view(1, 12);
        Assert.True(sample.allclose(direct, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Should_RejectABadSchedule_When_Validating()
    {
        var e = Assert.Throws<UserInputException>(() => new NucleotideLatentOptions { TemperatureStart = 0.2, TemperatureMin = 0.5 }.Validate());
        Assert.Contains("Min must be > 0 and <= Start", e.Message);
    }

    private static GrnOptions SequenceGrn(int steps = 3) => new()
    {
        Steps = steps, Channels = 4, Morphogens = 1, Grid = 8, HiddenSize = 8,
        Sequence = new GrnSequenceOptions { MotifLength = 2, CisLength = 3 },
    };

    [Fact]
    public void Should_SetTheNetworkFromTheSequence_When_TheGrnReadsDna()
    {
        // Given a GRN of 4 genes and 1 morphogen reading DNA (motif 2, cis 3): 4 x 5 + 3 x 2 = 26 loci
        torch.random.manual_seed(0);
        using var grn = new GrnDecoder(4 * 26, (1, 8, 8), SequenceGrn());
        Assert.Equal(26, grn.Layout!.Length);
        Assert.Equal(new[] { "g0", "g1", "g2", "g3", "g0 mean", "g0 dx", "g0 dy" }, grn.RegulatorNames);
        using var latent = new NucleotideLatent(26);
        using var g = new Generator(2);
        var genome = latent.SamplePrior(2, g);                                                    // (2, 104)
        using var _ = torch.no_grad();
        // Then W (B, N, N + 3M) and b are the shared W0, b0 plus what the affinity layer reads from the sequence
        var (w, b) = grn.Regulation(genome);
        Assert.Equal(new long[] { 2, 4, 7 }, w.shape);
        using var affinity = new SequenceAffinity(grn.Layout, new GrnSequenceOptions().Affinity);
        var direct = affinity.forward(genome.view(2, 26, 4));
        var shared = w - direct.Weights;                                                           // W0, the same for both genomes
        Assert.True(shared[0].allclose(shared[1], rtol: 0, atol: 1e-5));
        Assert.True((b - direct.Biases)[0].allclose((b - direct.Biases)[1], rtol: 0, atol: 1e-5));
        // and the organism grows from the developmental run with those weights.
        var grown = grn.Develop(genome, null).Phenotype;
        var developed = grn.DevelopFrom(w, b, null).Phenotype;
        Assert.True(grown.allclose(developed, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Should_NameTheLociToSet_When_TheGenomeWidthDoesNotFitTheDna()
    {
        var e = Assert.Throws<UserInputException>(() => new GrnDecoder(100, (1, 8, 8), SequenceGrn()));
        Assert.Contains("nucleotide genome of 26 loci, but the genome has width 100; use model.latent nucleotide with model.latentSize 26", e.Message);
    }

    [Fact]
    public void Should_SendGradientsFromPixelsToBaseLogits_When_TheGenomeVaeReadsDna()
    {
        // Given a genome VAE with a 26-locus nucleotide genome and a GRN decoder reading it
        var options = new ModelOptions
        {
            LatentSize = 26,
            Latent = LatentCatalog.Spec("nucleotide"),
            Encoder = GenomicCode.Encoders.EncoderCatalog.Spec("mlp", new GenomicCode.Encoders.MlpEncoderOptions { Layers = 1, HiddenSize = 16 }),
            Decoder = DecoderCatalog.Spec("grn", SequenceGrn()),
        };
        using var model = GenomeVae.Create(options, (1, 8, 8), seed: 3);
        using var g = new Generator(4);
        var images = torch.rand(new long[] { 2, 1, 8, 8 }, generator: g).gt(0.5).to(ScalarType.Float32);
        // When the base logits are a leaf and the pixels' loss is differentiated
        var logits = model.Encoder.forward(images).detach().requires_grad_(true);                 // (2, 104)
        var posterior = model.Latent.Posterior(logits);
        var phenotype = model.Decoder.Decode(model.Latent.Sample(posterior, g, 0), g);
        nn.functional.binary_cross_entropy_with_logits(phenotype, images).backward();
        // Then every locus of every genome gets a gradient
        var perLocus = logits.grad!.abs().view(2, 26, 4).sum(dim: -1);
        Assert.True(perLocus.gt(0).all().item<bool>(), $"loci without gradient: {perLocus.eq(0).sum().item<long>()}");
        // and the whole model's loss reaches the encoder.
        model.zero_grad();
        model.Forward(images, g).Loss.backward();
        Assert.True(model.Encoder.parameters().All(p => p.grad is not null && p.grad.abs().sum().item<float>() > 0));
    }
}
