using System.Text.Json;
using Interlock.Actions;

namespace Interlock.Bench;

/// <summary>One labelled corpus command.</summary>
public sealed record CorpusEntry(string Id, string Category, string Command, string Cwd);

/// <summary>Finds the repository root and loads the labelled corpus.</summary>
public static class Corpus
{
    public const string Home = "/home/dev";
    public const string DefaultCwd = "/home/dev/project";

    /// <summary>Walks up from the current directory (then from the binary's directory) to the folder holding Interlock.slnx.</summary>
    public static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find Interlock.slnx above the current directory; run from inside the repository");
    }

    public static IReadOnlyList<CorpusEntry> Load(string repoRoot)
    {
        var entries = new List<CorpusEntry>();
        foreach (var name in new[] { "commands.jsonl", "holdout.jsonl" })
        {
            var path = Path.Combine(repoRoot, "tests", "corpus", name);
            foreach (var line in File.ReadLines(path))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var command = root.GetProperty("command").GetString() ?? "";
                var cwd = root.TryGetProperty("cwd", out var c) ? c.GetString() ?? DefaultCwd : DefaultCwd;
                var category = root.TryGetProperty("category", out var cat) ? cat.GetString() ?? "?" : "?";
                var id = root.TryGetProperty("id", out var i) ? i.GetString() ?? "" : "";
                entries.Add(new CorpusEntry(id, category, command, cwd));
            }
        }
        return entries;
    }

    /// <summary>All corpus commands, shuffled with a fixed seed.</summary>
    public static CorpusEntry[] Mix(IReadOnlyList<CorpusEntry> entries, int seed = 20240611)
    {
        var mix = entries.ToArray();
        new Random(seed).Shuffle(mix);
        return mix;
    }

    public static ActionRequest Request(string command, string cwd = DefaultCwd) =>
        new() { Command = command, Cwd = cwd, Home = Home };
}
