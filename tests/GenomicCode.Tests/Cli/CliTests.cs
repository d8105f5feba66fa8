using GenomicCode.Cli;
using GenomicCode.Runs;
using GenomicCode.Training;
using Spectre.Console.Testing;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class CliTests
{
    private static string TinyPreset(TempDir dir, int latent = 3, string name = "tiny.json")
    {
        string path = dir[name];
        File.WriteAllText(path, $$"""
            {
              "name": "tiny",
              "model": { "latentSize": {{latent}}, "hiddenSize": 32 },
              "training": { "steps": 6, "batchSize": 4, "learningRate": 0.001, "checkpointEvery": 3, "logEvery": 2, "device": "cpu" }
            }
            """);
        return path;
    }

    [Fact]
    public void Should_WriteACompleteRunFolder_When_Training()
    {
        using var dir = new TempDir();
        var r = Run("train", "--preset", TinyPreset(dir), "--out", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        foreach (string f in new[] { "config.json", "environment.json", "metrics.jsonl", "checkpoint.bin", "reconstructions.png", "samples.png", "traversals.png", "loss.png" })
            Assert.True(File.Exists(Path.Combine(dir["run"], f)), $"missing {f}");
        var config = Preset.Parse(File.ReadAllText(Path.Combine(dir["run"], "config.json")), "config");
        Assert.Equal(3, config.Model.LatentSize);
        var loss = MetricsLog.ReadLoss(Path.Combine(dir["run"], "metrics.jsonl"));
        Assert.Equal(new long[] { 2, 4, 6 }, loss.Select(l => l.Step));
        Assert.Contains("\"device\": \"cpu\"", File.ReadAllText(Path.Combine(dir["run"], "environment.json")));
    }

    [Fact]
    public void Should_ContinueTheStepCount_When_Resumed()
    {
        using var dir = new TempDir();
        string preset = TinyPreset(dir);
        Assert.Equal(0, Run("train", "--preset", preset, "--out", dir["run"], "--steps", "4").Code);
        var r = Run("train", "--out", dir["run"], "--resume", "--steps", "8");
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("resuming", r.Output);
        Assert.Equal(8, Checkpoint.ReadHeader(Path.Combine(dir["run"], "checkpoint.bin")).Step);
        var steps = MetricsLog.ReadLoss(Path.Combine(dir["run"], "metrics.jsonl")).Select(l => l.Step).ToArray();
        Assert.Equal(new long[] { 2, 4, 6, 8 }, steps);
    }

    [Fact]
    public void Should_RefuseAFolderHoldingAnotherRun_AndLeaveItIntact()
    {
        using var dir = new TempDir();
        string preset = TinyPreset(dir);
        Assert.Equal(0, Run("train", "--preset", preset, "--out", dir["run"], "--steps", "2").Code);
        string ckpt = Path.Combine(dir["run"], "checkpoint.bin");
        byte[] before = File.ReadAllBytes(ckpt);
        string config = File.ReadAllText(Path.Combine(dir["run"], "config.json"));
        AssertOneLineUsageError(Run("train", "--preset", preset, "--out", dir["run"]), "already holds a run");
        Assert.Equal(before, File.ReadAllBytes(ckpt));
        Assert.Equal(config, File.ReadAllText(Path.Combine(dir["run"], "config.json")));
        Assert.Equal(0, Run("train", "--preset", preset, "--out", dir["run"], "--steps", "2", "--force", "--seed", "9").Code);
        Assert.Contains("\"seed\": 9", File.ReadAllText(Path.Combine(dir["run"], "config.json")));
    }

    [Fact]
    public void Should_RefuseACheckpointOfAnotherShape_AndLeaveItIntact()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Run("train", "--preset", TinyPreset(dir, 3), "--out", dir["run"], "--steps", "2").Code);
        string ckpt = Path.Combine(dir["run"], "checkpoint.bin");
        byte[] before = File.ReadAllBytes(ckpt);
        string config = File.ReadAllText(Path.Combine(dir["run"], "config.json"));
        AssertOneLineUsageError(Run("train", "--preset", TinyPreset(dir, 5, "other.json"), "--out", dir["run"], "--resume"), "belongs to preset 'tiny', whose model differs in latentSize: checkpoint 3, model 5");
        Assert.Equal(before, File.ReadAllBytes(ckpt));
        Assert.Equal(config, File.ReadAllText(Path.Combine(dir["run"], "config.json")));
    }

    [Fact]
    public void Should_ListKnownPresets_When_PresetIsUnknown()
    {
        AssertOneLineUsageError(Run("train", "--preset", "no-such-preset"), "known presets: ");
        Assert.Contains("quickstart", Run("train", "--preset", "no-such-preset").Output);
    }

    [Fact]
    public void Should_NameFileLineAndField_When_PresetJsonIsMalformed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["bad.json"], "{\n  \"model\": {\n    \"latentSize\": \"ten\"\n  }\n}\n");
        var r = Run("train", "--preset", dir["bad.json"], "--out", dir["run"]);
        AssertOneLineUsageError(r, "bad.json");
        Assert.Contains("line 3", r.Output);
        Assert.Contains("model.latentSize", r.Output);

        File.WriteAllText(dir["unknown.json"], "{ \"model\": { \"latentSise\": 3 } }");
        AssertOneLineUsageError(Run("train", "--preset", dir["unknown.json"]), "latentSise");
        File.WriteAllText(dir["cut.json"], "{ \"model\": { \"latentSize\": 3 ");
        AssertOneLineUsageError(Run("train", "--preset", dir["cut.json"]), "cut.json");
        Assert.False(Directory.Exists(dir["run"]));
    }

    [Theory]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--steps", "-5", "--steps")]
    [InlineData("--beta", "-1", "--beta")]
    [InlineData("--device", "tpu", "unknown device 'tpu'")]
    [InlineData("--batch-size", "0", "--batch-size")]
    public void Should_FailWithOneLine_When_AnArgumentIsBad(string option, string value, string expected)
    {
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", TinyPreset(dir), "--out", dir["run"], option, value), expected);
        Assert.False(Directory.Exists(dir["run"]));
    }

    [Fact]
    public void Should_SayCudaIsNotAvailable_When_AskedForOnACpuBuild()
    {
        Assert.SkipWhen(TorchSharp.torch.cuda.is_available(), "this machine has CUDA");
        using var dir = new TempDir();
        AssertOneLineUsageError(Run("train", "--preset", TinyPreset(dir), "--out", dir["run"], "--device", "cuda"), "not available");
    }

    [Fact]
    public void Should_RefuseAnUnwritableOutputFolder()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["file"], "keep me");
        // A folder cannot be created below a file, whoever runs the test (root ignores permission bits).
        AssertOneLineUsageError(Run("train", "--preset", TinyPreset(dir), "--out", Path.Combine(dir["file"], "run")), "not writable");
        AssertOneLineUsageError(Run("train", "--preset", TinyPreset(dir), "--out", dir["file"]), "is a file");
        Assert.Equal("keep me", File.ReadAllText(dir["file"]));
    }

    [Fact]
    public void Should_ExitWithUsageError_When_VerbOrOptionIsUnknown()
    {
        AssertOneLineUsageError(Run("frobnicate"), "frobnicate");
        AssertOneLineUsageError(Run("train", "--no-such-option"), "no-such-option");
        AssertOneLineUsageError(Run("train", "--steps", "many"), "many");
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("analyze")]
    [InlineData("score")]
    [InlineData("evolve")]
    [InlineData("experiment", "selectability")]
    [InlineData("experiment", "evolvability")]
    [InlineData("experiment", "generalisation")]
    [InlineData("experiment", "learning")]
    [InlineData("list", "regularizers")]
    [InlineData("genome", "affinity")]
    [InlineData("bench", "develop")]
    [InlineData("weights", "export")]
    [InlineData("weights", "import")]
    [InlineData("weights", "pack")]
    [InlineData("info")]
    [InlineData("presets")]
    public void Should_PrintHelp_When_AskedForAnyVerb(params string[] verb)
    {
        // Option descriptions are Spectre markup: an unescaped bracket such as "[0, 1]" crashes --help.
        var r = Run(verb.Append("--help").ToArray());
        Assert.True(r.Code == 0, r.Output);
        Assert.DoesNotContain("error:", r.Output);
        Assert.Contains("OPTIONS", r.Output);
    }

    [Fact]
    public void Should_ReportVersionsAndDevice_When_Info()
    {
        var r = Run("info");
        Assert.Equal(0, r.Code);
        Assert.Contains("TorchSharp", r.Output);
        Assert.Contains("CUDA available", r.Output);
        Assert.Contains("torch threads", r.Output);
        Assert.Contains("ILGPU cpu", r.Output);       // the accelerators ILGPU sees: the CPU accelerator at least
        Assert.Contains("ILGPU CUDA", r.Output, StringComparison.OrdinalIgnoreCase); // a GPU, or why none is seen
    }

    [Fact]
    public void Should_ListShippedPresets_When_Presets()
    {
        var r = Run("presets");
        Assert.Equal(0, r.Code);
        Assert.Contains("quickstart", r.Output);
        Assert.Contains("sprites-beta-vae", r.Output);
    }
}
