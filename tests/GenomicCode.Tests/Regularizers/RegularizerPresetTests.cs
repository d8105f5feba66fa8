using GenomicCode.Regularizers;
using GenomicCode.Runs;
using GenomicCode.Training;

namespace GenomicCode.Tests.Regularizers;

public class RegularizerPresetTests
{
    public static TheoryData<string> Names() => new(RegularizerCatalog.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_ShipASpritesPresetWithDisentanglementLibTraining_When_AnyRegularizer(string name)
    {
        var preset = PresetCatalog.Load($"sprites-{name}");
        Assert.Equal(name, preset.Model.Regularizer.Name);
        Assert.Equal(10, preset.Model.LatentSize);
        Assert.Equal(64, preset.Training.BatchSize);
        Assert.Equal(1e-4, preset.Training.LearningRate);
        Assert.Equal(300_000, preset.Training.Steps);
    }

    [Fact]
    public void Should_CarryTheSweptHyperParameters()
    {
        Assert.Equal(6, PresetCatalog.Load("sprites-beta-tcvae").Model.Regularizer.OptionsAs<BetaTcVaeOptions>().Beta);
        Assert.Equal(4, PresetCatalog.Load("sprites-beta-vae").Model.Regularizer.OptionsAs<BetaVaeOptions>().Beta);
        var annealed = PresetCatalog.Load("sprites-annealed-vae").Model.Regularizer.OptionsAs<AnnealedVaeOptions>();
        Assert.Equal((1000.0, 25.0, 100_000L), (annealed.Gamma, annealed.CapacityMax, annealed.CapacitySteps));
        var factor = PresetCatalog.Load("sprites-factor-vae").Model.Regularizer.OptionsAs<FactorVaeOptions>();
        Assert.Equal((6, 1000, 0.5, 0.9), (factor.DiscriminatorLayers, factor.DiscriminatorWidth, factor.DiscriminatorBeta1, factor.DiscriminatorBeta2));
        var dip1 = PresetCatalog.Load("sprites-dip-vae-i").Model.Regularizer.OptionsAs<DipVaeIOptions>();
        Assert.Equal(10 * dip1.LambdaOffDiagonal, dip1.LambdaDiagonal);
        var dip2 = PresetCatalog.Load("sprites-dip-vae-ii").Model.Regularizer.OptionsAs<DipVaeIIOptions>();
        Assert.Equal(dip2.LambdaOffDiagonal, dip2.LambdaDiagonal);
    }
}
