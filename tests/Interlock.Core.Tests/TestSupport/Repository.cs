using Interlock.Actions;
using Interlock.Policy;

namespace Interlock.Core.Tests.TestSupport;

/// <summary>Files of this repository (policies, corpus) and evaluators built from them, for tests.</summary>
internal static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Interlock.slnx not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<ActionEvaluator> LazyDefault = new(() => new ActionEvaluator(LoadPolicy("policies/default.yaml")));

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Loads a policy file of the repository, failing the test with every load error.</summary>
    public static CompiledPolicy LoadPolicy(string relative)
    {
        var result = PolicyLoader.Load(File.ReadAllText(PathOf(relative)), relative);
        Assert.True(result.Success, string.Join('\n', result.Errors));
        return result.Policy!;
    }

    /// <summary>An evaluator with the built-in default policy.</summary>
    public static ActionEvaluator DefaultEvaluator => LazyDefault.Value;

    /// <summary>The home and workspace the corpus and most tests assume.</summary>
    public const string Home = "/home/dev";

    public const string Workspace = "/home/dev/project";

    public static Evaluation Check(string command, string cwd = Workspace) =>
        DefaultEvaluator.Evaluate(new ActionRequest { Command = command, Cwd = cwd, Home = Home });
}
