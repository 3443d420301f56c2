using Interlock.Actions;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Sql;

namespace Interlock.Storage.Tests.Previews.Sql;

/// <summary>Evaluations of shell commands under the repository's default policy, and the sql previewer run on them.</summary>
internal static class SqlPreviewTestSupport
{
    private static readonly Lazy<CompiledPolicy> DefaultPolicy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) dir = dir.Parent;
        var path = Path.Combine(dir!.FullName, "policies", "default.yaml");
        var result = PolicyLoader.Load(File.ReadAllText(path), "policies/default.yaml");
        Assert.True(result.Success, string.Join('\n', result.Errors));
        return result.Policy!;
    });

    public static ActionEvaluator Evaluator(ResourceMap? map = null) => new(new PolicyStack([DefaultPolicy.Value], map: map));

    public static Evaluation Evaluate(string command, string cwd, ResourceMap? map = null) =>
        Evaluator(map).Evaluate(new ActionRequest { Command = command, Cwd = cwd, Home = cwd });

    public static async Task<Preview> PreviewAsync(string command, string cwd, ResourceMap? map = null, PreviewBudget? budget = null, CancellationToken cancellationToken = default)
    {
        var evaluation = Evaluate(command, cwd, map);
        var preview = await new SqlPreviewer().PreviewAsync(new PreviewContext(evaluation, map ?? ResourceMap.Empty, budget ?? PreviewBudget.Default), cancellationToken);
        Assert.NotNull(preview);
        return preview!;
    }

    public static ResourceMap Map(params MappedResource[] resources) => new(resources, "test");

    public static MappedResource Resource(string id, string match, string? connection = null, bool preview = true) =>
        new() { Id = id, Kind = "database", Match = [Glob.Parse(match)], Connection = connection, Preview = preview };

    public static PreviewItem Item(Preview p, string kind, string text) =>
        Assert.Single(p.Items, i => i.Kind == kind && i.Text == text);
}
