using System.Text;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Models;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Tests.Training;

/// <summary>Checkpoint format 2: checksummed sections verified before use, the previous checkpoint kept, version 1 still read.</summary>
[Collection(TorchCollection.Name)]
public class CheckpointIntegrityTests
{
    private static readonly ModelOptions Small = TestModels.Options(latent: 3, hidden: 32);
    private static readonly SpritesWorld World = new();

    private static (GenomeVae Model, Trainer Trainer) Make(ModelOptions? model = null, long steps = 4)
    {
        var m = GenomeVae.Create(model ?? Small, World.ObservationShape, 0, torch.CPU);
        return (m, new Trainer(m, World, new TrainingOptions { Steps = steps, BatchSize = 4, LearningRate = 1e-3 }, torch.CPU) { PresetName = "tiny" });
    }

    /// <summary>Trains two steps, checkpointing after each into <paramref name="path"/> (so the previous one is kept).</summary>
    private static void TwoCheckpoints(string path)
    {
        var (model, trainer) = Make();
        using (model)
        using (trainer)
        {
            trainer.CheckpointPath = path;
            trainer.TrainStep();
            trainer.SaveCheckpoint();
            trainer.TrainStep();
            trainer.SaveCheckpoint();
        }
    }

    [Fact]
    public void Should_KeepThePreviousCheckpoint_When_ANewOneReplacesIt()
    {
        using var dir = new TempDir();
        string path = dir["checkpoint.bin"];
        TwoCheckpoints(path);
        Assert.Equal(dir["checkpoint.previous.bin"], Checkpoint.PreviousPath(path));
        Assert.Equal(2, Checkpoint.ReadHeader(path).Step);
        Assert.Equal(1, Checkpoint.ReadHeader(dir["checkpoint.previous.bin"]).Step);
        Assert.Equal("tiny", Checkpoint.ReadHeader(path).Preset);
        Assert.Equal(2, Checkpoint.ReadHeader(path).Version);
    }

    [Fact]
    public void Should_MeasureTheExactFileSize_When_AskedBeforeTheFirstStep()
    {
        using var dir = new TempDir();
        var (model, trainer) = Make();
        using (model)
        using (trainer)
        {
            long measured = trainer.CheckpointBytes();
            trainer.SaveCheckpoint(dir["c.bin"]);
            Assert.Equal(new FileInfo(dir["c.bin"]).Length, measured);
        }
    }

    [Fact]
    public void Should_NameTheDamagedSectionAndThePreviousCheckpoint_When_BytesAreFlipped()
    {
        using var dir = new TempDir();
        string path = dir["checkpoint.bin"];
        TwoCheckpoints(path);
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 200; i++) bytes[i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<UserInputException>(() => Checkpoint.ReadHeader(path));
        Assert.Matches($"^checkpoint '{System.Text.RegularExpressions.Regex.Escape(path)}' is damaged \\(section '(model|optimizer)' fails its checksum\\); " +
                       $"the previous checkpoint \\(step 1\\) is intact: use it with `mv {System.Text.RegularExpressions.Regex.Escape(dir["checkpoint.previous.bin"])} ", e.Message);
        var (model, _) = Make();
        using (model) Assert.Throws<UserInputException>(() => Checkpoint.Load(path, model, null));
    }

    [Fact]
    public void Should_SayTruncated_When_TheFileIsCut()
    {
        using var dir = new TempDir();
        string path = dir["checkpoint.bin"];
        TwoCheckpoints(path);
        File.Delete(dir["checkpoint.previous.bin"]);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 1000);
        var e = Assert.Throws<UserInputException>(() => Checkpoint.ReadHeader(path));
        Assert.StartsWith($"checkpoint '{path}' is truncated (", e.Message);
        Assert.EndsWith("; no previous checkpoint is kept beside it: retrain, or restore it from a copy.", e.Message);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(10);
        Assert.Contains("is truncated", Assert.Throws<UserInputException>(() => Checkpoint.ReadHeader(path)).Message);
    }

    [Fact]
    public void Should_RefuseAForeignFile_When_ItIsNotACheckpoint()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["x.bin"], Encoding.ASCII.GetBytes("PK\u0003\u0004 a zip file, not a checkpoint"));
        var e = Assert.Throws<UserInputException>(() => Checkpoint.ReadHeader(dir["x.bin"]));
        Assert.Equal($"'{dir["x.bin"]}' is not a GenomicCode checkpoint (it does not start with GENOMICCODE-CHECKPOINT); give the x.bin of a run folder written by `genomic-code train`.", e.Message);
    }

    [Fact]
    public void Should_NameThePresetInOneShortLine_When_TheCheckpointIsOfAnotherModel()
    {
        using var dir = new TempDir();
        TwoCheckpoints(dir["c.bin"]);
        var (other, trainer) = Make(Small with { LatentSize = 5, Decoder = DecoderCatalog.Spec("grn") });
        using (other)
        using (trainer)
        {
            var e = Assert.Throws<UserInputException>(() => trainer.LoadCheckpoint(dir["c.bin"]));
            Assert.Equal($"checkpoint '{dir["c.bin"]}' belongs to preset 'tiny', whose model differs in latentSize: checkpoint 3, model 5; decoder: checkpoint \"conv\", model \"grn\"; " +
                         "use --preset tiny (or the run's config.json), or another run folder.", e.Message);
        }
    }

    [Fact]
    public void Should_RefuseToGoBack_When_TheCheckpointIsPastTheSteps()
    {
        using var dir = new TempDir();
        TwoCheckpoints(dir["c.bin"]);
        var (model, trainer) = Make(steps: 1);
        using (model)
        using (trainer)
        {
            var e = Assert.Throws<UserInputException>(() => trainer.LoadCheckpoint(dir["c.bin"]));
            Assert.Equal($"checkpoint '{dir["c.bin"]}' is at step 2, past the 1 steps asked for; give --steps 2 or more to continue it.", e.Message);
            Assert.Equal(0, trainer.Step);
        }
    }

    /// <summary>The version-1 layout, as GenomicCode wrote it before checksums: header fields, then the bodies in a row.</summary>
    private static void SaveVersion1(string path, GenomeVae model, TorchSharp.Modules.OptimizerHelper optimizer, long step)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("GENOMICCODE-CHECKPOINT");
        writer.Write(1);
        writer.Write(JsonSerializer.Serialize(model.Options, JsonSettings.Default));
        writer.Write(step);
        writer.Write(0L);
        model.save(writer);
        writer.Write(true);
        optimizer.save_state_dict(writer);
        writer.Write(false);
    }

    [Fact]
    public void Should_ReadVersion1InFull_And_RefuseATruncatedOne()
    {
        using var dir = new TempDir();
        var (model, trainer) = Make();
        var (copy, _) = Make();
        using (model) using (trainer) using (copy)
        {
            trainer.TrainStep();
            using var optimizer = new GenomicCode.Numerics.HeldScalarOptimizers.Adam(model.parameters().ToList());
            SaveVersion1(dir["v1.bin"], model, optimizer, 7);
            var header = Checkpoint.Load(dir["v1.bin"], copy, null);
            Assert.Equal((7L, 1, (string?)null), (header.Step, header.Version, header.Preset));
            var a = model.parameters().First().detach().cpu().data<float>().ToArray();
            var b = copy.parameters().First().detach().cpu().data<float>().ToArray();
            Assert.Equal(a, b);
            using (var f = new FileStream(dir["v1.bin"], FileMode.Open)) f.SetLength(f.Length - 5000);
            var e = Assert.Throws<UserInputException>(() => Checkpoint.Load(dir["v1.bin"], copy, null));
            Assert.StartsWith($"checkpoint '{dir["v1.bin"]}' is truncated (", e.Message);
        }
    }
}
