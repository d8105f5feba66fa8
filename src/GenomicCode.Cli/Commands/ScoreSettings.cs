using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code score</c>.</summary>
public sealed class ScoreSettings : CommandSettings
{
    /// <summary>Codes file.</summary>
    [CommandOption("--codes <FILE>")]
    [Description("Codes, one row per sample: .npy (float32/float64) or .csv.")]
    public string? Codes { get; init; }

    /// <summary>Factors file.</summary>
    [CommandOption("--factors <FILE>")]
    [Description("Ground-truth factors, one row per sample, one integer column per factor: .npy or .csv.")]
    public string? Factors { get; init; }

    /// <summary>Metric names.</summary>
    [CommandOption("--metrics <LIST>")]
    [Description("Comma-separated metrics: mig, dci, sap, modularity (also gives explicitness). Default: all four.")]
    public string? Metrics { get; init; }

    /// <summary>JSON output file.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Write the scores as one flat JSON object to FILE.")]
    public string? Json { get; init; }

    /// <summary>Seed of the classifiers.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the classifiers. Default 0.")]
    public long Seed { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Codes)) return ValidationResult.Error("--codes <FILE> is required.");
        if (string.IsNullOrWhiteSpace(Factors)) return ValidationResult.Error("--factors <FILE> is required.");
        return ValidationResult.Success();
    }

    /// <summary>The experiment's options from these settings; validated.</summary>
    public ScoreOptions ToOptions()
    {
        var options = new ScoreOptions
        {
            Codes = Codes, Factors = Factors,
            Metrics = Metrics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        options.Validate();
        return options;
    }
}
