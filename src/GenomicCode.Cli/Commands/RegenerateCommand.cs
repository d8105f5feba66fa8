using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment regenerate</c>: grows organisms of a trained Growing NCA, cuts a random disc out of each and
/// follows the loss against the target over developmental time (<see cref="RegenerationExperiment"/>).
/// </summary>
public sealed class RegenerateCommand : Command<RegenerateSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public RegenerateCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, RegenerateSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        string json = Path.GetFullPath(settings.Json ?? Path.Combine(options.Run!, RegenerationExperiment.Entry.FileName));
        AtomicFile.CheckDestination(json, RunFolder.ReportBytes, settings.Json is null ? "run folder" : "--json");
        using var run = GrowingNcaRun.Load(options.Run!, options.Device, DataCache.Resolve(settings.DataDir));
        console.MarkupLine($"regeneration of [bold]{Markup.Escape(run.Preset.Name)}[/] in {Markup.Escape(run.Run.Path)} (training step {run.Step}): " +
                           $"{options.Organisms} organisms, seed {settings.Seed}");
        var result = ProgressDisplay.Run(console, progress => RegenerationExperiment.Run(run, options, settings.Seed, progress, cancellationToken));
        var written = new List<string> { ResultFile.Write(json, result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Regeneration(result, Path.GetFileNameWithoutExtension(json)), Path.GetDirectoryName(json)!));
        string steps = result.MedianStepsToRecover is double m ? $"median {F(m)} steps" : "none within the recovery steps";
        console.MarkupLine($"loss before damage {F(result.LossBefore)}, right after {F(result.LossAfter)}, after {result.Options.RecoverySteps} steps {F(result.LossFinal)} " +
                           $"(undamaged controls {F(result.ControlLossFinal)}); recovered fraction {F(result.RecoveredFraction)}; " +
                           $"{result.RecoveredOrganisms}/{result.Organisms.Count} organisms undid {F(options.Threshold)} of the damage ({steps})");
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
