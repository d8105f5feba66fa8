using System.Diagnostics;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using GenomicCode.Runs;
using GenomicCode.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code train</c>: trains a genome VAE from a preset into a self-describing run folder; a Growing NCA preset
/// (one with a <c>growingNca</c> member, e.g. <c>emoji-growing-nca</c>) goes to <see cref="GrowingNcaTraining"/>.
/// </summary>
public sealed class TrainCommand : Command<TrainSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public TrainCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        // 1. Everything the user gave is checked before anything on disk is touched.
        string? outDir = settings.Out;
        Preset preset;
        if (settings.Resume && settings.Preset is null)
        {
            if (outDir is null) throw new UserInputException("--resume needs --out <DIR>: the run folder to continue.");
            preset = RunFolder.OpenExisting(outDir).ReadConfig();
        }
        else
        {
            preset = PresetCatalog.Load(settings.Preset ?? "quickstart");
        }
        if (preset.IsGrowingNca) return GrowingNcaTraining.Execute(console, preset, settings, cancellationToken);
        preset = ApplyOverrides(preset, settings).Validate();
        outDir ??= Path.Combine("runs", preset.Name);
        var device = Devices.Parse(preset.Training.Device);
        var data = DatasetCatalog.Create(preset.Training.Dataset, settings.DataDir is null ? null : DataCache.Resolve(settings.DataDir));

        // 2. The model, then the run folder: another run (unless --resume / --force), an unwritable folder, a disk without
        //    room for the checkpoints, and a damaged or mismatched checkpoint are refused before anything is written.
        using var model = GenomeVae.Create(preset.Model, data, preset.Training.Seed, device);
        using var trainer = new Trainer(model, data, preset.Training, device) { PresetName = preset.Name };
        var run = OpenRunFolder(outDir, settings, trainer);
        if (settings.Resume) Resume(run, trainer);
        run.RemoveStaleTemporaryFiles();
        run.WriteJson(RunFolder.ConfigFile, preset);
        run.WriteJson(RunFolder.EnvironmentFile, EnvironmentInfo.Capture(device));

        string beta = preset.Model.Regularizer.Options is IBetaOptions b ? $" (beta {b.Beta})" : "";
        console.MarkupLine($"training [bold]{Markup.Escape(preset.Name)}[/] on {Markup.Escape(preset.Training.Dataset.Name)}: {preset.Training.Steps} steps, batch {preset.Training.BatchSize}, " +
                           $"encoder {preset.Model.Encoder.Name}, decoder {preset.Model.Decoder.Name}, regularizer {Markup.Escape(preset.Model.Regularizer.Name)}{beta}, " +
                           $"{preset.Model.Latent.Name} latent {preset.Model.LatentSize}, seed {preset.Training.Seed}, device {device}, threads {TorchSharp.torch.get_num_threads()}");
        console.MarkupLine($"run folder: [link]{Markup.Escape(run.Path)}[/]");

        // 3. Train with a progress display; Ctrl+C finishes the step, saves a checkpoint and exits.
        using (var log = new MetricsLog(run.File(RunFolder.MetricsFile), preset.Training.LogEvery, trainer.Step))
        {
            trainer.Callbacks.Add(log);
            RunWithProgress(trainer, cancellationToken);
        }
        if (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine($"[yellow]stopped at step {trainer.Step}[/]; checkpoint saved. Continue with: genomic-code train --out {Markup.Escape(outDir)} --resume");
            return GenomicCodeApp.Cancelled;
        }

        // 4. Figures.
        var figures = TrainingFigures.Write(run, model, data, device, preset.Training.Seed);
        console.MarkupLine($"[green]done[/]: step {trainer.Step}; wrote {string.Join(", ", figures.Select(Path.GetFileName))}, " +
                           $"{RunFolder.MetricsFile}, {RunFolder.CheckpointFile} in {Markup.Escape(run.Path)}");
        return 0;
    }

    /// <summary>Checks the folder and the free space for this trainer's checkpoints, then creates (or reopens) the folder.</summary>
    private static RunFolder OpenRunFolder(string outDir, TrainSettings settings, Trainer trainer)
    {
        RunFolder.Check(outDir, settings.Resume, settings.Force);
        RunFolder.RequireSpaceForTraining(outDir, trainer.CheckpointBytes(), trainer.Options);
        var run = RunFolder.Create(outDir, settings.Resume, settings.Force);
        trainer.CheckpointPath = run.File(RunFolder.CheckpointFile);
        return run;
    }

    /// <summary>Loads the run's verified checkpoint; a run stopped before its first checkpoint starts again from step 0.</summary>
    private void Resume(RunFolder run, Trainer trainer)
    {
        string checkpoint = run.File(RunFolder.CheckpointFile);
        if (!File.Exists(checkpoint))
        {
            console.MarkupLine($"[bold]{Markup.Escape(run.Path)}[/] has no checkpoint yet (stopped before its first): training from step 0");
            return;
        }
        trainer.LoadCheckpoint(checkpoint);
        console.MarkupLine($"resuming [bold]{Markup.Escape(run.Path)}[/] at step {trainer.Step}");
    }

    private static Preset ApplyOverrides(Preset preset, TrainSettings s)
    {
        var model = preset.Model with
        {
            Encoder = Choose(EncoderCatalog.Catalogue, preset.Model.Encoder, s.Encoder),
            Decoder = Choose(DecoderCatalog.Catalogue, preset.Model.Decoder, s.Decoder),
            Regularizer = Choose(RegularizerCatalog.Catalogue, preset.Model.Regularizer, s.Regularizer),
        };
        if (s.Beta is double beta) model = model.WithBeta(beta);
        return preset with
        {
            Model = model,
            Training = preset.Training with
            {
                Steps = s.Steps ?? preset.Training.Steps,
                Seed = s.Seed ?? preset.Training.Seed,
                BatchSize = s.BatchSize ?? preset.Training.BatchSize,
                LearningRate = s.LearningRate ?? preset.Training.LearningRate,
                Device = s.Device ?? preset.Training.Device,
                Threads = s.Threads ?? preset.Training.Threads,
                Dataset = Choose(DatasetCatalog.Catalogue, preset.Training.Dataset, s.Dataset),
            },
        };
    }

    /// <summary>The component a command-line name chooses: the preset's own when it names the same entry (its options kept), else that entry's defaults.</summary>
    private static ComponentSpec Choose(ICatalogue catalogue, ComponentSpec current, string? name)
    {
        if (name is null) return current;
        var entry = catalogue.FindEntry(name.Trim());
        return entry.Name == current.Name ? current : catalogue.Spec(entry.Name);
    }

    private void RunWithProgress(Trainer trainer, CancellationToken cancel)
    {
        long total = trainer.Options.Steps;
        long first = trainer.Step;
        var watch = Stopwatch.StartNew();
        ProgressDisplay.Run(console, total, first, report =>
        {
            trainer.Callbacks.Add(new StepCallback(m => report(m.Step, ProgressLine(m, total, first, watch.Elapsed))));
            trainer.Run(cancel);
        });
    }

    private static string ProgressLine(StepMetrics m, long total, long first, TimeSpan elapsed)
    {
        double rate = (m.Step - first) / Math.Max(1e-9, elapsed.TotalSeconds);
        double eta = (total - m.Step) / Math.Max(1e-9, rate);
        return $"step {m.Step}/{total}  loss {m.Loss:F2}  recon {m.Reconstruction:F2}  kl {m.Kl:F2}  {rate:F1} steps/s  ETA {TimeSpan.FromSeconds(Math.Round(eta)):c}";
    }

    private sealed class StepCallback(Action<StepMetrics> onStep) : ITrainingCallback
    {
        public void OnStep(Trainer trainer, StepMetrics metrics) => onStep(metrics);
    }
}
