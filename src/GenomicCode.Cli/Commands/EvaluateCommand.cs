using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Analysis;
using GenomicCode.Experiments;
using GenomicCode.Metrics;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary><c>genomic-code evaluate</c>: disentanglement metrics and, with <c>--log-likelihood</c>, the importance-weighted log-likelihood bound of a trained run (<see cref="EvaluationExperiment"/>), written to evaluation.json with figures.</summary>
public sealed class EvaluateCommand : Command<EvaluateSettings>
{
    /// <summary>Result file in the run folder.</summary>
    public const string EvaluationFile = "evaluation.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public EvaluateCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        RunFolder.CheckOutputs(options.Run!); // the folder takes evaluation.json and the figures, checked before any work
        var heldOut = (HeldOutMetricOptions)options.Sizes().ApplyTo(new SapOptions());
        if (options.LogLikelihood)
            console.MarkupLine($"evaluating [bold]{Markup.Escape(options.Run!)}[/]: importance-weighted log-likelihood, K = {options.ImportanceSamples}" +
                               (options.Metrics is { Count: > 0 } ? $", and {string.Join(", ", options.Metrics)}" : ""));
        else
            console.MarkupLine($"evaluating [bold]{Markup.Escape(options.Run!)}[/] ({(options.Samples ? "posterior samples" : "posterior means")}, " +
                               $"{heldOut.NumTrain} train / {heldOut.NumTest} test points)");
        var result = ProgressDisplay.Run(console, progress => EvaluationExperiment.Run(options, settings.Seed, progress, cancellationToken));

        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("score").RightAligned());
        foreach (var (name, value) in result.Scores) table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture));
        console.Write(table);

        string dir = result.Run!;
        var written = new List<string> { ResultFile.Write(Path.Combine(dir, EvaluationFile), result) };
        var curves = TrainingCurves.Read(Path.Combine(dir, RunFolder.MetricsFile));
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Evaluate(result, trainingCurves: curves), dir));
        console.MarkupLine($"[green]wrote[/] {string.Join(", ", written.Select(w => Markup.Escape(Path.GetFileName(w))))} in {Markup.Escape(dir)}");
        return 0;
    }
}
