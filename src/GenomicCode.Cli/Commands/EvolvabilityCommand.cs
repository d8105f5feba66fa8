using System.Globalization;
using GenomicCode.Runs;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment evolvability</c>: the offspring-fitness distribution of single mutants and the adaptation
/// after a target switch, on one sprite trait through a trained decoder (<see cref="EvolvabilityExperiment"/>).
/// </summary>
public sealed class EvolvabilityCommand : Command<EvolvabilitySettings>
{
    /// <summary>Default JSON file in the run folder.</summary>
    public const string EvolvabilityFile = "evolvability.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public EvolvabilityCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, EvolvabilitySettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        AtomicFile.CheckDestination(settings.Json ?? Path.Combine(options.Run!, EvolvabilityFile), RunFolder.ReportBytes, settings.Json is null ? "run folder" : "--json");
        EvolvabilityExperiment.TraitIndex(options.Trait);
        console.MarkupLine($"evolvability of [bold]{Markup.Escape(options.Trait)}[/] in {Markup.Escape(options.Run!)}: {options.Parents} parents x " +
                           $"{options.MutantsPerParent} mutants, sigma {F(options.MutationSigma)}, {options.GenerationsPerTarget} generations per target");
        var result = ProgressDisplay.Run(console, progress => EvolvabilityExperiment.Run(options, settings.Seed, progress, cancellationToken));

        string json = Path.GetFullPath(settings.Json ?? Path.Combine(result.Run!, EvolvabilityFile));
        var written = new List<string> { ResultFile.Write(json, result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Evolvability(result, Path.GetFileNameWithoutExtension(json)), Path.GetDirectoryName(json)!));
        console.MarkupLine($"fitter mutants {F(result.FitterShare)}, mean fitness change {F(result.MeanFitnessChange)}, median {F(result.FitnessChangeQuantiles[2])}; " +
                           $"adapted to A in {Gens(result.GenerationsToAdaptA)}, recovered after the switch in {Gens(result.GenerationsToRecover)}");
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    private static string Gens(int? g) => g is null ? "never" : $"{g} generations";

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
