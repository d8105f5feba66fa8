using GenomicCode.Core;
using GenomicCode.Runs;

namespace GenomicCode.Tests.Core;

public class IntegrityJsonTests
{
    private sealed record Sample(string Name, double Value, int[] Counts);

    [Fact]
    public void Should_WriteTheChecksumOfTheCompactMembers_When_Serialising()
    {
        string json = IntegrityJson.Serialize(new Sample("a", 1.5, new[] { 1, 2 }));
        // XXH3-64 of {"name":"a","value":1.5,"counts":[1,2]} (the compact form without the integrity member).
        string expected = Checksum.Hex(Checksum.Of("{\"name\":\"a\",\"value\":1.5,\"counts\":[1,2]}"u8));
        Assert.EndsWith($"\"_integrity\": {{\n    \"format\": 1,\n    \"xxh3\": \"{expected}\"\n  }}\n}}", json.ReplaceLineEndings("\n"));
        Assert.Equal("{\n  \"name\": \"a\",\n  \"value\": 1.5,\n  \"counts\": [\n    1,\n    2\n  ]\n}", IntegrityJson.Verify(json, "x.json").ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Should_AcceptReindenting_And_RefuseAChangedValue()
    {
        string json = IntegrityJson.Serialize(new Sample("a", 1.5, new[] { 1, 2 }));
        string compact = string.Join("", json.Split('\n').Select(l => l.Trim()));
        Assert.Equal("{\"name\": \"a\",\"value\": 1.5,\"counts\": [1,2]}", IntegrityJson.Verify(compact, "x.json"));
        var e = Assert.Throws<UserInputException>(() => IntegrityJson.Verify(json.Replace("1.5", "2.5"), "runs/x/config.json"));
        Assert.Equal("runs/x/config.json does not match its checksum: it was damaged or edited after it was written; restore it, or remove its \"_integrity\" member to accept the edit.", e.Message);
        var cut = Assert.Throws<UserInputException>(() => IntegrityJson.Verify(json[..(json.Length / 2)], "runs/x/config.json"));
        Assert.StartsWith("runs/x/config.json: malformed JSON (the file is damaged) at line", cut.Message);
    }

    [Fact]
    public void Should_KeepLineNumbers_When_StrippingTheMember()
    {
        string json = "{\n  // a comment\n  \"_integrity\": { \"format\": 1, \"xxh3\": \"0000000000000000\" },\n  \"name\": \"a\"\n}";
        Assert.Equal("{\n  // a comment\n  \"name\": \"a\"\n}", IntegrityJson.Strip(json));
        Assert.Equal("{ \"a\": 1 }", IntegrityJson.Strip("{ \"a\": 1, \"_integrity\": {} }"));
        Assert.Equal("not json _integrity", IntegrityJson.Strip("not json _integrity"));
    }

    [Fact]
    public void Should_ReadARunConfigAsAPreset_When_ItCarriesItsChecksum()
    {
        var preset = PresetCatalog.Load("quickstart");
        string json = IntegrityJson.Serialize(preset);
        Assert.Equal(preset.ToJson(), Preset.Parse(json, "config.json").ToJson());
        var bad = Assert.Throws<UserInputException>(() => Preset.Parse(json.Replace("\"steps\": 4000", "\"steps\": -1"), "config.json"));
        Assert.StartsWith("config.json: Steps must be in [1, 1000000000], got -1", bad.Message);
    }
}
