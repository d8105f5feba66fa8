using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Regularizers;
using GenomicCode.Studies;
using GenomicCode.Runs;

using static GenomicCode.Tests.Studies.StudyFiles;

namespace GenomicCode.Tests.Studies;

public class StudyFileTests
{
    private static Preset PresetOf(PlannedRun run) => StudyFile.ToPreset((JsonObject)JsonNode.Parse(run.PresetJson)!);

    [Fact]
    public void Should_ExpandTheCrossProductWithTheLastAxisFastest_When_GivenAGridAndSeeds()
    {
        var study = Parse(Mini);

        Assert.Equal(new[] { "000_beta=1_seed=0", "001_beta=1_seed=1", "002_beta=4_seed=0", "003_beta=4_seed=1" }, study.Runs.Select(r => r.Id));
        Assert.Equal(new[] { "beta=1", "beta=1", "beta=4", "beta=4" }, study.Runs.Select(r => r.Setting));
        Assert.Equal(new long[] { 0, 1, 0, 1 }, study.Runs.Select(r => r.Seed));
        var third = PresetOf(study.Runs[2]);
        Assert.Equal(4, third.Model.Regularizer.OptionsAs<BetaVaeOptions>().Beta);
        Assert.Equal(0, third.Training.Seed);
        Assert.Equal(3, third.Training.Steps);       // "steps"
        Assert.Equal(3, third.Model.LatentSize);     // "set"
        Assert.Equal("unit-002_beta=4_seed=0", third.Name);
        Assert.Equal(new[] { false, true }, study.Axes.Select(a => a.IsSeed));
        Assert.Equal(new double?[] { 1, 4 }, study.Axes[0].Numbers);
    }

    [Fact]
    public void Should_SetNestedPathsAndCases_When_AxesNameThem()
    {
        // Given an axis on a nested path and an axis whose cases set two paths together (a whole component, or a
        // regulariser's name with a beta in the previous form)
        var study = Parse("""
            {
              "name": "nested",
              "preset": "sprites-grn",
              "grid": [
                { "path": "model.decoder.options.steps", "values": [2, 5] },
                { "name": "method", "cases": [
                    { "label": "tc", "set": { "model.regularizer": { "name": "beta-tcvae", "options": { "beta": 6 } } } },
                    { "set": { "model.regularizer": "beta-vae", "model.beta": 2 } } ] }
              ]
            }
            """);

        // Then each run's preset holds exactly the values of its grid point
        Assert.Equal(4, study.Runs.Count);
        Assert.Equal(new[] { "steps=2, method=tc", "steps=2, method=regularizer=beta-vae,beta=2", "steps=5, method=tc", "steps=5, method=regularizer=beta-vae,beta=2" },
            study.Runs.Select(r => r.Setting));
        var last = PresetOf(study.Runs[3]);
        Assert.Equal(PresetCatalog.Load("sprites-grn").Model.Decoder.OptionsAs<GrnOptions>() with { Steps = 5 }, last.Model.Decoder.Options);
        Assert.Equal(RegularizerCatalog.Spec("beta-vae", new BetaVaeOptions { Beta = 2 }), last.Model.Regularizer);
        Assert.Equal(RegularizerCatalog.Spec("beta-tcvae", new BetaTcVaeOptions { Beta = 6 }), PresetOf(study.Runs[0]).Model.Regularizer);
        Assert.Equal("001_steps=2_method=regularizer-beta-vae-beta-2", study.Runs[1].Id);
        Assert.Null(study.Axes[1].Path);
    }

    [Fact]
    public void Should_GiveTheSamePresets_When_AStudyUsesThePreviousFormsPaths()
    {
        // Given the same study written with the previous form's paths (model.beta, model.hiddenSize) and with components'
        var previous = Parse("""
            { "name": "p", "preset": "quickstart", "steps": 3,
              "set": { "model.latentSize": 3, "model.hiddenSize": 32 },
              "grid": [ { "path": "model.beta", "values": [1, 4] } ] }
            """);
        var current = Parse("""
            { "name": "p", "preset": "quickstart", "steps": 3,
              "set": { "model.latentSize": 3, "model.encoder.options.hiddenSize": 32, "model.decoder.options.hiddenSize": 32 },
              "grid": [ { "path": "model.regularizer.options.beta", "values": [1, 4] } ] }
            """);
        // Then every run trains the same model
        Assert.Equal(current.Runs.Select(r => PresetOf(r).Model), previous.Runs.Select(r => PresetOf(r).Model));
        Assert.Equal(EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 32 }), PresetOf(previous.Runs[1]).Model.Encoder);
        Assert.Equal(new BetaVaeOptions { Beta = 4 }, PresetOf(previous.Runs[1]).Model.Regularizer.Options);
    }

    [Fact]
    public void Should_NameTheLine_When_TheJsonIsMalformed()
    {
        string e = Error("{\n  \"name\": \"x\",\n  \"preset\": \"quickstart\"\n  \"steps\": 3\n}");
        Assert.StartsWith("study.json: malformed study at line 4", e);
    }

    [Fact]
    public void Should_NameTheFieldAndLine_When_AFieldIsUnknown()
    {
        string e = Error("{\n  \"name\": \"x\",\n  \"preset\": \"quickstart\",\n  \"gird\": []\n}");
        Assert.Contains("line 4", e);
        Assert.Contains("'gird'", e);
    }

    [Fact]
    public void Should_ListTheKnownKinds_When_AMeasurementIsUnknown()
    {
        string e = Error("""
            {
              "name": "x",
              "preset": "quickstart",
              "measurements": [
                { "kind": "fake" },
                { "kind": "log-likelihood" }
              ]
            }
            """);
        Assert.Equal("study.json: line 6, field 'measurements[1].kind': unknown measurement 'log-likelihood'; known: fake, other.", e);
    }

    [Fact]
    public void Should_NameTheOptionsLine_When_AMeasurementRejectsAnOption()
    {
        string e = Error("{\n \"name\": \"x\", \"preset\": \"quickstart\",\n \"measurements\": [\n  { \"kind\": \"fake\",\n    \"options\": { \"bad\": 1 } } ] }");
        Assert.Equal("study.json: line 5, field 'measurements[0].options': option 'bad' is not allowed.", e);
    }

    [Fact]
    public void Should_ListThePresets_When_ThePresetIsUnknown()
    {
        string e = Error("{ \"name\": \"x\",\n \"preset\": \"no-such-preset\" }");
        Assert.Contains("line 2, field 'preset': unknown preset 'no-such-preset'; known presets: ", e);
        Assert.Contains("quickstart", e);
    }

    [Fact]
    public void Should_NameTheGridValue_When_ThePresetRejectsIt()
    {
        string e = Error("""
            {
              "name": "x",
              "preset": "quickstart",
              "grid": [ { "path": "model.regularizer.options.beta", "values": [
                1,
                -1 ] } ]
            }
            """);
        Assert.StartsWith("study.json: line 6, field 'grid[0].values[1]': 'model.regularizer.options.beta' = -1 gives an invalid preset: ", e);
        Assert.Contains("Beta must be", e);
    }

    [Fact]
    public void Should_NameThePresetField_When_AGridPathDoesNotExistInThePreset()
    {
        string e = Error("""{ "name": "x", "preset": "quickstart", "grid": [ { "path": "model.betta", "values": [2] } ] }""");
        Assert.Contains("field 'grid[0].values[0]'", e);
        Assert.Contains("field 'model.betta'", e);
    }

    [Theory]
    [InlineData("""{ "name": "x", "preset": "quickstart", "grid": [ { "path": "training.seed.x", "values": [1] } ] }""", "'training.seed' is the value 0, not an object")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "grid": [ { "path": "model.beta", "values": [] } ] }""", "needs at least one value")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "grid": [ { "path": "model.beta", "values": [1] }, { "path": "model.beta", "values": [2] } ] }""", "is on two axes")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "grid": [ { "path": "model.beta", "name": "b", "values": [1] } ] }""", "either 'path' and 'values'")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "seeds": 2, "grid": [ { "path": "training.seed", "values": [1] } ] }""", "both set the seed")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "seeds": 0 }""", "seeds must be a count")]
    [InlineData("""{ "name": "x y", "preset": "quickstart" }""", "not a folder-safe name")]
    [InlineData("""{ "name": "x", "preset": "" }""", "needs a base preset")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "steps": 0 }""", "steps must be a positive whole number")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "slurm": { "time": "soon" } }""", "field 'slurm.time': 'soon' is not a Slurm time")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "slurm": { "cpusPerTask": 0 } }""", "field 'slurm.cpusPerTask'")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "grid": [ { "path": "a..b", "values": [1] } ] }""", "empty field name")]
    [InlineData("""{ "name": "x", "preset": "quickstart", "measurements": [ { "kind": "fake" }, { "kind": "fake" } ] }""", "appears twice")]
    public void Should_GiveOneLineNamingTheField_When_TheStudyIsInvalid(string json, string expected)
    {
        string e = Error(json);
        Assert.StartsWith("study.json: ", e);
        Assert.Contains(expected, e);
    }

    [Fact]
    public void Should_ReadAPresetFileRelativeToTheStudy_When_ThePresetIsAPath()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["presets"]);
        File.WriteAllText(Path.Combine(dir["presets"], "tiny.json"), """{ "name": "tiny", "model": { "latentSize": 2, "hiddenSize": 16 } }""");
        File.WriteAllText(dir["s.json"], """{ "name": "rel", "preset": "presets/tiny.json" }""");

        var study = StudyFile.Load(dir["s.json"], Kinds);

        Assert.Equal(2, PresetOf(study.Runs.Single()).Model.LatentSize);
        Assert.Equal("000", study.Runs[0].Id);
        Assert.Equal("all", study.Runs[0].Setting);
        var missing = Assert.Throws<UserInputException>(() => StudyFile.Load(dir["nope.json"], Kinds));
        Assert.Contains("does not exist", missing.Message);
    }
}

public class JsonPathTests
{
    [Fact]
    public void Should_CreateMissingObjects_When_SettingANestedPath()
    {
        var root = new JsonObject { ["model"] = new JsonObject { ["beta"] = 1 } };

        JsonPath.Parse("model.regularizer.options.beta").Set(root, JsonValue.Create(4));
        JsonPath.Parse("model.beta").Set(root, JsonValue.Create(2));

        Assert.Equal("""{"model":{"beta":2,"regularizer":{"options":{"beta":4}}}}""", root.ToJsonString());
        Assert.True(JsonPath.Parse("model.regularizer.options").TryGet(root, out var options));
        Assert.Equal("""{"beta":4}""", options!.ToJsonString());
        Assert.False(JsonPath.Parse("model.gamma").Exists(root));
        Assert.Equal("beta", JsonPath.Parse("model.regularizer.options.beta").LastName);
    }

    [Fact]
    public void Should_IndexArrays_When_ThePathHasBrackets()
    {
        var root = JsonNode.Parse("""{ "layers": [ { "width": 1 }, { "width": 2 } ] }""")!;

        JsonPath.Parse("layers[1].width").Set(root, JsonValue.Create(8));

        Assert.Equal("""{"layers":[{"width":1},{"width":8}]}""", root.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => JsonPath.Parse("layers[5].width").Set(root, JsonValue.Create(1)));
        Assert.Contains("has 2 elements", e.Message);
        Assert.Throws<UserInputException>(() => JsonPath.Parse("layers[x]"));
        Assert.Throws<UserInputException>(() => JsonPath.Parse(" "));
    }

    [Fact]
    public void Should_MapEveryFieldToItsLine_When_BuildingASourceMap()
    {
        var map = JsonSourceMap.Build("{\n  \"a\": 1,\n  // comment\n  \"grid\": [\n    { \"path\": \"x\",\n      \"values\": [1,\n 2] }\n  ]\n}");

        Assert.Equal(2, map.LineOf("a"));
        Assert.Equal(4, map.LineOf("grid"));
        Assert.Equal(5, map.LineOf("grid[0]"));
        Assert.Equal(5, map.LineOf("grid[0].path"));
        Assert.Equal(7, map.LineOf("grid[0].values[1]"));
        Assert.Equal(5, map.LineOf("grid[0].cases")); // not there: its nearest parent
    }
}
