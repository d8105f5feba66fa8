using GenomicCode.Interactive;
using GenomicCode.Metrics;
using GenomicCode.Plotting;
using SkiaSharp;
using Microsoft.DotNet.Interactive.Formatting;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Interactive;

[Collection(TorchCollection.Name)]
public class NotebookFormattersTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Should_ShowMetricNamesAndValues_When_ScoresAreATable()
    {
        var scores = new Dictionary<string, double> { ["mig"] = 0.25, ["dci_disentanglement"] = 0.123456, ["sap<x>"] = double.NaN };
        string html = MetricTables.ToHtml(scores);
        const string cell = "<td style=\"text-align: right\">";
        Assert.Equal("<table><thead><tr><th>score</th><th>value</th></tr></thead><tbody>" +
                     $"<tr><td>mig</td>{cell}0.250</td></tr><tr><td>dci_disentanglement</td>{cell}0.123</td></tr>" +
                     $"<tr><td>sap&lt;x&gt;</td>{cell}n/a</td></tr></tbody></table>", html);
    }

    [Fact]
    public void Should_PutOneRunPerRow_When_ScoresComeFromSeveralRuns()
    {
        var byRun = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["beta1"] = new Dictionary<string, double> { ["mig"] = 0.1 },
            ["beta4"] = new Dictionary<string, double> { ["mig"] = 0.3, ["sap"] = 0.05 },
        };
        string html = MetricTables.ToHtml(byRun);
        const string cell = "<td style=\"text-align: right\">";
        Assert.Contains("<tr><th>run</th><th>mig</th><th>sap</th></tr>", html);
        Assert.Contains($"<tr><td>beta1</td>{cell}0.100</td>{cell}n/a</td></tr>", html);
        Assert.Contains($"<tr><td>beta4</td>{cell}0.300</td>{cell}0.050</td></tr>", html);
    }

    [Fact]
    public void Should_ShowTheChosenDecimals_When_AScoreTableIsFormatted()
    {
        // Given two runs' scores, one column picked out of order and one score missing for a run
        var byRun = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["VAE"] = new Dictionary<string, double> { ["mig"] = 0.046712, ["sap"] = 0.0123 },
            ["beta-VAE"] = new Dictionary<string, double> { ["mig"] = 0.21, ["dci_disentanglement"] = 0.31549 },
        };
        var table = new ScoreTable(byRun, columns: ["dci_disentanglement", "mig"], decimals: 2);

        // Then values have two decimals (0.31549 -> 0.32, 0.046712 -> 0.05), a missing score is n/a, in the HTML and the text
        const string cell = "<td style=\"text-align: right\">";
        Assert.Equal("<table><thead><tr><th>run</th><th>dci_disentanglement</th><th>mig</th></tr></thead><tbody>" +
                     $"<tr><td>VAE</td>{cell}n/a</td>{cell}0.05</td></tr><tr><td>beta-VAE</td>{cell}0.32</td>{cell}0.21</td></tr></tbody></table>",
            MetricTables.ToHtml(table));
        Assert.Equal("run       dci_disentanglement   mig\nVAE                       n/a  0.05\nbeta-VAE                 0.32  0.21\n",
            table.ToText().Replace("\r\n", "\n"));
        Assert.Equal(0.31549, table[1, 0]);
        Assert.True(double.IsNaN(table[0, 0]));
    }

    [Fact]
    public void Should_NameTheMissingScore_When_AScoreTableAsksForAColumnNoRunHas()
    {
        var byRun = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["VAE"] = new Dictionary<string, double> { ["mig"] = 0.1 } };
        var e = Assert.Throws<ArgumentException>(() => new ScoreTable(byRun, columns: ["mig", "dci"]));
        Assert.StartsWith("no run has a score named 'dci'; the runs have: mig.", e.Message);
    }

    [Fact]
    public void Should_FormatAFigureAsPngBytesOfItsSize_When_TheFormattersAreRegistered()
    {
        NotebookFormatters.Register();
        NotebookFormatters.Register(); // twice is harmless

        // Given a figure of 800x500 pixels
        var figure = Figures.DrawCurves("loss curve", "loss", new Dictionary<string, (double[] X, double[] Y)>
        {
            ["train"] = (new double[] { 0, 1, 2 }, new double[] { 3, 2, 1 }),
        });

        // Then a notebook shows it as image/png (base64 of a PNG of that size) with a text caption, and no HTML
        Assert.Equal(["image/png", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(Figure)));
        byte[] png = Convert.FromBase64String(figure.ToDisplayString("image/png"));
        Assert.Equal(PngSignature, png[..8]);
        using var bmp = SKBitmap.Decode(png);
        Assert.Equal((800, 500), (bmp.Width, bmp.Height));
        Assert.Equal("Figure 'loss curve' (800x500)", figure.ToDisplayString("text/plain"));
    }

    [Fact]
    public void Should_FormatTensorsImagesAndScores_When_TheFormattersAreRegistered()
    {
        NotebookFormatters.Register();

        using var image = zeros(2, 1, 8, 8);
        Assert.StartsWith("<div><img src=\"data:image/png;base64,", image.ToDisplayString("text/html"));
        using var vector = ones(3);
        Assert.Equal("<div><code>Tensor (3) float32 on cpu: [1, 1, 1]</code></div>", vector.ToDisplayString("text/html"));
        Assert.Equal("Tensor (3) float32 on cpu: [1, 1, 1]", vector.ToDisplayString("text/plain"));

        // An image grid drawn from a tensor shows as image/png: two 8x8 tiles and a 1 px gap, 8x each (128 / 8 = 16, capped at 8)
        var drawn = TensorDisplay.ToImage(image, scale: 0)!;
        Assert.Equal(["image/png", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(TensorImage)));
        using var bmp = SKBitmap.Decode(Convert.FromBase64String(drawn.ToDisplayString("image/png")));
        Assert.Equal((17 * 8, 8 * 8), (bmp.Width, bmp.Height));
        Assert.Equal("2 images of 8x8 drawn 8x as a 136x64 PNG; Tensor (2, 1, 8, 8) float32 on cpu: [0, 0, 0, 0, 0, 0, ... (128 values)]",
            drawn.ToDisplayString("text/plain"));

        IReadOnlyDictionary<string, double> scores = new Dictionary<string, double> { ["mig"] = 0.5 };
        Assert.Contains("<td>mig</td><td style=\"text-align: right\">0.500</td>", scores.ToDisplayString("text/html"));
        var table = ScoreTable.Of(scores, run: "VAE");
        Assert.Equal(["text/html", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(ScoreTable)));
        Assert.Contains("<tr><td>VAE</td><td style=\"text-align: right\">0.500</td></tr>", table.ToDisplayString("text/html"));
        Assert.Equal("run    mig\nVAE  0.500\n", table.ToDisplayString("text/plain").Replace("\r\n", "\n"));
    }
}
