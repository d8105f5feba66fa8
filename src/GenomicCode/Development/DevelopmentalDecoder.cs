using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// A decoder that grows the phenotype by a developmental process of several steps on a grid (or in a state space),
/// optionally recording the phenotype at chosen steps. Subclasses implement <see cref="Grow"/> on whole batches; none
/// loops over organisms or cells in C#.
/// </summary>
public abstract class DevelopmentalDecoder : GenomeDecoder
{
    /// <summary>Seed of the generator used when a caller passes none (deterministic evaluation).</summary>
    public const long DefaultSeed = 0x6E0D;

    private readonly int genomeSize;
    private readonly (int Channels, int Height, int Width) phenotype;

    /// <summary>Checks the options and records the shapes.</summary>
    protected DevelopmentalDecoder(string name, int genomeSize, (int Channels, int Height, int Width) phenotypeShape, DevelopmentOptions options)
        : base(name)
    {
        options.Validate();
        if (genomeSize < 1) throw new UserInputException($"{name} needs a genome of width >= 1, got {genomeSize}.");
        if (phenotypeShape.Channels < 1 || phenotypeShape.Height < 1 || phenotypeShape.Width < 1)
            throw new UserInputException($"{name} needs a positive phenotype shape, got {phenotypeShape}.");
        this.genomeSize = genomeSize;
        phenotype = phenotypeShape;
        SharedOptions = options;
    }

    /// <summary>
    /// The options every developmental decoder reads (steps, noise, sizes); each decoder's own record is its
    /// <c>Options</c>. Named apart from it because TorchSharp's <c>Module.to(device)</c> indexes a module's public
    /// properties by name and throws on two of the same name (a hidden <c>new Options</c>).
    /// </summary>
    public DevelopmentOptions SharedOptions { get; }

    private double? noiseLevel;

    /// <summary>
    /// The developmental noise used now: <see cref="DevelopmentOptions.Noise"/>, or the level set by
    /// <see cref="WithNoise"/> while its scope lasts. What it means is the decoder's own: Gaussian state noise per step
    /// (NCA, GRN) or the temperature of the Langevin steps (landscape).
    /// </summary>
    public double NoiseLevel => noiseLevel ?? SharedOptions.Noise;

    /// <summary>
    /// Develops with developmental noise <paramref name="level"/> (>= 0) instead of the option's until the returned
    /// scope is disposed, for measuring robustness to noise inside development (canalisation) with trained weights.
    /// </summary>
    public IDisposable WithNoise(double level)
    {
        if (!(level >= 0) || double.IsInfinity(level)) throw new UserInputException($"{GetName()}: a developmental noise level must be finite and >= 0, got {level}.");
        double? previous = noiseLevel;
        noiseLevel = level;
        return new NoiseScope(this, previous);
    }

    private sealed class NoiseScope(DevelopmentalDecoder decoder, double? previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            decoder.noiseLevel = previous;
        }
    }

    /// <inheritdoc />
    public override int GenomeSize => genomeSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) PhenotypeShape => phenotype;

    /// <summary>Develops with the default generator (deterministic); phenotype logits (B, C, H, W).</summary>
    public override Tensor forward(Tensor genome) => Develop(genome, null).Phenotype;

    /// <inheritdoc />
    public override Tensor Decode(Tensor genome, Generator? generator) => Develop(genome, generator).Phenotype;

    /// <summary>
    /// Grows phenotypes from a genome batch (B, <see cref="GenomeSize"/>). Randomness (update masks, noise, the sampled
    /// step count) comes from <paramref name="generator"/>; null uses a fresh generator seeded with
    /// <see cref="DefaultSeed"/>. <paramref name="capture"/> lists steps (0..steps) whose phenotype is recorded;
    /// <paramref name="steps"/> overrides the option's count.
    /// </summary>
    public DevelopmentResult Develop(Tensor genome, Generator? generator, IReadOnlyCollection<int>? capture = null, int? steps = null)
    {
        CheckGenome(genome);
        return Develop(genome.device, generator, capture, steps, (n, g, wanted, record) => Grow(genome, n, g, wanted, record));
    }

    /// <summary>
    /// The developmental run shared by every way into development: checks the step count and the captured steps, chooses
    /// the step count (from <paramref name="generator"/>, or a fresh one seeded with <see cref="DefaultSeed"/> on
    /// <paramref name="device"/>), lets <paramref name="grow"/> run it and collects the phenotypes.
    /// <paramref name="grow"/> gets the step count, the generator, the steps to capture and the recorder, and returns
    /// the final readout logits, as <see cref="Grow"/> does.
    /// </summary>
    protected DevelopmentResult Develop(Device device, Generator? generator, IReadOnlyCollection<int>? capture, int? steps,
        Func<int, Generator, ISet<int>, Action<Tensor>, Tensor> grow)
    {
        if (steps is <= 0) throw new UserInputException($"{GetName()}: steps must be >= 1, got {steps}.");
        Generator? owned = generator is null ? new Generator((ulong)DefaultSeed, device) : null;
        try
        {
            var g = generator ?? owned!;
            int n = steps ?? ChooseSteps(g);
            var wanted = new SortedSet<int>(capture ?? Array.Empty<int>());
            foreach (int s in wanted)
                if (s < 0 || s > n) throw new UserInputException($"{GetName()}: capture step {s} is outside 0..{n}.");
            var trajectory = new List<Tensor>(wanted.Count);
            var grown = grow(n, g, wanted, state => trajectory.Add(ToPhenotype(state)));
            return new DevelopmentResult(ToPhenotype(grown), n, wanted.ToArray(), trajectory);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> developmental steps and returns the final readout logits (B, C, G, G) on the grid (or
    /// at phenotype size). Calls <paramref name="record"/> with the readout of each step in <paramref name="capture"/>
    /// (0 = before the first step), in ascending order.
    /// </summary>
    protected abstract Tensor Grow(Tensor genome, int steps, Generator generator, ISet<int> capture, Action<Tensor> record);

    /// <summary>The step count for one call: fixed, or uniform in [Steps, MaxSteps] while training.</summary>
    protected internal int ChooseSteps(Generator generator)
    {
        if (SharedOptions.MaxSteps <= SharedOptions.Steps || !training) return SharedOptions.Steps;
        using var pick = torch.randint(SharedOptions.Steps, SharedOptions.MaxSteps + 1, new long[] { 1 }, device: generator.device, generator: generator); // where the generator lives
        return (int)pick.item<long>();
    }

    /// <summary>Bilinear upsampling of grid logits (B, C, G, G) to the phenotype size; identity when they match.</summary>
    public Tensor ToPhenotype(Tensor gridLogits)
    {
        if (gridLogits.shape[2] == phenotype.Height && gridLogits.shape[3] == phenotype.Width) return gridLogits;
        return nn.functional.interpolate(gridLogits, new long[] { phenotype.Height, phenotype.Width },
            mode: InterpolationMode.Bilinear, align_corners: false);
    }
}
