using System.Globalization;
using System.Text;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>Settings of the Slurm executor.</summary>
/// <param name="Resources">What each array task asks for.</param>
/// <param name="MaxResubmits">How often a failed task is resubmitted in one invocation.</param>
/// <param name="Poll">Time between two looks at the queue.</param>
/// <param name="Follow">Whether to follow the jobs until the gathering job ends (false: submit and return).</param>
public sealed record SlurmRunOptions(SlurmOptions Resources, int MaxResubmits, TimeSpan Poll, bool Follow);

/// <summary>What a Slurm invocation did.</summary>
/// <param name="Done">Runs done.</param>
/// <param name="Failed">Runs that failed after their resubmissions.</param>
/// <param name="Submitted">Job ids submitted by this invocation, in order.</param>
/// <param name="Followed">Whether it followed the jobs to the end.</param>
/// <param name="GatherState">The gathering job's last known state.</param>
public sealed record SlurmOutcome(int Done, IReadOnlyList<string> Failed, IReadOnlyList<string> Submitted, bool Followed, string? GatherState);

/// <summary>
/// Runs a study as Slurm job arrays: one array task per run (<c>genomic-code study task DIR --index I</c>) and a
/// gathering job (<c>genomic-code study report DIR</c>) that waits for them with <c>--dependency=afterany</c>. It
/// follows the tasks, resubmits failed ones up to a limit (moving the gathering job's dependency onto the
/// resubmission, or submitting a new gathering job when the first has already started) and records jobs and states in
/// study.json. Runs already done are not submitted; runs whose jobs are still queued or running are followed, not
/// submitted again.
/// </summary>
public sealed class SlurmExecutor(StudyFolder folder, ToolCommand tool, ISlurmClient slurm, SlurmRunOptions options, Action<string> progress)
{
    /// <summary>Environment variable added to a task's array index to give its grid index (for studies larger than MaxArraySize).</summary>
    public const string OffsetVariable = "GENOMICCODE_STUDY_OFFSET";

    private static readonly HashSet<string> Active = new(StringComparer.Ordinal)
    {
        "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING",
        "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
    };

    /// <summary>The array script: one task per run; the index comes from the array task id plus the offset.</summary>
    public static string ArrayScript(string studyName, string studyFolder, ToolCommand tool, SlurmOptions resources, int runs)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"#SBATCH --job-name=gc-{studyName}\n");
        s.Append($"#SBATCH --output={Path.Combine(studyFolder, StudyFolder.LogsFolder)}/slurm-%A_%a.out\n");
        Resources(s, resources, gpus: true);
        s.Append($"#SBATCH --array=0-{runs - 1}\n");
        s.Append($"# genomic-code study '{studyName}': one array task per run ({runs} runs). Resubmissions give their own --array\n");
        s.Append($"# on the sbatch command line (it overrides the line above) and {OffsetVariable} when a study is larger than MaxArraySize.\n");
        s.Append("set -euo pipefail\n");
        s.Append($"index=$(( ${{{OffsetVariable}:-0}} + SLURM_ARRAY_TASK_ID ))\n");
        s.Append("exec ").Append(tool.ToShell(new[] { "study", "task", studyFolder })).Append(" --index \"$index\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"\n");
        return s.ToString();
    }

    /// <summary>The gathering script: the study report, once every array task has ended.</summary>
    public static string GatherScript(string studyName, string studyFolder, ToolCommand tool, SlurmOptions resources)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"#SBATCH --job-name=gc-{studyName}-gather\n");
        s.Append($"#SBATCH --output={Path.Combine(studyFolder, StudyFolder.LogsFolder)}/slurm-gather-%j.out\n");
        Resources(s, resources with { Gpus = null }, gpus: false);
        s.Append($"# genomic-code study '{studyName}': gathers the runs into study.csv, study.json and figures.\n");
        s.Append("set -euo pipefail\n");
        s.Append("exec ").Append(tool.ToShell(new[] { "study", "report", studyFolder })).Append('\n');
        return s.ToString();
    }

    /// <summary>
    /// An <c>--array</c> specification for <paramref name="indices"/> (ascending): ranges where they are consecutive,
    /// e.g. 0-3,5,7-9, with <c>%N</c> when at most N may run at once.
    /// </summary>
    public static string ArraySpec(IReadOnlyList<int> indices, int? maxConcurrent)
    {
        var parts = new List<string>();
        for (int i = 0; i < indices.Count;)
        {
            int j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1) j++;
            parts.Add(i == j ? indices[i].ToString(CultureInfo.InvariantCulture) : $"{indices[i]}-{indices[j]}");
            i = j + 1;
        }
        return string.Join(",", parts) + (maxConcurrent is int m ? $"%{m}" : "");
    }

    /// <summary>Writes the scripts, submits what is not done or in flight, and (with <see cref="SlurmRunOptions.Follow"/>) follows to the end.</summary>
    public SlurmOutcome Run(CancellationToken cancellationToken)
    {
        if (folder.Path.Any(char.IsWhiteSpace))
            throw new UserInputException($"study folder '{folder.Path}' has a space in its path, which Slurm's #SBATCH lines cannot carry; choose another --out.");
        var record = folder.Read();
        var kinds = StudyFolder.MeasurementKinds(record);
        string arrayScript = folder.File(StudyFolder.ArrayScript), gatherScript = folder.File(StudyFolder.GatherScript);
        AtomicFile.WriteAllText(arrayScript, ArrayScript(record.Name, folder.Path, tool, options.Resources, record.Runs.Count));
        AtomicFile.WriteAllText(gatherScript, GatherScript(record.Name, folder.Path, tool, options.Resources));

        // Which runs need a job: not done, and not already queued or running under a job of an earlier invocation.
        var done = new HashSet<int>();
        var inflight = new Dictionary<int, string>(); // grid index -> ARRAY_TASK key
        var previous = record.Runs.Where(r => r.Job is not null).Select(r => r.Job!.Split('_')[0])
            .Concat(record.Jobs.Where(j => j.Kind == "gather").Select(j => j.Id)).Distinct().ToList();
        var known = previous.Count > 0 ? slurm.States(previous) : new Dictionary<string, string>();
        var submit = new List<int>();
        foreach (var run in record.Runs)
        {
            if (folder.ReadRun(run)?.IsComplete(kinds) == true) done.Add(run.Index);
            else if (run.Job is not null && known.TryGetValue(run.Job, out string? st) && Active.Contains(st)) inflight[run.Index] = run.Job;
            else submit.Add(run.Index);
        }
        progress($"{record.Runs.Count} runs: {done.Count} already done, {inflight.Count} still queued or running, {submit.Count} to submit");
        var submitted = new List<string>();
        var resubmits = new Dictionary<int, int>();
        folder.Update(r => r with
        {
            State = done.Count == r.Runs.Count ? StudyStates.Done : StudyStates.Running,
            Executor = new ExecutorRecord { Kind = "slurm", Tool = tool.ToString(), Script = StudyFolder.ArrayScript, Slurm = options.Resources, Threads = options.Resources.CpusPerTask ?? 1 },
            Runs = r.Runs.Select(e => done.Contains(e.Index) ? e with { State = StudyStates.Done, Message = null } : submit.Contains(e.Index) ? e with { Resubmits = 0 } : e).ToList(),
        });

        string? gather = record.Jobs.LastOrDefault(j => j.Kind == "gather" && known.TryGetValue(j.Id, out string? gs) && Active.Contains(gs))?.Id;
        try
        {
            SubmitArrays(submit, inflight, submitted, resubmit: false);
            var arraysInFlight = ArraysOf(inflight);
            if (arraysInFlight.Count > 0)
            {
                if (gather is null || !slurm.UpdateDependency(gather, Dependency(arraysInFlight))) gather = SubmitGather(arraysInFlight, submitted);
            }
            else if (done.Count == record.Runs.Count && gather is null)
            {
                gather = SubmitGather(new List<string>(), submitted);
            }
        }
        catch (UserInputException)
        {
            // What was submitted is recorded job by job; the study itself is not running.
            folder.Update(r => r with { State = StudyStates.Stopped });
            throw;
        }
        if (!options.Follow)
        {
            progress($"submitted {string.Join(", ", submitted)}; follow with `genomic-code study run` again, or read {StudyFolder.RecordFile}");
            return new SlurmOutcome(done.Count, Array.Empty<string>(), submitted, false, null);
        }

        // Follow: each round reads the scheduler once and acts on every task that ended.
        var failed = new List<string>();
        string? gatherState = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var jobs = inflight.Values.Select(k => k.Split('_')[0]).Distinct().ToList();
            if (gather is not null) jobs.Add(gather);
            var states = slurm.States(jobs);
            record = folder.Read();
            var changes = new Dictionary<int, Func<RunEntry, RunEntry>>();
            var again = new List<int>();
            foreach (var (index, key) in inflight.ToList())
            {
                var entry = record.Runs[index];
                string? state = states.GetValueOrDefault(key);
                if (state is not null && Active.Contains(state))
                {
                    string runState = state == "PENDING" ? StudyStates.Pending : StudyStates.Running;
                    if (entry.State != runState || entry.JobState != state) changes[index] = e => e with { State = runState, JobState = state };
                    continue;
                }
                inflight.Remove(index);
                var run = folder.ReadRun(entry);
                if (run?.IsComplete(kinds) == true)
                {
                    done.Add(index);
                    changes[index] = e => e with { State = StudyStates.Done, JobState = state ?? e.JobState, ExitCode = 0, Message = null };
                    progress($"[{done.Count}/{record.Runs.Count}] done {entry.Id} ({key})");
                    continue;
                }
                string why = run?.Error?.TrimEnd('.') ?? (state is null ? "the scheduler no longer knows the job and the run recorded no result" : $"job state {state}");
                int used = resubmits.GetValueOrDefault(index);
                if (used < options.MaxResubmits)
                {
                    resubmits[index] = used + 1;
                    again.Add(index);
                    changes[index] = e => e with { State = StudyStates.Pending, JobState = state, Resubmits = e.Resubmits + 1, Message = why };
                    progress($"task {key} ({entry.Id}) ended {state ?? "unknown"}: {why}; resubmitting ({used + 1}/{options.MaxResubmits})");
                }
                else
                {
                    failed.Add(entry.Id);
                    changes[index] = e => e with { State = StudyStates.Failed, JobState = state, Message = why };
                    progress($"task {key} ({entry.Id}) failed: {why}; log {entry.Log}");
                }
            }
            // Each array job's state as the count of its tasks per scheduler state, e.g. "COMPLETED:3 FAILED:1".
            var arrayStates = record.Jobs.Where(j => j.Kind == "array" && jobs.Contains(j.Id)).ToDictionary(j => j.Id, j => string.Join(" ",
                j.Runs.Select(i => states.GetValueOrDefault($"{j.Id}_{i - j.Offset}") ?? "UNKNOWN").GroupBy(x => x).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => $"{g.Key}:{g.Count()}")));
            if (changes.Count > 0 || arrayStates.Any(a => record.Jobs.First(j => j.Id == a.Key).State != a.Value))
                folder.Update(r => r with
                {
                    Runs = r.Runs.Select(e => changes.TryGetValue(e.Index, out var c) ? c(e) : e).ToList(),
                    Jobs = r.Jobs.Select(j => arrayStates.TryGetValue(j.Id, out string? st) ? j with { State = st } : j).ToList(),
                });
            if (again.Count > 0)
            {
                SubmitArrays(again, inflight, submitted, resubmit: true);
                var waitFor = ArraysOf(inflight);
                if (gather is null || !slurm.UpdateDependency(gather, Dependency(waitFor)))
                {
                    progress("the gathering job has already started; submitting another for the resubmitted tasks");
                    gather = SubmitGather(waitFor, submitted);
                }
                else
                {
                    SetJob(gather, j => j with { DependsOn = waitFor });
                }
            }
            if (gather is not null && again.Count == 0)
            {
                gatherState = states.GetValueOrDefault(gather);
                if (gatherState is not null) SetJob(gather, j => j with { State = gatherState });
            }
            // Done when no task is in flight and the gathering job has ended (or the scheduler has forgotten it).
            if (inflight.Count == 0 && again.Count == 0 && (gather is null || gatherState is null || !Active.Contains(gatherState))) break;
            Sleep(cancellationToken);
        }
        bool stopped = cancellationToken.IsCancellationRequested;
        folder.Update(r => r with
        {
            State = stopped ? StudyStates.Running : failed.Count > 0 ? StudyStates.Failed : done.Count == r.Runs.Count ? StudyStates.Done : StudyStates.Running,
        });
        if (stopped) progress("stopped following; the jobs keep running. Follow them again with the same `genomic-code study run` command.");
        return new SlurmOutcome(done.Count, failed, submitted, !stopped, gatherState);
    }

    /// <summary>The array jobs of the tasks in flight, in submission order.</summary>
    private static List<string> ArraysOf(Dictionary<int, string> inflight) =>
        inflight.Values.Select(k => k.Split('_')[0]).Distinct().OrderBy(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList();

    private void Sleep(CancellationToken cancellationToken) => cancellationToken.WaitHandle.WaitOne(options.Poll);

    private static string Dependency(IReadOnlyList<string> jobs) => jobs.Count == 0 ? "" : "afterany:" + string.Join(":", jobs);

    private void SubmitArrays(List<int> indices, Dictionary<int, string> inflight, List<string> submitted, bool resubmit)
    {
        if (indices.Count == 0) return;
        int max = Math.Max(1, slurm.MaxArraySize());
        var record = folder.Read();
        foreach (var chunk in indices.Order().GroupBy(i => i / max * max))
        {
            int offset = chunk.Key;
            var relative = chunk.Select(i => i - offset).ToList();
            string spec = ArraySpec(relative, options.Resources.MaxConcurrent);
            var arguments = new List<string> { $"--array={spec}", $"--export=ALL,{OffsetVariable}={offset}" };
            string id = slurm.Submit(folder.File(StudyFolder.ArrayScript), arguments);
            submitted.Add(id);
            foreach (int i in chunk) inflight[i] = $"{id}_{i - offset}";
            var job = new JobEntry { Id = id, Kind = "array", Runs = chunk.ToList(), Offset = offset, Array = spec, Submitted = DateTime.UtcNow, State = "PENDING" };
            var runs = chunk.ToHashSet();
            folder.Update(r => r with
            {
                Jobs = r.Jobs.Append(job).ToList(),
                Runs = r.Runs.Select(e => runs.Contains(e.Index)
                    ? e with
                    {
                        State = StudyStates.Pending,
                        Job = $"{id}_{e.Index - offset}",
                        JobState = "PENDING",
                        Log = Path.Combine(StudyFolder.LogsFolder, $"slurm-{id}_{e.Index - offset}.out"),
                    }
                    : e).ToList(),
            });
            progress($"{(resubmit ? "resubmitted" : "submitted")} array job {id} (--array={spec}{(offset > 0 ? $", offset {offset}" : "")}) for {chunk.Count()} run(s) of {record.Name}");
        }
    }

    private string SubmitGather(List<string> waitFor, List<string> submitted)
    {
        var arguments = new List<string>();
        if (waitFor.Count > 0) arguments.Add($"--dependency={Dependency(waitFor)}");
        string id = slurm.Submit(folder.File(StudyFolder.GatherScript), arguments);
        submitted.Add(id);
        folder.Update(r => r with { Jobs = r.Jobs.Append(new JobEntry { Id = id, Kind = "gather", DependsOn = waitFor.ToList(), Submitted = DateTime.UtcNow, State = "PENDING" }).ToList() });
        progress($"submitted gathering job {id}{(waitFor.Count > 0 ? $" (--dependency={Dependency(waitFor)})" : "")}");
        return id;
    }

    private void SetJob(string id, Func<JobEntry, JobEntry> change) =>
        folder.Update(r => r with { Jobs = r.Jobs.Select(j => j.Id == id ? change(j) : j).ToList() });

    private static void Resources(StringBuilder s, SlurmOptions r, bool gpus)
    {
        s.Append($"#SBATCH --cpus-per-task={r.CpusPerTask ?? 1}\n");
        if (r.Partition is not null) s.Append($"#SBATCH --partition={r.Partition}\n");
        if (r.Account is not null) s.Append($"#SBATCH --account={r.Account}\n");
        if (r.Time is not null) s.Append($"#SBATCH --time={r.Time}\n");
        if (r.Memory is not null) s.Append($"#SBATCH --mem={r.Memory}\n");
        if (gpus && r.Gpus is > 0) s.Append($"#SBATCH --gres=gpu:{r.Gpus}\n");
    }
}
