using System.Globalization;
using GenomicCode.Runs;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code analyze</c>: the genetic architecture (genome -> trait effect matrix, pleiotropy, polygenicity,
/// epistasis) and the robustness of development of a trained run (<see cref="AnalysisExperiment"/>); writes analysis.json
/// and figures.
/// </summary>
public sealed class AnalyzeCommand : Command<AnalyzeSettings>
{
    /// <summary>Result file in the run folder.</summary>
    public const string AnalysisFile = "analysis.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public AnalyzeCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, AnalyzeSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        RunFolder.CheckOutputs(options.Run!); // the folder takes analysis.json and the figures, checked before any work
        console.MarkupLine($"analysing [bold]{Markup.Escape(options.Run!)}[/]: {options.Population} genomes");
        var result = ProgressDisplay.Run(console, progress => AnalysisExperiment.Run(options, settings.Seed, progress, cancellationToken));

        string dir = result.Run!;
        var written = new List<string> { ResultFile.Write(Path.Combine(dir, AnalysisFile), result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Analyze(result), dir));

        bool loci = result.GenomeKind == "nucleotide";
        var table = new Table().AddColumn(loci ? "locus" : "gene").AddColumn("pleiotropy");
        foreach (string t in result.Traits) table.AddColumn(new TableColumn(t).RightAligned());
        // A nucleotide genome has hundreds of loci: the table shows the ten of largest summed effect (all are in analysis.json).
        var rows = loci
            ? Enumerable.Range(0, result.Genes.Count).OrderByDescending(l => result.EffectMatrixStandardized[l].Sum()).Take(10).ToArray()
            : Enumerable.Range(0, result.Genes.Count).ToArray();
        if (loci) console.MarkupLine($"{result.Loci} loci; polygenicity (loci per trait): " +
                                     string.Join(", ", result.Traits.Select((t, i) => $"{Markup.Escape(t)} {result.Polygenicity[i]}")) + "; the ten strongest loci:");
        foreach (int g in rows)
            table.AddRow(new[] { result.Genes[g], result.Pleiotropy[g].ToString(CultureInfo.InvariantCulture) }
                .Concat(result.EffectMatrixStandardized[g].Select(v => v.ToString("F2", CultureInfo.InvariantCulture))).ToArray());
        console.Write(table);
        console.MarkupLine("mutational robustness: " + string.Join(", ", result.Mutational.Select(p => $"k={p.Level}: {p.Robustness:F2}")));
        console.MarkupLine(result.DevelopmentalNoise.Count > 0
            ? "noise inside development (mean |pixel change|): " + string.Join(", ", result.DevelopmentalNoise.Select(p => $"{p.Level}: {p.MeanDistance:F3}"))
            : $"canalisation: {Markup.Escape(result.Canalisation ?? AnalysisResult.NotDefined)}");
        console.MarkupLine($"[green]wrote[/] {string.Join(", ", written.Select(w => Markup.Escape(Path.GetFileName(w))))} in {Markup.Escape(dir)}");
        return 0;
    }

    /// <summary>Comma-separated noise levels, each a number >= 0; anything else is a one-line error naming --noise.</summary>
    internal static double[] ParseLevels(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var levels = new List<double>();
        foreach (string p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || double.IsInfinity(v))
                throw new UserInputException($"--noise: '{p}' is not a noise level >= 0; give a comma-separated list such as 0.5,1,2.");
            levels.Add(v);
        }
        if (levels.Count == 0) throw new UserInputException("--noise needs at least one level, for example 0.5,1,2.");
        return levels.ToArray();
    }
}
