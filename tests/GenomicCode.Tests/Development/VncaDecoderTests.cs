using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using GenomicCode.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Development;

/// <summary>The doubling VNCA decoder (Palm et al. 2022): the division schedule, the readout, the update and learning.</summary>
[Collection(TorchCollection.Name)]
public class VncaDecoderTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(16, 4)]
    [InlineData(28, 5)]
    [InlineData(32, 5)]
    [InlineData(33, 6)]
    [InlineData(64, 6)]
    public void Should_TakeTheFewestDoublingsThatCoverTheSide_When_DoublingsIsZero(int side, int doublings)
    {
        Assert.Equal(doublings, VncaDecoder.DoublingsFor(side));
    }

    [Fact]
    public void Should_RunEightStepsPerStage_When_FortyStepsAndFiveDoublings()
    {
        // The paper's schedule: steps 1..8 on the 2x2 grid, 9..16 on 4x4, ..., 33..40 on 32x32.
        var stages = Enumerable.Range(1, 40).Select(t => VncaDecoder.StageOf(t, 40, 5)).ToArray();
        var expected = Enumerable.Range(0, 5).SelectMany(s => Enumerable.Repeat(s, 8)).ToArray();
        Assert.Equal(expected, stages);
        // 6 steps over 4 stages: floor((t - 1) 4 / 6) = 0, 0, 1, 2, 2, 3.
        Assert.Equal(new[] { 0, 0, 1, 2, 2, 3 }, Enumerable.Range(1, 6).Select(t => VncaDecoder.StageOf(t, 6, 4)).ToArray());
    }

    [Fact]
    public void Should_CopyEveryCellIntoA2x2Block_When_Dividing()
    {
        using var scope = torch.NewDisposeScope();
        var state = torch.tensor(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, new long[] { 1, 2, 2, 2 });
        var divided = VncaDecoder.Divide(state);
        Assert.Equal(new long[] { 1, 2, 4, 4 }, divided.shape);
        Assert.Equal(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, divided[0, 0].data<float>().ToArray());
        Assert.Equal(new float[] { 10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40 }, divided[0, 1].data<float>().ToArray());
    }

    [Fact]
    public void Should_GrowTheGenomesFirstNumberEverywhere_When_TheUpdateIsStillZero()
    {
        // Given a fresh decoder (last layer zero: f(x) = 0) whose state is the genome (3 channels, genome of 3)
        using var scope = torch.NewDisposeScope();
        using var decoder = new VncaDecoder(3, (1, 6, 5), new VncaOptions { Steps = 5, Channels = 3, HiddenSize = 8 });
        var genome = torch.tensor(new float[] { 0.7f, -1, 2, -0.25f, 5, 6 }, new long[] { 2, 3 });

        // When it develops, capturing every step
        var result = decoder.Develop(genome, new Generator(1), capture: Enumerable.Range(0, 6).ToArray());

        // Then every cell of every captured phenotype is the first state channel of the seed cell: the genome's first number
        Assert.Equal(3, decoder.Doublings);
        Assert.Equal(8, decoder.GridSize);
        Assert.Equal(new long[] { 2, 1, 6, 5 }, result.Phenotype.shape);
        foreach (var phenotype in result.Trajectory.Append(result.Phenotype))
        {
            Assert.Equal(new long[] { 2, 1, 6, 5 }, phenotype.shape);
            Assert.True(phenotype[0].eq(0.7f).all().item<bool>());
            Assert.True(phenotype[1].eq(-0.25f).all().item<bool>());
        }
    }

    [Fact]
    public void Should_ReadTheCentreOfTheFinalGrid_When_ThePhenotypeIsSmaller()
    {
        // A 28x28 phenotype is the centre of the 32x32 grid: rows and columns 2..29.
        using var scope = torch.NewDisposeScope();
        using var decoder = new VncaDecoder(3, (1, 28, 28), new VncaOptions { Steps = 5, Channels = 3, HiddenSize = 8 });
        var state = torch.arange(3 * 32 * 32, dtype: ScalarType.Float32).view(1, 3, 32, 32);
        var logits = decoder.Readout(state);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, logits.shape);
        Assert.Equal(2 * 32 + 2, logits[0, 0, 0, 0].item<float>());
        Assert.Equal(29 * 32 + 29, logits[0, 0, 27, 27].item<float>());
    }

    [Fact]
    public void Should_MatchEluByHand_When_ApplyingTheActivation()
    {
        using var scope = torch.NewDisposeScope();
        var y = VncaDecoder.Elu(torch.tensor(new float[] { -1, 0, 2, -3 })).data<float>().ToArray();
        Assert.Equal(Math.Exp(-1) - 1, y[0], 6);
        Assert.Equal(0, y[1], 6);
        Assert.Equal(2, y[2], 6);
        Assert.Equal(Math.Exp(-3) - 1, y[3], 6);
    }

    [Fact]
    public void Should_AddTheUpdateToEveryCell_When_Stepping()
    {
        // One step on a 2x2 grid of 1 doubling: phenotype = seed state + f(divided seed), f computed by the decoder's own
        // Update; no alive mask, no fire mask (every cell changes).
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(3);
        using var decoder = new VncaDecoder(4, (1, 2, 2), new VncaOptions { Steps = 1, Channels = 4, HiddenSize = 8, ResidualBlocks = 1 });
        using (torch.no_grad())
            foreach (var p in decoder.parameters()) p.copy_(torch.randn(p.shape, generator: new Generator(9)).mul(0.5));
        var genome = torch.randn(new long[] { 3, 4 }, generator: new Generator(2));
        var grown = decoder.Develop(genome, null).Phenotype;
        var divided = VncaDecoder.Divide(genome.view(3, 4, 1, 1));
        var expected = divided.add(decoder.Update(divided)).narrow(1, 0, 1);
        Assert.True(grown.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.True(grown.ne(genome.narrow(1, 0, 1).view(3, 1, 1, 1)).all().item<bool>());
    }

    [Fact]
    public void Should_MapTheGenomeLinearly_When_TheStateIsWiderThanTheGenome()
    {
        using var wide = new VncaDecoder(3, (1, 4, 4), new VncaOptions { Steps = 2, Channels = 6, HiddenSize = 8 });
        using var same = new VncaDecoder(3, (1, 4, 4), new VncaOptions { Steps = 2, Channels = 3, HiddenSize = 8 });
        Assert.Contains(wide.named_parameters(), p => p.name.StartsWith("seed", StringComparison.Ordinal));
        Assert.DoesNotContain(same.named_parameters(), p => p.name.StartsWith("seed", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Refuse_When_TheDoublingsCannotCoverThePhenotype()
    {
        var e = Assert.Throws<UserInputException>(() => new VncaDecoder(3, (1, 28, 28), new VncaOptions { Doublings = 4, Channels = 4, HiddenSize = 8 }));
        Assert.Contains("Doublings >= 5", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var channels = Assert.Throws<UserInputException>(() => new VncaDecoder(3, (4, 8, 8), new VncaOptions { Channels = 3, HiddenSize = 8 }));
        Assert.Contains("Channels must be >= 4", channels.Message);
    }

    [Theory]
    [InlineData("{\"doublings\": -1}", "Doublings")]
    [InlineData("{\"doublings\": 11}", "Doublings")]
    [InlineData("{\"residualBlocks\": 17}", "ResidualBlocks")]
    [InlineData("{\"steps\": 0}", "Steps")]
    public void Should_NameTheField_When_OptionsAreBad(string json, string field)
    {
        var options = DecoderCatalog.Catalogue.Find("vnca").ReadOptions(JsonDocument.Parse(json).RootElement);
        var e = Assert.Throws<UserInputException>(() => options.Validate());
        Assert.StartsWith(field, e.Message);
    }

    [Fact]
    public void Should_RoundTripAndKeepThePapersSizes_When_SerialisingOptions()
    {
        var defaults = new VncaOptions();
        Assert.Equal((40, 128, 128, 4, 0), (defaults.Steps, defaults.Channels, defaults.HiddenSize, defaults.ResidualBlocks, defaults.Doublings));
        var o = new VncaOptions { Steps = 12, Channels = 9, HiddenSize = 16, Doublings = 3, ResidualBlocks = 1, Noise = 0.1 };
        string json = JsonSerializer.Serialize(o, JsonSettings.Default);
        Assert.Equal(o, JsonSerializer.Deserialize<VncaOptions>(json, JsonSettings.Default));
        Assert.Equal(defaults, JsonSerializer.Deserialize<VncaOptions>("{}", JsonSettings.Default));
    }

    [Fact]
    public void Should_LowerTheLoss_When_TrainingAGenomeVaeOnATinySet()
    {
        // Given four 16x16 binary images (two bars, two blocks) and a genome VAE with a small VNCA decoder
        var pixels = new float[4 * 16 * 16];
        for (int i = 0; i < 4; i++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++)
                    pixels[i * 256 + y * 16 + x] = i switch
                    {
                        0 => x is >= 6 and < 10 ? 1 : 0,
                        1 => y is >= 6 and < 10 ? 1 : 0,
                        2 => x < 8 && y < 8 ? 1 : 0,
                        _ => x >= 8 && y >= 8 ? 1 : 0,
                    };
        var data = new LabelledImageSet("tiny", pixels, new[] { 0, 1, 0, 1 }, new[] { "a", "b" }, (1, 16, 16));
        var options = new ModelOptions
        {
            LatentSize = 4,
            Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 32 }),
            Decoder = DecoderCatalog.Spec("vnca", new VncaOptions { Steps = 8, Channels = 8, HiddenSize = 16, ResidualBlocks = 1 }),
            Regularizer = RegularizerCatalog.Spec("beta-vae"),
        };
        using var model = GenomeVae.Create(options, data, seed: 1);
        using var trainer = new Trainer(model, data, new TrainingOptions { Steps = 60, BatchSize = 4, LearningRate = 0.01, Seed = 2 }, torch.CPU);

        // When it trains 60 steps
        var losses = Enumerable.Range(0, 60).Select(_ => trainer.TrainStep().Loss).ToArray();

        // Then the mean loss of the last ten steps is well under that of the first ten, and under the 144 nats of the best
        // model that ignores the image (every pixel one with probability 1/4: 256 x H(1/4)), so the shapes were learnt
        double first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        double ignoring = -256 * (0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75));
        Assert.True(last < first - 20 && last < ignoring - 15, $"loss {first:F1} -> {last:F1} (image-blind model: {ignoring:F1})");
    }
}
