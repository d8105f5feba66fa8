using System.ComponentModel;
using System.Globalization;
using GenomicCode.Experiments;
using GenomicCode.Studies;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code summarize</c>.</summary>
public sealed class SummarizeSettings : CommandSettings
{
    /// <summary>Result files, one per replicate.</summary>
    [CommandArgument(0, "<FILES>")]
    [Description("Result JSON files, one per replicate (seed or trained run).")]
    public string[] Files { get; init; } = Array.Empty<string>();

    /// <summary>JSON paths to summarise.</summary>
    [CommandOption("--path <PATH>")]
    [Description("JSON path of a number in every file (cross_talk, amortisation_gap.map, controls[1].cross_talk); repeat for several.")]
    public string[] Paths { get; init; } = Array.Empty<string>();

    /// <summary>Paired differences "A,B" (A - B within each file).</summary>
    [CommandOption("--difference <A,B>")]
    [Description("Two JSON paths joined by a comma: summarise A - B within each file, a paired comparison (controls[1].cross_talk,cross_talk); repeat for several.")]
    public string[] Differences { get; init; } = Array.Empty<string>();

    /// <summary>Coverage of the intervals.</summary>
    [CommandOption("--confidence <C>")]
    [Description("Coverage of the Student-t intervals, in (0, 1). Default 0.95.")]
    public double Confidence { get; init; } = 0.95;

    /// <summary>JSON output.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the summary (values, means, intervals) to FILE.")]
    public string? Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Files.Length == 0) return ValidationResult.Error("give at least one result file.");
        if (Paths.Length == 0 && Differences.Length == 0)
            return ValidationResult.Error("--path is required: the JSON path of a number in every file, for example cross_talk.");
        if (!(Confidence > 0 && Confidence < 1)) return ValidationResult.Error($"--confidence must be in (0, 1), got {Confidence}.");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>genomic-code summarize</c>: the mean of a number over the result files of independent replicates, with its
/// Student-t interval (<see cref="ReplicateSummary"/>).
/// </summary>
public sealed class SummarizeCommand : Command<SummarizeSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public SummarizeCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, SummarizeSettings settings, CancellationToken cancellationToken)
    {
        var summary = ReplicateSummary.Of(settings.Files, settings.Paths, settings.Confidence, settings.Differences);
        string level = (100 * settings.Confidence).ToString("G3", CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("path").AddColumn(new TableColumn("n").RightAligned()).AddColumn(new TableColumn("mean").RightAligned())
            .AddColumn(new TableColumn($"{level}% t interval").RightAligned()).AddColumn(new TableColumn("sd").RightAligned())
            .AddColumn("values");
        foreach (var line in summary.Lines)
        {
            var i = line.Interval;
            table.AddRow(Markup.Escape(line.Path), i.Count.ToString(CultureInfo.InvariantCulture), G(i.Mean),
                i.Count < 2 ? "-" : Markup.Escape($"[{G(i.Lower)}, {G(i.Upper)}]"), i.Count < 2 ? "-" : G(i.StandardDeviation),
                string.Join(" ", line.Values.Select(G)));
        }
        console.Write(table);
        if (settings.Json is not null) console.MarkupLine($"wrote {Markup.Escape(ResultFile.Write(settings.Json, summary))}");
        return 0;
    }

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
