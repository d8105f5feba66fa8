using GenomicCode.Core.Catalogues;
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
    [InlineData("mnist-vnca", "vnca")]
    [InlineData("fashion-vnca", "vnca")]
    public void Should_NameADevelopmentalDecoder_When_LoadingTheDecoderPresets(string preset, string decoder)
    {
        var p = PresetCatalog.Load(preset);
        Assert.Equal(decoder, p.Model.Decoder.Name);
        Assert.True(DecoderCatalog.IsDevelopmental(p.Model.Decoder.Name));
        Assert.Equal(p, Preset.Parse(p.ToJson(), "round trip"));
    }

    [Theory]
    [InlineData("mnist-vnca", "mnist", "vnca", "static")]
    [InlineData("fashion-vnca", "fashion-mnist", "vnca", "none")]
    [InlineData("fashion-conv-vae", "fashion-mnist", "conv", "none")]
    public void Should_TrainOnTheRealDataSet_When_LoadingTheRealDataPresets(string preset, string dataset, string decoder, string binarize)
    {
        var p = PresetCatalog.Load(preset);
        Assert.Equal((dataset, decoder), (p.Training.Dataset.Name, p.Model.Decoder.Name));
        var options = p.Training.Dataset.OptionsAs<GenomicCode.Data.DatasetOptions>();
        Assert.Equal((GenomicCode.Data.DatasetOptions.Train, binarize), (options.Split, options.Binarize));
        Assert.Equal(1, p.Training.Threads);
        Assert.Equal(p, Preset.Parse(p.ToJson(), "round trip"));
    }

    public static TheoryData<string> Decoders() => new(DecoderCatalog.Names);

    /// <summary>The entry's defaults, made small: 2 steps, 6 channels, width 8 and an 8x8 grid for developmental decoders, width 16 for others.</summary>
    private static IComponentOptions Small(string decoder)
    {
        var options = DecoderCatalog.Catalogue.Find(decoder).DefaultOptions();
        if (options is DevelopmentOptions development)
        {
            development = development with { Steps = 2, Channels = 6, HiddenSize = 8 };
            return development is CellularOptions cells ? cells with { Grid = 8 } : development;
        }
        return options is ConvDecoderOptions ? new ConvDecoderOptions { HiddenSize = 16 } : options;
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Should_BuildTheCataloguedDecoder_When_CreatingAGenomeVae(string decoder)
    {
        var options = TestModels.Options(latent: 3, hidden: 16, decoder: DecoderCatalog.Spec(decoder, Small(decoder)));
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
        var e = Assert.Throws<GenomicCode.Core.UserInputException>(() => DecoderCatalog.Spec("blueprint"));
        Assert.Contains($"known: {string.Join(", ", DecoderCatalog.Names)}", e.Message);
        var json = Assert.Throws<GenomicCode.Core.UserInputException>(() => Preset.Parse("""{ "model": { "decoder": "blueprint" } }""", "p.json"));
        Assert.Contains($"unknown decoder 'blueprint'; known: {string.Join(", ", DecoderCatalog.Names)}", json.Message);
    }
}
