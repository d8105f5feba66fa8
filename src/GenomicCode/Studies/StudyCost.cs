using System.Diagnostics;
using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Training;

namespace GenomicCode.Studies;

/// <summary>The estimated cost of the runs that share one model and training configuration (they differ only in seed or steps).</summary>
/// <param name="Label">The setting of its first run.</param>
/// <param name="Runs">How many runs share it.</param>
/// <param name="Steps">Training steps summed over those runs.</param>
/// <param name="SecondsPerStep">Training seconds per step; null when not measured.</param>
/// <param name="Source">How <paramref name="SecondsPerStep"/> was obtained.</param>
public sealed record CostGroup(string Label, int Runs, long Steps, double? SecondsPerStep, string Source);

/// <summary>A study's estimated cost.</summary>
/// <param name="Groups">One entry per distinct configuration.</param>
/// <param name="Threads">Torch threads the estimate assumes per run (the probe's, or the finished runs').</param>
/// <param name="MeasureSecondsPerRun">Measurement seconds per run from finished runs; null when none has finished.</param>
/// <param name="FinishedRuns">Finished runs the estimate read.</param>
public sealed record CostEstimate(IReadOnlyList<CostGroup> Groups, int Threads, double? MeasureSecondsPerRun, int FinishedRuns)
{
    /// <summary>Training seconds of every run one after another at <see cref="Threads"/> threads; null when a group is unmeasured.</summary>
    public double? TrainSeconds => Groups.All(g => g.SecondsPerStep is not null) ? Groups.Sum(g => g.Steps * g.SecondsPerStep!.Value) : null;

    /// <summary>Training plus measurement seconds (measurements only when known).</summary>
    public double? TotalSeconds => TrainSeconds is double t ? t + (MeasureSecondsPerRun ?? 0) * Groups.Sum(g => g.Runs) : null;

    /// <summary>CPU-hours: <see cref="TotalSeconds"/> times <see cref="Threads"/> cores, over 3600.</summary>
    public double? CpuHours => TotalSeconds is double s ? s * Threads / 3600 : null;
}

/// <summary>
/// Estimates what a study costs on this machine. Runs that share a configuration (apart from seed and steps) share a
/// speed: it is read from the study folder's finished runs where there are some (training seconds over steps trained,
/// which includes start-up and figures), otherwise measured by training the configuration for a few steps after a
/// warm-up (<see cref="Probe"/>). Measurement time is known only from finished runs.
/// </summary>
public static class StudyCost
{
    /// <summary>Estimates the cost of <paramref name="study"/>; <paramref name="existing"/> is its folder when it has one.</summary>
    public static CostEstimate Estimate(Study study, StudyFolder? existing, int warmupSteps, int probeSteps, int threads, Action<string> progress,
        CancellationToken cancellationToken)
    {
        var finished = new List<(PlannedRun Run, RunRecord Record, long Steps)>();
        if (existing is not null)
        {
            var record = existing.Read();
            var kinds = StudyFolder.MeasurementKinds(record);
            foreach (var entry in record.Runs)
            {
                var run = existing.ReadRun(entry);
                var planned = study.Runs.FirstOrDefault(r => r.Id == entry.Id);
                if (planned is null || run is null || !run.IsComplete(kinds) || run.TrainSeconds <= 0) continue;
                finished.Add((planned, run, ToPreset(planned).Training.Steps));
            }
        }
        var groups = new List<CostGroup>();
        int usedThreads = threads;
        foreach (var group in study.Runs.GroupBy(r => Key(study, r)))
        {
            var runs = group.ToList();
            long steps = runs.Sum(r => ToPreset(r).Training.Steps);
            var measured = finished.Where(f => Key(study, f.Run) == group.Key).ToList();
            if (measured.Count > 0)
            {
                double perStep = measured.Sum(f => f.Record.TrainSeconds) / measured.Sum(f => f.Steps);
                usedThreads = measured[0].Record.Threads ?? usedThreads;
                groups.Add(new CostGroup(runs[0].Setting, runs.Count, steps, perStep, $"read from {measured.Count} finished run(s)"));
            }
            else if (probeSteps > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress($"probing {runs[0].Setting}: {warmupSteps} warm-up + {probeSteps} timed steps");
                double perStep = Probe(ToPreset(runs[0]), warmupSteps, probeSteps, threads);
                groups.Add(new CostGroup(runs[0].Setting, runs.Count, steps, perStep, $"probe: {probeSteps} steps after {warmupSteps} warm-up, {threads} thread(s)"));
            }
            else
            {
                groups.Add(new CostGroup(runs[0].Setting, runs.Count, steps, null, "not measured (--probe-steps 0)"));
            }
        }
        double? measure = finished.Count > 0 ? finished.Average(f => f.Record.Measurements.Values.Sum(m => m.Seconds)) : null;
        return new CostEstimate(groups, usedThreads, measure, finished.Count);
    }

    /// <summary>
    /// Seconds per training step of <paramref name="preset"/> on this machine: builds its model, trains
    /// <paramref name="warmupSteps"/> steps untimed, then times <paramref name="steps"/> steps (no checkpoint, no log).
    /// </summary>
    public static double Probe(Preset preset, int warmupSteps, int steps, int threads)
    {
        if (steps < 1) throw new UserInputException($"the probe needs at least one timed step, got {steps}.");
        if (warmupSteps < 0) throw new UserInputException($"warm-up steps must be >= 0, got {warmupSteps}.");
        int before = TorchSharp.torch.get_num_threads();
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
        try
        {
            var device = Devices.Parse(preset.Training.Device);
            var data = new SpritesWorld();
            var training = preset.Training with { Steps = warmupSteps + steps, CheckpointEvery = 0, Threads = 0 };
            using var model = GenomeVae.Create(preset.Model, data.ObservationShape, training.Seed, device, data.Count);
            using var trainer = new Trainer(model, data, training, device);
            for (int i = 0; i < warmupSteps; i++) trainer.TrainStep();
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) trainer.TrainStep();
            return watch.Elapsed.TotalSeconds / steps;
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
    }

    private static Preset ToPreset(PlannedRun run) => StudyFile.ToPreset((JsonObject)JsonNode.Parse(run.PresetJson)!);

    /// <summary>The run's preset without what does not change its speed: name, seed and steps.</summary>
    private static string Key(Study study, PlannedRun run)
    {
        var json = (JsonObject)JsonNode.Parse(run.PresetJson)!;
        json.Remove("name");
        json.Remove("description");
        foreach (string path in new[] { study.Definition.SeedPath, StudyFile.StepsPath })
        {
            var p = JsonPath.Parse(path);
            if (p.Exists(json)) p.Set(json, null);
        }
        return json.ToJsonString();
    }
}
