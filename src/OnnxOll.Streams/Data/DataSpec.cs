using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Data;

/// <summary>Opens train/test sources from a CLI data spec.</summary>
/// <remarks>
/// Forms: <c>folder:/root</c> or <c>folder:train=/a,test=/b</c>; <c>tar:/x.tar</c> or <c>tar:train=/a.tar,test=/b.tar</c>;
/// <c>idx:images=..,labels=..[,names=..][,test_images=..,test_labels=..]</c>; <c>cifar10:/dir</c>; <c>cifar100:/dir</c>.
/// A single folder or tar with top-level <c>train</c> and <c>test</c> (or <c>val</c>) directories is split by them;
/// a tar given per split may still hold its members under <c>train/</c> / <c>test/</c>, which are stripped. Paths cannot contain commas.
/// </remarks>
public static class DataSpec
{
    private static readonly string[] TestNames = ["test", "val"];

    /// <summary>The kinds this class opens, as an unknown kind's message lists them.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["folder", "tar", "idx", "cifar10", "cifar100"];

    /// <summary>Parses <paramref name="spec"/> and opens its sources; errors name the spec and the field, and an unknown kind's error
    /// lists <see cref="Kinds"/> and <paramref name="otherKinds"/> (what the caller opens itself, e.g. <c>synthetic</c>).</summary>
    public static DataSplits Open(string spec, IReadOnlyList<string>? otherKinds = null)
    {
        var p = SpecParameters.Parse(spec, "Data");
        DataSplits result = p.Kind switch
        {
            "folder" => OpenFolder(p),
            "tar" => OpenTar(p),
            "idx" => OpenIdx(p),
            "cifar10" => OpenCifar(p, cifar100: false),
            "cifar100" => OpenCifar(p, cifar100: true),
            _ => throw new FormatException($"Data spec '{spec}': unknown kind '{p.Kind}' (expected one of {string.Join(", ", Kinds.Concat(otherKinds ?? []))})."),
        };
        try
        {
            p.RejectUnknown();
        }
        catch
        {
            result.Dispose();
            throw;
        }

        return result;
    }

    private static DataSplits OpenFolder(SpecParameters p)
    {
        if (p.Positional is { } root)
        {
            var test = TestNames.Select(n => Path.Combine(root, n)).FirstOrDefault(Directory.Exists);
            return Directory.Exists(Path.Combine(root, "train"))
                ? new DataSplits(new ImageFolderSource(Path.Combine(root, "train")), test is null ? null : new ImageFolderSource(test))
                : new DataSplits(new ImageFolderSource(root), null);
        }

        string trainDir = Required(p, p.GetString("train"), "train");
        string? testDir = p.GetString("test");
        return Pair(() => new ImageFolderSource(trainDir), testDir is null ? null : () => new ImageFolderSource(testDir));
    }

    private static DataSplits OpenTar(SpecParameters p)
    {
        if (p.Positional is { } tar)
        {
            var sources = TarImageSource.OpenSplits(tar, top => !top.Contains("train") ? [null] : Sub(top, TestNames) is { } test ? ["train", test] : ["train"]);
            return new DataSplits(sources[0], sources.Length > 1 ? sources[1] : null);
        }

        string trainTar = Required(p, p.GetString("train"), "train");
        string? testTar = p.GetString("test");
        return Pair(() => OpenSplitTar(trainTar, ["train"]), testTar is null ? null : () => OpenSplitTar(testTar, TestNames));
    }

    // A tar given per split may hold its members under train/ or test/; those are stripped. A tar whose only top-level
    // folder is a split name is stripped whichever split it is given for (e.g. a test tar streamed as training data).
    private static TarImageSource OpenSplitTar(string tar, string[] splitNames) =>
        TarImageSource.OpenSplits(tar, top => [Sub(top, splitNames) ?? OnlySplitFolder(top)])[0];

    private static string? OnlySplitFolder(IReadOnlySet<string> top) =>
        top.Count == 1 && (top.Contains("train") || TestNames.Any(top.Contains)) ? top.Single() : null;

    private static string? Sub(IReadOnlySet<string> top, string[] names) => names.FirstOrDefault(top.Contains);

    private static DataSplits OpenIdx(SpecParameters p)
    {
        string images = Required(p, p.GetString("images"), "images");
        string labels = Required(p, p.GetString("labels"), "labels");
        string? names = p.GetString("names");
        string? testImages = p.GetString("test_images");
        string? testLabels = p.GetString("test_labels");
        if ((testImages is null) != (testLabels is null))
        {
            throw new FormatException($"Data spec '{p.Spec}': fields 'test_images' and 'test_labels' must be given together.");
        }

        return Pair(() => new IdxSource(images, labels, names), testImages is null ? null : () => new IdxSource(testImages, testLabels!, names));
    }

    private static DataSplits OpenCifar(SpecParameters p, bool cifar100)
    {
        string dir = Required(p, p.Positional ?? p.GetString("path"), "path");
        return cifar100
            ? Pair(() => CifarBinarySource.Cifar100(dir, true), () => CifarBinarySource.Cifar100(dir, false))
            : Pair(() => CifarBinarySource.Cifar10(dir, true), () => CifarBinarySource.Cifar10(dir, false));
    }

    private static DataSplits Pair(Func<ILabelledSampleSource> train, Func<ILabelledSampleSource>? test)
    {
        var trainSource = train();
        try
        {
            return new DataSplits(trainSource, test?.Invoke());
        }
        catch
        {
            trainSource.Dispose();
            throw;
        }
    }

    private static string Required(SpecParameters p, string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw new FormatException($"Data spec '{p.Spec}': field '{field}' is required.") : value;
}
