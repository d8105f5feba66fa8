using GenomicCode.Cli;
using GenomicCode.Runs;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class WeightsCliTests
{
    private static Dictionary<string, float[]> Weights(string run)
    {
        using var loaded = TrainedRun.Load(run, "cpu");
        return loaded.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray());
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("model.pt")]
    public void Should_CarryARunsWeightsIntoAnotherRun_When_ExportedAndImported(string file)
    {
        using var dir = new TempDir();
        string source = TrainTinyRun(dir);
        var other = Run("train", "--preset", dir["tiny.json"], "--seed", "7", "--out", dir["other"]);
        Assert.True(other.Code == 0, other.Output);

        var export = Run("weights", "export", "--run", source, "--out", dir[file]);
        Assert.True(export.Code == 0, export.Output);
        Assert.Contains("encoder.", export.Output);   // the parameter table lists PyTorch-style dotted names
        Assert.Contains("decoder.", export.Output);

        var import = Run("weights", "import", "--run", dir["other"], "--weights", dir[file], "--out", dir["imported"]);
        Assert.True(import.Code == 0, import.Output);
        Assert.True(File.Exists(Path.Combine(dir["imported"], "config.json")));

        var expected = Weights(source);
        var before = Weights(dir["other"]);
        var after = Weights(dir["imported"]);
        Assert.Equal(expected.Keys.Order(), after.Keys.Order());
        foreach (var (name, values) in expected) Assert.Equal(values, after[name]);
        Assert.Contains(expected, kv => !kv.Value.SequenceEqual(before[kv.Key]));   // the import really changed the model
    }

    [Fact]
    public void Should_ListMismatchesAndWriteNothing_When_ImportingWeightsOfAnotherShape()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        File.WriteAllText(dir["wide.json"], File.ReadAllText(dir["tiny.json"]).Replace("\"latentSize\": 3", "\"latentSize\": 5"));
        Assert.Equal(0, Run("train", "--preset", dir["wide.json"], "--out", dir["wide"]).Code);
        Assert.Equal(0, Run("weights", "export", "--run", dir["wide"], "--out", dir["wide.safetensors"]).Code);

        var r = Run("weights", "import", "--run", run, "--weights", dir["wide.safetensors"], "--out", dir["imported"]);
        AssertOneLineUsageError(r, "does not fit this model");
        Assert.Contains("in the file", r.Output);
        Assert.False(Directory.Exists(dir["imported"]));
    }

    [Theory]
    [InlineData("export", "--out", "model.bin", "must end in .safetensors or .pt")]
    [InlineData("import", "--weights", "model.npz", "must end in .safetensors or .pt")]
    public void Should_RefuseUnknownFormats_When_TheExtensionIsNeitherSafetensorsNorPt(string verb, string option, string file, string expected)
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        var args = new List<string> { "weights", verb, "--run", run, option, dir[file] };
        if (verb == "import") args.AddRange(["--out", dir["new"]]);
        AssertOneLineUsageError(Run([.. args]), expected);
    }

    [Fact]
    public void Should_KeepAnExistingFile_When_ExportingWithoutForce()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        File.WriteAllText(dir["m.pt"], "keep me");
        AssertOneLineUsageError(Run("weights", "export", "--run", run, "--out", dir["m.pt"]), "--force");
        Assert.Equal("keep me", File.ReadAllText(dir["m.pt"]));
        AssertOneLineUsageError(Run("weights", "import", "--run", run, "--weights", dir["m.pt"], "--out", run), "--out must differ from --run");
    }
}
