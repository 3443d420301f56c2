using Interlock.Actions;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Storage.Tests.Previews;

/// <summary>Evaluations of real commands under the repository's default policy, and preview contexts around them.</summary>
internal static class PreviewTestSupport
{
    private static readonly Lazy<CompiledPolicy> DefaultPolicy = new(() =>
    {
        var path = Path.Combine(RepositoryRoot(), "policies", "default.yaml");
        var loaded = PolicyLoader.Load(File.ReadAllText(path), "policies/default.yaml");
        Assert.True(loaded.Success, string.Join('\n', loaded.Errors));
        return loaded.Policy!;
    });

    private static readonly Lazy<ActionEvaluator> Default = new(() => new ActionEvaluator(DefaultPolicy.Value));

    public static ActionEvaluator Evaluator => Default.Value;

    /// <summary>An evaluator of the default policy with <paramref name="map"/> as its resource map.</summary>
    public static ActionEvaluator EvaluatorWith(ResourceMap? map) => map is null ? Default.Value : new ActionEvaluator(new PolicyStack([DefaultPolicy.Value], map: map));

    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Interlock.slnx"))) return d.FullName;
        throw new InvalidOperationException("the repository root was not found above the test binaries");
    }

    public static Evaluation Evaluate(string command, string cwd, System.Text.Json.JsonElement? arguments = null) =>
        Evaluator.Evaluate(new ActionRequest { Command = command, Cwd = cwd, Home = "/home/dev", Arguments = arguments });

    public static PreviewContext Context(string command, string cwd, ResourceMap? map = null, PreviewBudget? budget = null) =>
        new(Evaluate(command, cwd), map ?? ResourceMap.Empty, budget ?? PreviewBudget.Default);
}
