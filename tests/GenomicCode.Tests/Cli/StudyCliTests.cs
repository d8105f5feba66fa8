using System.Text.Json;
using GenomicCode.Studies;
using GenomicCode.Training;
using GenomicCode.Core;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

/// <summary>Study files and helpers shared by the study CLI tests.</summary>
internal static class StudyCli
{
    /// <summary>4 runs (beta 1 and 4, two seeds) of a 3-gene model trained 3 steps, measured by MIG on 100 points.</summary>
    internal static string TinyStudy(TempDir dir, string name = "tiny", string measurements = """[ { "kind": "evaluate", "options": { "metrics": ["mig"], "numTrain": 100, "numTest": 50 } } ]""")
    {
        string path = dir[name + ".json"];
        File.WriteAllText(path, $$"""
            {
              "name": "{{name}}",
              "preset": "quickstart",
              "steps": 3,
              "set": { "model.latentSize": 3, "model.encoder.options.hiddenSize": 32, "model.decoder.options.hiddenSize": 32, "training.batchSize": 8, "training.learningRate": 0.001,
                       "training.checkpointEvery": 2, "training.logEvery": 1, "training.device": "cpu" },
              "grid": [ { "path": "model.regularizer.options.beta", "values": [1, 4] } ],
              "seeds": 2,
              "measurements": {{measurements}}
            }
            """);
        return path;
    }

    /// <summary>Runs <paramref name="action"/> with an environment variable set, restoring it after.</summary>
    internal static T WithVariable<T>(string name, string? value, Func<T> action)
    {
        string? before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        try { return action(); }
        finally { Environment.SetEnvironmentVariable(name, before); }
    }

    /// <summary>A folder of stand-in Slurm commands: each prints <paramref name="output"/> and exits with <paramref name="code"/>.</summary>
    internal static string FakeSlurmBin(TempDir dir, string output, int code, params string[] tools)
    {
        string bin = dir["fake-slurm"];
        Directory.CreateDirectory(bin);
        foreach (string tool in tools)
        {
            string path = Path.Combine(bin, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho '{output}'\nexit {code}\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return bin;
    }

    /// <summary>A folder of stand-in Slurm commands with the given shell bodies.</summary>
    internal static string FakeSlurmBin(TempDir dir, IReadOnlyDictionary<string, string> bodies)
    {
        string bin = dir["fake-slurm"];
        Directory.CreateDirectory(bin);
        foreach (var (tool, body) in bodies)
        {
            string path = Path.Combine(bin, tool);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return bin;
    }

    internal static string[] Csv(string studyFolder) => File.ReadAllLines(Path.Combine(studyFolder, StudyFolder.TableFile));
}

public class StudyCliTests
{
    [Fact]
    public void Should_ListTheRunsAndSayHowTheCostIsEstimated_When_Planning()
    {
        using var dir = new TempDir();
        var r = Run("study", "plan", StudyCli.TinyStudy(dir), "--probe-steps", "0", "--out", dir["s"]);

        Assert.True(r.Code == 0, r.Output);
        foreach (string id in new[] { "000_beta=1_seed=0", "001_beta=1_seed=1", "002_beta=4_seed=0", "003_beta=4_seed=1" }) Assert.Contains(id, r.Output);
        Assert.Contains("4 runs; axes: model.regularizer.options.beta (2) x training.seed (2 seeds)", r.Output);
        Assert.Contains("not measured (--probe-steps 0)", r.Output);
        Assert.Contains("how: seconds per training step on this machine", r.Output);
        Assert.False(Directory.Exists(dir["s"]));
    }

    [Fact]
    public void Should_PrintTheScriptsAndWriteNothing_When_ADryRun()
    {
        using var dir = new TempDir();
        var r = Run("study", "run", StudyCli.TinyStudy(dir), "--executor", "slurm", "--dry-run", "--out", dir["s"], "--partition", "short",
            "--time", "00:10:00", "--mem", "2G", "--gpus", "1", "--slurm-bin", dir["no-slurm-here"]);

        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("#SBATCH --array=0-3\n", r.Output);
        Assert.Contains("#SBATCH --partition=short\n", r.Output);
        Assert.Contains("#SBATCH --gres=gpu:1\n", r.Output);
        Assert.Contains($" study task {dir["s"]} --index \"$index\"", r.Output);
        Assert.Contains($" study report {dir["s"]}\n", r.Output);
        Assert.Contains("sbatch --parsable --dependency=afterany:<array job id>", r.Output);
        Assert.False(Directory.Exists(dir["s"]));
    }

    public static TheoryData<string, string, string> BadStudies => new()
    {
        { "malformed", "{\n  \"name\": \"x\",\n  \"preset\": \"quickstart\"\n  \"grid\": []\n}", "malformed study at line 4" },
        { "unknown preset", """{ "name": "x", "preset": "no-such" }""", "field 'preset': unknown preset 'no-such'" },
        { "unknown metric", """{ "name": "x", "preset": "quickstart", "measurements": [ { "kind": "evaluate", "options": { "metrics": ["mig", "nope"] } } ] }""",
            "field 'measurements[0].options': unknown metric 'nope'; known: beta-vae, factor-vae, mig, dci, sap, modularity." },
        { "unknown kind", """{ "name": "x", "preset": "quickstart", "measurements": [ { "kind": "log-likelihood" } ] }""",
            "unknown measurement 'log-likelihood'; known: evaluate, analyze." },
        { "unknown option", """{ "name": "x", "preset": "quickstart", "measurements": [ { "kind": "analyze", "options": { "populaton": 8 } } ] }""",
            "measurement 'analyze': option 'populaton':" },
        { "bad grid value", """{ "name": "x", "preset": "quickstart", "grid": [ { "path": "training.batchSize", "values": [0] } ] }""",
            "'training.batchSize' = 0 gives an invalid preset: BatchSize must be in [1, 4096], got 0." },
    };

    [Theory]
    [MemberData(nameof(BadStudies))]
    public void Should_GiveOneLineAndWriteNothing_When_TheStudyFileIsBad(string what, string json, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["bad.json"], json);
        foreach (string verb in new[] { "plan", "run" })
        {
            var r = verb == "plan" ? Run("study", "plan", dir["bad.json"], "--probe-steps", "0", "--out", dir["s"]) : Run("study", "run", dir["bad.json"], "--out", dir["s"]);
            AssertOneLineUsageError(r, expected);
            Assert.Contains(dir["bad.json"], r.Output);
            Assert.False(Directory.Exists(dir["s"]), what);
        }
    }

    [Fact]
    public void Should_SayThatSbatchIsMissing_When_SlurmIsNotInstalled()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["empty-bin"]);
        var r = Run("study", "run", StudyCli.TinyStudy(dir), "--executor", "slurm", "--out", dir["s"], "--slurm-bin", dir["empty-bin"]);

        AssertOneLineUsageError(r, "'sbatch' not found in");
        Assert.Contains("or use --executor local", r.Output);
        Assert.False(Directory.Exists(dir["s"]));
    }

    [Fact]
    public void Should_SayThatTheControllerIsUnreachable_When_ScontrolPingFails()
    {
        using var dir = new TempDir();
        string bin = StudyCli.FakeSlurmBin(dir, "Slurmctld(primary) at node1 is DOWN", 1, "sbatch", "squeue", "scontrol");
        var r = Run("study", "run", StudyCli.TinyStudy(dir), "--executor", "slurm", "--out", dir["s"], "--slurm-bin", bin);

        AssertOneLineUsageError(r, "the Slurm controller is unreachable (Slurmctld(primary) at node1 is DOWN); start slurmctld, or set SLURM_CONF");
        Assert.False(Directory.Exists(dir["s"]));
    }

    [Fact]
    public void Should_RemoveTheNewStudyFolder_When_SubmissionFailsAfterTheChecks()
    {
        // sbatch --test-only accepts the job, the real submission is refused.
        using var dir = new TempDir();
        string bin = StudyCli.FakeSlurmBin(dir, new Dictionary<string, string>
        {
            ["scontrol"] = "[ \"$1\" = ping ] && echo 'Slurmctld(primary) at node1 is UP'; exit 0",
            ["squeue"] = "exit 0",
            ["sbatch"] = "[ \"$1\" = --test-only ] && { cat >/dev/null; exit 0; }; echo 'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified' >&2; exit 1",
        });

        var r = Run("study", "run", StudyCli.TinyStudy(dir), "--executor", "slurm", "--out", dir["s"], "--slurm-bin", bin);

        AssertOneLineUsageError(r, "sbatch failed: Batch job submission failed: Invalid account or account/partition combination specified");
        Assert.False(Directory.Exists(dir["s"]));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".s.new-*"));
    }

    [Fact]
    public void Should_RetryAFailedRunOnceAndExitOne_When_ItKeepsFailing()
    {
        // A stand-in tool: `study task DIR --index I ...` records run I as done, except run 1, which always exits 3.
        using var dir = new TempDir();
        File.WriteAllText(dir["fake-task.sh"], """
            dir="$3"; index="$5"
            [ "$index" = 1 ] && { echo "run 1 breaks"; exit 3; }
            run=$(ls -d "$dir"/runs/$(printf %03d "$index")_*)
            printf '{"index": %s, "id": "%s", "state": "done", "attempts": 1, "trained": true}' "$index" "$(basename "$run")" > "$run/study-run.json"
            """);

        var r = Run("study", "run", StudyCli.TinyStudy(dir, measurements: "[]"), "--out", dir["s"], "--parallel", "2", "--no-report",
            "--tool", $"/bin/sh {dir["fake-task.sh"]}");

        Assert.Equal(1, r.Code);
        Assert.Contains("failed 001_beta=1_seed=1 (exit 3: exit code 3); retrying", r.Output);
        Assert.Single(r.Output.Split('\n'), l => l.StartsWith("error: 1 of 4 runs failed (001_beta=1_seed=1); their logs are in ", StringComparison.Ordinal));
        var record = JsonSerializer.Deserialize<StudyRecord>(File.ReadAllText(Path.Combine(dir["s"], "study.json")), JsonSettings.Default)!;
        Assert.Equal(StudyStates.Failed, record.State);
        Assert.Equal(new[] { "done", "failed", "done", "done" }, record.Runs.Select(x => x.State));
        Assert.Equal(2, record.Runs[1].Attempts);
        string log = File.ReadAllText(Path.Combine(dir["s"], "logs", "001_beta=1_seed=1.log"));
        Assert.Equal(2, log.Split("run 1 breaks").Length - 1);
        Assert.Contains("attempt 2: /bin/sh", log);
    }

    [Fact]
    public void Should_RefuseOptionsOfTheOtherExecutor_When_Given()
    {
        using var dir = new TempDir();
        string study = StudyCli.TinyStudy(dir);
        AssertOneLineUsageError(Run("study", "run", study, "--partition", "gpu", "--out", dir["s"]), "--partition applies to --executor slurm");
        AssertOneLineUsageError(Run("study", "run", study, "--executor", "slurm", "--parallel", "2", "--out", dir["s"]), "--parallel applies to --executor local");
        AssertOneLineUsageError(Run("study", "run", study, "--executor", "pbs", "--out", dir["s"]), "--executor must be local or slurm");
        AssertOneLineUsageError(Run("study", "run", study, "--executor", "slurm", "--time", "soon", "--dry-run", "--out", dir["s"]), "Slurm option 'time': 'soon' is not a Slurm time");
        AssertOneLineUsageError(Run("study", "task", dir["s"]), "--index <I> is required");
        AssertOneLineUsageError(Run("study", "report", dir["s"]), "does not exist");
        Assert.False(Directory.Exists(dir["s"]));
    }
}

[Collection(TorchCollection.Name)]
public class StudyLocalTests
{
    [Fact]
    public void Should_RunRetryResumeAndReport_When_RunLocally()
    {
        using var dir = new TempDir();
        string study = StudyCli.TinyStudy(dir);
        string folder = dir["s"];

        // 1. Four runs, two at a time; run 1 fails on its first attempt (test hook) and is retried; the report follows.
        var first = StudyCli.WithVariable(StudyTask.FailOnceVariable, "1", () => Run("study", "run", study, "--out", folder, "--parallel", "2"));
        Assert.True(first.Code == 0, first.Output);
        Assert.Contains("failed 001_beta=1_seed=1 (exit 1: run 001_beta=1_seed=1 failed on purpose", first.Output);
        Assert.Contains("retrying", first.Output);
        Assert.Contains("4 of 4 runs done", first.Output);
        string[] csv = StudyCli.Csv(folder);
        Assert.Equal(5, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Contains(",done,", line));
        var header = csv[0].Split(',');
        Assert.Contains("mig", header);
        Assert.Contains("udr", header);
        Assert.Equal("2", csv[2].Split(',')[Array.IndexOf(header, "attempts")]);
        foreach (string figure in new[] { "mig_by_setting.png", "mig_vs_beta.png", "udr_by_setting.png", "metric_rank_correlation.png" })
            Assert.True(File.Exists(Path.Combine(folder, "figures", figure)), $"missing {figure}");
        var record = JsonSerializer.Deserialize<StudyRecord>(File.ReadAllText(Path.Combine(folder, "study.json")), JsonSettings.Default)!;
        Assert.Equal(StudyStates.Done, record.State);
        Assert.Equal(4, record.Report!.Done);
        Assert.Equal(2, record.Runs[1].Attempts);

        // 2. Again: everything is done, nothing runs.
        var again = Run("study", "run", study, "--out", folder, "--parallel", "2", "--no-report");
        Assert.True(again.Code == 0, again.Output);
        Assert.Contains("4 already done, 0 to run", again.Output);

        // 3. A run interrupted after training (its record says running, no measurement yet) resumes from its checkpoint.
        string run0 = Path.Combine(folder, "runs", "000_beta=1_seed=0");
        var runRecord = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(Path.Combine(run0, "study-run.json")), JsonSettings.Default)!;
        File.WriteAllText(Path.Combine(run0, "study-run.json"), JsonSerializer.Serialize(runRecord with { State = StudyStates.Running, Trained = false, Measurements = new() }, JsonSettings.Default));
        var resumed = Run("study", "run", study, "--out", folder, "--parallel", "2", "--no-report");
        Assert.True(resumed.Code == 0, resumed.Output);
        Assert.Contains("3 already done, 1 to run", resumed.Output);
        string log = File.ReadAllText(Path.Combine(folder, "logs", "000_beta=1_seed=0.log"));
        Assert.Contains("resuming", log);
        Assert.Equal(new long[] { 1, 2, 3 }, MetricsLog.ReadLoss(Path.Combine(run0, "metrics.jsonl")).Select(l => l.Step));
        Assert.Equal(3, Checkpoint.ReadHeader(Path.Combine(run0, "checkpoint.bin")).Step);

        // 4. A partial study reports what is done and names what is missing.
        File.Delete(Path.Combine(folder, "runs", "003_beta=4_seed=1", "study-run.json"));
        var partial = Run("study", "report", folder, "--no-udr");
        Assert.True(partial.Code == 0, partial.Output);
        Assert.Contains("3 of 4 runs done; missing: 003_beta=4_seed=1 (planned)", partial.Output);
        Assert.Contains(",003_beta=4_seed=1,", StudyCli.Csv(folder)[4]);
    }

    [Fact]
    public void Should_RefuseAFolderHoldingAnotherPlan_AndLeaveItIntact()
    {
        using var dir = new TempDir();
        var made = StudyFolder.CreateOrResume(StudyFile.Load(StudyCli.TinyStudy(dir, measurements: "[]"), Array.Empty<IRunMeasurement>()), dir["s"], out _);
        string before = File.ReadAllText(made.File("study.json"));
        File.WriteAllText(dir["other.json"], File.ReadAllText(dir["tiny.json"]).Replace("[1, 4]", "[2, 4]"));

        var r = Run("study", "run", dir["other.json"], "--out", dir["s"]);

        AssertOneLineUsageError(r, "holds another plan (run 0 is '000_beta=1_seed=0' there, '000_beta=2_seed=0' in the study file)");
        Assert.Equal(before, File.ReadAllText(made.File("study.json")));
    }
}
