using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OnnxOll.Learning.Runs;

namespace OnnxOll.Cli.Tests.Runs;

/// <summary>Edits checkpoint manifests as a careless tool or a bug would: optionally with a recomputed <c>manifest_sha256</c>
/// (SHA-256 of the compact JSON without that field), so the checks behind the checksum are reached too.</summary>
internal static class Manifests
{
    public static string Newest(string run) => Directory.GetFiles(run, "ckpt-*.json").Order(StringComparer.Ordinal).Last();

    public static void Edit(string path, Action<JsonObject> edit, bool resign)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        if (resign)
        {
            json.Remove("manifest_sha256");
            json["manifest_sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString())));
        }

        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Makes a finished run look like one killed just before its end, so <c>--resume</c> continues it.</summary>
    public static void MarkUnfinished(string run)
    {
        string path = Path.Combine(run, RunFolder.SettingsFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["finished_utc"] = null;
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>A copy of a run folder (files only), for damaging one copy and comparing against the untouched one.</summary>
    public static string Copy(string run, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(run).Where(f => Path.GetFileName(f) != RunFolder.LockFileName))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return target;
    }
}
