using System.ComponentModel;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code bench plot</c>.</summary>
public sealed class BenchPlotSettings : CommandSettings
{
    /// <summary>Result files.</summary>
    [CommandOption("--json <FILES>")]
    [Description("Comma-separated population-benchmark JSON files (genomic-code bench develop --population ... --json, or bench/gpu/population_pytorch.py --json).")]
    public string Json { get; init; } = "";

    /// <summary>Figure path.</summary>
    [CommandOption("-o|--out <FILE>")]
    [Description("Figure to write (.png or .svg). Default bench/population.png.")]
    public string Out { get; init; } = Path.Combine("bench", "population.png");

    /// <summary>Title.</summary>
    [CommandOption("--title <TEXT>")]
    [Description("Figure title.")]
    public string Title { get; init; } = "Population development: organisms per second against population size";
}

/// <summary><c>genomic-code bench plot</c>: organisms per second against P, one line per result file, from the JSON alone.</summary>
public sealed class BenchPlotCommand : Command<BenchPlotSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public BenchPlotCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, BenchPlotSettings settings, CancellationToken cancellationToken)
    {
        var files = settings.Json.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (files.Length == 0) throw new UserInputException("--json: name at least one population-benchmark result file.");
        var series = new Dictionary<string, (double[], double[])>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            var (label, sizes, rates) = Read(file);
            string name = label;
            for (int i = 2; series.ContainsKey(name); i++) name = $"{label} ({i})";
            series[name] = (sizes, rates);
        }
        string path = BenchmarkFigures.SaveThroughput(settings.Title, "population P (individuals, each with its own weights)", "organisms per second", series, settings.Out);
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(path)}");
        return 0;
    }

    /// <summary>Label, populations and organisms per second of one result file; a one-line <see cref="UserInputException"/> when it is not one.</summary>
    public static (string Label, double[] Sizes, double[] Rates) Read(string file)
    {
        if (!File.Exists(file)) throw new UserInputException($"--json: '{file}' does not exist.");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            string label = root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : Path.GetFileNameWithoutExtension(file);
            if (!root.TryGetProperty("points", out var points) || points.ValueKind != JsonValueKind.Array || points.GetArrayLength() == 0)
                throw new UserInputException($"--json: '{file}' has no \"points\" list; pass the output of bench develop --population.");
            var sizes = new List<double>();
            var rates = new List<double>();
            foreach (var p in points.EnumerateArray())
            {
                sizes.Add(p.GetProperty("population").GetDouble());
                rates.Add(p.GetProperty("organisms_per_second").GetDouble());
            }
            return (label, sizes.ToArray(), rates.ToArray());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"--json: '{file}' is not a population-benchmark result ({e.Message.ReplaceLineEndings(" ")}).");
        }
    }
}
