using Interlock.Actions;
using Interlock.Policy;
using Interlock.Previews;
using Interlock.Risk;
using Interlock.Storage.Previews.Sql;

namespace Interlock.Storage.Tests.Previews.Sql;

/// <summary>Evaluations of shell commands under the repository's default policy, and the sql previewer run on them.</summary>
internal static class SqlPreviewTestSupport
{
    public static ActionEvaluator Evaluator(ResourceMap? map = null) => PreviewTestSupport.EvaluatorWith(map);

    public static Evaluation Evaluate(string command, string cwd, ResourceMap? map = null) =>
        Evaluator(map).Evaluate(new ActionRequest { Command = command, Cwd = cwd, Home = cwd });

    /// <summary>
    /// The sql preview of <paramref name="command"/>. These tests name their databases on the command line, so they
    /// trust command connections (<see cref="SqlPreviewerOptions.CommandConnections"/>); the default is tested apart.
    /// </summary>
    public static async Task<Preview> PreviewAsync(string command, string cwd, ResourceMap? map = null, PreviewBudget? budget = null, CancellationToken cancellationToken = default, bool commandConnections = true)
    {
        var evaluation = Evaluate(command, cwd, map);
        var previewer = new SqlPreviewer(new SqlPreviewerOptions { CommandConnections = commandConnections });
        var preview = await previewer.PreviewAsync(new PreviewContext(evaluation, map ?? ResourceMap.Empty, budget ?? PreviewBudget.Default), cancellationToken);
        Assert.NotNull(preview);
        return preview!;
    }

    public static ResourceMap Map(params MappedResource[] resources) => new(resources, "test");

    public static MappedResource Resource(string id, string match, string? connection = null, bool preview = true) =>
        new() { Id = id, Kind = "database", Match = [Glob.Parse(match)], Connection = connection, Preview = preview };

    public static PreviewItem Item(Preview p, string kind, string text) =>
        Assert.Single(p.Items, i => i.Kind == kind && i.Text == text);
}
