namespace GenomicCode.Training;

/// <summary>Hooks into a training run: logging, progress bars, early stopping.</summary>
public interface ITrainingCallback
{
    /// <summary>Called after every completed step with its plain-number metrics.</summary>
    void OnStep(Trainer trainer, StepMetrics metrics);

    /// <summary>Called after a checkpoint has been written.</summary>
    void OnCheckpoint(Trainer trainer, string path) { }
}
