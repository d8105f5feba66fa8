using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// Where the random numbers of a population development come from: update masks, developmental noise and the sampled
/// step count. Two designs, each equal to one way of looping over individuals with <see cref="DevelopmentalDecoder.Develop(Tensor, Generator?, IReadOnlyCollection{int}?, int?)"/>:
/// <list type="bullet">
/// <item><see cref="Common"/>: one generator; every individual sees the same draws (common random numbers). Equal to a
/// loop that reseeds that generator to the same state before each individual, which is what an evolution strategy
/// does to compare individuals fairly. Each draw has the shape one individual's development draws, once, broadcast over
/// the population.</item>
/// <item><see cref="PerIndividual"/>: one generator per individual; individual i draws from generator i exactly what
/// its own development would draw from it. Equal to a loop that passes generator i to individual i.</item>
/// </list>
/// The draws are made in the order a single development makes them (per step: the NCA's fire mask, then its noise; the
/// GRN's noise), so both designs reproduce the loop's masks value for value. Other backends (the GPU kernels) draw
/// through <see cref="Uniform"/> and <see cref="Normal"/> too and so get the same masks.
/// </summary>
public sealed class PopulationRandomness
{
    private readonly Generator[] generators;

    private PopulationRandomness(Generator[] generators, bool common)
    {
        this.generators = generators;
        IsCommon = common;
    }

    /// <summary>Every individual sees the same draws, made once from <paramref name="generator"/>.</summary>
    public static PopulationRandomness Common(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new PopulationRandomness(new[] { generator }, true);
    }

    /// <summary>Individual i draws from <paramref name="generators"/>[i]; the count must equal the population size.</summary>
    public static PopulationRandomness PerIndividual(IReadOnlyList<Generator> generators)
    {
        ArgumentNullException.ThrowIfNull(generators);
        if (generators.Count == 0) throw new UserInputException("per-individual randomness needs one generator per individual, got none.");
        return new PopulationRandomness(generators.ToArray(), false);
    }

    /// <summary>Whether every individual sees the same draws.</summary>
    public bool IsCommon { get; }

    /// <summary>Random streams R: 1 for <see cref="Common"/>, the population size for <see cref="PerIndividual"/>.</summary>
    public int Streams => generators.Length;

    /// <summary>Throws a one-line <see cref="UserInputException"/> unless this randomness fits a population of <paramref name="population"/>.</summary>
    public void CheckPopulation(long population)
    {
        if (!IsCommon && generators.Length != population)
            throw new UserInputException($"per-individual randomness has {generators.Length} generator(s) for a population of {population}; pass one generator per individual.");
    }

    /// <summary>
    /// Uniform [0, 1) draws (R, <paramref name="shape"/>...): stream r's block is <c>torch.rand(shape, generator r)</c>,
    /// on <paramref name="device"/>.
    /// </summary>
    public Tensor Uniform(long[] shape, Device device) =>
        Draw(g => torch.rand(shape, generator: g, device: device));

    /// <summary>Standard normal draws (R, <paramref name="shape"/>...): stream r's block is <c>torch.randn(shape, generator r)</c>.</summary>
    public Tensor Normal(long[] shape, Device device) =>
        Draw(g => torch.randn(shape, generator: g, device: device));

    /// <summary>
    /// The step count of this development, drawn as <paramref name="template"/>'s own development would draw it (fixed
    /// outside training; uniform in [Steps, MaxSteps] while training), or <paramref name="steps"/> when given. Per-individual
    /// streams that sample different counts cannot develop in one call: that throws a one-line <see cref="UserInputException"/>.
    /// </summary>
    public int Steps(DevelopmentalDecoder template, int? steps)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (steps is <= 0) throw new UserInputException($"{template.GetName()}: steps must be >= 1, got {steps}.");
        if (steps is int fixedSteps) return fixedSteps;
        var counts = generators.Select(template.ChooseSteps).Distinct().ToArray();
        if (counts.Length != 1)
            throw new UserInputException($"the individuals' generators sampled different step counts ({string.Join(", ", counts)}); pass steps, or use common randomness, to develop them in one call.");
        return counts[0];
    }

    /// <summary>The generator of stream <paramref name="stream"/> (0 for common randomness).</summary>
    internal Generator Generator(int stream) => generators[stream];

    private Tensor Draw(Func<Generator, Tensor> draw)
    {
        if (generators.Length == 1) return draw(generators[0]).unsqueeze(0);
        using var scope = torch.NewDisposeScope();
        var parts = generators.Select(draw).ToArray();
        return torch.stack(parts, 0).MoveToOuterDisposeScope();
    }
}
