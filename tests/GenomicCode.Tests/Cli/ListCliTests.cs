using GenomicCode.Cli.Commands;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Registry;
using GenomicCode.Runs;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class ListCliTests
{
    public static TheoryData<string> Families() => new(CatalogueRegistry.Families);

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_ListEveryEntryWithItsOptionsAndSource_When_AFamilyIsNamed(string family)
    {
        using var dir = new TempDir();
        var r = Run("list", family, "--data-dir", dir["cache"]);
        Assert.Equal(0, r.Code);
        var catalogue = CatalogueRegistry.Find(family);
        foreach (var e in catalogue.Entries)
        {
            Assert.Contains(e.Name, r.Output);
            foreach (string alias in e.Aliases) Assert.Contains(alias, r.Output);
            foreach (var (key, value) in e.OptionDefaults())
                Assert.Contains(value.Length <= ListCommand.LongestDefault ? $"{key} = {value}" : $"{key} = {value[..20]}", r.Output);
            if (e.Paper.Length > 0) Assert.Contains(e.Paper.Split(',')[0], r.Output);
        }
        Assert.Contains(catalogue.Summary, r.Output);
    }

    [Fact]
    public void Should_NameTheFamilies_When_NoneIsGiven()
    {
        var r = Run("list");
        Assert.Equal(0, r.Code);
        foreach (var c in CatalogueRegistry.Catalogues)
        {
            Assert.Contains(c.Family, r.Output);
            Assert.Contains(string.Join(", ", c.Entries.Select(e => e.Name)), r.Output);
        }
        Assert.Equal("decoders", CatalogueRegistry.Find("decoder").Family);   // the singular works too
    }

    [Fact]
    public void Should_ListTheFamilies_When_TheFamilyIsUnknown() =>
        AssertOneLineUsageError(Run("list", "organisms"), $"unknown family 'organisms'; known: {string.Join(", ", CatalogueRegistry.Families)}.");

    private static string Preset(TempDir dir)
    {
        File.WriteAllText(dir["p.json"], """
            { "name": "tiny",
              "model": { "latentSize": 2,
                "encoder": { "name": "mlp", "options": { "layers": 1, "hiddenSize": 16 } },
                "decoder": { "name": "grn", "options": { "steps": 2, "channels": 4, "morphogens": 1, "hiddenSize": 8, "grid": 8 } } },
              "training": { "steps": 2, "batchSize": 2, "logEvery": 1, "device": "cpu" } }
            """);
        return dir["p.json"];
    }

    [Fact]
    public void Should_KeepThePresetsOptions_When_TheCommandLineNamesTheSameComponent()
    {
        using var dir = new TempDir();
        var r = Run("train", "--preset", Preset(dir), "--encoder", "fc", "--decoder", "grn", "--out", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        var config = RunFolder.OpenExisting(dir["run"]).ReadConfig();
        Assert.Equal(EncoderCatalog.Spec("mlp", new MlpEncoderOptions { Layers = 1, HiddenSize = 16 }), config.Model.Encoder);
        Assert.Equal(new GrnOptions { Steps = 2, Channels = 4, Morphogens = 1, HiddenSize = 8, Grid = 8 }, config.Model.Decoder.Options);
    }

    [Fact]
    public void Should_TakeTheDefaults_When_TheCommandLineNamesAnotherComponent()
    {
        using var dir = new TempDir();
        var r = Run("train", "--preset", Preset(dir), "--encoder", "conv", "--out", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        Assert.Equal(EncoderCatalog.Spec("conv"), RunFolder.OpenExisting(dir["run"]).ReadConfig().Model.Encoder);
    }

    [Fact]
    public void Should_ListTheKnownNames_When_TheEncoderIsUnknown()
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", Preset(dir), "--encoder", "transformer", "--out", dir["run"]),
            $"unknown encoder 'transformer'; known: {string.Join(", ", EncoderCatalog.Catalogue.Names)}.");
        Assert.False(Directory.Exists(dir["run"]));
    }
}
