using GenomicCode.Runs;

namespace GenomicCode.Tests.Cli;

/// <summary>
/// The built tool as a real process: output redirected to a file stays one line per message, and a training killed
/// with SIGKILL at random moments and resumed each time ends with the same checkpoint as an uninterrupted one.
/// </summary>
[Collection(TorchCollection.Name)]
public class ProcessTests(ITestOutputHelper log)
{
    [Fact]
    public void Should_WriteErrorsAndHelpExamplesUnbroken_When_OutputGoesToAFile()
    {
        using var dir = new TempDir();
        string missing = Path.Combine(dir.Path, new string('x', 90), "a-preset-file-with-a-rather-long-name-that-does-not-exist.json");
        var error = CliProcess.Run(dir, 120, "train", "--preset", missing);
        Assert.Equal(2, error.Code);
        Assert.Equal($"error: preset file '{missing}' does not exist.\n", error.Output);

        var help = CliProcess.Run(dir, 120, "train", "--help");
        Assert.Equal(0, help.Code);
        var lines = help.Output.Split('\n');
        Assert.Contains(lines, l => l.Trim() == "genomic-code train --preset sprites-beta-vae --beta 4 --steps 20000 --out runs/beta4");
        Assert.All(lines, l => Assert.False(l.TrimStart().StartsWith("runs/", StringComparison.Ordinal), $"a broken line: '{l}'"));
    }

    [Fact]
    public void Should_EndWithTheSameCheckpoint_When_KilledAtRandomMomentsAndResumed()
    {
        using var dir = new TempDir();
        string preset = dir["crash.json"];
        File.WriteAllText(preset, """
            {
              "name": "crash",
              "model": { "latentSize": 3, "hiddenSize": 16 },
              "training": { "steps": 30, "batchSize": 8, "learningRate": 0.001, "checkpointEvery": 4, "logEvery": 2, "device": "cpu", "threads": 1 }
            }
            """);
        var reference = CliProcess.Run(dir, 300, "train", "--preset", preset, "--out", dir["reference"]);
        Assert.True(reference.Code == 0, reference.Output);

        string run = dir["killed"];
        var random = new Random(1117);
        var stepsAtKill = new List<long>();
        for (int kill = 0; kill < 4; kill++)
        {
            bool started = File.Exists(Path.Combine(run, RunFolder.ConfigFile));
            string output = dir[$"kill-{kill}.txt"];
            using var p = CliProcess.Start(output, started
                ? new[] { "train", "--out", run, "--resume" }
                : new[] { "train", "--preset", preset, "--out", run });
            // Wait until training has begun ("run folder:" is printed after config.json is written), then a random moment.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!p.HasExited && !ReadOrEmpty(output).Contains("run folder:", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Thread.Sleep(random.Next(0, 1500));
            if (p.HasExited)
            {
                Assert.True(p.ExitCode == 0, ReadOrEmpty(output));
                break;
            }
            p.Kill(); // SIGKILL
            p.WaitForExit();
            string checkpoint = Path.Combine(run, RunFolder.CheckpointFile);
            stepsAtKill.Add(File.Exists(checkpoint) ? GenomicCode.Training.Checkpoint.ReadHeader(checkpoint).Step : 0);
        }
        log.WriteLine($"checkpoint steps found after each SIGKILL: {string.Join(", ", stepsAtKill)}");
        var finished = CliProcess.Run(dir, 300, "train", "--out", run, "--resume");
        Assert.True(finished.Code == 0, finished.Output);
        Assert.NotEmpty(stepsAtKill);
        Assert.Equal(stepsAtKill.Order(), stepsAtKill); // every resume kept what the kill before it had saved
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir["reference"], RunFolder.CheckpointFile)), File.ReadAllBytes(Path.Combine(run, RunFolder.CheckpointFile)));
        Assert.Empty(Directory.EnumerateFiles(run, ".*.tmp-*"));
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (FileNotFoundException) { return ""; }
    }
}
