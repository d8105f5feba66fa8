using GenomicCode.Core;
using GenomicCode.Runs;
using GenomicCode.Training;

namespace GenomicCode.Tests.Runs;

public class PresetTests
{
    [Fact]
    public void Should_LoadAndValidateEveryShippedPreset()
    {
        Assert.Contains("quickstart", PresetCatalog.Names);
        Assert.Contains("sprites-beta-vae", PresetCatalog.Names);
        foreach (string name in PresetCatalog.Names)
        {
            var p = PresetCatalog.Load(name);
            Assert.Equal(name, p.Name);
        }
    }

    [Fact]
    public void Should_UseDisentanglementLibDefaults_When_SpritesBetaVae()
    {
        var p = PresetCatalog.Load("sprites-beta-vae");
        Assert.Equal(10, p.Model.LatentSize);
        Assert.Equal(64, p.Training.BatchSize);
        Assert.Equal(1e-4, p.Training.LearningRate);
        Assert.Equal(300_000, p.Training.Steps);
    }

    [Fact]
    public void Should_RoundTripThroughJson()
    {
        var p = PresetCatalog.Load("quickstart");
        var back = Preset.Parse(p.ToJson(), "round-trip");
        Assert.Equal(p.Model, back.Model);
        Assert.Equal(p.Training, back.Training);
    }

    [Fact]
    public void Should_NameTheSourceAndField_When_AValueIsOutOfRange()
    {
        var e = Assert.Throws<UserInputException>(() => Preset.Parse("{ \"training\": { \"steps\": 0 } }", "my.json"));
        Assert.StartsWith("my.json: Steps", e.Message);
    }
}
