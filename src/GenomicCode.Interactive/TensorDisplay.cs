using System.Globalization;
using System.Net;
using GenomicCode.Numerics;
using static TorchSharp.torch;

namespace GenomicCode.Interactive;

/// <summary>An image grid made from a tensor: PNG bytes and what they show.</summary>
/// <param name="Png">The encoded image.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Images">Number of tiles shown.</param>
/// <param name="TileWidth">Width of one tile in pixels.</param>
public sealed record TensorImage(byte[] Png, int Width, int Height, int Images, int TileWidth);

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
    /// Draws an image-shaped tensor as a PNG grid (up to <see cref="MaxImages"/> tiles and <see cref="MaxPixels"/> pixels, <see cref="MaxColumns"/> per row,
    /// one grey pixel between tiles), or returns null for other shapes and dtypes. Values already in [0, 1] map to
    /// 0..255 (bytes are taken as they are); other ranges are stretched from their minimum to their maximum.
    /// </summary>
    public static TensorImage? ToImage(Tensor tensor)
    {
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
        byte[] pixels = x.Mul(255.0).round().Clamp(0, 255).to(ScalarType.Byte).contiguous().data<byte>().ToArray();
        return new TensorImage(PngEncoder.Encode(width, height, channels, pixels), width, height, images, w);
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

    /// <summary>HTML: the PNG grid (scaled up, pixelated) above the summary for image tensors, the summary alone otherwise.</summary>
    public static string ToHtml(Tensor tensor)
    {
        string summary = "<code>" + WebUtility.HtmlEncode(Summary(tensor)) + "</code>";
        var image = ToImage(tensor);
        if (image is null) return "<div>" + summary + "</div>";
        int scale = Math.Clamp(96 / image.TileWidth, 1, 8); // small tiles (64x64 sprites) shown at least ~96 px wide
        string note = image.Images < ImageShape(tensor.shape)!.Value.Batch ? $" (first {image.Images} images)" : "";
        return $"<div><img src=\"data:image/png;base64,{Convert.ToBase64String(image.Png)}\" width=\"{image.Width * scale}\" " +
               $"height=\"{image.Height * scale}\" style=\"image-rendering: pixelated\" alt=\"tensor image\"/>" +
               $"<div>{summary}{WebUtility.HtmlEncode(note)}</div></div>";
    }

    private static bool IsReal(ScalarType t) =>
        t is ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64
            or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool;
}
