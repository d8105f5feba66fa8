using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>
/// A drawn figure kept as an object rather than a file: the ScottPlot plot, the pixel size it is meant to be rendered at
/// and its title. Notebooks display it inline (PNG or SVG); <see cref="Save"/> writes it like the <c>Save*</c> methods.
/// </summary>
public sealed class Figure
{
    /// <summary>Wraps a plot drawn at <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public Figure(Plot plot, int width, int height, string title)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"a figure needs a positive size, got {width}x{height}.");
        Plot = plot;
        Width = width;
        Height = height;
        Title = title;
    }

    /// <summary>The ScottPlot plot (change it before rendering to restyle the figure).</summary>
    public Plot Plot { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The figure's title (also a default file name stem).</summary>
    public string Title { get; }

    /// <summary>The figure rendered as PNG bytes.</summary>
    public byte[] ToPng() => Plot.GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>The figure rendered as an SVG document.</summary>
    public string ToSvg() => Plot.GetSvgXml(Width, Height);

    /// <summary>Saves the figure atomically as PNG or SVG by the extension of <paramref name="path"/>; returns the path.</summary>
    public string Save(string path) => FigureFiles.Save(Plot, path, Width, Height);

    /// <summary>
    /// A file name made from the title: lower-case letters and digits, other runs of characters as one '-', at most 60
    /// characters, plus <paramref name="extension"/>.
    /// </summary>
    public string FileName(string extension = ".png")
    {
        var chars = new System.Text.StringBuilder();
        foreach (char c in Title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) chars.Append(c);
            else if (chars.Length > 0 && chars[^1] != '-') chars.Append('-');
            if (chars.Length >= 60) break;
        }
        string stem = chars.ToString().Trim('-');
        return (stem.Length == 0 ? "figure" : stem) + extension;
    }

    /// <inheritdoc />
    public override string ToString() => $"Figure '{Title}' ({Width}x{Height})";
}
