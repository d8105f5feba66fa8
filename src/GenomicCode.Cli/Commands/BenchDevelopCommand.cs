using System.ComponentModel;
using System.Text.Json;
using GenomicCode.Cli.Bench;
using GenomicCode.Core;
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
    [Description("NCA: run the per-cell network on every cell (as Growing NCA's reference code) instead of only on firing cells next to a living cell.")]
    public bool Dense { get; init; }

    /// <summary>Where to write the JSON result.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the JSON result to this file.")]
    public string? Json { get; init; }

    /// <summary>Population sizes: switches to the population benchmark.</summary>
    [CommandOption("--population <P,...>")]
    [Description("Population benchmark: individuals with their own weights, comma-separated sizes (for example 32,256,1024); forward development only.")]
    public string? Population { get; init; }

    /// <summary>Backend of the population benchmark.</summary>
    [CommandOption("--backend <NAME>")]
    [Description("Population benchmark: torch (one batched TorchSharp call, default), loop (one call per individual) or ilgpu (the GPU kernels; never loads libtorch).")]
    public string? Backend { get; init; }

    /// <summary>ILGPU accelerator.</summary>
    [CommandOption("--accelerator <NAME>")]
    [Description("--backend ilgpu: auto (CUDA when present, default), cuda, cuda:N or cpu (ILGPU's CPU accelerator: slow, for checks).")]
    public string Accelerator { get; init; } = "auto";

    /// <summary>Genomes per individual.</summary>
    [CommandOption("--genomes <K>")]
    [Description("Population benchmark: genomes every individual grows. Default 1.")]
    public int Genomes { get; init; } = 1;

    /// <summary>Hidden width.</summary>
    [CommandOption("--hidden <N>")]
    [Description("Population benchmark: hidden width of the NCA's per-cell network or the GRN's hypernetwork. Default 128.")]
    public int Hidden { get; init; } = 128;

    /// <summary>GRN morphogens.</summary>
    [CommandOption("--morphogens <N>")]
    [Description("Population benchmark, GRN: morphogens. Default 4.")]
    public int Morphogens { get; init; } = 4;

    /// <summary>Genome width.</summary>
    [CommandOption("--genome-size <N>")]
    [Description("Population benchmark: genome width. Default 16.")]
    public int GenomeSize { get; init; } = 16;

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Population benchmark: seed of weights, genomes and masks. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Check the accelerator against the CPU accelerator.</summary>
    [CommandOption("--check")]
    [Description("--backend ilgpu: first compare the accelerator's phenotypes with ILGPU's CPU accelerator on a small population; exit 1 if they differ.")]
    public bool Check { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Threads < 0) return ValidationResult.Error($"--threads must be >= 0, got {Threads}.");
        if (Population is null && (Backend is not null || Check))
            return ValidationResult.Error("--backend and --check belong to the population benchmark; add --population P,...");
        return ValidationResult.Success();
    }

    /// <summary>The sizes of <see cref="Population"/>; a one-line <see cref="UserInputException"/> when one is not a number.</summary>
    public int[] PopulationSizes() => (Population ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(p => int.TryParse(p, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v
            : throw new UserInputException($"--population takes comma-separated whole numbers, got '{p}'."))
        .ToArray();
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
        if (settings.Population is not null) return Population(settings);
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

    /// <summary>The population benchmark; the ilgpu backend runs without libtorch (a build without TorchSharp's natives).</summary>
    private int Population(BenchDevelopSettings settings)
    {
        var workload = new PopulationWorkload
        {
            Decoder = settings.Decoder, Populations = settings.PopulationSizes(), Genomes = settings.Genomes, Grid = settings.Grid,
            Channels = settings.Channels, Hidden = settings.Hidden, Morphogens = settings.Morphogens, Steps = settings.Steps,
            GenomeSize = settings.GenomeSize, Start = settings.Start, Backend = settings.Backend ?? "torch", Accelerator = settings.Accelerator,
            Iterations = settings.Iterations, Warmup = settings.Warmup, Seed = settings.Seed, Check = settings.Check,
        }.Validate();
        CheckJsonFolder(settings.Json);
        if (settings.Threads > 0 && workload.Backend != "ilgpu") SetThreads(settings.Threads);
        var result = PopulationBenchmark.Run(workload, line => console.Profile.Out.Writer.WriteLine("# " + line));
        string json = JsonSerializer.Serialize(result, Json);
        console.Profile.Out.Writer.WriteLine(json);
        if (settings.Json is not null) AtomicFile.WriteAllText(settings.Json, json + Environment.NewLine);
        if (result.Check is { Passed: false })
        {
            GenomicCodeApp.WriteError(console, $"the {result.Check.Accelerator} phenotypes differ from the CPU accelerator's: {result.Check.MismatchedFraction:P2} of the logits beyond {result.Check.Tolerance}, up to {result.Check.MaxAbsDifference:G3}.");
            return 1;
        }
        return 0;
    }

    private static void SetThreads(int threads)
    {
        NativeRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
    }

    private static void CheckJsonFolder(string? json)
    {
        if (json is null) return;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(json));
        if (dir is null || !Directory.Exists(dir)) throw new UserInputException($"--json: folder '{dir}' does not exist; create it first.");
    }
}
