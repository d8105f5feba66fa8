using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Tests.Training;

[Collection(TorchCollection.Name)]
public class TrainerTests
{
    private static readonly ModelOptions Small = TestModels.Options(latent: 4, hidden: 64);
    private static readonly SpritesWorld World = new();

    private static (GenomeVae, Trainer) Make(TrainingOptions options, ModelOptions? model = null)
    {
        var m = GenomeVae.Create(model ?? Small, World.ObservationShape, options.Seed, torch.CPU);
        return (m, new Trainer(m, World, options, torch.CPU));
    }

    [Fact]
    public void Should_ReduceTheLoss_When_Trained30Steps()
    {
        var (model, trainer) = Make(new TrainingOptions { Steps = 30, BatchSize = 16, LearningRate = 1e-3, Seed = 1 });
        using (model)
        using (trainer)
        {
            var losses = Enumerable.Range(0, 30).Select(_ => trainer.TrainStep().Loss).ToArray();
            double first = losses.Take(5).Average(), last = losses.Skip(25).Average();
            Assert.True(last < 0.7 * first, $"loss went from {first:F1} to {last:F1}");
            Assert.Equal(30, trainer.Step);
        }
    }

    [Fact]
    public void Should_KeepTheLiveTensorCountFlat_When_Training20Steps()
    {
        var (model, trainer) = Make(new TrainingOptions { Steps = 40, BatchSize = 8, Seed = 2 });
        using (model)
        using (trainer)
        {
            for (int i = 0; i < 3; i++) trainer.TrainStep(); // Adam creates its moment buffers on the first step
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 20; i++) trainer.TrainStep();
            long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public void Should_GiveIdenticalOutputs_When_CheckpointSavedAndLoaded()
    {
        using var dir = new TempDir();
        var options = new TrainingOptions { Steps = 5, BatchSize = 8, Seed = 3 };
        var (model, trainer) = Make(options);
        var (copy, copyTrainer) = Make(options with { Seed = 3 });
        using (model)
        using (trainer)
        using (copy)
        using (copyTrainer)
        {
            for (int i = 0; i < 5; i++) trainer.TrainStep();
            trainer.SaveCheckpoint(dir["c.bin"]);
            copyTrainer.LoadCheckpoint(dir["c.bin"]);
            Assert.Equal(5, copyTrainer.Step);
            using var x = World.Render(World.SampleFactors(4, 9));
            model.eval();
            copy.eval();
            using var a = model.Develop(model.Encode(x));
            using var b = copy.Develop(copy.Encode(x));
            Assert.True(a.eq(b).all().item<bool>());
            Assert.Equal(new[] { "c.bin" }, Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName)); // no temporary file left
        }
    }

    [Fact]
    public void Should_ContinueExactlyLikeAnUninterruptedRun_When_Resumed()
    {
        using var dir = new TempDir();
        var options = new TrainingOptions { Steps = 8, BatchSize = 8, Seed = 4, LearningRate = 1e-3 };
        var (straight, straightTrainer) = Make(options);
        var (first, firstTrainer) = Make(options);
        var (resumed, resumedTrainer) = Make(options);
        using (straight) using (straightTrainer) using (first) using (firstTrainer) using (resumed) using (resumedTrainer)
        {
            var straightLosses = Enumerable.Range(0, 8).Select(_ => straightTrainer.TrainStep().Loss).ToArray();
            for (int i = 0; i < 4; i++) firstTrainer.TrainStep();
            firstTrainer.SaveCheckpoint(dir["half.bin"]);
            resumedTrainer.LoadCheckpoint(dir["half.bin"]);
            Assert.Equal(4, resumedTrainer.Step);
            var resumedLosses = Enumerable.Range(0, 4).Select(_ => resumedTrainer.TrainStep().Loss).ToArray();
            Assert.Equal(8, resumedTrainer.Step);
            for (int i = 0; i < 4; i++) Assert.Equal(straightLosses[4 + i], resumedLosses[i], 3);
        }
    }

    [Fact]
    public void Should_RefuseACheckpointOfAnotherShape_When_Loading()
    {
        using var dir = new TempDir();
        var options = new TrainingOptions { Steps = 2, BatchSize = 4 };
        var (model, trainer) = Make(options);
        var (other, otherTrainer) = Make(options, Small with { LatentSize = 5 });
        using (model) using (trainer) using (other) using (otherTrainer)
        {
            trainer.TrainStep();
            trainer.SaveCheckpoint(dir["c.bin"]);
            var e = Assert.Throws<UserInputException>(() => otherTrainer.LoadCheckpoint(dir["c.bin"]));
            Assert.Contains("latentSize: checkpoint 4, model 5", e.Message);
            File.WriteAllText(dir["junk.bin"], "junk");
            Assert.Throws<UserInputException>(() => otherTrainer.LoadCheckpoint(dir["junk.bin"]));
        }
    }

    [Fact]
    public void Should_StopBeforeUpdating_When_TheLossIsNotFinite()
    {
        var (model, trainer) = Make(new TrainingOptions { Steps = 3, BatchSize = 4 });
        using (model)
        using (trainer)
        {
            using (torch.no_grad())
                model.parameters().First().fill_(float.NaN);
            var e = Assert.Throws<NonFiniteLossException>(() => trainer.TrainStep());
            Assert.Equal(1, e.Step);
            Assert.Equal(0, trainer.Step);
        }
    }

    [Fact]
    public void Should_LeaveUnitNormGradients_When_NormalizeGradientsIsOn()
    {
        var (model, trainer) = Make(new TrainingOptions { Steps = 2, BatchSize = 4, NormalizeGradients = true });
        using (model)
        using (trainer)
        {
            Assert.True(double.IsFinite(trainer.TrainStep().Loss));
            // The gradients the Adam step used stay on the parameters until the next step's zero_grad.
            foreach (var p in model.parameters())
                Assert.InRange(p.grad!.norm().item<float>(), 0.99f, 1.0001f); // |g| / (|g| + 1e-8)
        }
    }

    [Fact]
    public void Should_NameTheBadField_When_TrainingOptionsAreInvalid()
    {
        Assert.Contains("Steps", Assert.Throws<UserInputException>(() => new TrainingOptions { Steps = 0 }.Validate()).Message);
        Assert.Contains("LearningRate", Assert.Throws<UserInputException>(() => new TrainingOptions { LearningRate = -1 }.Validate()).Message);
        Assert.Contains("BatchSize", Assert.Throws<UserInputException>(() => new TrainingOptions { BatchSize = 0 }.Validate()).Message);
    }
}
