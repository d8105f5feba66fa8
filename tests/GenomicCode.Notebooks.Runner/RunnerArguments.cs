namespace GenomicCode.Notebooks.Runner;

/// <summary>The runner's command line: <c>NOTEBOOK.ipynb --result FILE.json [--feed DIR] [--version V] [--timeout SECONDS]</c>.</summary>
/// <param name="Notebook">The .ipynb to run.</param>
/// <param name="Result">Where the JSON result goes (written whole, never half).</param>
/// <param name="Feed">A local package source added before the first cell, or null.</param>
/// <param name="Version">The version every <c>#r "nuget: GenomicCode..."</c> is pinned to, or null to leave them as written.</param>
/// <param name="Timeout">How long the whole notebook may run.</param>
public sealed record RunnerArguments(string Notebook, string Result, string? Feed, string? Version, TimeSpan Timeout)
{
    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="problem"/> says what is wrong in one line.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out RunnerArguments options, out string? problem)
    {
        options = null!;
        string? notebook = null, result = null, feed = null, version = null;
        var timeout = TimeSpan.FromMinutes(5);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (notebook is not null) { problem = $"one notebook at a time: got '{notebook}' and '{arg}'"; return false; }
                notebook = arg;
                continue;
            }
            if (i + 1 >= args.Count) { problem = $"{arg} needs a value"; return false; }
            string value = args[++i];
            switch (arg)
            {
                case "--result": result = value; break;
                case "--feed": feed = value; break;
                case "--version": version = value; break;
                case "--timeout":
                    if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double seconds) || seconds <= 0)
                    {
                        problem = $"--timeout takes a positive number of seconds, got '{value}'";
                        return false;
                    }
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                default: problem = $"unknown option {arg}"; return false;
            }
        }
        if (notebook is null) { problem = "name the notebook to run (a .ipynb file)"; return false; }
        if (!File.Exists(notebook)) { problem = $"notebook '{notebook}' not found"; return false; }
        if (result is null) { problem = "--result FILE.json is required"; return false; }
        if (feed is not null && !Directory.Exists(feed)) { problem = $"--feed '{feed}' is not a folder"; return false; }
        options = new RunnerArguments(Path.GetFullPath(notebook), Path.GetFullPath(result), feed is null ? null : Path.GetFullPath(feed),
            version, timeout);
        problem = null;
        return true;
    }
}
