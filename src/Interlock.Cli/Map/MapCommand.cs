using System.CommandLine;
using Interlock.Risk;
using Interlock.Server.Policies;

namespace Interlock.Cli.Map;

/// <summary><c>interlock map lint|show|impact</c>: check a resource map, list it, and see what a change to one resource reaches.</summary>
internal static class MapCommand
{
    public static Command Create() => new("map", "The resource map: resources, environments, protection and coupling (depends_on / read_by) the blast radius is scored with.")
    {
        CreateLint(),
        CreateShow(),
        CreateImpact(),
    };

    private static Option<string?> MapOption() => new("--map") { Description = "A resource map file. Default: the one the policy names (resource_map:)." };

    private static Option<string?> PolicyOption() => new("--policy") { Description = "Policy file whose resource_map: is read when --map is not given." };

    private static Command CreateLint()
    {
        var file = new Argument<string>("file") { Description = "The resource map file (YAML)." };
        var cmd = new Command("lint", "Check a resource map: every error with file:line:col; exit 1 when there is one.") { file };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (PolicySource.ReadOrNull(path) is not { } text)
            {
                Console.Error.WriteLine($"interlock: cannot read {path}");
                return 1;
            }
            var loaded = ResourceMapLoader.Load(text, path);
            if (!loaded.Success)
            {
                foreach (var e in loaded.Errors) Console.Error.WriteLine(e.ToString());
                return 1;
            }
            var map = loaded.Map;
            int edges = map.Resources.Sum(r => r.DependsOn.Count + r.ReadBy.Count);
            Console.Out.WriteLine($"ok: {path}: {map.Resources.Count} resources, {edges} coupling edges, {map.Resources.Count(r => r.Protected)} protected");
            // A resource no target can name is only reached through coupling: worth knowing, not an error.
            foreach (var r in map.Resources.Where(r => r.Match.Count == 0 && !map.Resources.Any(o => o.DependsOn.Contains(r.Id) || r.ReadBy.Count > 0)))
                Console.Out.WriteLine($"note: {path}:{r.Line}: '{r.Id}' has no match patterns and reaches nothing: no action can touch it");
            return 0;
        });
        return cmd;
    }

    private static Command CreateShow()
    {
        var map = MapOption();
        var policy = PolicyOption();
        var cmd = new Command("show", "Every resource: kind, environment, protection, match patterns and how many resources a change to it reaches.") { map, policy };
        cmd.SetAction(parse =>
        {
            if (Load(parse.GetValue(map), parse.GetValue(policy)) is not { } m) return 1;
            foreach (var r in m.Resources)
            {
                var env = r.Environment == Interlock.Actions.EnvironmentKind.Unknown ? "-" : r.Environment.ToString().ToLowerInvariant();
                var downstream = m.Downstream(r.Id);
                Console.Out.WriteLine($"{r.Id}\t{r.Kind}\t{env}\t{(r.Protected ? "protected" : "-")}\t{(r.Preview ? "preview" : "no-preview")}\t{downstream.Count} downstream\t{string.Join(' ', r.Match.Select(g => g.Pattern))}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command CreateImpact()
    {
        var map = MapOption();
        var policy = PolicyOption();
        var resource = new Argument<string>("resource") { Description = "A resource id, or a target (path, host, name) the map matches." };
        var cmd = new Command("impact", "What a change to one resource reaches, nearest first, and the coupling level it scores.") { map, policy, resource };
        cmd.SetAction(parse =>
        {
            if (Load(parse.GetValue(map), parse.GetValue(policy)) is not { } m) return 1;
            var name = parse.GetValue(resource)!;
            var roots = m.Find(name) is { } byId ? [byId] : m.Matching(name).ToList();
            if (roots.Count == 0)
            {
                Console.Error.WriteLine($"interlock: '{name}' is neither a resource id nor a target any resource matches");
                return 1;
            }
            foreach (var root in roots)
            {
                var downstream = m.Downstream(root.Id);
                var blast = BlastScorer.Score(Interlock.Risk.Tier.WriteAutonomous, "workspace", Reversibility.Reversible, false, root.Environment, [root.Id], downstream);
                Console.Out.WriteLine($"{root.Id} ({root.Kind}{(root.Protected ? ", protected" : "")}): a change reaches {downstream.Count} resource{(downstream.Count == 1 ? "" : "s")}; coupling alone scores {DecisionDocumentLevel(blast.Level)}");
                foreach (var d in downstream)
                {
                    var env = d.Environment == Interlock.Actions.EnvironmentKind.Unknown ? "" : ", " + d.Environment.ToString().ToLowerInvariant();
                    Console.Out.WriteLine($"  {d.Id} ({d.Kind}{env}{(d.Protected ? ", protected" : "")})");
                }
            }
            return 0;
        });
        return cmd;
    }

    private static string DecisionDocumentLevel(BlastLevel level) => Interlock.Pipeline.DecisionDocumentJson.LevelName(level);

    private static ResourceMap? Load(string? mapPath, string? policyPath)
    {
        if (mapPath is not null)
        {
            if (PolicySource.ReadOrNull(mapPath) is not { } text)
            {
                Console.Error.WriteLine($"interlock: cannot read {mapPath}");
                return null;
            }
            var loaded = ResourceMapLoader.Load(text, mapPath);
            foreach (var e in loaded.Errors) Console.Error.WriteLine(e.ToString());
            return loaded.Map;
        }
        if (PolicySource.Load(policyPath, Console.Error) is not { } stack) return null;
        if (stack.Map.IsEmpty)
        {
            Console.Error.WriteLine("interlock: the policy names no resource map (resource_map:); give one with --map FILE");
            return null;
        }
        return stack.Map;
    }
}
