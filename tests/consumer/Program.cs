using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Metrics;
using GenomicCode.Models;
using GenomicCode.Runs;
using GenomicCode.Training;

NativeRuntime.ConfigureMalloc();
var device = Devices.Parse("cpu");
var world = new SpritesWorld();
var preset = PresetCatalog.Load("quickstart");
using var model = GenomeVae.Create(preset.Model, world.ObservationShape, seed: 0, device);
using var trainer = new Trainer(model, world, preset.Training with { Steps = 5, BatchSize = 16 }, device);
double first = 0, last = 0;
for (int i = 0; i < 5; i++) { var m = trainer.TrainStep(); if (i == 0) first = m.Loss; last = m.Loss; }
var factors = world.SampleFactors(200, 1);
var codes = new double[200, 5];
for (int r = 0; r < 200; r++) for (int c = 0; c < 5; c++) codes[r, c] = factors[r, c];
var (mig, _) = Mig.Compute(codes, factors);
Console.WriteLine($"consumer: loss {first:F1} -> {last:F1}; MIG of ground truth {mig:F3}");
