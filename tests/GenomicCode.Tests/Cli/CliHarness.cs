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

    /// <summary>
    /// Trains a 3-step Growing NCA run in <paramref name="dir"/>/gnca on an 8x8 grid (a 4x4 target from a PNG written
    /// here, padded by 2; 8 channels, hidden width 16, pool 8, batch 4); no data set needed.
    /// </summary>
    internal static string TrainTinyGrowingNcaRun(TempDir dir)
    {
        string png = dir["target.png"];
        File.WriteAllBytes(png, TinyTargetPng());
        string preset = dir["tiny-gnca.json"];
        File.WriteAllText(preset, TinyGrowingNcaPreset(png));
        var r = Run("train", "--preset", preset, "--out", dir["gnca"]);
        Assert.True(r.Code == 0, r.Output);
        return dir["gnca"];
    }

    /// <summary>The tiny Growing NCA preset of <see cref="TrainTinyGrowingNcaRun"/> growing <paramref name="png"/> (null: the lizard emoji).</summary>
    internal static string TinyGrowingNcaPreset(string? png)
    {
        string image = png is null ? "" : $"\"image\": {System.Text.Json.JsonSerializer.Serialize(png)}, ";
        return "{ \"name\": \"tiny-growing-nca\", " +
               "\"training\": { \"steps\": 3, \"batchSize\": 4, \"learningRate\": 0.002, \"checkpointEvery\": 3, \"logEvery\": 1, \"device\": \"cpu\", \"dataset\": \"emoji\" }, " +
               "\"growingNca\": { " + image + "\"targetSize\": 4, \"targetPadding\": 2, \"automaton\": { \"channels\": 8, \"hiddenSize\": 16 }, " +
               "\"poolSize\": 8, \"minSteps\": 3, \"maxSteps\": 5, \"damaged\": 1 } }";
    }

    /// <summary>An 8x8 RGBA PNG: transparent, with an opaque orange 4x4 square in the middle.</summary>
    internal static byte[] TinyTargetPng()
    {
        var rgba = new byte[8 * 8 * 4];
        for (int y = 2; y < 6; y++)
            for (int x = 2; x < 6; x++)
            {
                int i = (y * 8 + x) * 4;
                rgba[i] = 255;
                rgba[i + 1] = 128;
                rgba[i + 3] = 255;
            }
        return GenomicCode.Tests.Data.TestPng.Encode(8, 8, 6, rgba);
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
