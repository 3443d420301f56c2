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

    /// <summary>
    /// The same actions as an MCP client sends them (<c>tools/call</c> of a filesystem server's tools): MCP has no shell,
    /// so each row names the tool and arguments that do what the command does, and must get the same decision.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Tool, string Arguments)> Mcp = new Dictionary<string, (string, string)>
    {
        ["read"] = ("read_text_file", """{"path": "README.md"}"""),
        ["workspace write"] = ("write_file", """{"path": "notes.txt", "content": "hi"}"""),
        ["approval"] = ("write_file", """{"path": "/etc/hosts", "content": "127.0.0.1 localhost"}"""),
        ["never"] = ("delete_directory", """{"path": "~", "recursive": true}"""),
        ["self-protection"] = ("write_file", """{"path": ".claude/settings.json", "content": "{}"}"""),
    };

    public static TheoryData<string, string, string> Data(params (string What, string Command, string Decision)[] more)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (what, command, decision) in Common.Concat(more)) data.Add(what, command, decision);
        return data;
    }
}
