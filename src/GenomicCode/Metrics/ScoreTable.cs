using System.Globalization;
using System.Text;

namespace GenomicCode.Metrics;

/// <summary>
/// Metric scores of one or more runs as a table to show: one row per run, one column per score name, each value with
/// <see cref="Decimals"/> decimals (NaN and missing scores shown as "n/a"). Notebooks display it as an HTML table
/// (GenomicCode.Interactive), the notebooks' twins print <see cref="ToText"/>.
/// </summary>
public sealed class ScoreTable
{
    private readonly double[,] values;

    /// <summary>
    /// A table of <paramref name="scoresByRun"/> (row order as given). <paramref name="columns"/> picks and orders the
    /// score names shown (default: every name, in order of first appearance; a name no run has is an error);
    /// <paramref name="decimals"/> is the
    /// number of decimals shown (0 to 10; scores in [0, 1] read well with 3).
    /// </summary>
    public ScoreTable(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> scoresByRun,
        IReadOnlyList<string>? columns = null, int decimals = 3)
    {
        ArgumentNullException.ThrowIfNull(scoresByRun);
        if (decimals is < 0 or > 10) throw new ArgumentOutOfRangeException(nameof(decimals), decimals, "a score table shows 0 to 10 decimals.");
        Rows = scoresByRun.Keys.ToArray();
        Columns = columns?.ToArray() ?? scoresByRun.Values.SelectMany(s => s.Keys).Distinct().ToArray();
        if (columns?.FirstOrDefault(name => !scoresByRun.Values.Any(s => s.ContainsKey(name))) is { } unknown)
            throw new ArgumentException($"no run has a score named '{unknown}'; the runs have: " +
                string.Join(", ", scoresByRun.Values.SelectMany(s => s.Keys).Distinct()) + ".", nameof(columns));
        Decimals = decimals;
        values = new double[Rows.Count, Columns.Count];
        for (int r = 0; r < Rows.Count; r++)
        {
            var scores = scoresByRun[Rows[r]];
            for (int c = 0; c < Columns.Count; c++)
                values[r, c] = scores.TryGetValue(Columns[c], out double v) ? v : double.NaN;
        }
    }

    /// <summary>A one-row table of a single run's scores (the row is named <paramref name="run"/>).</summary>
    public static ScoreTable Of(IReadOnlyDictionary<string, double> scores, string run = "scores", int decimals = 3) =>
        new(new Dictionary<string, IReadOnlyDictionary<string, double>> { [run] = scores }, decimals: decimals);

    /// <summary>Row labels (runs), top to bottom.</summary>
    public IReadOnlyList<string> Rows { get; }

    /// <summary>Column labels (score names), left to right.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Decimals shown for every value.</summary>
    public int Decimals { get; }

    /// <summary>The score of run <paramref name="row"/> under <paramref name="column"/> (NaN when the run has none).</summary>
    public double this[int row, int column] => values[row, column];

    /// <summary>A value as the table shows it: <see cref="Decimals"/> decimals, invariant culture, "n/a" for NaN.</summary>
    public string Format(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The cell text of run <paramref name="row"/> under <paramref name="column"/>.</summary>
    public string Cell(int row, int column) => Format(values[row, column]);

    /// <summary>Plain text: a header line, then one line per run, columns aligned (numbers to the right).</summary>
    public string ToText()
    {
        const string corner = "run";
        int first = Rows.Select(r => r.Length).Append(corner.Length).Max();
        var widths = Columns.Select((name, c) => Enumerable.Range(0, Rows.Count).Select(r => Cell(r, c).Length).Append(name.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.Append(corner.PadRight(first));
        for (int c = 0; c < Columns.Count; c++) text.Append("  ").Append(Columns[c].PadLeft(widths[c]));
        text.AppendLine();
        for (int r = 0; r < Rows.Count; r++)
        {
            text.Append(Rows[r].PadRight(first));
            for (int c = 0; c < Columns.Count; c++) text.Append("  ").Append(Cell(r, c).PadLeft(widths[c]));
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToText();
}
