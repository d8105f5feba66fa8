using System.Text.Json.Nodes;

namespace GenomicCode.Studies;

/// <summary>
/// A study file as written (JSON, see examples/studies/): a base preset, fixed changes to it, a grid whose cross product
/// gives the runs, the steps per run, and the measurements taken after training. Parsed and checked by
/// <see cref="StudyFile"/>.
/// </summary>
public sealed record StudyDefinition
{
    /// <summary>Study name: letters, digits, '.', '-' and '_' (it names the default study folder, studies/NAME).</summary>
    public string Name { get; init; } = "";

    /// <summary>What the study asks, in a sentence.</summary>
    public string Description { get; init; } = "";

    /// <summary>Base preset: a shipped preset name, or a path to a preset file (relative paths start at the study file's folder).</summary>
    public string Preset { get; init; } = "";

    /// <summary>Training steps of every run (sets <c>training.steps</c>); null keeps the preset's.</summary>
    public long? Steps { get; init; }

    /// <summary>Fixed changes to the base preset before the grid: JSON path to value, e.g. <c>{ "training.batchSize": 16 }</c>.</summary>
    public JsonObject? Set { get; init; }

    /// <summary>Seeds: a count N (seeds 0..N-1) or a list of seeds, as one more grid axis on <see cref="SeedPath"/>.</summary>
    public JsonNode? Seeds { get; init; }

    /// <summary>Where the run seed lives in the preset; the axis on this path is the one results are pooled over. Default <c>training.seed</c>.</summary>
    public string SeedPath { get; init; } = "training.seed";

    /// <summary>The grid: the runs are the cross product of these axes, the first axis varying slowest.</summary>
    public List<GridAxis> Grid { get; init; } = new();

    /// <summary>Measurements taken on each run after training, in order.</summary>
    public List<MeasurementSpec> Measurements { get; init; } = new();

    /// <summary>Slurm resources and limits for <c>--executor slurm</c> (command-line options override them).</summary>
    public SlurmOptions? Slurm { get; init; }
}

/// <summary>
/// One axis of a study grid: either a JSON <see cref="Path"/> into the preset with its <see cref="Values"/>, or a
/// <see cref="Name"/> with <see cref="Cases"/>, each setting several paths at once (for example a regulariser together
/// with its own hyper-parameter).
/// </summary>
public sealed record GridAxis
{
    /// <summary>JSON path into the preset, e.g. <c>model.beta</c>, <c>model.regularizer.options.beta</c>, <c>training.seed</c>.</summary>
    public string? Path { get; init; }

    /// <summary>Values the path takes (any JSON: numbers, strings, objects).</summary>
    public List<JsonNode?>? Values { get; init; }

    /// <summary>Axis name for <see cref="Cases"/> (a column of the study table).</summary>
    public string? Name { get; init; }

    /// <summary>Cases: each sets one or more JSON paths together.</summary>
    public List<GridCase>? Cases { get; init; }
}

/// <summary>One case of a named grid axis: a label and the JSON paths it sets.</summary>
public sealed record GridCase
{
    /// <summary>Label of the case in run names, tables and figures; default: the values it sets.</summary>
    public string? Label { get; init; }

    /// <summary>JSON path to value.</summary>
    public JsonObject? Set { get; init; }
}

/// <summary>A measurement after training: its kind (see <c>genomic-code study plan</c>'s list) and its options.</summary>
public sealed record MeasurementSpec
{
    /// <summary>Measurement kind, e.g. <c>evaluate</c> or <c>analyze</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Options of that kind (checked by the kind); null for its defaults.</summary>
    public JsonObject? Options { get; init; }
}

/// <summary>Slurm resources of each array task and the executor's limits.</summary>
public sealed record SlurmOptions
{
    /// <summary>Partition (<c>--partition</c>); null for the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>Time limit per run (<c>--time</c>, e.g. <c>02:00:00</c>); null for the partition's default.</summary>
    public string? Time { get; init; }

    /// <summary>CPUs per run (<c>--cpus-per-task</c>; also the run's torch threads). Default 1.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>Memory per run (<c>--mem</c>, e.g. <c>4G</c>); null for the partition's default.</summary>
    public string? Memory { get; init; }

    /// <summary>GPUs per run (<c>--gres=gpu:N</c>). Default 0.</summary>
    public int? Gpus { get; init; }

    /// <summary>Account (<c>--account</c>); null for the user's default.</summary>
    public string? Account { get; init; }

    /// <summary>Most array tasks running at once (<c>--array=...%N</c>); null for no limit.</summary>
    public int? MaxConcurrent { get; init; }

    /// <summary>How often a failed task is resubmitted before it counts as failed. Default 2.</summary>
    public int? MaxResubmits { get; init; }
}
