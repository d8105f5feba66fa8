using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Models;
using TorchSharp;

namespace GenomicCode.Tests.Models;

public class GenomeVaeTests
{
    [Fact]
    public void Should_MapImagesToPosteriors_When_Encoding()
    {
        using var encoder = new ConvEncoder(1, 64, latentSize: 10);
        using var x = torch.rand(3, 1, 64, 64);
        var (mean, logVar) = encoder.forward(x);
        Assert.Equal(new long[] { 3, 10 }, mean.shape);
        Assert.Equal(new long[] { 3, 10 }, logVar.shape);
    }

    [Fact]
    public void Should_GrowPhenotypesOfTheImageShape_When_Decoding()
    {
        using var decoder = new ConvDecoder(10, 1, 64);
        using var g = torch.randn(5, 10);
        using var y = decoder.forward(g);
        Assert.Equal(new long[] { 5, 1, 64, 64 }, y.shape);
        Assert.Equal((1, 64, 64), decoder.PhenotypeShape);
    }

    [Fact]
    public void Should_RejectWrongShapes_When_GivenBadTensors()
    {
        using var encoder = new ConvEncoder(1, 64, 10);
        using var decoder = new ConvDecoder(10, 1, 64);
        var e1 = Assert.Throws<UserInputException>(() => encoder.forward(torch.rand(2, 1, 32, 32)));
        Assert.Contains("(B, 1, 64, 64)", e1.Message);
        var e2 = Assert.Throws<UserInputException>(() => decoder.forward(torch.rand(2, 7)));
        Assert.Contains("(B, 10)", e2.Message);
        Assert.Throws<UserInputException>(() => new ConvEncoder(1, 60, 10));
    }

    [Fact]
    public void Should_ReturnOneConsistentOutputRecord_When_Forwarded()
    {
        using var model = GenomeVae.Create(new ModelOptions { LatentSize = 4, HiddenSize = 32, Beta = 2 }, (1, 64, 64), seed: 1);
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
        var options = new ModelOptions { LatentSize = 3, HiddenSize = 16 };
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
    [InlineData(10, 4, 1.0, "HiddenSize")]
    [InlineData(10, 256, -1.0, "Beta")]
    [InlineData(10, 256, double.NaN, "Beta")]
    public void Should_NameTheBadField_When_OptionsAreInvalid(int latent, int hidden, double beta, string field)
    {
        var e = Assert.Throws<UserInputException>(() => new ModelOptions { LatentSize = latent, HiddenSize = hidden, Beta = beta }.Validate());
        Assert.Contains(field, e.Message);
    }
}
