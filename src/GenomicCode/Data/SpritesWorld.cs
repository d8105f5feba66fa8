using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Data;

/// <summary>
/// A procedural organism world with exactly the factor grid of dSprites (Matthey et al. 2017): shape (square,
/// ellipse, heart) x scale (6 values, 0.5..1) x orientation (40 values over [0, 2 pi], both endpoints included) x
/// posX (32) x posY (32) = 737,280 binary 64x64 images. Images are rendered on demand from their factors, identically
/// for the same factors on every machine; nothing is stored or downloaded. Like dSprites, squares and ellipses are
/// rotation-symmetric (orientation 0 and 2 pi, and for the square every quarter turn, give the same image).
/// </summary>
public sealed class SpritesWorld : IGroundTruthData
{
    /// <summary>Image side in pixels.</summary>
    public const int Size = 64;

    /// <summary>Factor index of shape.</summary>
    public const int Shape = 0;
    /// <summary>Factor index of scale.</summary>
    public const int Scale = 1;
    /// <summary>Factor index of orientation.</summary>
    public const int Orientation = 2;
    /// <summary>Factor index of horizontal position.</summary>
    public const int PosX = 3;
    /// <summary>Factor index of vertical position.</summary>
    public const int PosY = 4;

    private static readonly string[] Names = { "shape", "scale", "orientation", "posX", "posY" };
    private static readonly int[] Sizes = { 3, 6, 40, 32, 32 };

    // Geometry in pixels: half-size of a sprite at scale 1, and the range of sprite centres.
    private const double HalfSize = 10.0;
    private const double CentreMin = 14.0, CentreMax = 50.0;

    /// <summary>The factor grid (mixed-radix index with posY fastest, as dSprites orders its images).</summary>
    public FactorGrid Grid { get; } = new(Sizes);

    /// <inheritdoc />
    public IReadOnlyList<string> FactorNames => Names;

    /// <inheritdoc />
    public IReadOnlyList<int> FactorSizes => Sizes;

    /// <inheritdoc />
    public (int Channels, int Height, int Width) ObservationShape => (1, Size, Size);

    /// <inheritdoc />
    public long Count => Grid.Count;

    /// <summary>Scale value of a scale class: 0.5 + 0.1 k, as in dSprites.</summary>
    public static double ScaleValue(int k) => 0.5 + 0.5 * k / (Sizes[Scale] - 1);

    /// <summary>Orientation in radians of an orientation class: 2 pi k / 39 (both endpoints, as in dSprites).</summary>
    public static double OrientationValue(int k) => 2 * Math.PI * k / (Sizes[Orientation] - 1);

    /// <summary>Position in [0, 1] of a position class: k / 31.</summary>
    public static double PositionValue(int k) => (double)k / (Sizes[PosX] - 1);

    /// <inheritdoc />
    public int[,] SampleFactors(int n, long seed) => Grid.Sample(n, seed);

    /// <summary>Renders the images with the given flat indices.</summary>
    public Tensor RenderIndices(IReadOnlyList<long> indices, Device? device = null)
    {
        var f = new int[indices.Count, Sizes.Length];
        for (int i = 0; i < indices.Count; i++)
        {
            int[] row = Grid.FromIndex(indices[i]);
            for (int c = 0; c < row.Length; c++) f[i, c] = row[c];
        }
        return Render(f, device);
    }

    /// <inheritdoc />
    public Tensor Render(int[,] factors, Device? device = null)
    {
        if (factors.GetLength(1) != Sizes.Length)
            throw new UserInputException($"sprites factors need {Sizes.Length} columns (shape, scale, orientation, posX, posY), got {factors.GetLength(1)}.");
        int n = factors.GetLength(0);
        var pixels = new float[n * Size * Size];
        Span<int> row = stackalloc int[Sizes.Length];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < Sizes.Length; c++)
            {
                row[c] = factors[i, c];
                if ((uint)row[c] >= (uint)Sizes[c])
                    throw new UserInputException($"row {i}: factor '{Names[c]}' value {row[c]} is outside 0..{Sizes[c] - 1}.");
            }
            RenderOne(row, pixels.AsSpan(i * Size * Size, Size * Size));
        }
        return torch.tensor(pixels, new long[] { n, 1, Size, Size }, ScalarType.Float32, device: device);
    }

    private static void RenderOne(ReadOnlySpan<int> f, Span<float> image)
    {
        double r = HalfSize * ScaleValue(f[Scale]);
        double theta = OrientationValue(f[Orientation]);
        double cx = CentreMin + (CentreMax - CentreMin) * PositionValue(f[PosX]);
        double cy = CentreMin + (CentreMax - CentreMin) * PositionValue(f[PosY]);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        int shape = f[Shape];
        // Bounding box: every shape lies within radius 1.5 r of the centre.
        int x0 = Math.Max(0, (int)(cx - 1.5 * r) - 1), x1 = Math.Min(Size - 1, (int)(cx + 1.5 * r) + 1);
        int y0 = Math.Max(0, (int)(cy - 1.5 * r) - 1), y1 = Math.Min(Size - 1, (int)(cy + 1.5 * r) + 1);
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                // Pixel centre relative to the sprite centre, rotated into the sprite's own frame, in units of r.
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                double u = (cos * dx + sin * dy) / r;
                double v = (-sin * dx + cos * dy) / r;
                if (Inside(shape, u, v)) image[y * Size + x] = 1f;
            }
        }
    }

    private static bool Inside(int shape, double u, double v)
    {
        switch (shape)
        {
            case 0: // square of side 2 r
                return Math.Abs(u) <= 1 && Math.Abs(v) <= 1;
            case 1: // ellipse with semi-axes r and r / 2
                return u * u + 4 * v * v <= 1;
            default:
                {
                    // heart: (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0 (Taubin's heart curve), point down in image coordinates
                    double x = 1.15 * u, y = -1.15 * v + 0.12;
                    double a = x * x + y * y - 1;
                    return a * a * a - x * x * y * y * y <= 0;
                }
        }
    }
}
