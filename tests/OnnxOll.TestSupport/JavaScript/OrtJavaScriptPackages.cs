namespace OnnxOll.TestSupport.JavaScript;

/// <summary>npm's onnxruntime-node and onnxruntime-web at the version of the .NET package, installed once per machine into a cache folder.</summary>
/// <remarks>The folder is <c>ONNXOLL_JS_CACHE</c> or a temp folder named by the version. onnxruntime-node's install script would fetch CUDA
/// binaries; <c>ONNXRUNTIME_NODE_INSTALL=skip</c> keeps the CPU binaries the package bundles.</remarks>
public static class OrtJavaScriptPackages
{
    public const string Version = "1.31.1";

    private static readonly Lazy<string> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder whose node_modules holds both packages (installing them on first use).</summary>
    public static string Root => Installed.Value;

    /// <summary>onnxruntime-web's dist folder (ort.wasm.min.mjs and its .wasm files).</summary>
    public static string WebDist => Path.Combine(Root, "node_modules", "onnxruntime-web", "dist");

    private static string Install()
    {
        string root = Environment.GetEnvironmentVariable("ONNXOLL_JS_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Path.GetTempPath(), $"onnxoll-js-ort-{Version}");
        string marker = Path.Combine(root, "installed.txt");
        if (File.Exists(marker))
        {
            return root;
        }

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "package.json"), "{\"private\": true}\n");
        NodeTools.Run(NodeTools.Npm!, ["install", "--no-audit", "--no-fund", "--loglevel=error", $"onnxruntime-node@{Version}", $"onnxruntime-web@{Version}"],
            root, TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["ONNXRUNTIME_NODE_INSTALL"] = "skip" });
        File.WriteAllText(marker, Version + "\n");
        return root;
    }
}
