using Interlock.Actions;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Storage.Tests.Previews;

/// <summary>Evaluations of real commands under the repository's default policy, and preview contexts around them.</summary>
internal static class PreviewTestSupport
{
    private static readonly Lazy<ActionEvaluator> Default = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Interlock.slnx not found"), "policies", "default.yaml");
        var loaded = PolicyLoader.Load(File.ReadAllText(path), path);
        Assert.True(loaded.Success, string.Join('\n', loaded.Errors));
        return new ActionEvaluator(loaded.Policy!);
    });

    public static ActionEvaluator Evaluator => Default.Value;

    public static Evaluation Evaluate(string command, string cwd, System.Text.Json.JsonElement? arguments = null) =>
        Evaluator.Evaluate(new ActionRequest { Command = command, Cwd = cwd, Home = "/home/dev", Arguments = arguments });

    public static PreviewContext Context(string command, string cwd, ResourceMap? map = null, PreviewBudget? budget = null) =>
        new(Evaluate(command, cwd), map ?? ResourceMap.Empty, budget ?? PreviewBudget.Default);
}
