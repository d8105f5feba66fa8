using GenomicCode.Core;

namespace GenomicCode.Runs;

/// <summary>
/// A folder that describes one training run: config.json (the options actually used), environment.json, metrics.jsonl,
/// checkpoint.bin and figures. Opening one refuses to touch a folder that holds another run unless asked to resume
/// it or to replace it.
/// </summary>
public sealed class RunFolder
{
    /// <summary>File names inside a run folder.</summary>
    public const string ConfigFile = "config.json", EnvironmentFile = "environment.json", MetricsFile = "metrics.jsonl",
        CheckpointFile = "checkpoint.bin", PreviousCheckpointFile = "checkpoint.previous.bin";

    /// <summary>The most probable genomes of the reconstruction figure's phenotypes, for runs whose genome is DNA.</summary>
    public const string GenomeFile = "genome.fa";

    /// <summary>What the measuring verbs write into a run folder: <c>evaluate</c>'s scores, <c>analyze</c>'s genetic architecture.</summary>
    public const string EvaluationFile = "evaluation.json", AnalysisFile = "analysis.json";

    private static readonly string[] RunFiles = { ConfigFile, EnvironmentFile, MetricsFile, CheckpointFile, PreviousCheckpointFile, CheckpointFile + ".tmp", GenomeFile };

    /// <summary>Room kept for metrics lines (per logged step) and the end-of-training figures when checking free space.</summary>
    private const long BytesPerMetricsLine = 2048, FigureBytes = 4L * 1024 * 1024;

    private RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Path of a file inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Whether a folder already holds a run (a config or a checkpoint).</summary>
    public static bool HoldsRun(string path) =>
        System.IO.File.Exists(System.IO.Path.Combine(path, ConfigFile)) || System.IO.File.Exists(System.IO.Path.Combine(path, CheckpointFile));

    /// <summary>Opens an existing run folder for reading (evaluation, analysis).</summary>
    public static RunFolder OpenExisting(string path)
    {
        if (!Directory.Exists(path)) throw new UserInputException($"run folder '{path}' does not exist.");
        if (!HoldsRun(path)) throw new UserInputException($"'{path}' is not a run folder (no {ConfigFile} or {CheckpointFile}).");
        return new RunFolder(path);
    }

    /// <summary>Whether a folder holds a checkpoint (the last or the previous one) of a run.</summary>
    public static bool HoldsCheckpoint(string path) =>
        System.IO.File.Exists(System.IO.Path.Combine(path, CheckpointFile)) || System.IO.File.Exists(System.IO.Path.Combine(path, PreviousCheckpointFile));

    /// <summary>
    /// Creates (or, with <paramref name="resume"/>, reopens; with <paramref name="force"/>, clears) a run folder. A
    /// folder holding another run's checkpoint is refused unless one of them is set; a folder with a config but no
    /// checkpoint (a run stopped before its first checkpoint) is started again without either, or resumed from step 0;
    /// an unwritable folder is refused before training. Nothing in the folder changes here except with
    /// <paramref name="force"/>.
    /// </summary>
    public static RunFolder Create(string path, bool resume, bool force)
    {
        Check(path, resume, force);
        bool holds = Directory.Exists(path) && HoldsRun(path);
        try
        {
            Directory.CreateDirectory(path);
            string probe = System.IO.Path.Combine(path, ".write-test-" + Environment.ProcessId);
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"output folder '{path}' is not writable ({e.Message.ReplaceLineEndings(" ")}); choose another --out.");
        }
        var folder = new RunFolder(path);
        if (force && holds)
        {
            foreach (string f in RunFiles) System.IO.File.Delete(folder.File(f));
            foreach (string png in Directory.EnumerateFiles(folder.Path, "*.png")) System.IO.File.Delete(png);
            folder.RemoveStaleTemporaryFiles();
        }
        return folder;
    }

    /// <summary>The checks of <see cref="Create"/>, without touching the disk: one line for each refusal.</summary>
    public static void Check(string path, bool resume, bool force)
    {
        Guard.NotEmpty(path);
        if (resume && force) throw new UserInputException("--resume and --force exclude each other: resume keeps the run, force replaces it.");
        if (System.IO.File.Exists(path)) throw new UserInputException($"output '{path}' is a file, not a folder; choose another --out.");
        bool exists = Directory.Exists(path);
        bool checkpoint = exists && System.IO.File.Exists(System.IO.Path.Combine(path, CheckpointFile));
        bool previous = exists && System.IO.File.Exists(System.IO.Path.Combine(path, PreviousCheckpointFile));
        if (resume && !(exists && HoldsRun(path)) && !previous)
            throw new UserInputException($"cannot resume: '{path}' holds no run (no {ConfigFile} or {CheckpointFile}); drop --resume to start one.");
        if (resume && !checkpoint && previous)
        {
            string kept = System.IO.Path.Combine(path, PreviousCheckpointFile);
            throw new UserInputException($"cannot resume: '{path}' has no {CheckpointFile} but keeps {PreviousCheckpointFile}; use it with `mv {kept} {System.IO.Path.Combine(path, CheckpointFile)}`, then resume.");
        }
        if ((checkpoint || previous) && !resume && !force)
            throw new UserInputException($"output folder '{path}' already holds a run; pass --resume to continue it, --force to replace it, or choose another --out.");
    }

    /// <summary>
    /// Refuses a training before its first step when the file system holding <paramref name="path"/> lacks room for
    /// what it will write: three checkpoints at the peak (the last, the previous and the one being written), less
    /// those already there, plus the metrics lines and the figures.
    /// </summary>
    public static void RequireSpaceForTraining(string path, long checkpointBytes, GenomicCode.Training.TrainingOptions options)
    {
        long existing = 0;
        foreach (string f in new[] { CheckpointFile, PreviousCheckpointFile })
        {
            var info = new FileInfo(System.IO.Path.Combine(path, f));
            if (info.Exists) existing += info.Length;
        }
        long lines = options.Steps / Math.Max(1, options.LogEvery) + 1;
        long needed = Math.Max(0, 3 * checkpointBytes - existing) + lines * BytesPerMetricsLine + FigureBytes;
        AtomicFile.RequireFreeSpace(path, needed, $"training into '{path}' ({AtomicFile.Size(checkpointBytes)} per checkpoint)");
    }

    /// <summary>Room a verb that writes a report (JSON and figures) into a run folder asks for before it starts.</summary>
    public const long ReportBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Checks, before any work, that an existing run folder can take a verb's outputs: it exists and holds a run, it is
    /// writable, and it has <paramref name="bytes"/> free. One line for each refusal.
    /// </summary>
    public static void CheckOutputs(string path, long bytes = ReportBytes)
    {
        var folder = OpenExisting(path);
        AtomicFile.CheckDestination(folder.File(".outputs"), bytes, "run folder");
    }

    /// <summary>Removes temporary files that a killed training left in the folder (see <see cref="AtomicFile.RemoveStaleTemporaryFiles"/>).</summary>
    public void RemoveStaleTemporaryFiles()
    {
        foreach (string f in RunFiles) AtomicFile.RemoveStaleTemporaryFiles(File(f));
    }

    /// <summary>
    /// Writes an object as indented JSON with its checksum (<see cref="IntegrityJson"/>), atomically (temporary file,
    /// then rename); a failed write is one line and leaves the previous file.
    /// </summary>
    public void WriteJson<T>(string name, T value) => AtomicFile.WriteAllText(File(name), IntegrityJson.Serialize(value));

    /// <summary>Reads the config.json of this run, after verifying its checksum.</summary>
    public Preset ReadConfig()
    {
        string path = File(ConfigFile);
        if (!System.IO.File.Exists(path)) throw new UserInputException($"run folder '{Path}' has no {ConfigFile}.");
        string text;
        try { text = System.IO.File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read '{path}': {e.Message.ReplaceLineEndings(" ")}");
        }
        return Preset.Parse(IntegrityJson.Verify(text, path), path);
    }
}
