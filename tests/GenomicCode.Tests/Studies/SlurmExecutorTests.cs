using GenomicCode.Core;
using GenomicCode.Studies;

using static GenomicCode.Tests.Studies.StudyFiles;

namespace GenomicCode.Tests.Studies;

/// <summary>
/// A scheduler in memory: each look at the queue moves pending tasks to running and running tasks to their end,
/// running the study task in-process (or failing it as told); a gathering job ends once what it waits for has ended.
/// </summary>
internal sealed class FakeSlurm(StudyFolder folder) : ISlurmClient
{
    private int nextId = 100;
    private readonly Dictionary<string, string> states = new(StringComparer.Ordinal);          // JOB or ARRAY_TASK -> state
    private readonly Dictionary<string, int> taskIndex = new(StringComparer.Ordinal);          // ARRAY_TASK -> grid index
    private readonly Dictionary<string, List<string>> gatherDeps = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> executions = new();
    private readonly Dictionary<string, int> looks = new(StringComparer.Ordinal);

    public List<(string Script, List<string> Arguments)> Submissions { get; } = new();

    public List<(string Job, string Dependency)> DependencyUpdates { get; } = new();

    /// <summary>Grid index -> how many of its first executions fail.</summary>
    public Dictionary<int, int> Failures { get; } = new();

    public int MaxArray { get; init; } = 1001;

    public bool ForgetEndedJobs { get; init; }

    public bool RefuseDependencyUpdates { get; init; }

    public void CheckReady() { }

    public void TestSubmit(string script, IReadOnlyList<string> arguments) { }

    public int MaxArraySize() => MaxArray;

    public string Submit(string scriptPath, IReadOnlyList<string> arguments)
    {
        string id = (nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Submissions.Add((Path.GetFileName(scriptPath), arguments.ToList()));
        string? array = arguments.FirstOrDefault(a => a.StartsWith("--array=", StringComparison.Ordinal))?["--array=".Length..];
        if (array is not null)
        {
            int offset = int.Parse(arguments.First(a => a.StartsWith("--export=", StringComparison.Ordinal)).Split('=').Last(), System.Globalization.CultureInfo.InvariantCulture);
            foreach (int t in SlurmCommands.ExpandIndices(array))
            {
                states[$"{id}_{t}"] = "PENDING";
                taskIndex[$"{id}_{t}"] = offset + t;
            }
        }
        else
        {
            states[id] = "PENDING";
            string? dep = arguments.FirstOrDefault(a => a.StartsWith("--dependency=afterany:", StringComparison.Ordinal));
            gatherDeps[id] = dep is null ? new List<string>() : dep["--dependency=afterany:".Length..].Split(':').ToList();
        }
        return id;
    }

    public bool UpdateDependency(string jobId, string dependency)
    {
        DependencyUpdates.Add((jobId, dependency));
        if (RefuseDependencyUpdates || states.GetValueOrDefault(jobId) != "PENDING") return false;
        gatherDeps[jobId] = dependency["afterany:".Length..].Split(':').ToList();
        return true;
    }

    public IReadOnlyDictionary<string, string> States(IReadOnlyCollection<string> jobIds)
    {
        Tick();
        return states.Where(kv => jobIds.Contains(kv.Key.Split('_')[0]))
            .Where(kv => !ForgetEndedJobs || kv.Value is "PENDING" or "RUNNING")
            .ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    /// <summary>A task fails on the look after it starts (like a bad input), and succeeds on the look after that.</summary>
    private void Tick()
    {
        foreach (string key in states.Keys.ToList())
        {
            if (!taskIndex.TryGetValue(key, out int index)) continue;
            if (states[key] == "PENDING") { states[key] = "RUNNING"; looks[key] = 0; continue; }
            if (states[key] != "RUNNING") continue;
            bool fails = executions.GetValueOrDefault(index) < Failures.GetValueOrDefault(index);
            if (fails) { Execute(index); states[key] = "FAILED"; }
            else if (++looks[key] == 2) { Execute(index); states[key] = "COMPLETED"; }
        }
        foreach (var (gather, deps) in gatherDeps)
        {
            bool ended = states.Where(kv => deps.Contains(kv.Key.Split('_')[0])).All(kv => kv.Value is "COMPLETED" or "FAILED");
            if (states[gather] == "PENDING" && ended) states[gather] = "RUNNING";
            else if (states[gather] == "RUNNING") states[gather] = "COMPLETED";
        }
    }

    private bool Execute(int index)
    {
        int n = executions[index] = executions.GetValueOrDefault(index) + 1;
        if (n <= Failures.GetValueOrDefault(index))
        {
            var entry = folder.Read().Runs[index];
            folder.WriteRun(entry, new RunRecord { Index = index, Id = entry.Id, State = StudyStates.Failed, Attempts = n, Error = "out of memory." });
            return false;
        }
        StudyTask.Run(folder, index, new NoTraining(), new[] { new FakeMeasurement("fake") }, 1, _ => { }, default);
        return true;
    }

    private sealed class NoTraining : IRunTrainer
    {
        public void Train(string runFolder, string presetFile, CancellationToken cancellationToken) { }
    }
}

public class SlurmExecutorTests
{
    private static readonly ToolCommand Tool = new("/opt/gc/genomic-code", Array.Empty<string>());

    private static (StudyFolder Folder, List<string> Log) NewStudy(TempDir dir)
    {
        var folder = StudyFolder.CreateOrResume(Parse(Mini), dir["study"], out _);
        return (folder, new List<string>());
    }

    private static SlurmOutcome Run(StudyFolder folder, FakeSlurm slurm, List<string> log, int maxResubmits = 2, bool follow = true) =>
        new SlurmExecutor(folder, Tool, slurm, new SlurmRunOptions(new SlurmOptions { CpusPerTask = 1 }, maxResubmits, TimeSpan.Zero, follow), log.Add).Run(default);

    [Fact]
    public void Should_ResubmitTheFailedTaskAndMoveTheGatherDependency_When_ATaskFails()
    {
        using var dir = new TempDir();
        var (folder, log) = NewStudy(dir);
        var slurm = new FakeSlurm(folder) { Failures = { [2] = 1 } };

        var outcome = Run(folder, slurm, log);

        Assert.Equal(4, outcome.Done);
        Assert.Empty(outcome.Failed);
        Assert.Equal("COMPLETED", outcome.GatherState);
        Assert.Equal(new[] { "study.sbatch", "gather.sbatch", "study.sbatch" }, slurm.Submissions.Select(s => s.Script));
        Assert.Equal(new[] { "--array=0-3", "--export=ALL,GENOMICCODE_STUDY_OFFSET=0" }, slurm.Submissions[0].Arguments);
        Assert.Equal(new[] { "--dependency=afterany:100" }, slurm.Submissions[1].Arguments);
        Assert.Equal("--array=2", slurm.Submissions[2].Arguments[0]);
        Assert.Equal(("101", "afterany:100:102"), slurm.DependencyUpdates.Single());
        var record = folder.Read();
        Assert.Equal(StudyStates.Done, record.State);
        Assert.Equal(new[] { 0, 0, 1, 0 }, record.Runs.Select(r => r.Resubmits));
        Assert.Equal("102_2", record.Runs[2].Job);
        Assert.Equal(new[] { "array", "gather", "array" }, record.Jobs.Select(j => j.Kind));
        Assert.Equal(new[] { "100", "102" }, record.Jobs[1].DependsOn);
        Assert.Equal("COMPLETED:3 FAILED:1", record.Jobs[0].State);
        Assert.Contains(log, l => l.Contains("ended FAILED: out of memory; resubmitting (1/2)", StringComparison.Ordinal));
        Assert.True(File.ReadAllText(folder.File("study.sbatch")).Contains("study task", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_GiveUpOnARun_When_ItFailsMoreOftenThanTheLimit()
    {
        using var dir = new TempDir();
        var (folder, log) = NewStudy(dir);
        var slurm = new FakeSlurm(folder) { Failures = { [1] = 5 } };

        var outcome = Run(folder, slurm, log, maxResubmits: 1);

        Assert.Equal(new[] { "001_beta=1_seed=1" }, outcome.Failed);
        Assert.Equal(3, outcome.Done);
        var record = folder.Read();
        Assert.Equal(StudyStates.Failed, record.State);
        Assert.Equal(StudyStates.Failed, record.Runs[1].State);
        Assert.Equal("out of memory", record.Runs[1].Message);
        Assert.Equal(2, slurm.Submissions.Count(s => s.Script == "study.sbatch"));
    }

    [Fact]
    public void Should_DecideFromTheRunFolders_When_TheSchedulerForgetsEndedJobs()
    {
        // Without accounting, a job that ended more than MinJobAge ago is unknown to squeue, scontrol and sacct.
        using var dir = new TempDir();
        var (folder, log) = NewStudy(dir);
        var slurm = new FakeSlurm(folder) { ForgetEndedJobs = true, Failures = { [3] = 1 } };

        var outcome = Run(folder, slurm, log);

        Assert.Equal(4, outcome.Done);
        Assert.Contains(log, l => l.Contains("ended unknown: out of memory; resubmitting", StringComparison.Ordinal));
        Assert.Equal(StudyStates.Done, folder.Read().State);
    }

    [Fact]
    public void Should_SplitIntoArraysWithOffsets_When_TheStudyIsLargerThanMaxArraySize()
    {
        using var dir = new TempDir();
        var (folder, log) = NewStudy(dir);
        var slurm = new FakeSlurm(folder) { MaxArray = 3 };

        var outcome = Run(folder, slurm, log);

        Assert.Equal(4, outcome.Done);
        Assert.Equal(new[] { "--array=0-2", "--export=ALL,GENOMICCODE_STUDY_OFFSET=0" }, slurm.Submissions[0].Arguments);
        Assert.Equal(new[] { "--array=0", "--export=ALL,GENOMICCODE_STUDY_OFFSET=3" }, slurm.Submissions[1].Arguments);
        Assert.Equal(new[] { "--dependency=afterany:100:101" }, slurm.Submissions[2].Arguments);
        Assert.Equal("101_0", folder.Read().Runs[3].Job);
    }

    [Fact]
    public void Should_SubmitAnotherGather_When_TheFirstCannotWaitForTheResubmission()
    {
        using var dir = new TempDir();
        var (folder, log) = NewStudy(dir);
        var slurm = new FakeSlurm(folder) { RefuseDependencyUpdates = true, Failures = { [0] = 1 } };

        var outcome = Run(folder, slurm, log);

        Assert.Equal(4, outcome.Done);
        Assert.Equal(new[] { "study.sbatch", "gather.sbatch", "study.sbatch", "gather.sbatch" }, slurm.Submissions.Select(s => s.Script));
        Assert.Equal(new[] { "--dependency=afterany:100:102" }, slurm.Submissions[3].Arguments);
        Assert.Equal(2, folder.Read().Jobs.Count(j => j.Kind == "gather"));
    }

    [Fact]
    public void Should_FollowJobsInFlightWithoutSubmittingThemAgain_When_RunAgainAfterDetaching()
    {
        using var dir = new TempDir();
        var (folder, log) = NewStudy(dir);
        var slurm = new FakeSlurm(folder);

        var detached = Run(folder, slurm, log, follow: false);
        var followed = Run(folder, slurm, log);

        Assert.False(detached.Followed);
        Assert.Equal(new[] { "100", "101" }, detached.Submitted);
        Assert.Empty(followed.Submitted);
        Assert.Equal(4, followed.Done);
        Assert.Contains(log, l => l.Contains("4 still queued or running, 0 to submit", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_AskForTheResources_When_WritingTheArrayScript()
    {
        var tool = ToolCommand.Parse("dotnet '/opt/my tools/genomic-code.dll'");
        var resources = new SlurmOptions { Partition = "gpu", Time = "01:00:00", CpusPerTask = 4, Memory = "8G", Gpus = 1, Account = "lab" };

        string script = SlurmExecutor.ArrayScript("s", "/data/studies/s", tool, resources, 12);
        string gather = SlurmExecutor.GatherScript("s", "/data/studies/s", tool, resources);

        foreach (string line in new[] { "#SBATCH --partition=gpu", "#SBATCH --time=01:00:00", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G",
                     "#SBATCH --gres=gpu:1", "#SBATCH --account=lab", "#SBATCH --array=0-11", "#SBATCH --output=/data/studies/s/logs/slurm-%A_%a.out" })
            Assert.Contains(line + "\n", script);
        Assert.Contains("exec dotnet '/opt/my tools/genomic-code.dll' study task /data/studies/s --index \"$index\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"\n", script);
        Assert.Contains("index=$(( ${GENOMICCODE_STUDY_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))", script);
        Assert.Contains("exec dotnet '/opt/my tools/genomic-code.dll' study report /data/studies/s\n", gather);
        Assert.DoesNotContain("gres", gather);
    }

    [Fact]
    public void Should_WriteRangesAndTheConcurrencyLimit_When_MakingAnArraySpec()
    {
        Assert.Equal("0-3,5,7-9", SlurmExecutor.ArraySpec(new[] { 0, 1, 2, 3, 5, 7, 8, 9 }, null));
        Assert.Equal("4%2", SlurmExecutor.ArraySpec(new[] { 4 }, 2));
    }

    [Fact]
    public void Should_ReadTaskStates_When_ParsingSlurmOutput()
    {
        // As printed by Slurm 22.05 (scontrol -o show job, squeue -h -r -o "%i|%T", sacct -n -P -X -o JobID,State).
        const string scontrol =
            "JobId=5 ArrayJobId=2 ArrayTaskId=2 JobName=a.sh UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0\n" +
            "JobId=2 ArrayJobId=2 ArrayTaskId=3-4 JobName=a.sh UserId=root(0) JobState=PENDING Reason=None\n" +
            "JobId=7 JobName=wrap UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null)\n";
        Assert.Equal(new[] { ("2_2", "FAILED"), ("2_3", "PENDING"), ("2_4", "PENDING"), ("7", "COMPLETED") }, SlurmCommands.ParseScontrol(scontrol));
        Assert.Equal(new[] { ("6_1", "PENDING"), ("6_3", "PENDING"), ("8_0", "RUNNING") }, SlurmCommands.ParseSqueue("6_[1,3]|PENDING\n8_0|RUNNING\n"));
        Assert.Equal(new[] { ("12_0", "COMPLETED"), ("13", "CANCELLED") }, SlurmCommands.ParseSacct("12_0|COMPLETED\n13|CANCELLED by 0\n"));
        Assert.Equal(new[] { 1, 2, 3, 5 }, SlurmCommands.ExpandIndices("[1-3,5]%2"));
    }

    [Fact]
    public void Should_QuoteOnlyWhatNeedsIt_When_WritingAToolCommand()
    {
        var tool = ToolCommand.Parse("  \"/a b/dotnet\" /x/genomic-code.dll ");
        Assert.Equal("/a b/dotnet", tool.Executable);
        Assert.Equal(new[] { "/x/genomic-code.dll" }, tool.Prefix);
        Assert.Equal("'/a b/dotnet' /x/genomic-code.dll study report 'it'\\''s'", tool.ToShell(new[] { "study", "report", "it's" }));
        Assert.Throws<UserInputException>(() => ToolCommand.Parse("  "));
        Assert.Throws<UserInputException>(() => ToolCommand.Parse("'open"));
    }
}
