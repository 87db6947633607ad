namespace OnnxOll.Streams.Scenarios;

/// <summary>An ordered stream of training samples split into tasks, with the classes each task contains.</summary>
public sealed class Scenario
{
    /// <summary>Creates a scenario; <paramref name="entries"/> must be ordered by task.</summary>
    public Scenario(
        IReadOnlyList<StreamEntry> entries,
        IReadOnlyList<IReadOnlySet<string>> taskClasses,
        IReadOnlySet<string> disjointClasses)
    {
        Entries = entries;
        TaskClasses = taskClasses;
        DisjointClasses = disjointClasses;
        var counts = new int[taskClasses.Count];
        int previous = 0;
        foreach (var e in entries)
        {
            if (e.Task < previous || e.Task >= counts.Length)
            {
                throw new ArgumentException($"Stream entry of sample {e.SampleIndex} has task {e.Task} out of order or out of range.", nameof(entries));
            }

            previous = e.Task;
            counts[e.Task]++;
        }

        TaskSizes = counts;
    }

    /// <summary>The stream in arrival order.</summary>
    public IReadOnlyList<StreamEntry> Entries { get; }

    /// <summary>Per task, the class names of its samples.</summary>
    public IReadOnlyList<IReadOnlySet<string>> TaskClasses { get; }

    /// <summary>Classes confined to a single task (all classes for disjoint, the N % for Si-Blurry, none for iid).</summary>
    public IReadOnlySet<string> DisjointClasses { get; }

    /// <summary>Number of samples in each task.</summary>
    public IReadOnlyList<int> TaskSizes { get; }

    /// <summary>Number of tasks.</summary>
    public int TaskCount => TaskClasses.Count;
}
