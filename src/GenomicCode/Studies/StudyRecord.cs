using System.Text.Json.Nodes;

namespace GenomicCode.Studies;

/// <summary>
/// study.json: what a study folder holds and where it stands: the study definition and its plan (one entry per run),
/// the executor, the scheduler jobs and the state of every run, and the last report. Written atomically under a lock
/// by the command that drives the study and by <c>study report</c>.
/// </summary>
public sealed record StudyRecord
{
    /// <summary>Version of this layout.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>Study name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The study file it was planned from (full path).</summary>
    public string Source { get; init; } = "";

    /// <summary>The base preset (name or full path).</summary>
    public string PresetSource { get; init; } = "";

    /// <summary>The study definition (the study file as parsed).</summary>
    public JsonNode? Definition { get; init; }

    /// <summary>When the folder was created (UTC).</summary>
    public DateTime Created { get; init; }

    /// <summary>When this record last changed (UTC).</summary>
    public DateTime Updated { get; init; }

    /// <summary><c>planned</c>, <c>running</c>, <c>done</c> (every run done), <c>failed</c> (some run failed for good) or <c>stopped</c>.</summary>
    public string State { get; init; } = StudyStates.Planned;

    /// <summary>How the study was last run.</summary>
    public ExecutorRecord? Executor { get; init; }

    /// <summary>One entry per run, in grid order.</summary>
    public List<RunEntry> Runs { get; init; } = new();

    /// <summary>Scheduler jobs submitted for this study, oldest first.</summary>
    public List<JobEntry> Jobs { get; init; } = new();

    /// <summary>The last report (<c>study report</c>): the study table and what is missing.</summary>
    public StudyReportRecord? Report { get; init; }
}

/// <summary>States of a study and of its runs as study.json records them.</summary>
public static class StudyStates
{
    /// <summary>Not started.</summary>
    public const string Planned = "planned";

    /// <summary>Waiting for a slot (local) or in the scheduler's queue.</summary>
    public const string Pending = "pending";

    /// <summary>Running.</summary>
    public const string Running = "running";

    /// <summary>Trained and measured.</summary>
    public const string Done = "done";

    /// <summary>Failed (after its retries, for a run; some run failed, for a study).</summary>
    public const string Failed = "failed";

    /// <summary>Stopped by the user before it finished (resumes from its checkpoint).</summary>
    public const string Stopped = "stopped";
}

/// <summary>How a study was run.</summary>
public sealed record ExecutorRecord
{
    /// <summary><c>local</c> or <c>slurm</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The command that runs one task, as the shell sees it.</summary>
    public string Tool { get; init; } = "";

    /// <summary>Concurrent runs (local).</summary>
    public int? Parallel { get; init; }

    /// <summary>Torch threads per run.</summary>
    public int? Threads { get; init; }

    /// <summary>The array script (slurm), relative to the study folder.</summary>
    public string? Script { get; init; }

    /// <summary>The resources asked for (slurm).</summary>
    public SlurmOptions? Slurm { get; init; }
}

/// <summary>One run's place in the plan and its state.</summary>
public sealed record RunEntry
{
    /// <summary>Grid index (the array task index).</summary>
    public int Index { get; init; }

    /// <summary>Run name, also its folder under runs/.</summary>
    public string Id { get; init; } = "";

    /// <summary>The run folder, relative to the study folder.</summary>
    public string Folder { get; init; } = "";

    /// <summary>The non-seed axis values (runs pooled across seeds share it).</summary>
    public string Setting { get; init; } = "";

    /// <summary>The run's seed.</summary>
    public long Seed { get; init; }

    /// <summary>Axis name to value label.</summary>
    public Dictionary<string, string> Labels { get; init; } = new();

    /// <summary>JSON path to the value this run sets.</summary>
    public JsonObject? Values { get; init; }

    /// <summary>State (see <see cref="StudyStates"/>).</summary>
    public string State { get; init; } = StudyStates.Planned;

    /// <summary>Attempts made by the executor that last ran it.</summary>
    public int Attempts { get; init; }

    /// <summary>Resubmissions to the scheduler (slurm).</summary>
    public int Resubmits { get; init; }

    /// <summary>The scheduler job of its latest attempt, e.g. <c>1234_5</c> (slurm).</summary>
    public string? Job { get; init; }

    /// <summary>The scheduler's state of that job, e.g. <c>COMPLETED</c> or <c>FAILED</c> (slurm).</summary>
    public string? JobState { get; init; }

    /// <summary>Exit code of its latest attempt, when known.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Why it failed, in a line; null otherwise.</summary>
    public string? Message { get; init; }

    /// <summary>Log of its latest attempt, relative to the study folder.</summary>
    public string? Log { get; init; }
}

/// <summary>A scheduler job submitted for the study.</summary>
public sealed record JobEntry
{
    /// <summary>Job id (the array's id for an array).</summary>
    public string Id { get; init; } = "";

    /// <summary><c>array</c> (run tasks) or <c>gather</c> (the report).</summary>
    public string Kind { get; init; } = "";

    /// <summary>Runs (grid indices) of an array job.</summary>
    public List<int> Runs { get; init; } = new();

    /// <summary>Added to the array task id to give the grid index.</summary>
    public int Offset { get; init; }

    /// <summary>The <c>--array</c> specification it was submitted with.</summary>
    public string? Array { get; init; }

    /// <summary>Jobs it waits for (gather).</summary>
    public List<string> DependsOn { get; init; } = new();

    /// <summary>When it was submitted (UTC).</summary>
    public DateTime Submitted { get; init; }

    /// <summary>Last known scheduler state (for the whole job).</summary>
    public string? State { get; init; }
}

/// <summary>study.json's report section.</summary>
public sealed record StudyReportRecord
{
    /// <summary>When it was written (UTC).</summary>
    public DateTime Written { get; init; }

    /// <summary>Runs done out of planned.</summary>
    public int Done { get; init; }

    /// <summary>Runs planned.</summary>
    public int Planned { get; init; }

    /// <summary>Runs not done, by name with their state.</summary>
    public List<string> Missing { get; init; } = new();

    /// <summary>Columns of <see cref="Rows"/> (the header of study.csv).</summary>
    public List<string> Columns { get; init; } = new();

    /// <summary>One row per run: column to value (numbers as numbers, text as text, null when unknown).</summary>
    public List<JsonObject> Rows { get; init; } = new();

    /// <summary>Scores measured over the seeds of each setting (UDR), kept so a later report need not measure them again.</summary>
    public List<SettingScores> SettingScores { get; init; } = new();

    /// <summary>Figures written, relative to the study folder.</summary>
    public List<string> Figures { get; init; } = new();
}

/// <summary>Scores of one setting-level measurement over the runs of one setting.</summary>
public sealed record SettingScores
{
    /// <summary>Measurement name, e.g. <c>udr</c>.</summary>
    public string Measurement { get; init; } = "";

    /// <summary>The setting.</summary>
    public string Setting { get; init; } = "";

    /// <summary>The runs compared, by name.</summary>
    public List<string> Runs { get; init; } = new();

    /// <summary>One score per run.</summary>
    public List<double> Scores { get; init; } = new();
}

/// <summary>
/// study-run.json in each run folder: written only by the task that runs it (train, then each measurement), so the
/// executor and the report can tell a finished run from an interrupted one whatever the scheduler remembers.
/// </summary>
public sealed record RunRecord
{
    /// <summary>Grid index.</summary>
    public int Index { get; init; }

    /// <summary>Run name.</summary>
    public string Id { get; init; } = "";

    /// <summary><c>running</c>, <c>done</c>, <c>failed</c> or <c>stopped</c>.</summary>
    public string State { get; init; } = StudyStates.Planned;

    /// <summary>Attempts started so far (all executors, all invocations).</summary>
    public int Attempts { get; init; }

    /// <summary>Machine of the latest attempt.</summary>
    public string? Host { get; init; }

    /// <summary>Start of the latest attempt (UTC).</summary>
    public DateTime? Started { get; init; }

    /// <summary>End of the latest attempt (UTC).</summary>
    public DateTime? Finished { get; init; }

    /// <summary>Whether training reached its last step.</summary>
    public bool Trained { get; init; }

    /// <summary>Seconds spent training, summed over attempts.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Torch threads used by the latest attempt.</summary>
    public int? Threads { get; init; }

    /// <summary>Measurements done: kind to its seconds and scalars.</summary>
    public Dictionary<string, MeasurementRecord> Measurements { get; init; } = new();

    /// <summary>Why the latest attempt failed, in a line.</summary>
    public string? Error { get; init; }

    /// <summary>Whether the run is trained and holds every measurement in <paramref name="kinds"/>.</summary>
    public bool IsComplete(IEnumerable<string> kinds) => State == StudyStates.Done && Trained && kinds.All(Measurements.ContainsKey);
}

/// <summary>One measurement of a run.</summary>
public sealed record MeasurementRecord
{
    /// <summary>Seconds it took.</summary>
    public double Seconds { get; init; }

    /// <summary>Named scalars (finite values only).</summary>
    public Dictionary<string, double> Scalars { get; init; } = new();
}
