namespace Interlock.Tests.Shared;

/// <summary>
/// The one set of actions every entry point's end-to-end test sends (a read, a workspace write, an approval-needing
/// change, a NEVER action, a self-protection violation), with the decision each must get; shared by the CLI and server tests.
/// </summary>
internal static class EntryPointActions
{
    public static readonly (string What, string Command, string Decision)[] Common =
    [
        ("read", "cat README.md", "allow"),
        ("workspace write", "echo hi > notes.txt", "allow"),
        ("approval", "git push origin main", "require_approval"),
        ("never", "rm -rf ~", "deny"),
        ("self-protection", "echo '{}' > .claude/settings.json", "deny"),
    ];

    public static TheoryData<string, string, string> Data(params (string What, string Command, string Decision)[] more)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (what, command, decision) in Common.Concat(more)) data.Add(what, command, decision);
        return data;
    }
}
