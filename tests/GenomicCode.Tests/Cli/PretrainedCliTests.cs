using System.Text.Json;
using GenomicCode.Experiments;
using GenomicCode.Numerics;
using GenomicCode.Runs;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class PretrainedCliTests
{
    private static readonly string[] Metric = { "--metrics", "mig", "--num-train", "60", "--num-test", "20" };

    private static double Mig(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunFolder.EvaluationFile))).RootElement.GetProperty("mig").GetDouble();

    /// <summary>A tiny run (seed 0) and a replicate (seed 7), both evaluated.</summary>
    private static (string Run, string Replicate) TwoEvaluatedRuns(TempDir dir)
    {
        string run = TrainTinyRun(dir);
        var other = Run("train", "--preset", dir["tiny.json"], "--seed", "7", "--out", dir["other"]);
        Assert.True(other.Code == 0, other.Output);
        foreach (string r in new[] { run, dir["other"] })
        {
            var e = Run(["evaluate", "--run", r, .. Metric]);
            Assert.True(e.Code == 0, e.Output);
        }
        return (run, dir["other"]);
    }

    [Fact]
    public void Should_ServeAsARunWithTheSameWeightsAndScores_When_Packed()
    {
        using var dir = new TempDir();
        var (run, replicate) = TwoEvaluatedRuns(dir);
        string packed = dir["pretrained"];
        var r = Run("weights", "pack", "--run", run, "--replicates", replicate, "--out", packed, "--description", "a tiny VAE");
        Assert.True(r.Code == 0, r.Output);

        Assert.False(File.Exists(Path.Combine(packed, RunFolder.CheckpointFile)));      // weights only, no optimiser state
        foreach (string f in new[] { PretrainedWeights.WeightsFile, RunFolder.ConfigFile, RunFolder.EvaluationFile, PretrainedModel.CardFile, PretrainedModel.CardMarkdownFile })
            Assert.True(File.Exists(Path.Combine(packed, f)), f);

        using (var source = TrainedRun.Load(run, "cpu"))
        using (var loaded = TrainedRun.Load(packed, "cpu"))
        {
            Assert.Equal(source.Header.Step, loaded.Header.Step);
            Assert.Equal(source.Header.Seed, loaded.Header.Seed);
            var expected = source.Model.state_dict();
            foreach (var (name, tensor) in loaded.Model.state_dict())
                Assert.Equal(expected[name].data<float>().ToArray(), tensor.data<float>().ToArray());
        }

        // The card: this run's score, and the mean and t interval over the two seeds.
        double a = Mig(run), b = Mig(replicate);
        var card = PretrainedModel.ReadCard(packed);
        Assert.Equal(new long[] { 0, 7 }, card.SettingSeeds);
        Assert.Equal(a, card.Metrics["mig"]);
        var interval = card.SettingMetrics["mig"];
        Assert.Equal((a + b) / 2, interval.Mean, 12);
        Assert.Equal(Statistics.TInterval(new[] { a, b }).Upper, interval.Upper, 12);
        Assert.Contains($"| mig | {a:F3} |", File.ReadAllText(Path.Combine(packed, PretrainedModel.CardMarkdownFile)));

        // Evaluating the packed model measures what the run measured (same weights, same evaluation seed).
        File.Delete(Path.Combine(packed, RunFolder.EvaluationFile));
        var again = Run(["evaluate", "--run", packed, .. Metric]);
        Assert.True(again.Code == 0, again.Output);
        Assert.Equal(a, Mig(packed), 12);
    }

    [Fact]
    public void Should_GiveOneLine_When_APretrainedModelIsMissingOrDamaged()
    {
        using var dir = new TempDir();
        var (run, _) = TwoEvaluatedRuns(dir);
        string packed = dir["pretrained"];
        Assert.Equal(0, Run("weights", "pack", "--run", run, "--out", packed, "--description", "a tiny VAE").Code);

        AssertOneLineUsageError(Run(["evaluate", "--run", dir["no-such-model"], .. Metric]), "does not exist");

        string weights = Path.Combine(packed, PretrainedWeights.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^5] ^= 0x40;                                   // one flipped bit in the tensor data
        File.WriteAllBytes(weights, bytes);
        AssertOneLineUsageError(Run(["evaluate", "--run", packed, .. Metric]), "fail their checksum");

        File.Delete(weights);
        AssertOneLineUsageError(Run(["evaluate", "--run", packed, .. Metric]), "has no checkpoint.bin (nor the model.safetensors");
    }

    [Fact]
    public void Should_RefuseAndWriteNothing_When_PackingAnUnevaluatedRunOrReplicatesOfTheSameSeed()
    {
        using var dir = new TempDir();
        string run = TrainTinyRun(dir);
        AssertOneLineUsageError(Run("weights", "pack", "--run", run, "--out", dir["p"], "--description", "x"), "has no evaluation.json");
        Assert.False(Directory.Exists(dir["p"]));

        Assert.Equal(0, Run(["evaluate", "--run", run, .. Metric]).Code);
        CopyFolder(run, dir["copy"]);
        AssertOneLineUsageError(Run("weights", "pack", "--run", run, "--replicates", dir["copy"], "--out", dir["p"], "--description", "x"), "share seed 0");
        Assert.False(Directory.Exists(dir["p"]));

        Directory.CreateDirectory(dir["p"]);
        File.WriteAllText(Path.Combine(dir["p"], "keep.txt"), "keep me");
        AssertOneLineUsageError(Run("weights", "pack", "--run", run, "--out", dir["p"], "--description", "x"), "--force");
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(dir["p"], "keep.txt")));
        AssertOneLineUsageError(Run("weights", "pack", "--run", run, "--out", dir["q"]), "--description");
    }

    [Fact]
    public void Should_NameTheModelsThereAndTheFix_When_APretrainedModelIsNotFoundByName()
    {
        using var dir = new TempDir();
        string root = dir["pretrained"];
        Directory.CreateDirectory(Path.Combine(root, "kept"));
        File.WriteAllText(Path.Combine(root, "kept", PretrainedWeights.WeightsFile), "");
        Directory.CreateDirectory(Path.Combine(root, "no-weights"));
        string? before = Environment.GetEnvironmentVariable(PretrainedModels.FolderVariable);
        try
        {
            Environment.SetEnvironmentVariable(PretrainedModels.FolderVariable, root);
            Assert.Equal(new[] { "kept" }, PretrainedModels.Names());
            Assert.Equal(Path.Combine(root, "kept"), PretrainedModels.Folder("kept"));
            var missing = Assert.Throws<GenomicCode.Core.UserInputException>(() => PretrainedModels.Folder("sprites-nothing"));
            Assert.Contains("no pretrained model 'sprites-nothing'", missing.Message);
            Assert.Contains("there are: kept.", missing.Message);
            Assert.Contains("not a pretrained model name", Assert.Throws<GenomicCode.Core.UserInputException>(() => PretrainedModels.Folder("../kept")).Message);

            Environment.SetEnvironmentVariable(PretrainedModels.FolderVariable, dir["nowhere"]);
            Assert.Contains(PretrainedModels.FolderVariable, Assert.Throws<GenomicCode.Core.UserInputException>(() => PretrainedModels.Folder("kept")).Message);
            Assert.Empty(PretrainedModels.Names());
        }
        finally
        {
            Environment.SetEnvironmentVariable(PretrainedModels.FolderVariable, before);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
