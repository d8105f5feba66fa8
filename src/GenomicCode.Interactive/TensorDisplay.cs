using System.Globalization;
using System.Net;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Interactive;

/// <summary>
/// An image grid made from a tensor: PNG bytes and what they show. A notebook displays it as image/png (with a
/// text/plain line for viewers without images); get one with <see cref="TensorDisplay.ToImage(Tensor, int)"/>.
/// </summary>
/// <param name="Png">The encoded image.</param>
/// <param name="Width">Width in pixels (of the PNG, after scaling).</param>
/// <param name="Height">Height in pixels (of the PNG, after scaling).</param>
/// <param name="Images">Number of tiles shown.</param>
/// <param name="TileWidth">Width of one tile in the tensor, in pixels (before scaling).</param>
/// <param name="TileHeight">Height of one tile in the tensor, in pixels (before scaling).</param>
/// <param name="Scale">Each tensor pixel is drawn as Scale x Scale PNG pixels.</param>
/// <param name="Summary">The tensor's one-line summary (<see cref="TensorDisplay.Summary"/>).</param>
public sealed record TensorImage(byte[] Png, int Width, int Height, int Images, int TileWidth, int TileHeight, int Scale, string Summary)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Images} image{(Images == 1 ? "" : "s")} of {TileHeight}x{TileWidth} drawn {Scale}x as a {Width}x{Height} PNG; {Summary}";
}

/// <summary>
/// How tensors look in a notebook: image-shaped tensors ((H, W), (C, H, W) or (B, C, H, W) with C = 1 or 3) as a PNG
/// grid, every tensor as a one-line summary (shape, dtype, device, the first few values), never a full dump.
/// </summary>
public static class TensorDisplay
{
    /// <summary>At most this many images of a batch are drawn.</summary>
    public const int MaxImages = 64;

    /// <summary>Tiles per row of the grid.</summary>
    public const int MaxColumns = 8;

    /// <summary>Largest tile side drawn; larger tensors get only the summary.</summary>
    public const int MaxSide = 1024;

    /// <summary>Most pixels drawn over all tiles (fewer tiles of a batch are drawn when they are large).</summary>
    public const int MaxPixels = 1 << 22;

    /// <summary>Tiles smaller than this many pixels a side are scaled up by a whole factor when shown (a 64x64 sprite twice).</summary>
    public const int MinShownSide = 128;

    /// <summary>The largest factor tiles are scaled up by.</summary>
    public const int MaxScale = 8;

    /// <summary>Grids are not scaled up past this width or height in pixels.</summary>
    public const int MaxShownSide = 1600;

    /// <summary>Values listed in the summary.</summary>
    public const int SummaryValues = 6;

    private const int Gap = 1;

    /// <summary>
    /// The (batch, channels, height, width) of an image-shaped tensor, or null: (H, W), (C, H, W) or (B, C, H, W) with
    /// C in {1, 3}, H and W in [2, <see cref="MaxSide"/>], B at least 1.
    /// </summary>
    public static (long Batch, int Channels, int Height, int Width)? ImageShape(ReadOnlySpan<long> shape)
    {
        (long b, long c, long h, long w) = shape.Length switch
        {
            2 => (1L, 1L, shape[0], shape[1]),
            3 => (1L, shape[0], shape[1], shape[2]),
            4 => (shape[0], shape[1], shape[2], shape[3]),
            _ => (0L, 0L, 0L, 0L),
        };
        if (b < 1 || c is not (1 or 3) || h < 2 || w < 2 || h > MaxSide || w > MaxSide) return null;
        return (b, (int)c, (int)h, (int)w);
    }

    /// <summary>
    /// The whole factor a grid of <paramref name="tileHeight"/> x <paramref name="tileWidth"/> tiles, <paramref name="gridHeight"/> x
    /// <paramref name="gridWidth"/> pixels in all, is scaled up by when shown: the smallest that makes the smaller tile side at least
    /// <see cref="MinShownSide"/>, at most <see cref="MaxScale"/>, and never past <see cref="MaxShownSide"/> for the grid (at least 1).
    /// </summary>
    public static int DisplayScale(int tileHeight, int tileWidth, int gridHeight, int gridWidth)
    {
        int side = Math.Max(1, Math.Min(tileHeight, tileWidth));
        int wanted = Math.Clamp((MinShownSide + side - 1) / side, 1, MaxScale);
        int room = MaxShownSide / Math.Max(1, Math.Max(gridHeight, gridWidth));
        return Math.Max(1, Math.Min(wanted, room));
    }

    /// <summary>
    /// Draws an image-shaped tensor as a PNG grid (up to <see cref="MaxImages"/> tiles and <see cref="MaxPixels"/> pixels, <see cref="MaxColumns"/> per row,
    /// one grey pixel between tiles), each tensor pixel as <paramref name="scale"/> x <paramref name="scale"/> PNG pixels
    /// (0: <see cref="DisplayScale"/>, as notebooks show it), or returns null for other shapes and dtypes. Values already
    /// in [0, 1] map to 0..255 (bytes are taken as they are); other ranges are stretched from their minimum to their maximum.
    /// </summary>
    public static TensorImage? ToImage(Tensor tensor, int scale = 1)
    {
        if (scale is < 0 or > MaxScale) throw new ArgumentOutOfRangeException(nameof(scale), scale, $"the scale is 0 (automatic) to {MaxScale}.");
        var shape = ImageShape(tensor.shape);
        if (shape is null || !IsReal(tensor.dtype)) return null;
        var (batch, channels, h, w) = shape.Value;
        int images = (int)Math.Min(Math.Min(batch, MaxImages), Math.Max(1, MaxPixels / (h * w)));
        int columns = Math.Min(images, MaxColumns), rows = (images + columns - 1) / columns;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor.detach().to(CPU).reshape(batch, channels, h, w).narrow(0, 0, images); // (B, C, H, W)
        x = x.dtype == ScalarType.Byte ? x.to(ScalarType.Float32).Div(255.0) : x.to(ScalarType.Float32);
        double lo = x.min().item<float>(), hi = x.max().item<float>();
        if (lo < 0 || hi > 1)
            x = hi > lo ? x.Sub(lo).Div(hi - lo) : zeros_like(x);
        x = x.nan_to_num(0.0).Clamp(0.0, 1.0);
        int pad = rows * columns - images;
        if (pad > 0) x = cat([x, ScalarMath.Full([pad, channels, h, w], 0.5)], 0);     // (R*K, C, H, W)
        int gap = images > 1 ? Gap : 0;
        x = nn.functional.pad(x, [0, gap, 0, gap], value: 0.5);                        // (R*K, C, H+g, W+g)
        x = x.reshape(rows, columns, channels, h + gap, w + gap).permute(0, 3, 1, 4, 2) // (R, H+g, K, W+g, C)
             .reshape(rows * (h + gap), columns * (w + gap), channels);
        int height = rows * (h + gap) - gap, width = columns * (w + gap) - gap;
        x = x.narrow(0, 0, height).narrow(1, 0, width);
        if (scale == 0) scale = DisplayScale(h, w, height, width);
        if (scale > 1) x = x.repeat_interleave(scale, 0).repeat_interleave(scale, 1);  // nearest neighbour: (H*s, W*s, C)
        byte[] pixels = x.Mul(255.0).round().Clamp(0, 255).to(ScalarType.Byte).contiguous().data<byte>().ToArray();
        return new TensorImage(PngEncoder.Encode(width * scale, height * scale, channels, pixels), width * scale, height * scale, images, w, h,
            scale, Summary(tensor));
    }

    /// <summary>One line: shape, dtype, device, gradient flag and the first <see cref="SummaryValues"/> values.</summary>
    public static string Summary(Tensor tensor)
    {
        string shape = "(" + string.Join(", ", tensor.shape) + ")";
        string text = $"Tensor {shape} {tensor.dtype.ToString().ToLowerInvariant()} on {tensor.device}";
        if (tensor.requires_grad) text += ", requires grad";
        if (tensor.numel() == 0 || !IsReal(tensor.dtype) && tensor.dtype != ScalarType.Bool) return text;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long count = Math.Min(tensor.numel(), SummaryValues);
        var first = tensor.detach().flatten().narrow(0, 0, count).to(ScalarType.Float64).to(CPU).data<double>().ToArray();
        string values = string.Join(", ", first.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));
        return text + ": [" + values + (tensor.numel() > count ? $", ... ({tensor.numel()} values)]" : "]");
    }

    /// <summary>
    /// HTML: the PNG grid (scaled up by <see cref="DisplayScale"/> in its pixels, so it shows the same wherever the
    /// HTML is rendered) above the summary for image tensors, the summary alone otherwise.
    /// </summary>
    public static string ToHtml(Tensor tensor)
    {
        var image = ToImage(tensor, scale: 0);
        return image is null ? "<div><code>" + WebUtility.HtmlEncode(Summary(tensor)) + "</code></div>" : ToHtml(image, ImageShape(tensor.shape)!.Value.Batch);
    }

    /// <summary>HTML of an image already drawn: the PNG at its pixel size above the summary (noting when only the first images of <paramref name="batch"/> are drawn).</summary>
    public static string ToHtml(TensorImage image, long batch)
    {
        ArgumentNullException.ThrowIfNull(image);
        string note = image.Images < batch ? $" (first {image.Images} images)" : "";
        return $"<div><img src=\"data:image/png;base64,{Convert.ToBase64String(image.Png)}\" width=\"{image.Width}\" height=\"{image.Height}\" " +
               $"alt=\"tensor image\"/><div><code>{WebUtility.HtmlEncode(image.Summary)}</code>{WebUtility.HtmlEncode(note)}</div></div>";
    }

    private static bool IsReal(ScalarType t) =>
        t is ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64
            or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool;
}
