using ILGPU;

namespace GenomicCode.Gpu.Kernels;

/// <summary>Scalars of the GRN kernels.</summary>
internal struct GrnParams
{
    public int Genes;           // N
    public int Morphogens;      // M
    public int Readout;         // R (gene R is the alive gene)
    public int Hidden;          // hypernetwork width
    public int Grid;            // G
    public int GenomeSize;
    public int Genomes;         // K per individual
    public int SharedGenomes;   // 1: (K, G) shared; 0: (P, K, G)
    public int ParameterCount;  // D
    public int BaseWeight, BaseBias, HyperHiddenWeight, HyperHiddenBias, HyperOutWeight, HyperOutBias, MaternalWeight, MaternalBias; // offsets
    public int Streams;         // noise streams: 1 (common) or P
    public int HasNoise, Sigmoid, FullStart;
    public float Tau, Threshold, NoiseScale;
    public int Step;
}

/// <summary>
/// The GRN population kernels (the <c>leaky</c> dynamics of <see cref="Development.GrnDecoder"/>, x &lt;- (1 - tau) x +
/// tau f(W [x; s] + b), on a grid whose secreted genes each cell reads in its eight neighbours). State (P K, N, G, G) row-major; each organism's regulation (N I + N: W then
/// b) comes from its individual's hypernetwork; noise (steps, R, K, N, G, G) standard normal as drawn by
/// <see cref="Development.Population.PopulationRandomness"/>.
/// </summary>
internal static class GrnKernels
{
    /// <summary>Regulatory inputs per cell the kernel holds: N + 3M with N, M &lt;= <see cref="GrnSpec.MaxGenes"/>.</summary>
    private const int MaxInputs = 4 * GrnSpec.MaxGenes;

    /// <summary>Hypernetwork layer 1, one thread per (organism, unit): tanh(hyperHidden.weight genome + hyperHidden.bias).</summary>
    public static void HyperHidden(Index1D index, ArrayView<float> hidden, ArrayView<float> weights, ArrayView<float> genomes, GrnParams s)
    {
        long organism = index / s.Hidden;
        int j = (int)(index - organism * s.Hidden);
        long individual = organism / s.Genomes;
        long genome = (s.SharedGenomes != 0 ? organism - individual * s.Genomes : organism) * s.GenomeSize;
        long w = individual * s.ParameterCount;
        float sum = 0f;
        for (int q = 0; q < s.GenomeSize; q++) sum += weights[w + s.HyperHiddenWeight + j * s.GenomeSize + q] * genomes[genome + q];
        hidden[index] = KernelMath.Tanh(sum + weights[w + s.HyperHiddenBias + j]);
    }

    /// <summary>
    /// Hypernetwork layer 2 plus the shared part, one thread per (organism, output): (hyperOut.weight hidden +
    /// hyperOut.bias) + W0 for the N I weights, + b0 for the N biases.
    /// </summary>
    public static void HyperOut(Index1D index, ArrayView<float> regulation, ArrayView<float> hidden, ArrayView<float> weights, GrnParams s)
    {
        int inputs = s.Genes + 3 * s.Morphogens, outputs = s.Genes * inputs + s.Genes;
        long organism = index / outputs;
        int q = (int)(index - organism * outputs);
        long w = organism / s.Genomes * s.ParameterCount;
        float sum = 0f;
        for (int j = 0; j < s.Hidden; j++) sum += weights[w + s.HyperOutWeight + (long)q * s.Hidden + j] * hidden[organism * s.Hidden + j];
        sum += weights[w + s.HyperOutBias + q];
        int nw = s.Genes * inputs;
        regulation[index] = sum + (q < nw ? weights[w + s.BaseWeight + q] : weights[w + s.BaseBias + q - nw]);
    }

    /// <summary>
    /// The zygote grids, one thread per (organism, gene, cell): at the centre cell (every cell with a full start) 0 on
    /// readout genes, 1 on the alive gene, tanh(maternal.weight genome + maternal.bias) on the others; 0 elsewhere.
    /// </summary>
    public static void Zygote(Index1D index, ArrayView<float> state, ArrayView<float> weights, ArrayView<float> genomes, GrnParams s)
    {
        int cells = s.Grid * s.Grid;
        long organism = index / ((long)s.Genes * cells);
        int rest = (int)(index - organism * s.Genes * cells);
        int gene = rest / cells, cell = rest - gene * cells;
        int centre = (s.Grid / 2) * s.Grid + s.Grid / 2;
        float value = 0f;
        if (s.FullStart != 0 || cell == centre)
        {
            if (gene == s.Readout) value = 1f;
            else if (gene > s.Readout)
                value = KernelMath.Tanh(KernelMath.StartAffine(organism, gene - s.Readout - 1, s.Genomes, s.SharedGenomes, s.GenomeSize,
                    s.ParameterCount, s.MaternalWeight, s.MaternalBias, weights, genomes));
        }
        state[index] = value;
    }

    /// <summary>
    /// One developmental step of every organism, fused: one thread group per organism, its regulation (W, b) in shared
    /// memory, threads striding over the cells. (a) alive before: alive gene above the threshold in the 3x3
    /// neighbourhood; (b) every cell reads [x; per morphogen the mean of its 8 neighbours, Sobel x / 8, Sobel y / 8]
    /// (zero padding), drive = W inputs + b, x' = lerp(x, f(drive), tau) (+ noise); (c) alive after, on x';
    /// (d) cells not alive both before and after are zeroed.
    /// </summary>
    public static void Step(ArrayView<float> input, ArrayView<float> output, ArrayView<float> regulation, ArrayView<float> noise, GrnParams s)
    {
        int organism = Grid.IdxX;
        int genome = organism - organism / s.Genomes * s.Genomes;
        int tid = Group.IdxX, threads = Group.DimX;
        int n = s.Genes, inputs = n + 3 * s.Morphogens, size = n * inputs + n, g = s.Grid, cells = g * g;
        var shared = SharedMemory.GetDynamic<float>();
        int pre = size, keep = size + cells;
        for (int q = tid; q < size; q += threads) shared[q] = regulation[(long)organism * size + q];
        long stateBase = (long)organism * n * cells;
        long aliveBase = stateBase + (long)s.Readout * cells;
        for (int cell = tid; cell < cells; cell += threads)
        {
            int y = cell / g, x = cell - (cell / g) * g;
            shared[pre + cell] = KernelMath.Alive(input, aliveBase, y, x, g, s.Threshold) ? 1f : 0f;
        }
        Group.Barrier();

        int draw = s.Streams == 1 ? genome : organism;
        long noiseBase = ((long)s.Step * s.Streams * s.Genomes + draw) * n * cells;
        var values = LocalMemory.Allocate<float>(MaxInputs);
        for (int cell = tid; cell < cells; cell += threads)
        {
            int y = cell / g, x = cell - (cell / g) * g;
            for (int gene = 0; gene < n; gene++) values[gene] = input[stateBase + (long)gene * cells + cell];
            for (int m = 0; m < s.Morphogens; m++)
            {
                KernelMath.Gradients(input, stateBase + (long)m * cells, y, x, g, out float sx, out float sy, out float mean);
                values[n + 3 * m] = mean;
                values[n + 3 * m + 1] = sx;
                values[n + 3 * m + 2] = sy;
            }
            for (int gene = 0; gene < n; gene++)
            {
                float drive = 0f;
                for (int q = 0; q < inputs; q++) drive += shared[gene * inputs + q] * values[q];
                drive += shared[n * inputs + gene];
                float target = s.Sigmoid != 0 ? KernelMath.Sigmoid(drive) : KernelMath.Tanh(drive);
                float next = KernelMath.Lerp(values[gene], target, s.Tau);
                if (s.HasNoise != 0) next += noise[noiseBase + (long)gene * cells + cell] * s.NoiseScale;
                output[stateBase + (long)gene * cells + cell] = next;
            }
        }
        Group.Barrier();

        for (int cell = tid; cell < cells; cell += threads)
        {
            int y = cell / g, x = cell - (cell / g) * g;
            bool alive = shared[pre + cell] > 0f && KernelMath.Alive(output, aliveBase, y, x, g, s.Threshold);
            shared[keep + cell] = alive ? 1f : 0f;
        }
        Group.Barrier();
        for (int cell = tid; cell < cells; cell += threads)
        {
            if (shared[keep + cell] > 0f) continue;
            for (int gene = 0; gene < n; gene++) output[stateBase + (long)gene * cells + cell] = 0f;
        }
    }
}
