using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GenomicCode.Gpu;

/// <summary>
/// What the NCA and GRN developers share: one loaded population's weights, genomes, state and logits on the device, the
/// state passed back and forth between two buffers by the step kernels, the readout of the logits, and
/// <see cref="Develop"/> (load, run and read in one call).
/// </summary>
public abstract class IlgpuDeveloper : IDisposable
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReadoutParams> readout;
    private bool stateInA = true;

    /// <summary>The accelerator (owned by the caller).</summary>
    private protected readonly Accelerator accelerator;

    /// <summary>Buffers of the loaded population; <see cref="noise"/> holds the current draws.</summary>
    private protected MemoryBuffer1D<float, Stride1D.Dense>? weights, genomes, stateA, stateB, noise, logits;

    private protected IlgpuDeveloper(Accelerator accelerator, int grid)
    {
        this.accelerator = accelerator ?? throw new ArgumentNullException(nameof(accelerator));
        readout = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReadoutParams>(NcaKernels.Readout);
        GroupSize = ChooseGroupSize(accelerator, grid * grid);
    }

    /// <summary>Threads per group (one group per organism).</summary>
    public int GroupSize { get; }

    /// <summary>Individuals P loaded.</summary>
    public int Population { get; private set; }

    /// <summary>Genomes K per individual loaded.</summary>
    public int Genomes { get; private set; }

    /// <summary>
    /// Copies the population to the device: <paramref name="population"/> rows of the spec's parameter count, and genomes
    /// (K, G) shared by every individual (<paramref name="sharedGenomes"/>) or (P, K, G).
    /// </summary>
    public abstract void Load(float[] weightRows, int population, float[] genomeRows, int genomesPerIndividual, bool sharedGenomes);

    /// <summary>
    /// Develops the loaded population for <see cref="PopulationDraws.Steps"/> steps with the draws of
    /// <paramref name="draws"/> (R = 1 or P streams). Returns when the device is done.
    /// </summary>
    public abstract void Run(PopulationDraws draws);

    /// <summary>Phenotype logits on the grid (P, K, R, G, G), row-major: readoutBias + readoutGain x of the developed state.</summary>
    public float[] ReadLogits()
    {
        if (logits is null) throw new InvalidOperationException("load and run a population before reading it.");
        var r = ReadoutParameters();
        long organisms = (long)Population * Genomes, cells = (long)r.Grid * r.Grid;
        readout((int)(organisms * r.Readout * cells), logits.View, (stateInA ? stateA! : stateB!).View, weights!.View, r);
        accelerator.Synchronize();
        return logits.GetAsArray1D();
    }

    /// <summary>Load, run and read in one call.</summary>
    public float[] Develop(float[] weightRows, int population, float[] genomeRows, int genomesPerIndividual, bool sharedGenomes, PopulationDraws draws)
    {
        Load(weightRows, population, genomeRows, genomesPerIndividual, sharedGenomes);
        Run(draws);
        return ReadLogits();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseState();
        ReleaseDraws();
    }

    /// <summary>The readout's parameters for the loaded population.</summary>
    private protected abstract ReadoutParams ReadoutParameters();

    /// <summary>
    /// Checks the shapes of a population (<paramref name="kind"/> names it in errors), releases the previous one and
    /// allocates the buffers every developer has: weights, genomes, two state buffers of <paramref name="stateChannels"/>
    /// per cell and the logits of <paramref name="readoutChannels"/> per cell.
    /// </summary>
    private protected void Allocate(string kind, float[] weightRows, int population, float[] genomeRows, int genomesPerIndividual, bool sharedGenomes,
        int parameterCount, int genomeSize, int grid, int stateChannels, int readoutChannels)
    {
        if (population < 1 || weightRows.LongLength != (long)population * parameterCount)
            throw new UserInputException($"{kind} population weights must be P x {parameterCount} values, got {weightRows.LongLength} for P = {population}.");
        long expected = (long)(sharedGenomes ? 1 : population) * genomesPerIndividual * genomeSize;
        if (genomesPerIndividual < 1 || genomeRows.LongLength != expected)
            throw new UserInputException($"{kind} population genomes must be {(sharedGenomes ? "" : "P x ")}K x {genomeSize} values, got {genomeRows.LongLength}.");
        ReleaseState();
        Population = population;
        Genomes = genomesPerIndividual;
        long organisms = (long)population * genomesPerIndividual, cells = (long)grid * grid;
        weights = accelerator.Allocate1D(weightRows);
        genomes = accelerator.Allocate1D(genomeRows);
        stateA = accelerator.Allocate1D<float>(organisms * stateChannels * cells);
        stateB = accelerator.Allocate1D<float>(organisms * stateChannels * cells);
        logits = accelerator.Allocate1D<float>(organisms * readoutChannels * cells);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> launches of a step kernel, each reading the state the previous one wrote, and waits
    /// for the device.
    /// </summary>
    private protected void Iterate(int steps, Action<MemoryBuffer1D<float, Stride1D.Dense>, MemoryBuffer1D<float, Stride1D.Dense>, int> step)
    {
        var (from, to) = (stateA!, stateB!);
        for (int t = 0; t < steps; t++)
        {
            step(from, to, t);
            (from, to) = (to, from);
        }
        stateInA = ReferenceEquals(from, stateA);
        accelerator.Synchronize();
    }

    /// <summary>Releases a developer's own buffers of the loaded population (beside the shared ones).</summary>
    private protected virtual void ReleaseOwnState() { }

    /// <summary>Releases the buffers of the current draws.</summary>
    private protected virtual void ReleaseDraws()
    {
        noise?.Dispose();
        noise = null;
    }

    internal static int ChooseGroupSize(Accelerator accelerator, int cells)
    {
        int warp = Math.Max(1, accelerator.WarpSize);
        int wanted = Math.Min(256, ((cells + warp - 1) / warp) * warp);
        return Math.Max(1, Math.Min(wanted, accelerator.MaxNumThreadsPerGroup));
    }

    private void ReleaseState()
    {
        foreach (var b in new[] { weights, genomes, stateA, stateB, logits }) b?.Dispose();
        weights = genomes = stateA = stateB = logits = null;
        ReleaseOwnState();
    }
}

/// <summary>
/// Develops an NCA population on one ILGPU accelerator without TorchSharp: <see cref="Load"/> the weights (P, D) and
/// genomes, <see cref="Run"/> the steps (one fused kernel launch per step; the state stays on the device), read the
/// logits with <see cref="IlgpuDeveloper.ReadLogits"/>. Equal to <see cref="Development.Population.NcaPopulation"/> to float tolerance
/// given the same draws.
/// </summary>
public sealed class IlgpuNcaDeveloper : IlgpuDeveloper
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NcaParams> seed;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NcaParams> condition;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NcaParams> step;
    private MemoryBuffer1D<float, Stride1D.Dense>? conditions, fire;
    private NcaParams parameters;

    /// <summary>Compiles the kernels for <paramref name="spec"/> on <paramref name="accelerator"/> (owned by the caller).</summary>
    public IlgpuNcaDeveloper(Accelerator accelerator, NcaSpec spec) : base(accelerator, (spec ?? throw new ArgumentNullException(nameof(spec))).Grid)
    {
        Spec = spec.Validate();
        seed = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NcaParams>(NcaKernels.Seed);
        condition = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NcaParams>(NcaKernels.Condition);
        step = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NcaParams>(NcaKernels.Step);
        int cells = spec.Grid * spec.Grid, network = spec.Hidden * 3 * spec.Channels + spec.Hidden + spec.Channels * spec.Hidden;
        WeightsInShared = (network + 2L * cells) * sizeof(float) <= GpuLimits.SharedBytes;
    }

    /// <summary>The population's architecture and options.</summary>
    public NcaSpec Spec { get; }

    /// <summary>Whether each individual's network is staged in shared memory (it fits in 48 KiB with the flag planes).</summary>
    public bool WeightsInShared { get; }

    /// <summary>
    /// Copies the population to the device: <paramref name="population"/> rows of <see cref="NcaSpec.ParameterCount"/>
    /// weights, and genomes (K, G) shared by every individual (<paramref name="sharedGenomes"/>) or (P, K, G).
    /// </summary>
    public override void Load(float[] weightRows, int population, float[] genomeRows, int genomesPerIndividual, bool sharedGenomes)
    {
        int d = Spec.ParameterCount, g = Spec.GenomeSize;
        Allocate("NCA", weightRows, population, genomeRows, genomesPerIndividual, sharedGenomes, d, g, Spec.Grid, Spec.Channels, Spec.Readout);
        long organisms = (long)population * genomesPerIndividual;
        conditions = accelerator.Allocate1D<float>(Spec.ConditionEveryCell ? organisms * Spec.Hidden : 1);
        parameters = new NcaParams
        {
            Channels = Spec.Channels, Readout = Spec.Readout, Hidden = Spec.Hidden, Grid = Spec.Grid, GenomeSize = g,
            Genomes = genomesPerIndividual, SharedGenomes = sharedGenomes ? 1 : 0, ParameterCount = d,
            HiddenWeight = Spec.HiddenWeightOffset, HiddenBias = Spec.HiddenBiasOffset, UpdateWeight = Spec.UpdateWeightOffset,
            SeedWeight = Spec.SeedWeightOffset, SeedBias = Spec.SeedBiasOffset, ConditionWeight = Spec.ConditionWeightOffset,
            ConditionBias = Spec.ConditionBiasOffset, Gain = Spec.GainOffset, Bias = Spec.BiasOffset,
            HasCondition = Spec.ConditionEveryCell ? 1 : 0, WeightsInShared = WeightsInShared ? 1 : 0, FullStart = Spec.FullStart ? 1 : 0,
            Threshold = (float)Spec.AliveThreshold, NoiseScale = (float)Spec.Noise, HasNoise = Spec.Noise > 0 ? 1 : 0,
        };
    }

    /// <summary>
    /// Develops the loaded population for <see cref="PopulationDraws.Steps"/> steps from the seed cells, one step kernel
    /// per step, with the masks and noise of <paramref name="draws"/> (R = 1 or P streams). Returns when the device is done.
    /// </summary>
    public override void Run(PopulationDraws draws)
    {
        if (weights is null) throw new InvalidOperationException("load a population before running it.");
        int cells = Spec.Grid * Spec.Grid;
        if (draws.Genomes != Genomes || draws.Cells != cells || (draws.Streams != 1 && draws.Streams != Population) || draws.Fire.Length == 0)
            throw new UserInputException($"NCA draws must be fire masks for K = {Genomes} genomes of {cells} cells from 1 or P = {Population} streams, got K = {draws.Genomes}, {draws.Cells} cells, {draws.Streams} streams.");
        if (Spec.Noise > 0 && (draws.Noise is null || draws.NoiseChannels != Spec.Channels))
            throw new UserInputException($"this NCA has developmental noise: the draws need noise for {Spec.Channels} channels.");
        fire?.Dispose();
        noise?.Dispose();
        fire = accelerator.Allocate1D(draws.Fire);
        noise = Spec.Noise > 0 ? accelerator.Allocate1D(draws.Noise!) : accelerator.Allocate1D<float>(1);
        var p = parameters with { Streams = draws.Streams };
        long organisms = (long)Population * Genomes;
        seed((int)(organisms * Spec.Channels * cells), stateA!.View, weights.View, genomes!.View, p);
        if (Spec.ConditionEveryCell) condition((int)(organisms * Spec.Hidden), conditions!.View, weights.View, genomes.View, p);
        int network = Spec.Hidden * 3 * Spec.Channels + Spec.Hidden + Spec.Channels * Spec.Hidden;
        var config = new KernelConfig((int)organisms, GroupSize, SharedMemoryConfig.RequestDynamic<float>((WeightsInShared ? network : 0) + 2 * cells));
        var (w, f, n, c) = (weights.View, fire.View, noise.View, conditions!.View);
        Iterate(draws.Steps, (from, to, t) => step(config, from.View, to.View, w, f, n, c, p with { Step = t }));
    }

    private protected override ReadoutParams ReadoutParameters() => new()
    {
        Channels = Spec.Channels, Readout = Spec.Readout, Grid = Spec.Grid, Genomes = Genomes, ParameterCount = Spec.ParameterCount,
        Gain = Spec.GainOffset, Bias = Spec.BiasOffset,
    };

    private protected override void ReleaseOwnState()
    {
        conditions?.Dispose();
        conditions = null;
    }

    private protected override void ReleaseDraws()
    {
        base.ReleaseDraws();
        fire?.Dispose();
        fire = null;
    }
}

/// <summary>
/// Develops a GRN population on one ILGPU accelerator without TorchSharp: hypernetwork and zygote kernels, then one fused
/// step kernel per step. Equal to <see cref="Development.Population.GrnPopulation"/> to float tolerance given the same draws.
/// </summary>
public sealed class IlgpuGrnDeveloper : IlgpuDeveloper
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams> hyperHidden;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams> hyperOut;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams> zygote;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams> step;
    private MemoryBuffer1D<float, Stride1D.Dense>? hidden, regulation;
    private GrnParams parameters;

    /// <summary>Compiles the kernels for <paramref name="spec"/> on <paramref name="accelerator"/> (owned by the caller).</summary>
    public IlgpuGrnDeveloper(Accelerator accelerator, GrnSpec spec) : base(accelerator, (spec ?? throw new ArgumentNullException(nameof(spec))).Grid)
    {
        Spec = spec.Validate();
        if ((spec.Regulation + 2L * spec.Grid * spec.Grid) * sizeof(float) > GpuLimits.SharedBytes)
            throw new UserInputException($"the GRN's regulation ({spec.Regulation} values) and a {spec.Grid}x{spec.Grid} grid's flags do not fit a kernel's 48 KiB of shared memory; use fewer genes or a smaller grid.");
        hyperHidden = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams>(GrnKernels.HyperHidden);
        hyperOut = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams>(GrnKernels.HyperOut);
        zygote = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams>(GrnKernels.Zygote);
        step = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GrnParams>(GrnKernels.Step);
    }

    /// <summary>The population's architecture and options.</summary>
    public GrnSpec Spec { get; }

    /// <summary>Copies the population to the device (as <see cref="IlgpuNcaDeveloper.Load"/>).</summary>
    public override void Load(float[] weightRows, int population, float[] genomeRows, int genomesPerIndividual, bool sharedGenomes)
    {
        int d = Spec.ParameterCount, g = Spec.GenomeSize;
        Allocate("GRN", weightRows, population, genomeRows, genomesPerIndividual, sharedGenomes, d, g, Spec.Grid, Spec.Genes, Spec.Readout);
        long organisms = (long)population * genomesPerIndividual;
        hidden = accelerator.Allocate1D<float>(organisms * Spec.Hidden);
        regulation = accelerator.Allocate1D<float>(organisms * Spec.Regulation);
        parameters = new GrnParams
        {
            Genes = Spec.Genes, Morphogens = Spec.Morphogens, Readout = Spec.Readout, Hidden = Spec.Hidden, Grid = Spec.Grid,
            GenomeSize = g, Genomes = genomesPerIndividual, SharedGenomes = sharedGenomes ? 1 : 0, ParameterCount = d,
            BaseWeight = Spec.BaseWeightOffset, BaseBias = Spec.BaseBiasOffset, HyperHiddenWeight = Spec.HyperHiddenWeightOffset,
            HyperHiddenBias = Spec.HyperHiddenBiasOffset, HyperOutWeight = Spec.HyperOutWeightOffset, HyperOutBias = Spec.HyperOutBiasOffset,
            MaternalWeight = Spec.MaternalWeightOffset, MaternalBias = Spec.MaternalBiasOffset,
            HasNoise = Spec.Noise > 0 ? 1 : 0, Sigmoid = Spec.Sigmoid ? 1 : 0, FullStart = Spec.FullStart ? 1 : 0,
            Tau = (float)Spec.Tau, Threshold = (float)Spec.AliveThreshold, NoiseScale = (float)Spec.Noise,
        };
    }

    /// <summary>Develops the loaded population for <see cref="PopulationDraws.Steps"/> steps (as <see cref="IlgpuNcaDeveloper.Run"/>; the GRN draws noise only).</summary>
    public override void Run(PopulationDraws draws)
    {
        if (weights is null) throw new InvalidOperationException("load a population before running it.");
        int cells = Spec.Grid * Spec.Grid;
        if (draws.Genomes != Genomes || draws.Cells != cells || (draws.Streams != 1 && draws.Streams != Population))
            throw new UserInputException($"GRN draws must be for K = {Genomes} genomes of {cells} cells from 1 or P = {Population} streams, got K = {draws.Genomes}, {draws.Cells} cells, {draws.Streams} streams.");
        if (Spec.Noise > 0 && (draws.Noise is null || draws.NoiseChannels != Spec.Genes))
            throw new UserInputException($"this GRN has developmental noise: the draws need noise for {Spec.Genes} genes.");
        noise?.Dispose();
        noise = Spec.Noise > 0 ? accelerator.Allocate1D(draws.Noise!) : accelerator.Allocate1D<float>(1);
        var p = parameters with { Streams = draws.Streams };
        long organisms = (long)Population * Genomes;
        hyperHidden((int)(organisms * Spec.Hidden), hidden!.View, weights.View, genomes!.View, p);
        hyperOut((int)(organisms * Spec.Regulation), regulation!.View, hidden.View, weights.View, p);
        zygote((int)(organisms * Spec.Genes * cells), stateA!.View, weights.View, genomes.View, p);
        var config = new KernelConfig((int)organisms, GroupSize, SharedMemoryConfig.RequestDynamic<float>(Spec.Regulation + 2 * cells));
        var (r, n) = (regulation.View, noise.View);
        Iterate(draws.Steps, (from, to, t) => step(config, from.View, to.View, r, n, p with { Step = t }));
    }

    private protected override ReadoutParams ReadoutParameters() => new()
    {
        Channels = Spec.Genes, Readout = Spec.Readout, Grid = Spec.Grid, Genomes = Genomes, ParameterCount = Spec.ParameterCount,
        Gain = Spec.GainOffset, Bias = Spec.BiasOffset,
    };

    private protected override void ReleaseOwnState()
    {
        foreach (var b in new[] { hidden, regulation }) b?.Dispose();
        hidden = regulation = null;
    }
}
