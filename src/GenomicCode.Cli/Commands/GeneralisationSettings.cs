using System.ComponentModel;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code experiment generalisation</c>; values are checked by <c>GeneralisationOptions.Validate</c>.</summary>
public sealed class GeneralisationSettings : CommandSettings
{
    /// <summary>Training generations.</summary>
    [CommandOption("-g|--generations <N>")]
    [Description("Generations of the training phase (targets alternate), >= 1. Default 3000.")]
    public int Generations { get; init; } = 3000;

    /// <summary>Replicates per condition.</summary>
    [CommandOption("--replicates <N>")]
    [Description("Independent replicate runs per condition, >= 1. Default 3.")]
    public int Replicates { get; init; } = 3;

    /// <summary>L1 connection cost.</summary>
    [CommandOption("--connection-cost <C>")]
    [Description("L1 connection cost per regulatory weight in the cost condition, >= 0. Default 0.02.")]
    public double ConnectionCost { get; init; } = 0.02;

    /// <summary>Test generations.</summary>
    [CommandOption("--test-generations <N>")]
    [Description("Generations allowed to adapt to each test target, >= 1. Default 300.")]
    public int TestGenerations { get; init; } = 300;

    /// <summary>Population size.</summary>
    [CommandOption("-p|--population <N>")]
    [Description("Individuals per generation, >= 2. Default 64.")]
    public int Population { get; init; } = 64;

    /// <summary>Generations between target switches.</summary>
    [CommandOption("--switch-every <N>")]
    [Description("Generations between target switches in training, >= 1. Default 25.")]
    public int SwitchEvery { get; init; } = 25;

    /// <summary>Mutation size of B.</summary>
    [CommandOption("--sigma-b <S>")]
    [Description("Mutation size of the regulatory weights B, >= 0. Default 0.01.")]
    public double SigmaB { get; init; } = 0.01;

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of every replicate. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for generalisation.json and the figures (created). Default runs/generalisation.")]
    public string Out { get; init; } = Path.Combine("runs", "generalisation");
}
