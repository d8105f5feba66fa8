using System.Diagnostics;

[assembly: AssemblyFixture(typeof(GenomicCode.Notebooks.Tests.PackedFeed))]
// Notebooks share libtorch and the formatters in this process: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace GenomicCode.Notebooks.Tests;

/// <summary>
/// GenomicCode, GenomicCode.Plotting and GenomicCode.Interactive packed once per test run into a temporary folder, with
/// a version no earlier run used (so the NuGet cache can never serve a stale copy); the folder and the extracted
/// packages are removed from the NuGet cache at the end.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    private static readonly string[] Packages = ["GenomicCode.Interactive", "GenomicCode.Plotting", "GenomicCode"];
    private readonly Lazy<string> feed;

    /// <summary>Prepares the names; packing happens on first use, so tests that need no feed stay fast.</summary>
    public PackedFeed()
    {
        Version = $"0.0.0-notebooks.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Folder = Path.Combine(Path.GetTempPath(), "genomiccode-notebooks", Version);
        feed = new Lazy<string>(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The version every package gets.</summary>
    public string Version { get; }

    /// <summary>The temporary folder (feed/ holds the .nupkg files).</summary>
    public string Folder { get; }

    /// <summary>How long packing took.</summary>
    public TimeSpan PackTime { get; private set; }

    /// <summary>The local package source with the three packages, packed on first use.</summary>
    public string Feed => feed.Value;

    /// <summary>The repository root (the folder holding GenomicCode.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private string Pack()
    {
        string output = Path.Combine(Folder, "feed");
        Directory.CreateDirectory(output);
        var clock = Stopwatch.StartNew();
        // Packing the extension builds the two libraries with the same version; they are then packed without a rebuild.
        foreach (var (package, i) in Packages.Select((p, i) => (p, i)))
        {
            var args = new List<string> { "pack", Path.Combine(RepositoryRoot, "src", package), "-c", "Release", "-o", output,
                "--nologo", "-v", "quiet", $"-p:MinVerVersionOverride={Version}" };
            if (i > 0) args.Add("--no-build");
            var run = Processes.Run("dotnet", args, RepositoryRoot, TimeSpan.FromMinutes(10));
            if (run.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {package} failed (exit {run.ExitCode}):\n{run.Output}");
        }
        PackTime = clock.Elapsed;
        foreach (string package in Packages)
        {
            string nupkg = Path.Combine(output, $"{package}.{Version}.nupkg");
            if (!File.Exists(nupkg)) throw new InvalidOperationException($"dotnet pack did not write {nupkg}");
        }
        return output;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string dir in Packages.Select(p => Path.Combine(cache, p.ToLowerInvariant(), Version)).Append(Folder))
        {
            try
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                // The package's own folder in the cache goes too when no other version is left in it.
                string? parent = Path.GetDirectoryName(dir);
                if (parent is not null && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenomicCode.sln"))) return dir.FullName;
        throw new InvalidOperationException($"GenomicCode.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>Child processes with a time limit and their output kept.</summary>
public static class Processes
{
    /// <summary>Runs <paramref name="file"/>; kills it (and its children) after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var output = new System.Text.StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) output.AppendLine($"(killed after {timeout.TotalSeconds:F0} s)");
            return (-1, output.ToString(), clock.Elapsed);
        }
        process.WaitForExit(); // drain the output
        lock (output) return (process.ExitCode, output.ToString(), clock.Elapsed);
    }
}
