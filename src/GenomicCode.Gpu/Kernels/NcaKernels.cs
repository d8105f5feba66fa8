using ILGPU;

namespace GenomicCode.Gpu.Kernels;

/// <summary>Scalars of the NCA kernels (one struct, so every kernel takes few arguments).</summary>
internal struct NcaParams
{
    public int Channels;        // C
    public int Readout;         // R (channel R is alpha)
    public int Hidden;          // H
    public int Grid;            // G
    public int GenomeSize;      // genome width
    public int Genomes;         // K genomes per individual
    public int SharedGenomes;   // 1: genomes (K, G) shared by every individual; 0: (P, K, G)
    public int ParameterCount;  // D
    public int HiddenWeight, HiddenBias, UpdateWeight, SeedWeight, SeedBias, ConditionWeight, ConditionBias, Gain, Bias; // offsets
    public int Streams;         // R draws: 1 (common) or P
    public int HasNoise, HasCondition, WeightsInShared, FullStart;
    public float Threshold, NoiseScale;
    public int Step;            // 0-based step: which slice of the draws
}

/// <summary>
/// The NCA population kernels (Growing NCA, Mordvintsev et al. 2020, as <see cref="Development.NcaDecoder"/>). State is
/// (P K, C, G, G) row-major; individual i's weights are row i of (P, D) in <see cref="NcaSpec"/> order; fire masks are
/// (steps, R, K, G, G) 0/1 and noise (steps, R, K, C, G, G) standard normal, as <see cref="Development.Population.PopulationRandomness"/>
/// draws them (R = 1: shared by every individual).
/// </summary>
internal static class NcaKernels
{
    /// <summary>Perception values per cell the kernel holds (3 x <see cref="NcaSpec.MaxChannels"/>).</summary>
    private const int MaxPerception = 3 * NcaSpec.MaxChannels;

    /// <summary>
    /// The seed grids: one thread per (organism, channel, cell). At the centre cell (every cell with a full start): 0 on
    /// readout channels, 1 on alpha, seed.weight genome + seed.bias on the hidden channels; 0 elsewhere.
    /// </summary>
    public static void Seed(Index1D index, ArrayView<float> state, ArrayView<float> weights, ArrayView<float> genomes, NcaParams s)
    {
        int cells = s.Grid * s.Grid;
        long organism = index / ((long)s.Channels * cells);
        int rest = (int)(index - organism * s.Channels * cells);
        int channel = rest / cells, cell = rest - channel * cells;
        int centre = (s.Grid / 2) * s.Grid + s.Grid / 2;
        float value = 0f;
        if (s.FullStart != 0 || cell == centre)
        {
            if (channel == s.Readout) value = 1f;
            else if (channel > s.Readout)
                value = KernelMath.StartAffine(organism, channel - s.Readout - 1, s.Genomes, s.SharedGenomes, s.GenomeSize,
                    s.ParameterCount, s.SeedWeight, s.SeedBias, weights, genomes);
        }
        state[index] = value;
    }

    /// <summary>The genome term of every cell's hidden layer, one thread per (organism, hidden unit): everyCell.weight genome + everyCell.bias.</summary>
    public static void Condition(Index1D index, ArrayView<float> condition, ArrayView<float> weights, ArrayView<float> genomes, NcaParams s)
    {
        long organism = index / s.Hidden;
        int j = (int)(index - organism * s.Hidden);
        long individual = organism / s.Genomes;
        long genome = (s.SharedGenomes != 0 ? organism - individual * s.Genomes : organism) * s.GenomeSize;
        long w = individual * s.ParameterCount;
        float sum = 0f;
        for (int q = 0; q < s.GenomeSize; q++) sum += weights[w + s.ConditionWeight + j * s.GenomeSize + q] * genomes[genome + q];
        condition[index] = sum + weights[w + s.ConditionBias + j];
    }

    /// <summary>
    /// One developmental step of every organism, fused: one thread group per organism, its individual's network in
    /// shared memory (hidden.weight, hidden.bias, update.weight) when it fits, threads striding over the cells.
    /// (a) alive before: alpha above the threshold in the 3x3 neighbourhood; (b) cells that fire and have a living cell
    /// in their 3x3 neighbourhood (the only ones whose update can matter: a living cell's own value, or its alpha in a
    /// living neighbour's alive test) compute identity + Sobel x + Sobel y perception of every channel, the per-cell
    /// network 3C -> H (ReLU) -> C, and x + dx (+ noise); the others keep x; (c) alive after: alpha of the updated grid;
    /// (d) cells not alive both before and after are zeroed. Equal to the dense step x' = (x + dx fire) alive.
    /// </summary>
    public static void Step(ArrayView<float> input, ArrayView<float> output, ArrayView<float> weights, ArrayView<float> fire,
        ArrayView<float> noise, ArrayView<float> condition, NcaParams s)
    {
        int organism = Grid.IdxX;
        int individual = organism / s.Genomes, genome = organism - individual * s.Genomes;
        int tid = Group.IdxX, threads = Group.DimX;
        int c = s.Channels, c3 = 3 * c, h = s.Hidden, g = s.Grid, cells = g * g;
        int w1 = h * c3, size = w1 + h + c * h;
        long wBase = (long)individual * s.ParameterCount;
        var shared = SharedMemory.GetDynamic<float>();
        int pre = s.WeightsInShared != 0 ? size : 0, keep = pre + cells;   // flag planes in shared memory
        if (s.WeightsInShared != 0)
        {
            for (int q = tid; q < w1; q += threads) shared[q] = weights[wBase + s.HiddenWeight + q];
            for (int q = tid; q < h; q += threads) shared[w1 + q] = weights[wBase + s.HiddenBias + q];
            for (int q = tid; q < c * h; q += threads) shared[w1 + h + q] = weights[wBase + s.UpdateWeight + q];
        }
        long stateBase = (long)organism * c * cells;
        long alphaBase = stateBase + (long)s.Readout * cells;
        for (int cell = tid; cell < cells; cell += threads)
        {
            int y = cell / g, x = cell - (cell / g) * g;
            shared[pre + cell] = KernelMath.Alive(input, alphaBase, y, x, g, s.Threshold) ? 1f : 0f;
        }
        Group.Barrier();

        int draw = s.Streams == 1 ? genome : organism;
        long fireBase = ((long)s.Step * s.Streams * s.Genomes + draw) * cells;
        long noiseBase = ((long)s.Step * s.Streams * s.Genomes + draw) * c * cells;
        var perception = LocalMemory.Allocate<float>(MaxPerception);
        var dx = LocalMemory.Allocate<float>(NcaSpec.MaxChannels);
        for (int cell = tid; cell < cells; cell += threads)
        {
            int y = cell / g, x = cell - (cell / g) * g;
            bool update = fire[fireBase + cell] > 0f && KernelMath.AnyNear(shared, pre, y, x, g);
            if (update)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    long plane = stateBase + (long)ch * cells;
                    KernelMath.Gradients(input, plane, y, x, g, out float sx, out float sy, out float _);
                    perception[3 * ch] = input[plane + cell];
                    perception[3 * ch + 1] = sx;
                    perception[3 * ch + 2] = sy;
                    dx[ch] = 0f;
                }
                for (int j = 0; j < h; j++)
                {
                    float a = s.WeightsInShared != 0 ? shared[w1 + j] : weights[wBase + s.HiddenBias + j];
                    if (s.HasCondition != 0) a += condition[(long)organism * h + j];
                    if (s.WeightsInShared != 0)
                        for (int q = 0; q < c3; q++) a += shared[j * c3 + q] * perception[q];
                    else
                        for (int q = 0; q < c3; q++) a += weights[wBase + s.HiddenWeight + j * c3 + q] * perception[q];
                    if (a > 0f)
                    {
                        if (s.WeightsInShared != 0)
                            for (int ch = 0; ch < c; ch++) dx[ch] += shared[w1 + h + ch * h + j] * a;
                        else
                            for (int ch = 0; ch < c; ch++) dx[ch] += weights[wBase + s.UpdateWeight + ch * h + j] * a;
                    }
                }
            }
            for (int ch = 0; ch < c; ch++)
            {
                long at = stateBase + (long)ch * cells + cell;
                float v = input[at];
                if (update)
                {
                    float d = dx[ch];
                    if (s.HasNoise != 0) d += noise[noiseBase + (long)ch * cells + cell] * s.NoiseScale;
                    v += d;
                }
                output[at] = v;
            }
        }
        Group.Barrier();

        for (int cell = tid; cell < cells; cell += threads)
        {
            int y = cell / g, x = cell - (cell / g) * g;
            bool alive = shared[pre + cell] > 0f && KernelMath.Alive(output, alphaBase, y, x, g, s.Threshold);
            shared[keep + cell] = alive ? 1f : 0f;
        }
        Group.Barrier();
        for (int cell = tid; cell < cells; cell += threads)
        {
            if (shared[keep + cell] > 0f) continue;
            for (int ch = 0; ch < c; ch++) output[stateBase + (long)ch * cells + cell] = 0f;
        }
    }

    /// <summary>
    /// Phenotype logits (P K, R, G, G) = readoutBias + readoutGain x (channels 0..R-1), one thread per value; works for
    /// any state (P K, channels, G, G) with the gain and bias at the given offsets.
    /// </summary>
    public static void Readout(Index1D index, ArrayView<float> logits, ArrayView<float> state, ArrayView<float> weights, ReadoutParams s)
    {
        int cells = s.Grid * s.Grid;
        long organism = index / ((long)s.Readout * cells);
        int rest = (int)(index - organism * s.Readout * cells);
        int r = rest / cells, cell = rest - r * cells;
        long w = organism / s.Genomes * s.ParameterCount;
        logits[index] = weights[w + s.Bias + r] + state[(organism * s.Channels + r) * cells + cell] * weights[w + s.Gain + r];
    }
}

/// <summary>Scalars of the readout kernel.</summary>
internal struct ReadoutParams
{
    public int Channels, Readout, Grid, Genomes, ParameterCount, Gain, Bias;
}
