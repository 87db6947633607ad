using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Distillation to the zero-shot model (ZSCL-style) as a plugin: before each batch the frozen model's distribution over a
/// reference vocabulary is computed on the staged images, and a <see cref="ZeroShotDistillationTerm"/> pulls the learner's toward it.</summary>
public sealed class ZeroShotDistillation : LearnerPlugin, IDisposable
{
    private readonly DistillationTeacher teacher;
    private readonly double weight;
    private readonly float[] probabilities;

    /// <summary>Distils over <paramref name="referenceClasses"/> with <paramref name="weight"/>, for batches of up to <paramref name="maxBatch"/> images.</summary>
    public ZeroShotDistillation(ClipModelRuntime model, IReadOnlyList<string> referenceClasses, IReadOnlyList<string> prompts, double weight, int maxBatch)
    {
        teacher = new DistillationTeacher(model, referenceClasses, new PromptTemplates(prompts), maxBatch);
        this.weight = weight;
        probabilities = new float[maxBatch * teacher.Count];
    }

    /// <summary>The catalog's <c>distill:weight=W,classes=FILE</c>: the method <c>--distill W --distill-classes FILE</c> also runs.</summary>
    public static MethodDefinition Definition { get; } = new(
        "distill",
        [new("weight", "1"), new("classes", null)],
        static spec =>
        {
            spec.Number("weight", double.Epsilon);
            if (!File.Exists(spec.Text("classes")))
            {
                throw new ArgumentException($"--method distill: classes file '{spec.Text("classes")}' does not exist.");
            }
        },
        static (spec, host) => host.Options.DistillWeight > 0
            ? throw new ArgumentException("--method distill and --distill name the same method; give one.")
            : new ZeroShotDistillation(host.Model, HoldoutList.Read(spec.Text("classes")), host.Options.Prompts, spec.Number("weight", double.Epsilon), host.PlanCapacity));

    /// <inheritdoc/>
    public override IEnumerable<TrainingLossTerm> LossTerms(LearnerContext context)
    {
        context.TermInputs.Set(ClipGraphNames.ReferenceText, teacher.ReferenceText, teacher.Count, context.Model.Config.ProjectionDim);
        return [new ZeroShotDistillationTerm(weight)];
    }

    /// <inheritdoc/>
    public override void BeforeBatch(LearnerContext context)
    {
        int count = context.BatchLabels.Length;
        if (count > 0)
        {
            teacher.Probabilities(context.Pixels.Span, count, probabilities);
            context.TermInputs.Set(ClipGraphNames.TeacherProbabilities, probabilities, count, teacher.Count);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => teacher.Dispose();
}
