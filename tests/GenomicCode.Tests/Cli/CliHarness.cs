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

    /// <summary>Trains a 2-step, 3-gene run in <paramref name="dir"/>/run (a run folder for verbs that read one).</summary>
    internal static string TrainTinyRun(TempDir dir)
    {
        string preset = dir["tiny.json"];
        File.WriteAllText(preset, """
            {
              "name": "tiny",
              "model": { "latentSize": 3, "encoder": { "name": "conv", "options": { "hiddenSize": 32 } }, "decoder": { "name": "conv", "options": { "hiddenSize": 32 } } },
              "training": { "steps": 2, "batchSize": 4, "learningRate": 0.001, "checkpointEvery": 2, "logEvery": 1, "device": "cpu" }
            }
            """);
        var r = Run("train", "--preset", preset, "--out", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        return dir["run"];
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
