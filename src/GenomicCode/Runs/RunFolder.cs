using System.Text.Json;
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
        CheckpointFile = "checkpoint.bin";

    /// <summary>The most probable genomes of the reconstruction figure's phenotypes, for runs whose genome is DNA.</summary>
    public const string GenomeFile = "genome.fa";

    /// <summary>What the measuring verbs write into a run folder: <c>evaluate</c>'s scores, <c>analyze</c>'s genetic architecture.</summary>
    public const string EvaluationFile = "evaluation.json", AnalysisFile = "analysis.json";

    private static readonly string[] RunFiles = { ConfigFile, EnvironmentFile, MetricsFile, CheckpointFile, CheckpointFile + ".tmp", GenomeFile };

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

    /// <summary>
    /// Creates (or, with <paramref name="resume"/>, reopens; with <paramref name="force"/>, clears) a run folder. A
    /// folder holding another run is refused unless one of them is set; an unwritable folder is refused before training.
    /// </summary>
    public static RunFolder Create(string path, bool resume, bool force)
    {
        Guard.NotEmpty(path);
        if (resume && force) throw new UserInputException("--resume and --force exclude each other: resume keeps the run, force replaces it.");
        if (System.IO.File.Exists(path)) throw new UserInputException($"output '{path}' is a file, not a folder; choose another --out.");
        bool holds = Directory.Exists(path) && HoldsRun(path);
        if (resume && !holds) throw new UserInputException($"cannot resume: '{path}' holds no run (no {CheckpointFile}); drop --resume to start one.");
        if (resume && !System.IO.File.Exists(System.IO.Path.Combine(path, CheckpointFile)))
            throw new UserInputException($"cannot resume: '{path}' has no {CheckpointFile}; use --force to start over.");
        if (holds && !resume && !force)
            throw new UserInputException($"output folder '{path}' already holds a run; pass --resume to continue it, --force to replace it, or choose another --out.");
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
        }
        return folder;
    }

    /// <summary>Writes an object as indented JSON, atomically (temporary file, then rename).</summary>
    public void WriteJson<T>(string name, T value) => AtomicFile.WriteAllText(File(name), JsonSerializer.Serialize(value, JsonSettings.Default));

    /// <summary>Reads the config.json of this run.</summary>
    public Preset ReadConfig()
    {
        string path = File(ConfigFile);
        if (!System.IO.File.Exists(path)) throw new UserInputException($"run folder '{Path}' has no {ConfigFile}.");
        return Preset.Parse(System.IO.File.ReadAllText(path), path);
    }
}
