using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Development.Population;
using GenomicCode.Experiments;
using GenomicCode.Gpu;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment learning</c>: a developmental decoder learns to grow target shapes from fixed genomes, once
/// by gradient descent and once by an evolution strategy over its weights (<see cref="LearningExperiment"/>); writes
/// learning.json, the loss against decoder evaluations and against wall time, and a target / gradient / evolved strip.
/// </summary>
public sealed class LearningCommand : Command<LearningSettings>
{
    /// <summary>JSON file in the output folder.</summary>
    public const string ResultFileName = "learning.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public LearningCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, LearningSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions(); // validated before anything is written
        if (settings.Backend is not ("torch" or "ilgpu"))
            throw new UserInputException($"--backend must be torch or ilgpu, got '{settings.Backend}'.");
        string dir = Path.GetFullPath(settings.Out);
        if (File.Exists(dir)) throw new UserInputException($"--out '{settings.Out}' is a file; pass a folder.");
        AtomicFile.CheckDestination(Path.Combine(dir, ResultFileName), GenomicCode.Runs.RunFolder.ReportBytes, "--out");
        console.MarkupLine($"learning experiment: {options.Decoder.Name} decoder, {options.Targets} target shapes at {options.Size}x{options.Size}; " +
                           $"gradient: {options.Steps} Adam steps; evolution: {options.Strategy.Name}, {options.Generations} generations; " +
                           $"seed {settings.Seed}, {options.Device}");
        using var ilgpu = settings.Backend == "ilgpu" ? new IlgpuPopulationBackend(settings.Accelerator) : null;
        IPopulationBackend backend = ilgpu ?? PopulationDevelopment.Torch;
        console.MarkupLine($"population development: {Markup.Escape(ilgpu is null ? "torch" : $"ilgpu ({ilgpu.Description})")}");
        var result = ProgressDisplay.Run(console, progress => LearningExperiment.Run(options, settings.Seed, progress, cancellationToken, backend));

        var written = new List<string> { ResultFile.Write(Path.Combine(dir, ResultFileName), result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Learning(result), dir));

        var table = new Table().AddColumn("learner").AddColumn(new TableColumn("final loss").RightAligned())
            .AddColumn(new TableColumn("evaluations").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        table.AddRow("initial weights", F(result.InitialLoss), "0", "0");
        foreach (var (name, curve) in new[] { ("gradient (Adam)", result.Gradient), (result.Evolution.Learner, result.Evolution) })
            table.AddRow(Markup.Escape(name), F(curve.FinalLoss), curve.Evaluations.ToString(CultureInfo.InvariantCulture), F(curve.Seconds, "F1"));
        console.Write(table);
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    private static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
}
