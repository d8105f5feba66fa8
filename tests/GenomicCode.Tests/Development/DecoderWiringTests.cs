using GenomicCode.Development;
using GenomicCode.Models;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Tests.Development;

[Collection(TorchCollection.Name)]
public class DecoderWiringTests
{
    [Theory]
    [InlineData("sprites-nca", "nca")]
    [InlineData("sprites-grn", "grn")]
    [InlineData("sprites-landscape", "landscape")]
    public void Should_NameADevelopmentalDecoder_When_LoadingTheDecoderPresets(string preset, string decoder)
    {
        var p = PresetCatalog.Load(preset);
        Assert.Equal(decoder, p.Model.Decoder);
        Assert.True(DecoderCatalog.IsDevelopmental(p.Model.Decoder));
        Assert.Equal(p, Preset.Parse(p.ToJson(), "round trip"));
    }

    [Theory]
    [InlineData("conv")]
    [InlineData("nca")]
    [InlineData("grn")]
    [InlineData("landscape")]
    public void Should_BuildTheCataloguedDecoder_When_CreatingAGenomeVae(string decoder)
    {
        var options = new ModelOptions
        {
            LatentSize = 3, HiddenSize = 16, Decoder = decoder,
            Development = new DevelopmentOptions { Steps = 2, Channels = 6, HiddenSize = 8, Grid = 8, Morphogens = 2 },
        };
        using var model = GenomeVae.Create(options, (1, 16, 16), seed: 0);
        Assert.Equal(DecoderCatalog.IsDevelopmental(decoder), model.Decoder is DevelopmentalDecoder);
        using var scope = torch.NewDisposeScope();
        var images = torch.rand(2, 1, 16, 16).gt(0.5).to(torch.ScalarType.Float32);
        var output = model.Forward(images, new torch.Generator(1), 1);
        Assert.Equal(new long[] { 2, 1, 16, 16 }, output.ReconstructionLogits.shape);
        output.Loss.backward();
        Assert.True(float.IsFinite(output.Loss.item<float>()));
    }

    [Fact]
    public void Should_ListTheCatalogue_When_TheDecoderNameIsUnknown()
    {
        var e = Assert.Throws<GenomicCode.Core.UserInputException>(() => new ModelOptions { Decoder = "blueprint" }.Validate());
        Assert.Contains("known: conv, nca, grn, landscape", e.Message);
    }
}
