namespace OnnxOll.Learning.Tests.Learner;

/// <summary>Declares <see cref="TrainingStepTests.Serial"/> as a collection that never runs beside other tests.</summary>
[CollectionDefinition(TrainingStepTests.Serial, DisableParallelization = true)]
public sealed class SerialTrainingStepCollection;
