using GenomicCode.Cli;
using Spectre.Console.Testing;

namespace GenomicCode.Tests.Cli;

/// <summary>Runs the CLI in-process and checks its user-error contract; shared by the CLI test classes.</summary>
internal static class CliHarness
{
    /// <summary>Runs one command line against a wide test console (so one-line errors stay on one line).</summary>
    internal static (int Code, string Output) Run(params string[] args)
    {
        var console = new TestConsole { EmitAnsiSequences = false };
        console.Profile.Width = 400;
        int code = GenomicCodeApp.Run(args, console);
        return (code, console.Output);
    }

    /// <summary>Exit code 2, the expected text, exactly one "error:" line and no stack trace.</summary>
    internal static void AssertOneLineUsageError((int Code, string Output) r, string expected)
    {
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Output);
        Assert.Single(r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", r.Output); // no stack trace
    }
}
