using GenomicCode.Core;
using GenomicCode.Latent;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Latent;

public class NucleotideIoTests
{
    private static readonly NucleotideLayout Layout = new() { Genes = 2, MotifLength = 2, CisLength = 3 }; // L = 10

    private static IReadOnlyList<FastaRecord> Read(string text, bool allowUnknown = false) =>
        NucleotideFasta.Read(new StringReader(text), "test.fa", allowUnknown);

    [Fact]
    public void Should_RoundTripGenomesThroughFasta()
    {
        using var dir = new TempDir();
        using var g = new Generator(1);
        var x = torch.randint(0, 4, new long[] { 3, 10 }, dtype: ScalarType.Int64, generator: g);
        NucleotideFasta.WriteFile(dir["g.fa"], x, new[] { "a", "b", "c" }, lineWidth: 4);
        var records = NucleotideFasta.ReadFile(dir["g.fa"]);
        Assert.Equal(new[] { "a", "b", "c" }, records.Select(r => r.Name));
        Assert.True(NucleotideFasta.ToIndices(records, Layout).eq(x).all().item<bool>());
        Assert.Equal(3 * (1 + 3), File.ReadAllLines(dir["g.fa"]).Length); // header + 4 + 4 + 2 bases per record
    }

    [Fact]
    public void Should_ReadLowerCaseAndMultiLineRecords()
    {
        var records = Read(">g1 some description\nacgt\nACGTAC\n\n>g2\nTTTTTGGGGG\n");
        Assert.Equal(("g1", "ACGTACGTAC"), (records[0].Name, records[0].Sequence));
        Assert.Equal("TTTTTGGGGG", records[1].Sequence);
    }

    [Fact]
    public void Should_NameTheRecordAndPosition_When_ACharacterIsNotACGT()
    {
        var e = Assert.Throws<UserInputException>(() => Read(">g1\nACGTACGTAC\n>g2\nACGT\nAXGTAC\n"));
        Assert.Equal("test.fa: record 'g2', position 6: 'X' is not A, C, G or T.", e.Message);
    }

    [Fact]
    public void Should_AllowNOnlyForPosteriorLogits()
    {
        var e = Assert.Throws<UserInputException>(() => Read(">g1\nACGTNCGTAC\n"));
        Assert.Contains("position 5: 'N'", e.Message);
        Assert.Contains("N is allowed only when reading posterior logits", e.Message);
        var records = Read(">g1\nACGTNCGTAC\n", allowUnknown: true);
        var logits = NucleotideFasta.ToPosteriorLogits(records, Layout, confidence: 5);
        Assert.True(logits[0L, 4L].eq(0).all().item<bool>());          // N: uniform
        Assert.Equal(5, logits[0L, 0L, 0L].item<float>());               // A
        Assert.Throws<UserInputException>(() => NucleotideFasta.ToIndices(records, Layout));
    }

    [Fact]
    public void Should_NameTheRecordAndLayout_When_LengthIsWrong()
    {
        var e = Assert.Throws<UserInputException>(() => NucleotideFasta.ToIndices(Read(">g1\nACGTACGTAC\n>short\nACG\n"), Layout));
        Assert.Equal("FASTA: record 'short' has 3 positions, but the layout (2 genes x (2 motif + 3 cis)) needs 10.", e.Message);
    }

    [Fact]
    public void Should_RejectTextThatIsNotFasta()
    {
        Assert.Contains("line 1", Assert.Throws<UserInputException>(() => Read("ACGT\n")).Message);
        Assert.Contains("no FASTA records", Assert.Throws<UserInputException>(() => Read("")).Message);
        Assert.Contains("has no sequence", Assert.Throws<UserInputException>(() => Read(">a\n>b\nAC\n")).Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 2)]
    [InlineData(6, 6)]
    public void Should_RoundTripThroughTheKmerTokenizer(int k, int stride)
    {
        var tokenizer = new KmerTokenizer(k, stride);
        using var g = new Generator(3);
        int length = k + 4 * stride * 3;
        var x = torch.randint(0, 4, new long[] { 2, length }, dtype: ScalarType.Int64, generator: g);
        var text = NucleotideGenome.ToStrings(x);
        var ids = tokenizer.EncodeToIds(text[0]);
        Assert.Equal(tokenizer.TokenCount(length), ids.Count);
        Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabularySize - 1));
        Assert.Equal(text[0], tokenizer.Decode(ids));
        // The tensor path gives the same ids as the text path.
        var fromTensor = tokenizer.EncodeIndices(x);
        Assert.Equal(ids, fromTensor[0L].data<long>().Select(v => (int)v));
        Assert.Equal(tokenizer.EncodeToIds(text[1]), fromTensor[1L].data<long>().Select(v => (int)v));
    }

    [Fact]
    public void Should_NumberKmersInBase4()
    {
        var tokenizer = new KmerTokenizer(3);
        Assert.Equal(64, tokenizer.VocabularySize);
        Assert.Equal("AAA", tokenizer.Kmer(0));
        Assert.Equal("TTT", tokenizer.Kmer(63));
        Assert.Equal(new[] { 6 }, tokenizer.EncodeToIds("ACG")); // 0 x 16 + 1 x 4 + 2
        Assert.Equal(new[] { 6, 27 }, tokenizer.EncodeToIds("ACGT")); // CGT = 1 x 16 + 2 x 4 + 3
        var tokens = tokenizer.EncodeToTokens("ACGT", out _);
        Assert.Equal(new[] { "ACG", "CGT" }, tokens.Select(t => t.Value));
    }

    [Fact]
    public void Should_RejectUncoveredLengthsAndBadCharacters_When_Tokenizing()
    {
        var tokenizer = new KmerTokenizer(3, 2);
        Assert.Contains("not covered exactly", Assert.Throws<UserInputException>(() => tokenizer.EncodeToIds("ACGT")).Message);
        Assert.Contains("position 2: 'X'", Assert.Throws<UserInputException>(() => tokenizer.EncodeToIds("AXGTA")).Message);
        Assert.Throws<UserInputException>(() => new KmerTokenizer(3, 4));
        // Overlaps that disagree cannot come from one sequence.
        var status = tokenizer.Decode(new[] { 6, 0 }, new char[16], out _, out _);
        Assert.Equal(System.Buffers.OperationStatus.InvalidData, status);
    }
}
