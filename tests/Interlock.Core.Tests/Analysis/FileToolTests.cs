using Interlock.Actions;

namespace Interlock.Core.Tests.Analysis;

/// <summary>Agents' own file tools (Claude Code's Read and Grep, Gemini's read_file …): what they read decides.</summary>
public sealed class FileToolTests
{
    private static Evaluation Eval(string tool, string path) => AnalysisKit.Evaluator.Evaluate(new ActionRequest
    {
        Tool = tool, Path = path, Cwd = AnalysisKit.Workspace, Home = AnalysisKit.Home,
    });

    [Theory]
    [InlineData("Read", "/home/dev/project/README.md", "allow")]
    [InlineData("Read", "/home/dev/.ssh/id_rsa", "deny")]
    // A search reads every file below its path: a directory of keys is a credential read, though no file is named.
    [InlineData("Grep", "/home/dev/.ssh", "deny")]
    [InlineData("Grep", "/home/dev/.aws", "deny")]
    [InlineData("Grep", "/home/dev/project/src", "allow")]
    // Listing names reads no content.
    [InlineData("LS", "/home/dev/.ssh", "allow")]
    public void Decides(string tool, string path, string outcome) => Assert.Equal(outcome, Eval(tool, path).Outcome());

    [Theory]
    [InlineData("Read\0x", "/home/dev/project/README.md")]
    [InlineData("Read", "/home/dev/project/README.md\0.ssh/id_rsa")]
    public void A_nul_byte_in_a_tool_or_path_is_not_understood(string tool, string path)
    {
        var e = Eval(tool, path);
        Assert.NotEqual("allow", e.Outcome());
        Assert.Contains(e.Facts.Gaps, g => g.Kind == "binary");
    }
}
