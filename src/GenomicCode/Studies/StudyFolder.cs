using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Runs;

namespace GenomicCode.Studies;

/// <summary>
/// A study folder: study.json (plan, jobs, states, report), runs/NAME/ (one run folder per grid point, with its
/// preset.json and study-run.json), logs/, figures/ and study.csv. A new folder is built under a temporary name and
/// renamed into place, so an error never leaves half a study; study.json changes atomically under a lock.
/// </summary>
public sealed class StudyFolder
{
    /// <summary>File and folder names inside a study folder.</summary>
    public const string RecordFile = "study.json", TableFile = "study.csv", RunsFolder = "runs", LogsFolder = "logs",
        FiguresFolder = "figures", RunRecordFile = "study-run.json", PresetFile = "preset.json", ArrayScript = "study.sbatch",
        GatherScript = "gather.sbatch";

    private const string RecordLock = ".study.json.lock", DriverLock = ".study-driver.lock";

    private StudyFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>The run folder of <paramref name="run"/>.</summary>
    public string RunPath(RunEntry run) => File(run.Folder);

    /// <summary>Opens an existing study folder (one holding study.json).</summary>
    public static StudyFolder Open(string path)
    {
        Guard.NotEmpty(path);
        if (!Directory.Exists(path)) throw new UserInputException($"study folder '{path}' does not exist; run `genomic-code study run FILE` first.");
        if (!System.IO.File.Exists(System.IO.Path.Combine(path, RecordFile)))
            throw new UserInputException($"'{path}' is not a study folder (no {RecordFile}); give the folder `study run` wrote (default studies/NAME).");
        return new StudyFolder(path);
    }

    /// <summary>
    /// Opens the study folder at <paramref name="path"/> for <paramref name="study"/>: creates it (atomically) when it
    /// does not exist, resumes it when it holds the same plan, and refuses a folder holding another plan or something
    /// else. <paramref name="created"/> says whether this call made it.
    /// </summary>
    public static StudyFolder CreateOrResume(Study study, string path, out bool created)
    {
        Guard.NotEmpty(path);
        created = false;
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new UserInputException($"study folder '{path}' is a file; choose another --out.");
        if (Directory.Exists(full) && System.IO.File.Exists(System.IO.Path.Combine(full, RecordFile)))
        {
            var folder = new StudyFolder(full);
            var record = folder.Read();
            string? difference = PlanDifference(folder, record, study);
            if (difference is not null)
                throw new UserInputException($"study folder '{path}' holds another plan ({difference}); choose another --out, or delete that folder to start over.");
            folder.Update(r => r with { Definition = StudyFile.ToJson(study.Definition), Source = System.IO.Path.GetFullPath(study.Source) });
            return folder;
        }
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new UserInputException($"'{path}' exists and is not a study folder (no {RecordFile}); choose another --out.");

        string parent = System.IO.Path.GetDirectoryName(full) ?? ".";
        string temp = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.new-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(parent);
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            Directory.CreateDirectory(temp);
            Directory.CreateDirectory(System.IO.Path.Combine(temp, LogsFolder));
            foreach (var run in study.Runs)
            {
                string runDir = System.IO.Path.Combine(temp, RunsFolder, run.Id);
                Directory.CreateDirectory(runDir);
                System.IO.File.WriteAllText(System.IO.Path.Combine(runDir, PresetFile), run.PresetJson);
            }
            var now = DateTime.UtcNow;
            var record = new StudyRecord
            {
                Name = study.Name,
                Source = System.IO.Path.GetFullPath(study.Source),
                PresetSource = study.PresetSource,
                Definition = StudyFile.ToJson(study.Definition),
                Created = now,
                Updated = now,
                Runs = study.Runs.Select(r => new RunEntry
                {
                    Index = r.Index,
                    Id = r.Id,
                    Folder = System.IO.Path.Combine(RunsFolder, r.Id),
                    Setting = r.Setting,
                    Seed = r.Seed,
                    Labels = r.Labels.ToDictionary(kv => kv.Key, kv => kv.Value),
                    Values = r.Values,
                }).ToList(),
            };
            AtomicFile.WriteAllText(System.IO.Path.Combine(temp, RecordFile), JsonSerializer.Serialize(record, JsonSettings.Default));
            if (Directory.Exists(full)) Directory.Delete(full); // empty (checked above)
            Directory.Move(temp, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new UserInputException($"cannot create study folder '{path}' ({e.Message.ReplaceLineEndings(" ")}); choose another --out.");
        }
        created = true;
        return new StudyFolder(full);
    }

    /// <summary>Deletes a folder this process created, after an error that leaves nothing worth keeping.</summary>
    public void DeleteCreated() => TryDelete(Path);

    /// <summary>Reads study.json.</summary>
    public StudyRecord Read()
    {
        string path = File(RecordFile);
        try
        {
            return JsonSerializer.Deserialize<StudyRecord>(System.IO.File.ReadAllText(path), JsonSettings.Default)
                ?? throw new UserInputException($"{path} is empty; the study folder is damaged.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a study record ({e.Message.ReplaceLineEndings(" ")}); the study folder is damaged.");
        }
        catch (IOException e)
        {
            throw new UserInputException($"cannot read {path}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Changes study.json under the record lock (read, change, write through a temporary file and a rename).</summary>
    public StudyRecord Update(Func<StudyRecord, StudyRecord> change)
    {
        using var held = Lock(File(RecordLock), TimeSpan.FromSeconds(60))
            ?? throw new UserInputException($"study.json of '{Path}' stayed locked for 60 s; is a stuck `genomic-code study` process holding it?");
        var updated = change(Read()) with { Updated = DateTime.UtcNow };
        AtomicFile.WriteAllText(File(RecordFile), JsonSerializer.Serialize(updated, JsonSettings.Default));
        return updated;
    }

    /// <summary>
    /// Takes the driver lock (one <c>study run</c> per folder at a time); a second driver gets a one-line error.
    /// </summary>
    public IDisposable AcquireDriver()
    {
        string path = File(DriverLock);
        return Lock(path, TimeSpan.Zero)
            ?? throw new UserInputException($"another `genomic-code study run` is driving '{Path}' (lock {DriverLock}); wait for it to finish or stop it first.");
    }

    /// <summary>Reads a run's study-run.json, or null when the run has not started.</summary>
    public RunRecord? ReadRun(RunEntry run)
    {
        string path = System.IO.Path.Combine(RunPath(run), RunRecordFile);
        if (!System.IO.File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<RunRecord>(System.IO.File.ReadAllText(path), JsonSettings.Default); }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null; // a damaged record counts as not started: the run is redone from its checkpoint
        }
    }

    /// <summary>Writes a run's study-run.json atomically.</summary>
    public void WriteRun(RunEntry run, RunRecord record) =>
        AtomicFile.WriteAllText(System.IO.Path.Combine(RunPath(run), RunRecordFile), JsonSerializer.Serialize(record, JsonSettings.Default));

    /// <summary>The measurement kinds the study's definition asks for.</summary>
    public static IReadOnlyList<string> MeasurementKinds(StudyRecord record) =>
        record.Definition is null ? Array.Empty<string>() : StudyFile.FromJson(record.Definition).Measurements.Select(m => m.Kind).ToArray();

    private static string? PlanDifference(StudyFolder folder, StudyRecord record, Study study)
    {
        if (record.Runs.Count != study.Runs.Count) return $"{record.Runs.Count} runs there, {study.Runs.Count} in the study file";
        for (int i = 0; i < study.Runs.Count; i++)
        {
            var entry = record.Runs[i];
            if (entry.Id != study.Runs[i].Id) return $"run {i} is '{entry.Id}' there, '{study.Runs[i].Id}' in the study file";
            string preset = System.IO.Path.Combine(folder.RunPath(entry), PresetFile);
            if (!System.IO.File.Exists(preset) || System.IO.File.ReadAllText(preset) != study.Runs[i].PresetJson)
                return $"run '{entry.Id}' has another preset there";
        }
        return null;
    }

    /// <summary>An exclusive advisory lock on <paramref name="path"/> (flock on Unix), waiting up to <paramref name="wait"/>; null when not taken.</summary>
    private static FileStream? Lock(string path, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
