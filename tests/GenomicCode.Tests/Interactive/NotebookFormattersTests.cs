using GenomicCode.Interactive;
using GenomicCode.Plotting;
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
        Assert.Equal("<table><thead><tr><th>score</th><th>value</th></tr></thead><tbody>" +
                     "<tr><td>mig</td><td>0.25</td></tr><tr><td>dci_disentanglement</td><td>0.1235</td></tr>" +
                     "<tr><td>sap&lt;x&gt;</td><td>n/a</td></tr></tbody></table>", html);
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
        Assert.Contains("<tr><th>run</th><th>mig</th><th>sap</th></tr>", html);
        Assert.Contains("<tr><td>beta1</td><td>0.1</td><td></td></tr>", html);
        Assert.Contains("<tr><td>beta4</td><td>0.3</td><td>0.05</td></tr>", html);
    }

    [Fact]
    public void Should_FormatTensorsFiguresAndScores_When_TheFormattersAreRegistered()
    {
        NotebookFormatters.Register();
        NotebookFormatters.Register(); // twice is harmless

        using var image = zeros(2, 1, 8, 8);
        Assert.StartsWith("<div><img src=\"data:image/png;base64,", image.ToDisplayString("text/html"));
        using var vector = ones(3);
        Assert.Equal("<div><code>Tensor (3) float32 on cpu: [1, 1, 1]</code></div>", vector.ToDisplayString("text/html"));
        Assert.Equal("Tensor (3) float32 on cpu: [1, 1, 1]", vector.ToDisplayString("text/plain"));

        IReadOnlyDictionary<string, double> scores = new Dictionary<string, double> { ["mig"] = 0.5 };
        Assert.Contains("<td>mig</td><td>0.5</td>", scores.ToDisplayString("text/html"));

        var figure = Figures.DrawCurves("loss curve", "loss", new Dictionary<string, (double[] X, double[] Y)>
        {
            ["train"] = (new double[] { 0, 1, 2 }, new double[] { 3, 2, 1 }),
        });
        Assert.Equal(PngSignature, figure.ToPng()[..8]);
        string html = figure.ToDisplayString("text/html");
        Assert.StartsWith("<div><img src=\"data:image/png;base64,iVBORw0KGgo", html);
        Assert.Contains("<div>loss curve</div>", html);
    }
}
