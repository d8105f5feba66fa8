using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using TorchSharp;

namespace GenomicCode.Tests.Models;

public class GenomeVaeTests
{
    [Fact]
    public void Should_MapImagesToPosteriors_When_Encoding()
    {
        using var encoder = new ConvEncoder((1, 64, 64), outputSize: 20);
        using var latent = new GaussianLatent(10);
        using var x = torch.rand(3, 1, 64, 64);
        var posterior = latent.Posterior(encoder.forward(x));
        Assert.Equal(new long[] { 3, 10 }, posterior.Mean.shape);
        Assert.Equal(new long[] { 3, 10 }, posterior.LogVar.shape);
    }

    [Fact]
    public void Should_GrowPhenotypesOfTheImageShape_When_Decoding()
    {
        using var decoder = new ConvDecoder(10, (1, 64, 64));
        using var g = torch.randn(5, 10);
        using var y = decoder.forward(g);
        Assert.Equal(new long[] { 5, 1, 64, 64 }, y.shape);
        Assert.Equal((1, 64, 64), decoder.PhenotypeShape);
    }

    [Fact]
    public void Should_RejectWrongShapes_When_GivenBadTensors()
    {
        using var encoder = new ConvEncoder((1, 64, 64), 10);
        using var decoder = new ConvDecoder(10, (1, 64, 64));
        var e1 = Assert.Throws<UserInputException>(() => encoder.forward(torch.rand(2, 1, 32, 32)));
        Assert.Contains("(B, 1, 64, 64)", e1.Message);
        var e2 = Assert.Throws<UserInputException>(() => decoder.forward(torch.rand(2, 7)));
        Assert.Contains("(B, 10)", e2.Message);
        Assert.Contains("mlp", Assert.Throws<UserInputException>(() => new ConvEncoder((1, 12, 12), 10)).Message);
        Assert.Throws<UserInputException>(() => new ConvDecoder(10, (1, 15, 64)));
    }

    [Fact]
    public void Should_ReturnOneConsistentOutputRecord_When_Forwarded()
    {
        using var model = GenomeVae.Create(TestModels.WithRegularizer("beta-vae", new BetaVaeOptions { Beta = 2 }, latent: 4), (1, 64, 64), seed: 1);
        using var x = torch.rand(6, 1, 64, 64).gt(0.5).to(torch.float32);
        using var gen = new torch.Generator(3);
        var o = model.Forward(x, gen);
        Assert.Equal(new long[] { 6, 1, 64, 64 }, o.ReconstructionLogits.shape);
        Assert.Equal(new long[] { 6, 4 }, o.GenomeSample.shape);
        Assert.Equal(new long[] { 4 }, o.KlPerDimension.shape);
        // Loss = reconstruction + beta * KL for the beta-VAE regulariser.
        Assert.Equal(o.Reconstruction.item<float>() + 2 * o.Kl.item<float>(), o.Loss.item<float>(), 2);
        Assert.Equal(o.Kl.item<float>(), o.KlPerDimension.sum().item<float>(), 3);
        // Bernoulli NLL per image is at most 4096 * ln 2 ~ 2839 for logits near 0 at initialisation.
        Assert.InRange(o.Reconstruction.item<float>(), 1000, 5000);
    }

    [Fact]
    public void Should_InitialiseIdentically_When_SameSeed()
    {
        var options = TestModels.Options(latent: 3, hidden: 16);
        using var a = GenomeVae.Create(options, (1, 64, 64), seed: 5);
        using var b = GenomeVae.Create(options, (1, 64, 64), seed: 5);
        using var c = GenomeVae.Create(options, (1, 64, 64), seed: 6);
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        var pc = c.parameters().ToArray();
        Assert.All(pa.Zip(pb), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.Contains(pa.Zip(pc), p => !p.First.eq(p.Second).all().item<bool>());
    }

    [Theory]
    [InlineData(0, 256, 1.0, "LatentSize")]
    [InlineData(10, 4, 1.0, "model.encoder.options: HiddenSize")]
    [InlineData(10, 256, -1.0, "model.regularizer.options: Beta")]
    [InlineData(10, 256, double.NaN, "model.regularizer.options: Beta")]
    public void Should_NameTheBadField_When_OptionsAreInvalid(int latent, int hidden, double beta, string field)
    {
        var options = new ModelOptions
        {
            LatentSize = latent,
            Encoder = new ComponentSpec("conv", new ConvEncoderOptions { HiddenSize = hidden }),
            Regularizer = new ComponentSpec("beta-vae", new BetaVaeOptions { Beta = beta }),
        };
        var e = Assert.Throws<UserInputException>(() => options.Validate());
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData(28, 28, new[] { 28, 14, 7, 3, 1 })]
    [InlineData(72, 72, new[] { 72, 36, 18, 9, 4 })]
    [InlineData(64, 64, new[] { 64, 32, 16, 8, 4 })]
    [InlineData(16, 40, new[] { 16, 8, 4, 2, 1 })]
    public void Should_EncodeAndDecodeImagesOfAnySide_When_TheSideIsAtLeast16(int height, int width, int[] heightSides)
    {
        // The conv encoder halves each side, rounding down; the conv decoder retraces those sides with output padding.
        Assert.Equal(heightSides, ConvDecoder.Sides(height));
        using var scope = torch.NewDisposeScope();
        using var encoder = new ConvEncoder((3, height, width), 8, new ConvEncoderOptions { HiddenSize = 16 });
        using var decoder = new ConvDecoder(4, (3, height, width), new ConvDecoderOptions { HiddenSize = 16 });
        Assert.Equal(new long[] { 2, 8 }, encoder.forward(torch.rand(2, 3, height, width)).shape);
        Assert.Equal(new long[] { 2, 3, height, width }, decoder.forward(torch.randn(2, 4)).shape);
    }

    public static TheoryData<string> Encoders() => new(EncoderCatalog.Catalogue.Names);

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Should_LowerTheLossOnSmallGreyImages_When_AnyEncoder(string encoder)
    {
        // Given a genome VAE for 1x28x28 images (Fashion-MNIST's shape) with this encoder
        var options = TestModels.Options(latent: 3, hidden: 16) with { Encoder = EncoderCatalog.Spec(encoder) };
        using var model = GenomeVae.Create(options, (1, 28, 28), seed: 2);
        using var images = torch.rand(new long[] { 4, 1, 28, 28 }, generator: new torch.Generator(1));
        using var optimizer = new GenomicCode.Numerics.HeldScalarOptimizers.Adam(model.parameters(), 1e-3);
        using var noise = new torch.Generator(2);
        // When it takes a few Adam steps on one batch
        double first = 0, last = 0;
        for (int step = 0; step < 5; step++)
        {
            using var scope = torch.NewDisposeScope();
            noise.manual_seed(step);
            optimizer.zero_grad();
            var output = model.Forward(images, noise, step);
            output.Loss.backward();
            optimizer.step();
            if (step == 0) first = output.Loss.item<float>();
            last = output.Loss.item<float>();
        }
        // Then the loss falls and the phenotypes have the images' shape
        Assert.True(last < first, $"{encoder}: loss {first} -> {last}");
        using var grown = model.Develop(model.Encode(images));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, grown.shape);
    }

    [Fact]
    public void Should_SampleTheLatentsPrior_When_AskedForGenomes()
    {
        using var model = GenomeVae.Create(TestModels.Options(latent: 5, hidden: 16), (1, 16, 16), seed: 0);
        using var g = new torch.Generator(4);
        using var prior = model.SamplePrior(2000, g);
        Assert.Equal(new long[] { 2000, 5 }, prior.shape);
        Assert.Equal(0, prior.mean().item<float>(), 1);              // N(0, I): mean 0 and variance 1 within sampling error
        Assert.Equal(1, prior.var().item<float>(), 1);
        Assert.Equal("gaussian", model.Latent.Kind);
    }

    [Fact]
    public void Should_RefuseParts_When_TheirShapesDoNotFit()
    {
        using var latent = new GaussianLatent(3);
        using var encoder = new ConvEncoder((1, 16, 16), 4);
        using var decoder = new ConvDecoder(3, (1, 16, 16));
        using var fitting = new ConvEncoder((1, 16, 16), 6);
        using var narrow = new ConvDecoder(2, (1, 16, 16));
        using var bigger = new ConvDecoder(3, (1, 32, 32));
        var reg = new BetaVae(1);
        Assert.Contains("encoder outputs 4", Assert.Throws<UserInputException>(() => new GenomeVae(latent, encoder, decoder, reg, new ModelOptions())).Message);
        Assert.Contains("decoder reads genomes of 2", Assert.Throws<UserInputException>(() => new GenomeVae(latent, fitting, narrow, reg, new ModelOptions())).Message);
        Assert.Contains("grows phenotypes of (1, 32, 32)", Assert.Throws<UserInputException>(() => new GenomeVae(latent, fitting, bigger, reg, new ModelOptions())).Message);
    }
}
