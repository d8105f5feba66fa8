using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Studies;

namespace GenomicCode.Tests.Studies;

/// <summary>A measurement kind for tests: checks its one option and returns fixed scalars without touching the run.</summary>
internal sealed class FakeMeasurement(string kind = "fake") : IRunMeasurement
{
    public string Kind => kind;

    public string Summary => "test measurement";

    public int Calls { get; private set; }

    public void Validate(JsonObject? options)
    {
        if (options is not null && options.ContainsKey("bad")) throw new UserInputException("option 'bad' is not allowed.");
    }

    public IReadOnlyDictionary<string, double> Measure(string runFolder, JsonObject? options, CancellationToken cancellationToken)
    {
        Calls++;
        return new Dictionary<string, double> { ["score"] = 0.5, ["other"] = double.NaN };
    }
}

/// <summary>Study files for tests.</summary>
internal static class StudyFiles
{
    internal static readonly IRunMeasurement[] Kinds = { new FakeMeasurement("fake"), new FakeMeasurement("other") };

    /// <summary>A small valid study: beta 1 and 4 x two seeds on a tiny model.</summary>
    internal const string Mini = """
        {
          "name": "unit",
          "preset": "quickstart",
          "steps": 3,
          "set": { "model.latentSize": 3, "model.encoder.options.hiddenSize": 32, "model.decoder.options.hiddenSize": 32, "training.batchSize": 8, "training.device": "cpu" },
          "grid": [ { "path": "model.regularizer.options.beta", "values": [1, 4] } ],
          "seeds": 2,
          "measurements": [ { "kind": "fake" } ]
        }
        """;

    internal static Study Parse(string json, string source = "study.json") => StudyFile.Parse(json, source, ".", Kinds);

    /// <summary>The error a study file gives, asserting it is one line.</summary>
    internal static string Error(string json)
    {
        var e = Assert.Throws<UserInputException>(() => Parse(json));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }
}
