using System.Text.Json;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Tests.Core;

public class CatalogueTests
{
    private sealed record ShoutOptions : IComponentOptions
    {
        public int Times { get; init; } = 2;

        public void Validate()
        {
            if (Times < 1) throw new UserInputException($"Times must be >= 1, got {Times}.");
        }
    }

    private sealed record WhisperOptions : IComponentOptions
    {
        public string Word { get; init; } = "hush";

        public void Validate() { }
    }

    private static readonly Catalogue<string, string> Voices = new("voices", "voice", "Ways to say a word.", new CatalogueEntry<string, string>[]
    {
        new CatalogueEntry<ShoutOptions, string, string>("shout", "Says it loudly, several times.", "",
            (o, word) => string.Join(" ", Enumerable.Repeat(word.ToUpperInvariant(), o.Times)), "yell"),
        new CatalogueEntry<WhisperOptions, string, string>("whisper", "Says its own word quietly.", "Doe 2020",
            (o, _) => o.Word),
    });

    private sealed class VoiceJson() : ComponentSpecJson(() => Voices);

    private sealed record Script
    {
        [JsonConverter(typeof(VoiceJson))]
        public ComponentSpec Voice { get; init; } = Voices.Spec("shout");
    }

    [Fact]
    public void Should_BuildWithOptions_When_AnEntryIsCreatedFromASpec()
    {
        var spec = Voices.Spec("yell", new ShoutOptions { Times = 3 });
        Assert.Equal("shout", spec.Name); // aliases resolve to the name
        Assert.Equal("HI HI HI", Voices.Create(spec, "hi"));
        Assert.Equal("hush", Voices.Create(Voices.Spec("WHISPER"), "hi"));
    }

    [Fact]
    public void Should_RoundTripThroughJson_When_AComponentIsWrittenAndRead()
    {
        var script = new Script { Voice = Voices.Spec("shout", new ShoutOptions { Times = 5 }) };
        string json = JsonSerializer.Serialize(script, JsonSettings.Default);
        Assert.Contains("\"name\": \"shout\"", json);
        Assert.Contains("\"times\": 5", json);
        var back = JsonSerializer.Deserialize<Script>(json, JsonSettings.Default)!;
        Assert.Equal(script, back);
        Assert.Equal(5, back.Voice.OptionsAs<ShoutOptions>().Times);
    }

    [Fact]
    public void Should_TakeDefaults_When_OnlyANameIsGiven()
    {
        var back = JsonSerializer.Deserialize<Script>("""{ "voice": "whisper" }""", JsonSettings.Default)!;
        Assert.Equal(new WhisperOptions(), back.Voice.Options);
        var withName = JsonSerializer.Deserialize<Script>("""{ "voice": { "name": "yell" } }""", JsonSettings.Default)!;
        Assert.Equal(new ShoutOptions(), withName.Voice.Options);
    }

    [Theory]
    [InlineData("""{ "voice": "sing" }""", "unknown voice 'sing'; known: shout, whisper.")]
    [InlineData("""{ "voice": { "name": "shout", "options": { "loud": true } } }""", "loud")]
    [InlineData("""{ "voice": { "name": "shout", "colour": 1 } }""", "'colour' is not allowed")]
    [InlineData("""{ "voice": { "options": {} } }""", "needs a 'name'")]
    [InlineData("""{ "voice": 3 }""", "is a name or")]
    public void Should_NameTheProblemAndLine_When_TheJsonIsWrong(string json, string expected)
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Script>(json, JsonSettings.Default));
        var error = JsonSettings.Malformed(e, "script.json", "script");
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("script.json: malformed script at line 1", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Should_PrefixTheField_When_OptionsAreInvalid()
    {
        var spec = new ComponentSpec("shout", new ShoutOptions { Times = 0 });
        var e = Assert.Throws<UserInputException>(() => Voices.Validate(spec, "script.voice"));
        Assert.Equal("script.voice.options: Times must be >= 1, got 0.", e.Message);
        var wrongType = new ComponentSpec("shout", new WhisperOptions());
        Assert.Contains("takes ShoutOptions", Assert.Throws<UserInputException>(() => Voices.Validate(wrongType, "v")).Message);
    }

    [Fact]
    public void Should_KnowARegisteredEntryUntilItsRegistrationIsDisposed()
    {
        var voices = new Catalogue<string, string>("voices", "voice", "", new CatalogueEntry<string, string>[]
        {
            new CatalogueEntry<ShoutOptions, string, string>("shout", "", "", (o, w) => w),
        }, new CatalogueStatus("loudness", (e, _) => e.Name == "shout" ? "loud" : "quiet"));
        var hum = new CatalogueEntry<NoOptions, string, string>("hum", "Hums.", "", (_, _) => "mmm", "drone");
        using (voices.Register(hum))
        {
            Assert.Equal(new[] { "shout", "hum" }, voices.Names);
            Assert.Equal("mmm", voices.Create(voices.Read(JsonDocument.Parse("\"drone\"").RootElement), "x"));
            Assert.Equal("quiet", voices.Status!.Value(voices.Find("hum"), new ListingContext()));
            // A name or alias that is taken is refused, and the catalogue is unchanged.
            Assert.Throws<ArgumentException>(() => voices.Register(new CatalogueEntry<NoOptions, string, string>("HUM", "", "", (_, _) => "")));
            Assert.Throws<ArgumentException>(() => voices.Register(new CatalogueEntry<NoOptions, string, string>("yodel", "", "", (_, _) => "", "Shout")));
            Assert.Equal(2, voices.Entries.Count);
        }
        Assert.Equal(new[] { "shout" }, voices.Names);
        Assert.Contains("unknown voice 'hum'", Assert.Throws<UserInputException>(() => voices.Find("hum")).Message);
    }

    [Fact]
    public void Should_ListEveryEntryWithItsDefaults_When_Described()
    {
        ICatalogue catalogue = Voices;
        Assert.Equal(new[] { "shout", "whisper" }, catalogue.Entries.Select(e => e.Name));
        Assert.Equal(new[] { ("times", "2") }, catalogue.FindEntry("yell").OptionDefaults());
        Assert.Equal("Doe 2020", catalogue.FindEntry("whisper").Paper);
        Assert.Throws<ArgumentException>(() => new Catalogue<string, string>("x", "x", "", new CatalogueEntry<string, string>[]
        {
            new CatalogueEntry<NoOptions, string, string>("a", "", "", (_, s) => s),
            new CatalogueEntry<NoOptions, string, string>("b", "", "", (_, s) => s, "A"),
        }));
    }
}
