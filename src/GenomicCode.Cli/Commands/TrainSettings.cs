using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code train</c>.</summary>
public sealed class TrainSettings : DataCacheSettings
{
    /// <summary>Preset name or path to a preset JSON file.</summary>
    [CommandOption("-p|--preset <PRESET>")]
    [Description("Preset name (see `genomic-code presets`) or path to a preset .json file. Default: quickstart (or the run's own config with --resume).")]
    public string? Preset { get; init; }

    /// <summary>Total optimiser steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Total training steps (overrides the preset).")]
    public long? Steps { get; init; }

    /// <summary>KL weight.</summary>
    [CommandOption("--beta <B>")]
    [Description("beta >= 0: the regularizer's beta (KL weight of beta-vae, total-correlation weight of beta-tcvae); overrides the preset.")]
    public double? Beta { get; init; }

    /// <summary>Regulariser name.</summary>
    [CommandOption("-r|--regularizer <NAME>")]
    [Description("Regularizer (see `genomic-code list regularizers`), e.g. beta-tcvae, with its default options unless the preset already has it; overrides the preset.")]
    public string? Regularizer { get; init; }

    /// <summary>Decoder (development) name.</summary>
    [CommandOption("--decoder <NAME>")]
    [Description("Decoder (see `genomic-code list decoders`), with its default options unless the preset already has it; overrides the preset.")]
    public string? Decoder { get; init; }

    /// <summary>Encoder name.</summary>
    [CommandOption("--encoder <NAME>")]
    [Description("Encoder (see `genomic-code list encoders`), e.g. mlp, with its default options unless the preset already has it; overrides the preset.")]
    public string? Encoder { get; init; }

    /// <summary>Data set name.</summary>
    [CommandOption("--dataset <NAME>")]
    [Description("Data set to train on (see `genomic-code list datasets`), with its default options unless the preset already has it; overrides the preset. Fetch real ones first: genomic-code data get NAME.")]
    public string? Dataset { get; init; }

    /// <summary>Run seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Run seed: data order, genome noise and initial weights (overrides the preset).")]
    public long? Seed { get; init; }

    /// <summary>Batch size.</summary>
    [CommandOption("--batch-size <N>")]
    [Description("Images per step (overrides the preset).")]
    public int? BatchSize { get; init; }

    /// <summary>Learning rate.</summary>
    [CommandOption("--lr <LR>")]
    [Description("Adam learning rate (overrides the preset).")]
    public double? LearningRate { get; init; }

    /// <summary>Run folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Run folder. Default: runs/<preset name>.")]
    public string? Out { get; init; }

    /// <summary>Device.</summary>
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda, cuda:N or auto (overrides the preset).")]
    public string? Device { get; init; }

    /// <summary>Torch threads.</summary>
    [CommandOption("--threads <N>")]
    [Description("libtorch intra-op threads, >= 1 (overrides the preset's training.threads; 0 there keeps libtorch's default, the number of cores).")]
    public int? Threads { get; init; }

    /// <summary>Continue the run in --out from its checkpoint.</summary>
    [CommandOption("--resume")]
    [Description("Continue the run in --out from its checkpoint (same seed; --steps may raise the total).")]
    public bool Resume { get; init; }

    /// <summary>Replace a run that --out already holds.</summary>
    [CommandOption("--force")]
    [Description("Replace the run that --out already holds.")]
    public bool Force { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Steps is <= 0) return ValidationResult.Error($"--steps must be a positive whole number, got {Steps}.");
        if (Beta is double b && (!(b >= 0) || double.IsInfinity(b))) return ValidationResult.Error($"--beta must be a finite number >= 0, got {b}.");
        if (Threads is <= 0) return ValidationResult.Error($"--threads must be >= 1, got {Threads}.");
        if (BatchSize is <= 0) return ValidationResult.Error($"--batch-size must be >= 1, got {BatchSize}.");
        if (LearningRate is double lr && !(lr > 0)) return ValidationResult.Error($"--lr must be > 0, got {lr}.");
        if (Resume && Force) return ValidationResult.Error("--resume and --force exclude each other: resume keeps the run, force replaces it.");
        return ValidationResult.Success();
    }
}
