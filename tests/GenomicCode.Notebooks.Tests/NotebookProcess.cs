using GenomicCode.Notebooks.Runner;

namespace GenomicCode.Notebooks.Tests;

/// <summary>
/// Runs one notebook in its own notebook-runner process (one kernel per process, as in a notebook host), so notebooks
/// share no kernel, no loaded native library and no leftover work; a notebook past its time limit is killed with its
/// children.
/// </summary>
public static class NotebookProcess
{
    private static string RunnerPath => Path.Combine(AppContext.BaseDirectory, "notebook-runner.dll");

    /// <summary>
    /// Runs <paramref name="notebookPath"/> with <paramref name="feed"/> as an extra package source and GenomicCode*
    /// references pinned to <paramref name="version"/>; returns what every cell showed. Throws
    /// <see cref="NotebookCellFailedException"/> naming the notebook, the cell and the error when a cell fails, and when the
    /// runner ends without a result (the message then holds its output).
    /// </summary>
    public static RunnerResult Run(string notebookPath, string? feed, string version, TimeSpan timeout, Action<string>? log = null)
    {
        string name = Path.GetFileName(notebookPath);
        string result = Path.Combine(Path.GetTempPath(), $"notebook-runner-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        var args = new List<string> { "exec", RunnerPath, notebookPath, "--result", result, "--version", version,
            // The runner stops waiting a little before it is killed, so a slow cell is reported by number.
            "--timeout", (timeout - TimeSpan.FromSeconds(15)).TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (feed is not null) args.AddRange(["--feed", feed]);
        try
        {
            var run = Processes.Run("dotnet", args, PackedFeed.RepositoryRoot, timeout);
            log?.Invoke(run.Output.TrimEnd());
            if (!File.Exists(result))
                throw new NotebookCellFailedException($"{name}: the runner ended without a result (exit {run.ExitCode} after {run.Elapsed.TotalSeconds:F0} s):\n{run.Output}");
            var outcome = RunnerResult.Read(result);
            if (outcome.Error is not null) throw new NotebookCellFailedException(outcome.Error);
            if (run.ExitCode != 0)
                throw new NotebookCellFailedException($"{name}: every cell ran but the runner exited with {run.ExitCode}:\n{run.Output}");
            return outcome;
        }
        finally
        {
            File.Delete(result);
        }
    }
}
