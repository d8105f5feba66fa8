using ILGPU;
using ILGPU.Algorithms;

namespace GenomicCode.Gpu.Kernels;

/// <summary>Helpers the kernels share: activations, the 3x3 alive test, zero-padded reads.</summary>
internal static class KernelMath
{
    /// <summary>
    /// tanh from one exponential: sign(v) (1 - e) / (1 + e), e = exp(-2 |v|) (ours). ILGPU.Algorithms maps
    /// <c>XMath.Tanh</c> to PTX's <c>tanh.approx.f32</c> (relative error about 2^-11); this stays within a few float
    /// ulps of libtorch's tanh, absolute.
    /// </summary>
    public static float Tanh(float v)
    {
        float e = XMath.Exp(-2f * XMath.Abs(v));
        float t = (1f - e) / (1f + e);
        return v < 0f ? -t : t;
    }

    /// <summary>
    /// The genome-set start value of hidden row <paramref name="row"/> of <paramref name="organism"/>'s start cell:
    /// weight[row] . genome + bias[row], with the individual's weight matrix (rows of <paramref name="genomeSize"/>) at
    /// <paramref name="weightOffset"/> and its biases at <paramref name="biasOffset"/> of its parameter block. Organisms
    /// are laid out (individual, genome): <paramref name="genomesPerIndividual"/> genomes each, taken from one shared
    /// (K, G) block when <paramref name="sharedGenomes"/> is 1, else from (P, K, G). The NCA seed uses it as it is, the
    /// GRN zygote through tanh.
    /// </summary>
    public static float StartAffine(long organism, int row, int genomesPerIndividual, int sharedGenomes, int genomeSize, int parameterCount,
        int weightOffset, int biasOffset, ArrayView<float> weights, ArrayView<float> genomes)
    {
        long individual = organism / genomesPerIndividual;
        long genome = (sharedGenomes != 0 ? organism - individual * genomesPerIndividual : organism) * genomeSize;
        long w = individual * parameterCount;
        float sum = 0f;
        for (int q = 0; q < genomeSize; q++) sum += weights[w + weightOffset + row * genomeSize + q] * genomes[genome + q];
        return sum + weights[w + biasOffset + row];
    }

    /// <summary>Logistic sigmoid 1 / (1 + exp(-v)).</summary>
    public static float Sigmoid(float v) => 1f / (1f + XMath.Exp(-v));

    /// <summary>libtorch's lerp: start + w (end - start) for w &lt; 0.5, else end - (end - start) (1 - w).</summary>
    public static float Lerp(float start, float end, float w) =>
        w < 0.5f ? start + w * (end - start) : end - (end - start) * (1f - w);

    /// <summary>Value of a G x G plane at (y, x), 0 outside (zero padding).</summary>
    public static float At(ArrayView<float> plane, long offset, int y, int x, int g) =>
        y < 0 || y >= g || x < 0 || x >= g ? 0f : plane[offset + y * g + x];

    /// <summary>
    /// Whether the largest value of the plane in the 3x3 neighbourhood of (y, x) exceeds <paramref name="threshold"/>
    /// (<c>max_pool2d(plane, 3, 1, 1) &gt; threshold</c>: cells outside the grid do not count).
    /// </summary>
    public static bool Alive(ArrayView<float> plane, long offset, int y, int x, int g, float threshold)
    {
        bool alive = false;
        for (int dy = -1; dy <= 1; dy++)
        {
            int yy = y + dy;
            if (yy < 0 || yy >= g) continue;
            for (int dx = -1; dx <= 1; dx++)
            {
                int xx = x + dx;
                if (xx < 0 || xx >= g) continue;
                if (plane[offset + yy * g + xx] > threshold) alive = true;
            }
        }
        return alive;
    }

    /// <summary>Whether any flag of the 3x3 neighbourhood of (y, x) in a G x G flag plane is set.</summary>
    public static bool AnyNear(ArrayView<float> flags, int offset, int y, int x, int g)
    {
        bool any = false;
        for (int dy = -1; dy <= 1; dy++)
        {
            int yy = y + dy;
            if (yy < 0 || yy >= g) continue;
            for (int dx = -1; dx <= 1; dx++)
            {
                int xx = x + dx;
                if (xx < 0 || xx >= g) continue;
                if (flags[offset + yy * g + xx] > 0f) any = true;
            }
        }
        return any;
    }

    /// <summary>
    /// Sobel x / 8 and Sobel y / 8 of a plane at (y, x) with zero padding (cross-correlation, as <c>conv2d</c>):
    /// x: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] / 8; y: its transpose. Also the mean of the eight neighbours.
    /// </summary>
    public static void Gradients(ArrayView<float> plane, long offset, int y, int x, int g, out float sx, out float sy, out float mean)
    {
        float a = At(plane, offset, y - 1, x - 1, g), b = At(plane, offset, y - 1, x, g), c = At(plane, offset, y - 1, x + 1, g);
        float d = At(plane, offset, y, x - 1, g), f = At(plane, offset, y, x + 1, g);
        float p = At(plane, offset, y + 1, x - 1, g), q = At(plane, offset, y + 1, x, g), r = At(plane, offset, y + 1, x + 1, g);
        sx = (c - a + 2f * (f - d) + r - p) * 0.125f;
        sy = (p - a + 2f * (q - b) + r - c) * 0.125f;
        mean = (a + b + c + d + f + p + q + r) * 0.125f;
    }
}
