using System.Net;
using GenomicCode.Plotting;
using Microsoft.DotNet.Interactive.Formatting;
using static TorchSharp.torch;

namespace GenomicCode.Interactive;

/// <summary>Registers how GenomicCode's values look in a .NET Interactive notebook.</summary>
public static class NotebookFormatters
{
    private const string Html = "text/html";
    private const string Text = "text/plain";
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>
    /// Tensors: image-shaped ones as an inline PNG grid with a summary, others as a one-line summary. Figures
    /// (<see cref="Figure"/> from the <c>Draw*</c> methods of GenomicCode.Plotting, ScottPlot plots) as inline PNG. Metric scores (<c>IReadOnlyDictionary&lt;string, double&gt;</c>
    /// and scores by run) as HTML tables. Safe to call twice.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered) return;
            registered = true;
        }
        Formatter.Register<Tensor>((t, c) => Write(c, TensorDisplay.ToHtml(t)), Html);
        Formatter.Register<Tensor>((t, c) => Write(c, TensorDisplay.Summary(t)), Text);
        Formatter.SetPreferredMimeTypesFor(typeof(Tensor), Html, Text);

        Formatter.Register<Figure>((f, c) => Write(c, FigureHtml(f)), Html);
        Formatter.SetPreferredMimeTypesFor(typeof(Figure), Html);
        Formatter.Register<ScottPlot.Plot>((p, c) => Write(c, FigureHtml(new Figure(p, 600, 400, ""))), Html);
        Formatter.SetPreferredMimeTypesFor(typeof(ScottPlot.Plot), Html);

        Formatter.Register<IReadOnlyDictionary<string, double>>((s, c) => Write(c, MetricTables.ToHtml(s)), Html);
        Formatter.Register<IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>>((s, c) => Write(c, MetricTables.ToHtml(s)), Html);
    }

    /// <summary>An inline image with its caption.</summary>
    public static string FigureHtml(Figure figure)
    {
        string caption = string.IsNullOrEmpty(figure.Title) ? "" : "<div>" + WebUtility.HtmlEncode(figure.Title) + "</div>";
        return $"<div><img src=\"data:image/png;base64,{Convert.ToBase64String(figure.ToPng())}\" alt=\"figure\"/>{caption}</div>";
    }

    private static bool Write(FormatContext context, string text)
    {
        context.Writer.Write(text);
        return true;
    }
}
