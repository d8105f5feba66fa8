using System.Collections;
using System.Globalization;
using GenomicCode.Metrics;

namespace GenomicCode.Plotting;

/// <summary>
/// Shows a value where there is no notebook front end (the notebooks' file-based twins use it for <c>display()</c>): a
/// <see cref="Figure"/> is saved as PNG into a folder, a <see cref="ScoreTable"/> prints as its text, a sequence of records prints as an aligned table of their public
/// properties, anything else prints as its text.
/// </summary>
public static class ConsoleDisplay
{
    /// <summary>Shows <paramref name="value"/>; figures go into <paramref name="folder"/> (created if needed), text to <paramref name="output"/> (default: the console).</summary>
    public static void Show(object? value, string folder, TextWriter? output = null)
    {
        output ??= Console.Out;
        if (value is Figure figure)
        {
            Directory.CreateDirectory(folder);
            output.WriteLine($"figure: {figure.Save(Path.Combine(folder, figure.FileName()))}");
        }
        else if (value is ScoreTable table)
        {
            output.Write(table.ToText());
        }
        else if (value is IEnumerable rows and not string)
        {
            var items = rows.Cast<object>().ToList();
            var columns = items.Count == 0 ? [] : items[0].GetType().GetProperties();
            var widths = columns.Select(c => items.Select(i => Cell(c.GetValue(i)).Length).Append(c.Name.Length).Max()).ToArray();
            output.WriteLine(string.Join("  ", columns.Select((c, k) => c.Name.PadRight(widths[k]))).TrimEnd());
            foreach (var item in items)
                output.WriteLine(string.Join("  ", columns.Select((c, k) => Cell(c.GetValue(item)).PadRight(widths[k]))).TrimEnd());
        }
        else output.WriteLine(value);
    }

    private static string Cell(object? value) =>
        value is double or float ? Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("F3", CultureInfo.InvariantCulture) : value?.ToString() ?? "";
}
