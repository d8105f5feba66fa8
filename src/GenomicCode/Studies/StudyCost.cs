using System.Diagnostics;
using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Runs;
using GenomicCode.Training;

namespace GenomicCode.Studies;

/// <summary>The estimated cost of the runs that share one model and training configuration (they differ only in seed or steps).</summary>
/// <param name="Label">The setting of its first run.</param>
/// <param name="Runs">How many runs share it.</param>
/// <param name="Steps">Training steps summed over those runs.</param>
/// <param name="SecondsPerStep">Training seconds per step; null when not measured.</param>
/// <param name="Source">How <paramref name="SecondsPerStep"/> was obtained.</param>
/// <param name="CpuSecondsPerStep">Process CPU seconds per step (all threads) where the probe measured them; null otherwise.</param>
public sealed record CostGroup(string Label, int Runs, long Steps, double? SecondsPerStep, string Source, double? CpuSecondsPerStep = null);

/// <summary>A study's estimated cost.</summary>
/// <param name="Groups">One entry per distinct configuration.</param>
/// <param name="Threads">Torch threads the estimate assumes per run (the probe's, or the finished runs').</param>
/// <param name="MeasureSecondsPerRun">Measurement seconds per run from finished runs; null when none has finished.</param>
/// <param name="FinishedRuns">Finished runs the estimate read.</param>
/// <param name="Device">The device the runs train on (that of the base preset on this machine): <c>cpu</c> or <c>cuda...</c>.</param>
public sealed record CostEstimate(IReadOnlyList<CostGroup> Groups, int Threads, double? MeasureSecondsPerRun, int FinishedRuns, string Device)
{
    /// <summary>Whether the runs train on a GPU here (then the estimate is in GPU-hours, one GPU per run).</summary>
    public bool OnGpu => Device.StartsWith("cuda", StringComparison.Ordinal);

    /// <summary>GPU-hours (one GPU per run) when the runs train on a GPU; null otherwise.</summary>
    public double? GpuHours => OnGpu && TotalSeconds is double s ? s / 3600 : null;

    /// <summary>Training seconds of every run one after another at <see cref="Threads"/> threads; null when a group is unmeasured.</summary>
    public double? TrainSeconds => Groups.All(g => g.SecondsPerStep is not null) ? Groups.Sum(g => g.Steps * g.SecondsPerStep!.Value) : null;

    /// <summary>Training plus measurement seconds (measurements only when known).</summary>
    public double? TotalSeconds => TrainSeconds is double t ? t + (MeasureSecondsPerRun ?? 0) * Groups.Sum(g => g.Runs) : null;

    /// <summary>
    /// CPU-hours (CPU runs only): training at the probe's measured CPU seconds per step where every group has them
    /// (wall seconds times <see cref="Threads"/> otherwise), plus measurement seconds times <see cref="Threads"/>.
    /// </summary>
    public double? CpuHours
    {
        get
        {
            if (OnGpu || TrainSeconds is not double wall) return null;
            double train = Groups.All(g => g.CpuSecondsPerStep is not null) ? Groups.Sum(g => g.Steps * g.CpuSecondsPerStep!.Value) : wall * Threads;
            return (train + (MeasureSecondsPerRun ?? 0) * Groups.Sum(g => g.Runs) * Threads) / 3600;
        }
    }
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
                var probe = Probe(ToPreset(runs[0]), warmupSteps, probeSteps, threads);
                groups.Add(new CostGroup(runs[0].Setting, runs.Count, steps, probe.WallSeconds, $"probe: {probeSteps} steps after {warmupSteps} warm-up, {threads} thread(s)", probe.CpuSeconds));
            }
            else
            {
                groups.Add(new CostGroup(runs[0].Setting, runs.Count, steps, null, "not measured (--probe-steps 0)"));
            }
        }
        double? measure = finished.Count > 0 ? finished.Average(f => f.Record.Measurements.Values.Sum(m => m.Seconds)) : null;
        string device = study.Runs.Count == 0 ? "cpu" : Devices.Parse(ToPreset(study.Runs[0]).Training.Device).ToString();
        return new CostEstimate(groups, usedThreads, measure, finished.Count, device);
    }

    /// <summary>
    /// Seconds per training step of <paramref name="preset"/> on this machine, wall-clock and process CPU time (all
    /// threads): builds its model, trains <paramref name="warmupSteps"/> steps untimed, then times
    /// <paramref name="steps"/> steps (no checkpoint, no log). On a shared machine the CPU time is the steadier of the two.
    /// </summary>
    public static (double WallSeconds, double CpuSeconds) Probe(Preset preset, int warmupSteps, int steps, int threads)
    {
        if (steps < 1) throw new UserInputException($"the probe needs at least one timed step, got {steps}.");
        if (warmupSteps < 0) throw new UserInputException($"warm-up steps must be >= 0, got {warmupSteps}.");
        int before = TorchSharp.torch.get_num_threads();
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
        try
        {
            var device = Devices.Parse(preset.Training.Device);
            var data = DatasetCatalog.Create(preset.Training.Dataset);
            var training = preset.Training with { Steps = warmupSteps + steps, CheckpointEvery = 0, Threads = 0 };
            using var model = GenomeVae.Create(preset.Model, data, training.Seed, device);
            using var trainer = new Trainer(model, data, training, device);
            for (int i = 0; i < warmupSteps; i++) trainer.TrainStep();
            using var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) trainer.TrainStep();
            double wall = watch.Elapsed.TotalSeconds;
            self.Refresh();
            return (wall / steps, (self.TotalProcessorTime - cpu).TotalSeconds / steps);
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
