using System.Diagnostics;

namespace GenomicCode.Tests.Cli;

/// <summary>Runs the built genomic-code tool (genomic-code.dll beside the tests) as a real child process.</summary>
internal static class CliProcess
{
    /// <summary>The tool's entry assembly, copied beside the tests by the project reference.</summary>
    internal static string Dll => Path.Combine(AppContext.BaseDirectory, "genomic-code.dll");

    /// <summary>The dotnet host that runs the tests.</summary>
    internal static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    /// <summary>
    /// Starts the tool with <paramref name="args"/>, its standard output and error going to <paramref name="outputFile"/>
    /// through the shell (as <c>genomic-code ... &gt; FILE 2&gt;&amp;1</c> would), with one libtorch thread.
    /// </summary>
    internal static Process Start(string outputFile, params string[] args)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" > \"$GC_OUTPUT\" 2>&1");
        info.ArgumentList.Add(Host);
        info.ArgumentList.Add(Dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["GC_OUTPUT"] = outputFile;
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["GENOMICCODE_DEBUG"] = "1"; // a crash shows its stack trace in the output file
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the tool");
    }

    /// <summary>Runs the tool to its end (at most <paramref name="timeoutSeconds"/>) and returns the exit code and output.</summary>
    internal static (int Code, string Output) Run(TempDir dir, int timeoutSeconds, params string[] args)
    {
        string output = dir[$"out-{Guid.NewGuid():N}.txt"];
        using var p = Start(output, args);
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"genomic-code {string.Join(' ', args)} ran past {timeoutSeconds} s: {File.ReadAllText(output)}");
        }
        return (p.ExitCode, File.ReadAllText(output));
    }
}
