using GenomicCode.Metrics;
using GenomicCode.Plotting;
using Microsoft.DotNet.Interactive.Formatting;
using static TorchSharp.torch;

namespace GenomicCode.Interactive;

/// <summary>Registers how GenomicCode's values look in a .NET Interactive notebook (Jupyter, Polyglot Notebooks).</summary>
public static class NotebookFormatters
{
    /// <summary>The MIME type of PNG images (a Jupyter output carries it base64-encoded).</summary>
    public const string Png = "image/png";

    private const string Html = "text/html";
    private const string Text = "text/plain";
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>
    /// Figures (<see cref="Figure"/> from the <c>Draw*</c> methods of GenomicCode.Plotting, and ScottPlot plots) as
    /// image/png with a text/plain caption, so every viewer and exporter shows them. Image grids drawn from tensors
    /// (<see cref="TensorImage"/>, from <see cref="TensorDisplay.ToImage"/>) likewise. Tensors as HTML: image-shaped
    /// ones as their scaled-up grid above a one-line summary, others as the summary; text/plain is the summary.
    /// Score tables (<see cref="ScoreTable"/>, and the score dictionaries of <c>ICodeMetric.Score</c>) as HTML tables
    /// with text/plain columns. Safe to call twice.
    /// </summary>
    /// <remarks>
    /// .NET Interactive picks the MIME types of a display by the value's type, not by the value, so a tensor cannot
    /// bring image/png only when it is image-shaped: <c>display(TensorDisplay.ToImage(images, scale: 0))</c> gives the PNG.
    /// </remarks>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered) return;
            registered = true;
        }
        Formatter.Register<Figure>((f, c) => Write(c, Convert.ToBase64String(f.ToPng())), Png);
        Formatter.Register<Figure>((f, c) => Write(c, f.ToString()), Text);
        Formatter.SetPreferredMimeTypesFor(typeof(Figure), Png, Text);
        Formatter.Register<ScottPlot.Plot>((p, c) => Write(c, Convert.ToBase64String(AsFigure(p).ToPng())), Png);
        Formatter.Register<ScottPlot.Plot>((p, c) => Write(c, AsFigure(p).ToString()), Text);
        Formatter.SetPreferredMimeTypesFor(typeof(ScottPlot.Plot), Png, Text);

        Formatter.Register<TensorImage>((i, c) => Write(c, Convert.ToBase64String(i.Png)), Png);
        Formatter.Register<TensorImage>((i, c) => Write(c, i.ToString()), Text);
        Formatter.SetPreferredMimeTypesFor(typeof(TensorImage), Png, Text);

        Formatter.Register<Tensor>((t, c) => Write(c, TensorDisplay.ToHtml(t)), Html);
        Formatter.Register<Tensor>((t, c) => Write(c, TensorDisplay.Summary(t)), Text);
        Formatter.SetPreferredMimeTypesFor(typeof(Tensor), Html, Text);

        Formatter.Register<ScoreTable>((t, c) => Write(c, MetricTables.ToHtml(t)), Html);
        Formatter.Register<ScoreTable>((t, c) => Write(c, t.ToText()), Text);
        Formatter.SetPreferredMimeTypesFor(typeof(ScoreTable), Html, Text);
        Formatter.Register<IReadOnlyDictionary<string, double>>((s, c) => Write(c, MetricTables.ToHtml(s)), Html);
        Formatter.Register<IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>>((s, c) => Write(c, MetricTables.ToHtml(s)), Html);
    }

    /// <summary>A ScottPlot plot shown at 600 x 400 pixels.</summary>
    private static Figure AsFigure(ScottPlot.Plot plot) => new(plot, 600, 400, "");

    private static bool Write(FormatContext context, string text)
    {
        context.Writer.Write(text);
        return true;
    }
}
