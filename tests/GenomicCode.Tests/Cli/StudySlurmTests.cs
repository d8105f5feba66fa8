using System.Diagnostics;
using System.Text.Json;
using GenomicCode.Studies;
using GenomicCode.Core;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

/// <summary>
/// A real single-node Slurm (slurmctld, slurmd and munged on the loopback address) started by scripts/slurm/start.sh
/// for the tests that need one and stopped by scripts/slurm/stop.sh afterwards. Where Slurm is not installed (or we
/// are not root) the tests are skipped with the reason, unless GENOMICCODE_REQUIRE_SLURM=1 (CI), where that fails.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    /// <summary>Set to 1 where a missing Slurm must fail the tests instead of skipping them.</summary>
    public const string RequireVariable = "GENOMICCODE_REQUIRE_SLURM";

    private readonly string? state;

    /// <summary>Starts Slurm when it is installed; otherwise records why not.</summary>
    public SlurmCluster()
    {
        string? missing = new[] { "munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo" }.FirstOrDefault(t => Which(t) is null);
        string? scripts = Scripts();
        if (missing is not null) { Unavailable = $"Slurm is not installed ('{missing}' not found; apt-get install -y slurm-wlm munge)"; return; }
        if (scripts is null) { Unavailable = "scripts/slurm/start.sh not found above the test folder"; return; }
        if (Environment.UserName != "root") { Unavailable = "the single-node Slurm needs root (slurmd starts jobs as the submitting user)"; return; }
        state = Path.Combine(Path.GetTempPath(), "genomiccode-slurm-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, output) = Shell(Path.Combine(scripts, "start.sh"), state);
        string? conf = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("SLURM_CONF=", StringComparison.Ordinal))?["SLURM_CONF=".Length..];
        if (code != 0 || conf is null)
        {
            Unavailable = $"scripts/slurm/start.sh failed (exit {code}): {output.ReplaceLineEndings(" ")}";
            Shell(Path.Combine(scripts, "stop.sh"), state);
            state = null;
            return;
        }
        Conf = conf;
        ScriptsFolder = scripts;
    }

    /// <summary>The slurm.conf of the running cluster.</summary>
    public string? Conf { get; }

    /// <summary>Why no cluster runs; null when one does.</summary>
    public string? Unavailable { get; }

    private string? ScriptsFolder { get; }

    /// <summary>Skips the calling test when no cluster runs, or fails it where Slurm is required.</summary>
    public void Require()
    {
        if (Unavailable is null) return;
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1") Assert.Fail($"{RequireVariable}=1 but {Unavailable}.");
        Assert.Skip($"needs Slurm: {Unavailable}.");
    }

    /// <summary>Stops the daemons and removes the state folder.</summary>
    public void Dispose()
    {
        if (state is not null && ScriptsFolder is not null) Shell(Path.Combine(ScriptsFolder, "stop.sh"), state);
    }

    internal static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(new[] { "/usr/sbin", "/sbin", "/usr/bin" })
        .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static string? Scripts()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "scripts", "slurm");
            if (File.Exists(Path.Combine(candidate, "start.sh"))) return candidate;
        }
        return null;
    }

    private static (int Code, string Output) Shell(string script, string argument)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(argument);
        // The daemons live in /usr/sbin, which a test host's PATH may lack.
        info.Environment["PATH"] = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90))) { p.Kill(entireProcessTree: true); return (124, "timed out"); }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}

[Collection(TorchCollection.Name)]
public class StudySlurmTests(SlurmCluster cluster) : IClassFixture<SlurmCluster>
{
    [Fact]
    public void Should_RunAStudyThroughRealSlurmAndResubmitTheFailedTask_When_ExecutorIsSlurm()
    {
        cluster.Require();
        using var dir = new TempDir();
        string folder = dir["s"];

        // 4 array tasks; task 2 fails on its first attempt (test hook) and is resubmitted; the gathering job reports.
        var r = StudyCli.WithVariable(StudyTask.FailOnceVariable, "2", () =>
            Run("study", "run", StudyCli.TinyStudy(dir), "--executor", "slurm", "--out", folder, "--slurm-conf", cluster.Conf!, "--poll", "1", "--time", "00:05:00"));

        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("ended FAILED: run 002_beta=4_seed=0 failed on purpose", r.Output);
        Assert.Contains("resubmitted array job", r.Output);
        var record = JsonSerializer.Deserialize<StudyRecord>(File.ReadAllText(Path.Combine(folder, "study.json")), JsonSettings.Default)!;
        Assert.Equal(StudyStates.Done, record.State);
        Assert.All(record.Runs, run => Assert.Equal(StudyStates.Done, run.State));
        Assert.Equal(new[] { 0, 0, 1, 0 }, record.Runs.Select(x => x.Resubmits));
        Assert.Equal(new[] { "array", "gather", "array" }, record.Jobs.Select(j => j.Kind));
        Assert.Equal("COMPLETED", record.Jobs[1].State);
        Assert.Equal(record.Jobs.Where(j => j.Kind == "array").Select(j => j.Id), record.Jobs[1].DependsOn);
        // The gathering job ran `study report`: the table holds the four runs, the figures are there.
        Assert.NotNull(record.Report);
        Assert.Equal(4, record.Report!.Done);
        string[] csv = StudyCli.Csv(folder);
        Assert.Equal(5, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Contains(",done,", line));
        Assert.True(File.Exists(Path.Combine(folder, "figures", "mig_by_setting.png")));
        Assert.True(File.Exists(Path.Combine(folder, "logs", $"slurm-{record.Jobs[2].Id}_2.out")));
    }

    [Fact]
    public void Should_GiveOneLineAndWriteNothing_When_TheControllerDoesNotAnswer()
    {
        cluster.Require();
        using var dir = new TempDir();
        // The running cluster's configuration pointed at a port nobody listens on.
        string dead = dir["dead.conf"];
        File.WriteAllLines(dead, File.ReadAllLines(cluster.Conf!).Select(l => l.StartsWith("SlurmctldPort=", StringComparison.Ordinal) ? "SlurmctldPort=9" : l));

        var r = Run("study", "run", StudyCli.TinyStudy(dir), "--executor", "slurm", "--out", dir["s"], "--slurm-conf", dead);

        AssertOneLineUsageError(r, "the Slurm controller is unreachable");
        Assert.False(Directory.Exists(dir["s"]));
    }
}
