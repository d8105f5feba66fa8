using System.Text.Json;
using Spectre.Console;

namespace GenomicCode.Cli.Studies;

/// <summary>Runs a genomic-code verb in this process for a study step, turning its exit code into an exception.</summary>
internal static class InProcess
{
    /// <summary>Runs <paramref name="args"/>; exit 130 becomes <see cref="OperationCanceledException"/>, any other non-zero exit an error naming the verb.</summary>
    internal static void Run(IAnsiConsole console, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        int code = GenomicCodeApp.Run(args.ToArray(), console, cancellationToken);
        if (code == GenomicCodeApp.Cancelled || cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
        if (code != 0) throw new InvalidOperationException($"`genomic-code {args[0]}` exited with code {code} (its error line is in the log above).");
    }

    /// <summary>The finite top-level numbers of a JSON object file, except the named fields.</summary>
    internal static IReadOnlyDictionary<string, double> TopLevelNumbers(string path, params string[] except)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.Number && !except.Contains(p.Name) && double.IsFinite(p.Value.GetDouble()))
                scalars[p.Name] = p.Value.GetDouble();
        return scalars;
    }
}
