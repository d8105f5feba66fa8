using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code experiment selectability</c>.</summary>
public sealed class SelectabilitySettings : RunSettings
{
    /// <summary>Several run folders to compare.</summary>
    [CommandOption("--runs <DIRS>")]
    [Description("Comma-separated run folders to compare (for example a beta-VAE and a plain VAE run); each gets its own files.")]
    public string? Runs { get; init; }

    /// <summary>Trait whose selection line is plotted.</summary>
    [CommandOption("--trait <NAME>")]
    [Description("Trait whose selection line the trajectory figure shows: posX, posY, scale, orientation or elongation. Default scale. Every trait is selected on for the correlated-response matrix.")]
    public string Trait { get; init; } = "scale";

    /// <summary>Generations per selection line.</summary>
    [CommandOption("-g|--generations <N>")]
    [Description("Generations of selection on each trait, >= 1. Default 20.")]
    public int Generations { get; init; } = 20;

    /// <summary>Population size.</summary>
    [CommandOption("-p|--population <N>")]
    [Description("Genomes in the population (posterior means of sampled sprites), >= 2. Default 256.")]
    public int Population { get; init; } = 256;

    /// <summary>Truncation fraction.</summary>
    [CommandOption("--truncation <F>")]
    [Description("Share of the population that breeds, in (0, 1]]. Default 0.25.")]
    public double Truncation { get; init; } = 0.25;

    /// <summary>Mutation size.</summary>
    [CommandOption("--sigma <S>")]
    [Description("Standard deviation of the Gaussian mutation per gene, >= 0. Default 0.1.")]
    public double Sigma { get; init; } = 0.1;

    /// <summary>Skip the controls.</summary>
    [CommandOption("--no-controls")]
    [Description("Skip the controls (per-locus mutation and the rotated-genome control, with isotropic and per-locus mutation): a quarter of the work, isotropic lines only.")]
    public bool NoControls { get; init; }

    /// <summary>Random selection gradients of the Hansen-Houle averages.</summary>
    [CommandOption("--gradients <N>")]
    [Description("Random unit selection gradients the Hansen-Houle averages (evolvability, conditional evolvability, autonomy) are taken over, >= 1. Default 10000.")]
    public int Gradients { get; init; } = 10_000;

    /// <summary>JSON output path (one run only).</summary>
    [CommandOption("--json <FILE>")]
    [Description("Where to write the result JSON (figures go next to it); one run only. Default: selectability.json in the run folder.")]
    public string? Json { get; init; }

    /// <summary>All run folders named by --run and --runs.</summary>
    public IReadOnlyList<string> AllRuns() =>
        new[] { Run ?? "" }.Concat((Runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(r => !string.IsNullOrWhiteSpace(r)).ToList();

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var runs = AllRuns();
        if (runs.Count == 0) return ValidationResult.Error("--run <DIR> or --runs <DIR1,DIR2> is required: run folders written by `genomic-code train`.");
        if (Json is not null && runs.Count > 1) return ValidationResult.Error("--json works with one run only; with several runs each run folder gets its selectability.json.");
        if (Generations < 1) return ValidationResult.Error($"--generations must be >= 1, got {Generations}.");
        if (Population < 2) return ValidationResult.Error($"--population must be >= 2, got {Population}.");
        if (!(Truncation > 0 && Truncation <= 1)) return ValidationResult.Error($"--truncation must be in (0, 1], got {Truncation}.");
        if (!(Sigma >= 0) || double.IsInfinity(Sigma)) return ValidationResult.Error($"--sigma must be finite and >= 0, got {Sigma}.");
        if (Gradients < 1) return ValidationResult.Error($"--gradients must be >= 1, got {Gradients}.");
        return ValidationResult.Success();
    }

    /// <summary>The experiment's options for one run folder; validated.</summary>
    public SelectabilityOptions ToOptions(string run)
    {
        var options = new SelectabilityOptions
        {
            Run = run, Device = Device, Population = Population, Generations = Generations, TruncationFraction = Truncation, MutationSigma = Sigma,
            Controls = !NoControls, Gradients = Gradients,
        };
        options.Validate();
        return options;
    }
}
