using System.ComponentModel;
using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// Settings of <c>genomic-code experiment rate-distortion</c>. An option left out takes its value from
/// <c>RateDistortionOptions</c>; values are checked by <c>RateDistortionOptions.Validate</c>.
/// </summary>
public sealed class RateDistortionSettings : CommandSettings
{
    /// <summary>Preset.</summary>
    [CommandOption("--preset <NAME_OR_FILE>")]
    [Description("Preset every point starts from (a shipped name or a .json file); its latent decides the series: Gaussian -> --betas, nucleotide -> --lengths. Default notebook-dna.")]
    public string? Preset { get; init; }

    /// <summary>Betas of a Gaussian series.</summary>
    [CommandOption("--betas <B1,B2,...>")]
    [Description("Gaussian genomes: the beta values of the series, comma-separated, each >= 0. Default 0.25,1,4,16.")]
    public string? Betas { get; init; }

    /// <summary>Genome lengths of a nucleotide series.</summary>
    [CommandOption("--lengths <L1,L2,...>")]
    [Description("Nucleotide genomes: the genome lengths (loci) of the series, comma-separated; with a GRN that reads DNA each must fit its layout. Default 110,150,230.")]
    public string? Lengths { get; init; }

    /// <summary>Training steps per point.</summary>
    [CommandOption("--steps <N>")]
    [Description("Training steps of every point, >= 1 (overrides the preset's). Default 400.")]
    public int? Steps { get; init; }

    /// <summary>Evaluation images.</summary>
    [CommandOption("--eval-images <N>")]
    [Description("Images the rate and distortion are measured on (the same for every point), >= 1. Default 512.")]
    public int? EvalImages { get; init; }

    /// <summary>Torch threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("libtorch threads of every training; 0 keeps the preset's. Default 0.")]
    public int? Threads { get; init; }

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of every training (the same for all points), the evaluation images and the genome samples. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda, cuda:N or auto. Default cpu.")]
    public string? Device { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for rate_distortion.json and rate_distortion.png (created; earlier files are replaced). Default runs/rate-distortion.")]
    public string Out { get; init; } = Path.Combine("runs", "rate-distortion");

    /// <summary>The experiment's options from these settings; validated.</summary>
    public RateDistortionOptions ToOptions()
    {
        var defaults = new RateDistortionOptions();
        var options = new RateDistortionOptions
        {
            Preset = Preset ?? defaults.Preset,
            Betas = Betas is null ? defaults.Betas : List(Betas, "--betas", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
            Lengths = Lengths is null ? defaults.Lengths : List(Lengths, "--lengths", s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
            Steps = Steps ?? defaults.Steps, EvalImages = EvalImages ?? defaults.EvalImages, Threads = Threads ?? defaults.Threads,
            Device = Device ?? defaults.Device,
        };
        options.Validate();
        return options;
    }

    private static T[] List<T>(string text, string option, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UserInputException($"{option} needs at least one value, for example {(option == "--betas" ? "0.25,1,4" : "110,150")}.");
        return parts.Select(p =>
        {
            try { return parse(p); }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new UserInputException($"{option}: '{p}' is not a number; give a comma-separated list such as {(option == "--betas" ? "0.25,1,4" : "110,150")}.");
            }
        }).ToArray();
    }
}

/// <summary>
/// <c>genomic-code experiment rate-distortion</c>: trains a series of genome VAEs from one preset (beta for Gaussian
/// genomes, genome length for DNA) and measures genome information in bits against reconstruction error
/// (<see cref="RateDistortionExperiment"/>); writes rate_distortion.json and rate_distortion.png.
/// </summary>
public sealed class RateDistortionCommand : Command<RateDistortionSettings>
{
    /// <summary>JSON file in the output folder.</summary>
    public const string ResultFileName = "rate_distortion.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public RateDistortionCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, RateDistortionSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions(); // validated before anything is written
        string dir = Path.GetFullPath(settings.Out);
        if (File.Exists(dir)) throw new UserInputException($"--out '{settings.Out}' is a file; pass a folder.");
        AtomicFile.CheckDestination(Path.Combine(dir, ResultFileName), GenomicCode.Runs.RunFolder.ReportBytes, "--out");
        console.MarkupLine($"rate-distortion: preset {Markup.Escape(options.Preset)}, {options.Steps} steps per point, {options.EvalImages} evaluation images, seed {settings.Seed}, {options.Device}");
        var result = ProgressDisplay.Run(console, progress => RateDistortionExperiment.Run(options, settings.Seed, progress, cancellationToken));

        var written = new List<string> { ResultFile.Write(Path.Combine(dir, ResultFileName), result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.RateDistortion(result), dir));
        bool dna = result.GenomeKind == "nucleotide";
        var table = new Table().AddColumn(dna ? "genome length" : "beta").AddColumn(new TableColumn("rate (bits)").RightAligned())
            .AddColumn(new TableColumn(dna ? "of at most (bits)" : "rate (nats)").RightAligned()).AddColumn(new TableColumn("distortion (nats)").RightAligned())
            .AddColumn(new TableColumn("MSE per pixel").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var p in result.Points)
            table.AddRow(dna ? p.GenomeSize.ToString(CultureInfo.InvariantCulture) : F(p.Beta, "G4"), F(p.RateBits, "F1"),
                dna ? F(p.CapacityBits!.Value, "F0") : F(p.RateNats, "F1"), F(p.DistortionNats, "F1"), F(p.Mse, "F4"), F(p.Seconds, "F0"));
        console.Write(table);
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
