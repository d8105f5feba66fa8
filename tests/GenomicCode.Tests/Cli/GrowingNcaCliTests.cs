using System.Text.Json;
using GenomicCode.Runs;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class GrowingNcaCliTests
{
    [Fact]
    public void Should_WriteARunFolderAndRegenerate_When_TrainingAGrowingNcaPreset()
    {
        using var dir = new TempDir();
        string run = CliHarness.TrainTinyGrowingNcaRun(dir);
        foreach (string f in new[] { "config.json", "environment.json", "metrics.jsonl", "checkpoint.bin", "growth.png", "loss.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.True(RunFolder.OpenExisting(run).ReadConfig().IsGrowingNca);

        var r = CliHarness.Run("experiment", "regenerate", "--run", run, "--organisms", "2", "--grow-steps", "3", "--recovery-steps", "3", "--seed", "4");
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("loss before damage", r.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "regenerate.json")));
        Assert.Equal(4, json.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("organisms").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(run, "regenerate_strips.png")));

        // And the genome VAE verbs refuse it in one line
        CliHarness.AssertOneLineUsageError(CliHarness.Run("evaluate", "--run", run), "experiment regenerate");
        Assert.Contains("regenerate", CliHarness.Run("list", "experiments").Output);
    }

    [Fact]
    public void Should_NameTheFetchCommand_When_TheEmojiDataSetIsMissing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["p.json"], CliHarness.TinyGrowingNcaPreset(null));
        var r = CliHarness.Run("train", "--preset", dir["p.json"], "--out", dir["run"], "--data-dir", dir["empty-cache"]);
        CliHarness.AssertOneLineUsageError(r, "genomic-code data get emoji");
        Assert.False(Directory.Exists(dir["run"]));
    }

    [Fact]
    public void Should_GiveOneLine_When_RegenerateGetsAGenomeVaeRun()
    {
        using var dir = new TempDir();
        string run = CliHarness.TrainTinyRun(dir);
        var r = CliHarness.Run("experiment", "regenerate", "--run", run);
        CliHarness.AssertOneLineUsageError(r, "not a Growing NCA");
        Assert.False(File.Exists(Path.Combine(run, "regenerate.json")));
    }

    [Fact]
    public void Should_GiveOneLine_When_AGenomeVaeOptionMeetsAGrowingNcaPreset()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["p.json"], CliHarness.TinyGrowingNcaPreset(dir["missing.png"]));
        CliHarness.AssertOneLineUsageError(CliHarness.Run("train", "--preset", dir["p.json"], "--beta", "4", "--out", dir["run"]), "--beta applies to genome VAE presets");
        CliHarness.AssertOneLineUsageError(CliHarness.Run("train", "--preset", dir["p.json"], "--out", dir["run"]), "growingNca.image");
        Assert.False(Directory.Exists(dir["run"]));
    }
}
