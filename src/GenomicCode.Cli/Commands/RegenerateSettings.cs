using System.ComponentModel;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code experiment regenerate</c>; experiment values are checked by <c>RegenerationOptions.Validate</c>.</summary>
public sealed class RegenerateSettings : RunSettings
{
    /// <summary>Organisms.</summary>
    [CommandOption("-n|--organisms <N>")]
    [Description("Organisms grown and damaged (as many undamaged controls develop beside them), 1..256. Default 8.")]
    public int Organisms { get; init; } = 8;

    /// <summary>Steps before the damage.</summary>
    [CommandOption("--grow-steps <N>")]
    [Description("Developmental steps from the seed before the damage. Default: the run's longest training rollout.")]
    public int GrowSteps { get; init; }

    /// <summary>Steps after the damage.</summary>
    [CommandOption("--recovery-steps <N>")]
    [Description("Developmental steps after the damage. Default: the run's longest training rollout.")]
    public int RecoverySteps { get; init; }

    /// <summary>Recovery threshold.</summary>
    [CommandOption("--threshold <F>")]
    [Description("Recovered once this share of the damage's loss increase is undone, in (0, 1]. Default 0.9.")]
    public double Threshold { get; init; } = 0.9;

    /// <summary>Data cache folder.</summary>
    [CommandOption("--data-dir <DIR>")]
    [Description("Data cache holding the emoji data set (default: GENOMICCODE_DATA, else data/ of this checkout, else the per-user folder).")]
    public string? DataDir { get; init; }

    /// <summary>JSON output path.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Where to write the result JSON (figures go next to it). Default: regenerate.json in the run folder.")]
    public string? Json { get; init; }

    /// <summary>The experiment's options from these settings; validated.</summary>
    public RegenerationOptions ToOptions()
    {
        var options = new RegenerationOptions
        {
            Run = Run, Device = Device, Organisms = Organisms, GrowSteps = GrowSteps, RecoverySteps = RecoverySteps, Threshold = Threshold,
        };
        options.Validate();
        return options;
    }
}
