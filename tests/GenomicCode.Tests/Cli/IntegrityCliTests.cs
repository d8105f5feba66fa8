using System.Security.Cryptography;
using GenomicCode.Core;
using GenomicCode.Runs;
using GenomicCode.Tests.Core;
using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

/// <summary>One tiny trained run (6 steps, checkpoints at 3 and 6), copied by each test that damages it.</summary>
public sealed class TinyRunFixture : IDisposable
{
    private readonly TempDir dir = new();

    /// <summary>Trains the run.</summary>
    public TinyRunFixture()
    {
        Preset = dir["tiny.json"];
        File.WriteAllText(Preset, """
            {
              "name": "tiny",
              "model": { "latentSize": 3, "hiddenSize": 32 },
              "training": { "steps": 6, "batchSize": 4, "learningRate": 0.001, "checkpointEvery": 3, "logEvery": 1, "device": "cpu" }
            }
            """);
        var r = Run("train", "--preset", Preset, "--out", dir["run"]);
        if (r.Code != 0) throw new InvalidOperationException(r.Output);
    }

    /// <summary>The preset file.</summary>
    public string Preset { get; }

    /// <summary>A fresh copy of the run folder inside <paramref name="target"/>.</summary>
    public string CopyTo(TempDir target, string name = "run")
    {
        string to = target[name];
        Directory.CreateDirectory(to);
        foreach (string f in Directory.EnumerateFiles(dir["run"])) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        return to;
    }

    /// <inheritdoc />
    public void Dispose() => dir.Dispose();
}

[Collection(TorchCollection.Name)]
public class IntegrityCliTests(TinyRunFixture tiny) : IClassFixture<TinyRunFixture>
{
    /// <summary>Every file of a folder and its SHA-256, to show that nothing changed.</summary>
    private static SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    public enum Damage { FlippedBytes, Truncated, Foreign }

    private static void Apply(Damage damage, string checkpoint)
    {
        byte[] bytes = File.ReadAllBytes(checkpoint);
        switch (damage)
        {
            case Damage.FlippedBytes:
                var rng = new Random(17);
                for (int i = 0; i < 200; i++) bytes[bytes.Length / 3 + rng.Next(bytes.Length / 2)] ^= 0xFF;
                File.WriteAllBytes(checkpoint, bytes);
                break;
            case Damage.Truncated:
                File.WriteAllBytes(checkpoint, bytes[..(bytes.Length * 2 / 3)]);
                break;
            case Damage.Foreign:
                File.WriteAllBytes(checkpoint, System.Text.Encoding.UTF8.GetBytes("{\"not\": \"a checkpoint\"}"));
                break;
        }
    }

    public static TheoryData<Damage, string> Verbs()
    {
        var data = new TheoryData<Damage, string>();
        foreach (var d in Enum.GetValues<Damage>())
            foreach (string verb in new[] { "train", "evaluate", "analyze", "evolve", "weights-export" })
                data.Add(d, verb);
        return data;
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Should_ExitWithOneLineAndChangeNothing_When_TheCheckpointIsDamaged(Damage damage, string verb)
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        Apply(damage, Path.Combine(run, RunFolder.CheckpointFile));
        var before = Snapshot(dir.Path);
        string[] args = verb switch
        {
            "train" => new[] { "train", "--out", run, "--resume", "--steps", "9" },
            "evaluate" => new[] { "evaluate", "--run", run, "--metrics", "mig", "--num-train", "50", "--num-test", "20" },
            "analyze" => new[] { "analyze", "--run", run },
            "evolve" => new[] { "evolve", "--run", run, "--target", "5", "--generations", "2" },
            _ => new[] { "weights", "export", "--run", run, "--out", dir["w.safetensors"] },
        };
        var r = Run(args);
        string expected = damage switch
        {
            Damage.FlippedBytes => "is damaged (section '",
            Damage.Truncated => "is truncated (",
            _ => "is not a GenomicCode checkpoint",
        };
        AssertOneLineUsageError(r, expected);
        if (damage != Damage.Foreign) Assert.Contains("the previous checkpoint (step 3) is intact: use it with `mv ", r.Output);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void Should_ResumeFromThePreviousCheckpoint_When_TheAdviceIsFollowed()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        string checkpoint = Path.Combine(run, RunFolder.CheckpointFile);
        Apply(Damage.FlippedBytes, checkpoint);
        File.Move(Path.Combine(run, RunFolder.PreviousCheckpointFile), checkpoint, overwrite: true);
        var r = Run("train", "--out", run, "--resume", "--steps", "6");
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("at step 3", r.Output);
    }

    [Fact]
    public void Should_RefuseAnEditedConfig_When_Resuming()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        string config = Path.Combine(run, RunFolder.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"batchSize\": 4", "\"batchSize\": 5"));
        var before = Snapshot(dir.Path);
        AssertOneLineUsageError(Run("train", "--out", run, "--resume", "--steps", "9"), "config.json does not match its checksum");
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void Should_RefuseStepsBelowTheCheckpoint_And_LeaveTheConfig()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        var before = Snapshot(dir.Path);
        AssertOneLineUsageError(Run("train", "--out", run, "--resume", "--steps", "2"), "is at step 6, past the 2 steps asked for; give --steps 6 or more");
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void Should_RestartWithoutForce_When_TheRunStoppedBeforeItsFirstCheckpoint()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        foreach (string f in Directory.EnumerateFiles(run).Where(f => !f.EndsWith("config.json", StringComparison.Ordinal))) File.Delete(f);
        var resumed = Run("train", "--out", run, "--resume", "--steps", "2");
        Assert.True(resumed.Code == 0, resumed.Output);
        Assert.Contains("has no checkpoint yet (stopped before its first): training from step 0", resumed.Output);
        File.Delete(Path.Combine(run, RunFolder.CheckpointFile));
        File.Delete(Path.Combine(run, RunFolder.PreviousCheckpointFile));
        var plain = Run("train", "--preset", tiny.Preset, "--out", run, "--steps", "2");
        Assert.True(plain.Code == 0, plain.Output);
        Assert.Equal(2, GenomicCode.Training.Checkpoint.ReadHeader(Path.Combine(run, RunFolder.CheckpointFile)).Step);
    }

    [Fact]
    public void Should_RefuseBeforeTheFirstStepAndLeaveNothing_When_TheDiskIsTooSmall()
    {
        using var dir = new TempDir();
        DiskFaults.FreeBytes = 200 * 1024;
        (int Code, string Output) r;
        try { r = Run("train", "--preset", tiny.Preset, "--out", dir["run"]); }
        finally { DiskFaults.FreeBytes = null; }
        AssertOneLineUsageError(r, "not enough free space for training into '");
        Assert.Contains("has 200.0 KB free; free some space or choose another folder.", r.Output);
        Assert.DoesNotContain("step 1", r.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Should_RefuseBeforeTheFirstStepAndLeaveNothing_When_TrainingIntoARealFullTmpfs()
    {
        using var mount = SmallTmpfs.TryMount(200);
        Assert.SkipWhen(mount is null, "needs root and tmpfs (mount -t tmpfs -o size=200k)");
        string run = Path.Combine(mount!.Path, "run");
        var r = Run("train", "--preset", tiny.Preset, "--out", run);
        AssertOneLineUsageError(r, $"not enough free space for training into '{run}' (");
        Assert.Contains($"'{mount.Path}' has 200.0 KB free; free some space or choose another folder.", r.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(mount.Path));
    }

    [Fact]
    public void Should_KeepThePreviousCheckpointAndLeaveNoTemporary_When_TheDiskFillsWhileWritingOne()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        string checkpoint = Path.Combine(run, RunFolder.CheckpointFile);
        byte[] before = File.ReadAllBytes(checkpoint);
        DiskFaults.FailAfterBytes = 100_000; // config.json fits, the checkpoint does not
        (int Code, string Output) r;
        try { r = Run("train", "--out", run, "--resume", "--steps", "9"); }
        finally { DiskFaults.FailAfterBytes = null; }
        AssertOneLineUsageError(r, $"cannot write '{checkpoint}': the disk is full; free some space or choose another folder");
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp*"));
        Assert.Empty(Directory.EnumerateFiles(run, ".*"));
    }

    [Fact]
    public void Should_RefuseAnUnwritableJsonTarget_BeforeScoring()
    {
        Assert.SkipUnless(Directory.Exists("/proc/self"), "needs Linux /proc");
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 40).Select(i => $"{i % 4},{i / 4 % 2}").ToArray();
        File.WriteAllLines(dir["f.csv"], rows);
        File.WriteAllLines(dir["c.csv"], rows);
        var r = Run("score", "--codes", dir["c.csv"], "--factors", dir["f.csv"], "--json", "/proc/forbidden/scores.json");
        AssertOneLineUsageError(r, "cannot write --json '/proc/forbidden/scores.json': folder '/proc' is not writable");
        Assert.DoesNotContain("scored", r.Output); // refused before any metric ran
        Assert.DoesNotContain(".tmp", r.Output);
    }

    [Fact]
    public void Should_WriteReportsWithTheirChecksum_When_Evaluating()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        var r = Run("evaluate", "--run", run, "--metrics", "mig", "--num-train", "50", "--num-test", "20");
        Assert.True(r.Code == 0, r.Output);
        string json = File.ReadAllText(Path.Combine(run, "evaluation.json"));
        Assert.Contains("\"_integrity\"", json);
        Assert.Contains("\"mig\"", IntegrityJson.Verify(json, "evaluation.json"));
    }

    [Fact]
    public void Should_RefuseADamagedExport_When_ImportingIt()
    {
        using var dir = new TempDir();
        string run = tiny.CopyTo(dir);
        Assert.Equal(0, Run("weights", "export", "--run", run, "--out", dir["w.safetensors"]).Code);
        byte[] bytes = File.ReadAllBytes(dir["w.safetensors"]);
        bytes[^100] ^= 0x01;
        File.WriteAllBytes(dir["w.safetensors"], bytes);
        var r = Run("weights", "import", "--run", run, "--weights", dir["w.safetensors"], "--out", dir["imported"]);
        AssertOneLineUsageError(r, $"'{dir["w.safetensors"]}' is damaged or truncated: its tensor data fail their checksum; write it again with `genomic-code weights export`.");
        Assert.False(Directory.Exists(dir["imported"]));
    }
}
