using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Options shared by the verbs that read a trained run folder: the folder, a seed and a device.</summary>
public abstract class RunSettings : CommandSettings
{
    /// <summary>Run folder.</summary>
    [CommandOption("-r|--run <DIR>")]
    [Description("Run folder written by `genomic-code train` (with checkpoint.bin), or a pretrained model folder such as models/pretrained/sprites-beta-vae.")]
    public string? Run { get; init; }

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of every random draw this verb makes (samples, populations, mutations, noise, classifiers). Default 0.")]
    public long Seed { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda, cuda:N or auto. Default: the run's device setting.")]
    public string? Device { get; init; }

    /// <summary>Requires --run; verbs add their own checks after this one.</summary>
    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Run)
            ? ValidationResult.Error("--run <DIR> is required: a run folder written by `genomic-code train`.")
            : ValidationResult.Success();
}
