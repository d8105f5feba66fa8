using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code study plan</c>.</summary>
public sealed class StudyPlanSettings : CommandSettings
{
    /// <summary>Study file.</summary>
    [CommandArgument(0, "<FILE>")]
    [Description("Study file (.json): base preset, grid, steps, measurements (see examples/studies/).")]
    public string File { get; init; } = "";

    /// <summary>Study folder whose finished runs give measured speeds.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Study folder; its finished runs, if any, give measured times. Default: studies/<study name>.")]
    public string? Out { get; init; }

    /// <summary>Timed probe steps per configuration.</summary>
    [CommandOption("--probe-steps <N>")]
    [Description("Training steps timed per distinct configuration when no finished run gives its speed; 0 skips the probe. Default 5.")]
    public int ProbeSteps { get; init; } = 5;

    /// <summary>Untimed warm-up steps before the probe.</summary>
    [CommandOption("--warmup-steps <N>")]
    [Description("Untimed warm-up steps before the timed ones. Default 2.")]
    public int WarmupSteps { get; init; } = 2;

    /// <summary>Torch threads of the probe.</summary>
    [CommandOption("--threads <N>")]
    [Description("Torch threads per run assumed by the estimate (the probe uses them). Default 1.")]
    public int Threads { get; init; } = 1;

    /// <summary>Runs at once for the wall-time estimate.</summary>
    [CommandOption("--parallel <N>")]
    [Description("Runs at once, for the wall-time line. Default: the number of cores divided by --threads.")]
    public int? Parallel { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (ProbeSteps < 0) return ValidationResult.Error($"--probe-steps must be >= 0, got {ProbeSteps}.");
        if (WarmupSteps < 0) return ValidationResult.Error($"--warmup-steps must be >= 0, got {WarmupSteps}.");
        if (Threads < 1) return ValidationResult.Error($"--threads must be >= 1, got {Threads}.");
        if (Parallel is < 1) return ValidationResult.Error($"--parallel must be >= 1, got {Parallel}.");
        return ValidationResult.Success();
    }
}

/// <summary>Settings of <c>genomic-code study run</c>.</summary>
public sealed class StudyRunSettings : CommandSettings
{
    /// <summary>Study file.</summary>
    [CommandArgument(0, "<FILE>")]
    [Description("Study file (.json).")]
    public string File { get; init; } = "";

    /// <summary>Executor.</summary>
    [CommandOption("-e|--executor <NAME>")]
    [Description("local (this machine) or slurm (one sbatch --array job, one task per run). Default local.")]
    public string Executor { get; init; } = "local";

    /// <summary>Study folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Study folder (created, or resumed when it holds this study). Default: studies/<study name>.")]
    public string? Out { get; init; }

    /// <summary>Concurrent runs (local).</summary>
    [CommandOption("--parallel <N>")]
    [Description("local: runs at once, each its own process. Default: one per core.")]
    public int? Parallel { get; init; }

    /// <summary>Torch threads per run (local).</summary>
    [CommandOption("--threads <N>")]
    [Description("local: torch threads per run. Default: cores / --parallel (at least 1). slurm: --cpus-per-task.")]
    public int? Threads { get; init; }

    /// <summary>Retries of a failed run (local).</summary>
    [CommandOption("--retries <N>")]
    [Description("local: how often a failed run is started again. Default 1.")]
    public int Retries { get; init; } = 1;

    /// <summary>Skip the report at the end (local).</summary>
    [CommandOption("--no-report")]
    [Description("local: do not gather the report (study report) when the runs end.")]
    public bool NoReport { get; init; }

    /// <summary>Tool command.</summary>
    [CommandOption("--tool <COMMAND>")]
    [Description("The command that runs genomic-code in each task, e.g. '/opt/tools/genomic-code' or 'dotnet /path/genomic-code.dll'. Default: this genomic-code ($GENOMICCODE_TOOL overrides).")]
    public string? Tool { get; init; }

    /// <summary>Partition.</summary>
    [CommandOption("--partition <NAME>")]
    [Description("slurm: partition. Default: the study file's, else the cluster's default.")]
    public string? Partition { get; init; }

    /// <summary>Time limit.</summary>
    [CommandOption("--time <LIMIT>")]
    [Description("slurm: time limit per run (minutes, HH:MM:SS or D-HH:MM:SS).")]
    public string? Time { get; init; }

    /// <summary>CPUs per task.</summary>
    [CommandOption("--cpus-per-task <N>")]
    [Description("slurm: CPUs per run, also its torch threads. Default: the study file's, else 1.")]
    public int? CpusPerTask { get; init; }

    /// <summary>Memory per task.</summary>
    [CommandOption("--mem <SIZE>")]
    [Description("slurm: memory per run, e.g. 4G.")]
    public string? Memory { get; init; }

    /// <summary>GPUs per task.</summary>
    [CommandOption("--gpus <N>")]
    [Description("slurm: GPUs per run (--gres=gpu:N). Default 0.")]
    public int? Gpus { get; init; }

    /// <summary>Account.</summary>
    [CommandOption("--account <NAME>")]
    [Description("slurm: account to charge.")]
    public string? Account { get; init; }

    /// <summary>Most tasks at once.</summary>
    [CommandOption("--max-concurrent <N>")]
    [Description("slurm: most array tasks running at once (--array=...%N).")]
    public int? MaxConcurrent { get; init; }

    /// <summary>Resubmissions of a failed task.</summary>
    [CommandOption("--max-resubmits <N>")]
    [Description("slurm: how often a failed task is resubmitted. Default: the study file's, else 2.")]
    public int? MaxResubmits { get; init; }

    /// <summary>Seconds between looks at the queue.</summary>
    [CommandOption("--poll <SECONDS>")]
    [Description("slurm: seconds between two looks at the queue. Default 10.")]
    public double Poll { get; init; } = 10;

    /// <summary>Submit and return.</summary>
    [CommandOption("--detach")]
    [Description("slurm: submit and return without following the jobs (run the same command again to follow them).")]
    public bool Detach { get; init; }

    /// <summary>Print the scripts only.</summary>
    [CommandOption("--dry-run")]
    [Description("slurm: print the sbatch scripts and commands without submitting or writing anything.")]
    public bool DryRun { get; init; }

    /// <summary>Folder of the Slurm commands.</summary>
    [CommandOption("--slurm-bin <DIR>")]
    [Description("slurm: folder holding sbatch, squeue and scontrol. Default: PATH.")]
    public string? SlurmBin { get; init; }

    /// <summary>slurm.conf for the Slurm commands.</summary>
    [CommandOption("--slurm-conf <FILE>")]
    [Description("slurm: the slurm.conf the Slurm commands read (SLURM_CONF). Default: Slurm's own.")]
    public string? SlurmConf { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Executor is not ("local" or "slurm")) return ValidationResult.Error($"--executor must be local or slurm, got '{Executor}'.");
        if (Parallel is < 1) return ValidationResult.Error($"--parallel must be >= 1, got {Parallel}.");
        if (Threads is < 1) return ValidationResult.Error($"--threads must be >= 1, got {Threads}.");
        if (Retries < 0) return ValidationResult.Error($"--retries must be >= 0, got {Retries}.");
        if (CpusPerTask is < 1) return ValidationResult.Error($"--cpus-per-task must be >= 1, got {CpusPerTask}.");
        if (Gpus is < 0) return ValidationResult.Error($"--gpus must be >= 0, got {Gpus}.");
        if (MaxConcurrent is < 1) return ValidationResult.Error($"--max-concurrent must be >= 1, got {MaxConcurrent}.");
        if (MaxResubmits is < 0) return ValidationResult.Error($"--max-resubmits must be >= 0, got {MaxResubmits}.");
        if (!(Poll > 0) || double.IsInfinity(Poll)) return ValidationResult.Error($"--poll must be a number of seconds > 0, got {Poll}.");
        var slurmOnly = new (bool Set, string Name)[]
        {
            (DryRun, "--dry-run"), (Detach, "--detach"), (Partition is not null, "--partition"), (Time is not null, "--time"),
            (CpusPerTask is not null, "--cpus-per-task"), (Memory is not null, "--mem"), (Gpus is not null, "--gpus"), (Account is not null, "--account"),
            (MaxConcurrent is not null, "--max-concurrent"), (MaxResubmits is not null, "--max-resubmits"), (SlurmBin is not null, "--slurm-bin"),
            (SlurmConf is not null, "--slurm-conf"),
        }.Where(o => o.Set).Select(o => o.Name).ToList();
        if (Executor == "local" && slurmOnly.Count > 0)
            return ValidationResult.Error($"{slurmOnly[0]} applies to --executor slurm; add --executor slurm, or drop it.");
        var localOnly = new (bool Set, string Name)[] { (Parallel is not null, "--parallel"), (Threads is not null, "--threads"), (NoReport, "--no-report") }
            .Where(o => o.Set).Select(o => o.Name).ToList();
        if (Executor == "slurm" && localOnly.Count > 0)
            return ValidationResult.Error($"{localOnly[0]} applies to --executor local; with slurm use --cpus-per-task and --max-concurrent.");
        return ValidationResult.Success();
    }
}

/// <summary>Settings of <c>genomic-code study task</c>.</summary>
public sealed class StudyTaskSettings : CommandSettings
{
    /// <summary>Study folder.</summary>
    [CommandArgument(0, "<DIR>")]
    [Description("Study folder written by `study run`.")]
    public string Folder { get; init; } = "";

    /// <summary>Grid index.</summary>
    [CommandOption("-i|--index <I>")]
    [Description("Grid index of the run (the Slurm array index plus its offset).")]
    public int? Index { get; init; }

    /// <summary>Torch threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("Torch threads for this run. Default: libtorch's (all cores).")]
    public int? Threads { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Index is null) return ValidationResult.Error("--index <I> is required: the grid index of the run.");
        if (Index < 0) return ValidationResult.Error($"--index must be >= 0, got {Index}.");
        if (Threads is < 1) return ValidationResult.Error($"--threads must be >= 1, got {Threads}.");
        return ValidationResult.Success();
    }
}

/// <summary>Settings of <c>genomic-code study report</c>.</summary>
public sealed class StudyReportSettings : CommandSettings
{
    /// <summary>Study folder.</summary>
    [CommandArgument(0, "<DIR>")]
    [Description("Study folder written by `study run`.")]
    public string Folder { get; init; } = "";

    /// <summary>Skip UDR.</summary>
    [CommandOption("--no-udr")]
    [Description("Do not compute UDR over the seeds of each setting (it loads every done run's model).")]
    public bool NoUdr { get; init; }

    /// <summary>Seed of UDR's draws.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of UDR's sampled observations. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Device for UDR.</summary>
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda, cuda:N or auto, for UDR. Default: each run's own device setting.")]
    public string? Device { get; init; }
}
