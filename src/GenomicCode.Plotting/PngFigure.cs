using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>
/// A rendered figure kept in memory (for notebooks and other hosts that show images instead of saving files).
/// </summary>
/// <param name="Png">The PNG bytes.</param>
/// <param name="Title">A short caption (the file name the figure would have had, or empty).</param>
public sealed record PngFigure(byte[] Png, string Title)
{
    /// <summary>
    /// Renders any figure of this library in memory: <paramref name="save"/> is one of the <c>Save*</c> functions
    /// (e.g. <c>p =&gt; Figures.SaveCurves("loss", "loss", series, p)</c>), called with a temporary .png path.
    /// </summary>
    public static PngFigure Render(Func<string, string> save, string title = "")
    {
        string dir = Path.Combine(Path.GetTempPath(), "genomiccode-figures");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".png");
        try
        {
            string written = save(path);
            return new PngFigure(File.ReadAllBytes(written), title);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Renders a ScottPlot plot built by hand.</summary>
    public static PngFigure FromPlot(Plot plot, int width = 600, int height = 400, string title = "") =>
        new(plot.GetImageBytes(width, height, ImageFormat.Png), title);
}
