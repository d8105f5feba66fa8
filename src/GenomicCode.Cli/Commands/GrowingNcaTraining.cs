using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using GenomicCode.Training;
using Spectre.Console;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code train</c> for a Growing NCA preset (one whose JSON has a <c>growingNca</c> member, e.g.
/// <c>emoji-growing-nca</c>): the library's <see cref="GrowingNcaRun.Train"/> into a run folder, then its figures
/// (growth.png: the automaton growing from the seed beside the target; loss.png: the training curve).
/// </summary>
internal static class GrowingNcaTraining
{
    /// <summary>File names of the figures.</summary>
    public const string Growth = "growth.png", Loss = "loss.png";

    /// <summary>Trains <paramref name="preset"/> with the command line's overrides; returns the exit code.</summary>
    public static int Execute(IAnsiConsole console, Preset preset, TrainSettings settings, CancellationToken cancellationToken)
    {
        string? genomeOption = settings.Beta is not null ? "--beta" : settings.Regularizer is not null ? "--regularizer"
            : settings.Encoder is not null ? "--encoder" : settings.Decoder is not null ? "--decoder" : settings.Dataset is not null ? "--dataset" : null;
        if (genomeOption is not null)
            throw new UserInputException($"{genomeOption} applies to genome VAE presets; '{preset.Name}' trains a Growing NCA (set its target and automaton in the preset's growingNca member).");
        if (settings.Resume)
            throw new UserInputException($"--resume is not supported for Growing NCA runs (the sample pool is not checkpointed); train again with --force or --steps N into a new --out.");
        preset = (preset with
        {
            Training = preset.Training with
            {
                Steps = settings.Steps ?? preset.Training.Steps,
                Seed = settings.Seed ?? preset.Training.Seed,
                BatchSize = settings.BatchSize ?? preset.Training.BatchSize,
                LearningRate = settings.LearningRate ?? preset.Training.LearningRate,
                Device = settings.Device ?? preset.Training.Device,
                Threads = settings.Threads ?? preset.Training.Threads,
            },
        }).Validate();
        string outDir = settings.Out ?? Path.Combine("runs", preset.Name);
        if (preset.Training.Threads > 0) TorchSharp.torch.set_num_threads(preset.Training.Threads);
        var cache = DataCache.Resolve(settings.DataDir);
        var o = preset.GrowingNca!;
        console.MarkupLine($"training [bold]{Markup.Escape(preset.Name)}[/] (Growing NCA) on {Markup.Escape(o.Image ?? "emoji " + o.Emoji)}: {preset.Training.Steps} steps, batch {preset.Training.BatchSize}, " +
                           $"pool {o.PoolSize}, grid {o.Grid}x{o.Grid}, {o.MinSteps}-{o.MaxSteps} steps per rollout, {o.Damaged} damaged per batch, " +
                           $"{o.Automaton.Channels} channels, hidden {o.Automaton.HiddenSize}, seed {preset.Training.Seed}, threads {TorchSharp.torch.get_num_threads()}");
        long total = preset.Training.Steps;
        var watch = Stopwatch.StartNew();
        GrowingNcaStep? last = null;
        ProgressDisplay.Run(console, total, 0, report =>
        {
            last = GrowingNcaRun.Train(preset, outDir, settings.Force, cache, step =>
            {
                double rate = step.Step / Math.Max(1e-9, watch.Elapsed.TotalSeconds);
                double eta = (total - step.Step) / Math.Max(1e-9, rate);
                report(step.Step, $"step {step.Step}/{total}  loss {F(step.Loss)}  rollout {step.RolloutSteps}  {rate:F2} steps/s  ETA {TimeSpan.FromSeconds(Math.Round(eta)):c}");
            }, cancellationToken);
        });
        string full = Path.GetFullPath(outDir);
        var figures = WriteFigures(full, cache);
        if (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine($"[yellow]stopped at step {last?.Step ?? 0}[/]; checkpoint and {string.Join(", ", figures.Select(Path.GetFileName))} written in {Markup.Escape(full)}.");
            return GenomicCodeApp.Cancelled;
        }
        console.MarkupLine($"[green]done[/]: step {last?.Step ?? 0}, loss {F(last?.Loss ?? double.NaN)}; wrote {string.Join(", ", figures.Select(Path.GetFileName))}, " +
                           $"{RunFolder.MetricsFile}, {RunFolder.CheckpointFile} in {Markup.Escape(full)}");
        return 0;
    }

    /// <summary>growth.png (the automaton from the seed over twice the longest rollout, beside the target) and loss.png.</summary>
    public static IReadOnlyList<string> WriteFigures(string runDir, DataCache? cache)
    {
        using var run = GrowingNcaRun.Load(runDir, null, cache);
        int steps = 2 * run.Options.MaxSteps;
        var (at, rgb) = run.GrowthStrip(steps, 9, run.Preset.Training.Seed);
        var grid = new RgbImageGrid(at.Length, run.Options.Grid, new[] { rgb, GrowingNcaRun.Composite(run.Target) }, new[] { "growth", "target" },
            new IReadOnlyList<string>[] { at.Select(t => $"t={t}").ToArray(), new[] { "target" } });
        var written = new List<string> { grid.Draw($"{run.Preset.Name}: growth from one seed cell (step {run.Step} of training)").Save(run.Run.File(Growth)) };
        var (x, y) = ReadLoss(run.Run.File(RunFolder.MetricsFile));
        if (x.Length > 0)
            written.Add(Figures.SaveCurves("Growing NCA training loss (RGBA L2, batch mean)", "loss", new Dictionary<string, (double[], double[])> { ["loss"] = (x, y) },
                run.Run.File(Loss), logY: true));
        return written;
    }

    private static (double[] Steps, double[] Loss) ReadLoss(string path)
    {
        if (!File.Exists(path)) return (Array.Empty<double>(), Array.Empty<double>());
        var steps = new List<double>();
        var loss = new List<double>();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            steps.Add(doc.RootElement.GetProperty("step").GetDouble());
            loss.Add(doc.RootElement.GetProperty("loss").GetDouble());
        }
        return (steps.ToArray(), loss.ToArray());
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
