using System.ComponentModel;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Development;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code bench develop</c>.</summary>
public sealed class BenchDevelopSettings : CommandSettings
{
    /// <summary>Decoder to measure.</summary>
    [CommandOption("--decoder <NAME>")]
    [Description("nca or grn. Default nca.")]
    public string Decoder { get; init; } = "nca";

    /// <summary>Organisms per batch.</summary>
    [CommandOption("--batch <N>")]
    [Description("Organisms per batch. Default 32.")]
    public int Batch { get; init; } = 32;

    /// <summary>Grid side.</summary>
    [CommandOption("--grid <N>")]
    [Description("Grid side (>= 3). Default 32.")]
    public int Grid { get; init; } = 32;

    /// <summary>Channels per cell.</summary>
    [CommandOption("--channels <N>")]
    [Description("Channels (NCA) or genes (GRN) per cell. Default 16.")]
    public int Channels { get; init; } = 16;

    /// <summary>Developmental steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Developmental steps. Default 48.")]
    public int Steps { get; init; } = 48;

    /// <summary>Timed iterations.</summary>
    [CommandOption("--iterations <N>")]
    [Description("Timed iterations of forward development and of training steps. Default 20.")]
    public int Iterations { get; init; } = 20;

    /// <summary>Warm-up iterations.</summary>
    [CommandOption("--warmup <N>")]
    [Description("Untimed warm-up iterations. Default 3.")]
    public int Warmup { get; init; } = 3;

    /// <summary>Torch threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("libtorch intra-op threads; 0 keeps the default. Default 0.")]
    public int Threads { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda, cuda:N or auto. Default cpu.")]
    public string Device { get; init; } = "cpu";

    /// <summary>How development starts.</summary>
    [CommandOption("--start <HOW>")]
    [Description("seed (one living cell, the default) or full (every cell alive from the start: the worst case for sparse updates).")]
    public string Start { get; init; } = "seed";

    /// <summary>Dense NCA updates.</summary>
    [CommandOption("--dense")]
    [Description("NCA: run the per-cell network on every cell (as Growing NCA's reference code) instead of only on living cells that fire.")]
    public bool Dense { get; init; }

    /// <summary>Where to write the JSON result.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the JSON result to this file.")]
    public string? Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Threads < 0) return ValidationResult.Error($"--threads must be >= 0, got {Threads}.");
        return ValidationResult.Success();
    }
}

/// <summary><c>genomic-code bench develop</c>: speed and memory of forward development and of training steps.</summary>
public sealed class BenchDevelopCommand : Command<BenchDevelopSettings>
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public BenchDevelopCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, BenchDevelopSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Json is not null) AtomicFile.CheckDestination(settings.Json, option: "--json");
        var workload = new DevelopmentWorkload
        {
            Decoder = settings.Decoder, Batch = settings.Batch, Grid = settings.Grid, Channels = settings.Channels,
            Steps = settings.Steps, Iterations = settings.Iterations, Warmup = settings.Warmup,
            Start = settings.Start, SparseUpdates = !settings.Dense,
        }.Validate();
        if (settings.Json is not null)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(settings.Json));
            if (dir is null || !Directory.Exists(dir)) throw new UserInputException($"--json: folder '{dir}' does not exist; create it first.");
        }
        var device = Devices.Parse(settings.Device);
        NativeRuntime.ConfigureMalloc();
        NativeRuntime.EnsureLoaded();
        if (settings.Threads > 0) torch.set_num_threads(settings.Threads);
        var result = DevelopmentBenchmark.Run(workload, device, line => console.Profile.Out.Writer.WriteLine("# " + line));
        string json = JsonSerializer.Serialize(result, Json);
        console.Profile.Out.Writer.WriteLine(json);
        if (settings.Json is not null) AtomicFile.WriteAllText(settings.Json, json + Environment.NewLine);
        return 0;
    }
}
