using System.Diagnostics;
using GenomicCode.Core;

namespace GenomicCode.Studies;

/// <summary>
/// Runs one run of a study (what one Slurm array task or one local worker does): trains it, resuming from its
/// checkpoint, then takes each measurement it does not hold yet, recording progress in the run's study-run.json.
/// </summary>
public static class StudyTask
{
    /// <summary>
    /// Test hook: a comma-separated list of grid indices whose first attempt fails on purpose (to exercise retries and
    /// resubmission); unset in normal use.
    /// </summary>
    public const string FailOnceVariable = "GENOMICCODE_STUDY_FAIL_ONCE";

    /// <summary>
    /// Runs grid index <paramref name="index"/> of the study in <paramref name="folder"/>. Returns normally when the run
    /// is done (at once if it already was); throws when it fails, after recording why; throws
    /// <see cref="OperationCanceledException"/> when stopped (the checkpoint is kept).
    /// </summary>
    public static RunRecord Run(StudyFolder folder, int index, IRunTrainer trainer, IReadOnlyCollection<IRunMeasurement> measurements,
        int? threads, Action<string> log, CancellationToken cancellationToken)
    {
        var study = folder.Read();
        var entry = study.Runs.FirstOrDefault(r => r.Index == index)
            ?? throw new UserInputException($"study '{study.Name}' has runs 0..{study.Runs.Count - 1}; there is no run {index}.");
        var definition = StudyFile.FromJson(study.Definition ?? throw new UserInputException($"{folder.File(StudyFolder.RecordFile)} holds no study definition."));
        var known = measurements.ToDictionary(m => m.Kind, StringComparer.Ordinal);
        foreach (var m in definition.Measurements)
            if (!known.ContainsKey(m.Kind))
                throw new UserInputException($"study '{study.Name}' asks for measurement '{m.Kind}', which this genomic-code does not know; known: {string.Join(", ", known.Keys)}.");

        var record = folder.ReadRun(entry) ?? new RunRecord { Index = entry.Index, Id = entry.Id };
        if (record.IsComplete(definition.Measurements.Select(m => m.Kind)))
        {
            log($"run {entry.Id} is already done");
            return record;
        }
        record = record with
        {
            State = StudyStates.Running,
            Attempts = record.Attempts + 1,
            Host = Environment.MachineName,
            Started = DateTime.UtcNow,
            Finished = null,
            Error = null,
            Threads = threads,
        };
        folder.WriteRun(entry, record);
        string runDir = folder.RunPath(entry);
        try
        {
            if (FailsOnPurpose(index, record.Attempts))
                throw new InvalidOperationException($"run {entry.Id} failed on purpose ({FailOnceVariable} names index {index}; attempt {record.Attempts}).");
            if (!record.Trained)
            {
                log($"run {entry.Id}: training (attempt {record.Attempts})");
                var watch = Stopwatch.StartNew();
                try
                {
                    trainer.Train(runDir, Path.Combine(runDir, StudyFolder.PresetFile), cancellationToken);
                }
                finally
                {
                    record = record with { TrainSeconds = record.TrainSeconds + watch.Elapsed.TotalSeconds };
                }
                record = record with { Trained = true };
                folder.WriteRun(entry, record);
            }
            foreach (var spec in definition.Measurements)
            {
                if (record.Measurements.ContainsKey(spec.Kind)) continue;
                cancellationToken.ThrowIfCancellationRequested();
                log($"run {entry.Id}: {spec.Kind}");
                var watch = Stopwatch.StartNew();
                var scalars = known[spec.Kind].Measure(runDir, spec.Options, cancellationToken);
                var measured = new MeasurementRecord
                {
                    Seconds = watch.Elapsed.TotalSeconds,
                    Scalars = scalars.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value),
                };
                record = record with { Measurements = new Dictionary<string, MeasurementRecord>(record.Measurements) { [spec.Kind] = measured } };
                folder.WriteRun(entry, record);
            }
            record = record with { State = StudyStates.Done, Finished = DateTime.UtcNow };
            folder.WriteRun(entry, record);
            log($"run {entry.Id}: done");
            return record;
        }
        catch (OperationCanceledException)
        {
            folder.WriteRun(entry, record with { State = StudyStates.Stopped, Finished = DateTime.UtcNow, Error = "stopped before it finished; resumes from its checkpoint" });
            throw;
        }
        catch (Exception e)
        {
            folder.WriteRun(entry, record with { State = StudyStates.Failed, Finished = DateTime.UtcNow, Error = e.Message.ReplaceLineEndings(" ") });
            throw;
        }
    }

    private static bool FailsOnPurpose(int index, int attempt)
    {
        if (attempt != 1) return false;
        string? list = Environment.GetEnvironmentVariable(FailOnceVariable);
        if (string.IsNullOrWhiteSpace(list)) return false;
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(s => int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out int i) && i == index);
    }
}
