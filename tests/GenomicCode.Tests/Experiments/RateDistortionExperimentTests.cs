using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Runs;

namespace GenomicCode.Tests.Experiments;

[Collection(TorchCollection.Name)]
public class RateDistortionExperimentTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.6931471805599453, 1.0)]   // ln 2 nats = 1 bit
    [InlineData(1.3862943611198906, 2.0)]   // ln 4 nats = 2 bits: one base of DNA under a uniform prior
    [InlineData(6.931471805599453, 10.0)]
    public void Should_ConvertNatsToBits_When_DividingByLnTwo(double nats, double bits)
    {
        Assert.Equal(bits, RateDistortionExperiment.Bits(nats), 12);
    }

    [Theory]
    [InlineData(110, 5)]    // 8 genes x (5 + c) + 6 signal motifs x 5 = 8 c + 70
    [InlineData(150, 10)]
    [InlineData(230, 20)]
    public void Should_SetTheCisLength_When_AGenomeLengthFitsTheLayout(int length, int cis)
    {
        var model = PresetCatalog.Load("notebook-dna").Model;
        var resized = RateDistortionExperiment.WithGenomeLength(model, length);
        Assert.Equal(length, resized.LatentSize);
        var grn = Assert.IsType<GrnOptions>(resized.Decoder.Options);
        Assert.Equal(cis, grn.Sequence!.CisLength);
        Assert.Equal(length, grn.Sequence.Layout(grn.Channels, grn.Morphogens).Length);
    }

    [Theory]
    [InlineData(100)]   // c = 3.75
    [InlineData(102)]   // c = 4 < motif length 5
    public void Should_ListTheLengthsThatFit_When_AGenomeLengthDoesNot(int length)
    {
        var model = PresetCatalog.Load("notebook-dna").Model;
        var e = Assert.Throws<UserInputException>(() => RateDistortionExperiment.WithGenomeLength(model, length));
        Assert.Equal($"genome length {length} does not fit the preset's layout (8 genes x (5 motif + c cis) + 6 signal motifs x 5 = 8 c + 70 loci, c >= 5); " +
                     "lengths that fit: 110, 118, 126, 134, ...", e.Message);
    }

    [Fact]
    public void Should_StayWithinTwoBitsPerBase_When_MeasuringDnaGenomes()
    {
        // When a nucleotide series of two lengths trains briefly
        var result = RateDistortionExperiment.Run(new RateDistortionOptions { Lengths = [110, 150], Steps = 4, EvalImages = 16, Threads = 1 }, seed: 2);

        // Then each point's rate is its KL in bits, at most 2 bits per base, and the capacity is exactly 2 L
        Assert.Equal("nucleotide", result.GenomeKind);
        Assert.Equal("genome_length", result.Varied);
        Assert.Equal(new[] { 110, 150 }, result.Points.Select(p => p.GenomeSize));
        Assert.All(result.Points, p =>
        {
            Assert.Equal(p.RateNats / Math.Log(2), p.RateBits, 9);
            Assert.Equal(2.0 * p.GenomeSize, p.CapacityBits);
            Assert.InRange(p.RateBits, 0, p.CapacityBits!.Value + 1e-6);
            Assert.True(p.DistortionNats > 0, $"distortion {p.DistortionNats}");
        });
    }

    [Fact]
    public void Should_CarryLessInformation_When_BetaIsLarger()
    {
        // When a Gaussian genome trains with a tiny and a huge weight on the KL
        var result = RateDistortionExperiment.Run(new RateDistortionOptions
        {
            Preset = "notebook-quickstart", Betas = [0.01, 100], Steps = 30, EvalImages = 32, Threads = 1,
        }, seed: 0);

        // Then the huge beta squeezes the rate (beta trades rate for distortion, Alemi et al. 2018) and pays in distortion
        Assert.Equal("gaussian", result.GenomeKind);
        Assert.Null(result.Points[0].CapacityBits);
        Assert.Equal(new[] { 0.01, 100 }, result.Points.Select(p => p.Beta));
        Assert.True(result.Points[1].RateBits < result.Points[0].RateBits / 2,
            $"rate {result.Points[0].RateBits:F2} bits at beta 0.01, {result.Points[1].RateBits:F2} at beta 100");
        Assert.True(result.Points[1].DistortionNats > result.Points[0].DistortionNats,
            $"distortion {result.Points[0].DistortionNats:F1} at beta 0.01, {result.Points[1].DistortionNats:F1} at beta 100");

        // And its figure renders from the record
        var figures = ExperimentFigures.RateDistortion(result);
        Assert.Equal(new[] { "rate_distortion.png" }, figures.Keys);
        Assert.True(figures["rate_distortion.png"].ToPng().Length > 1000);
    }

    [Theory]
    [InlineData("Steps", "Steps must be in [1, 10000000], got 0.")]
    [InlineData("Betas", "Betas must be finite numbers >= 0, got -1.")]
    [InlineData("Lengths", "Lengths must hold at least one genome length, for example 110,150,230.")]
    public void Should_NameTheField_When_OptionsAreBad(string field, string expected)
    {
        var options = field switch
        {
            "Steps" => new RateDistortionOptions { Steps = 0 },
            "Betas" => new RateDistortionOptions { Betas = [1, -1] },
            _ => new RateDistortionOptions { Lengths = [] },
        };
        Assert.Equal(expected, Assert.Throws<UserInputException>(options.Validate).Message);
    }
}
