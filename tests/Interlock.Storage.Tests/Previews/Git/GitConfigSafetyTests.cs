using Interlock.Previews;
using Interlock.Storage.Previews.Files;
using Interlock.Storage.Previews.Git;

namespace Interlock.Storage.Tests.Previews.Git;

/// <summary>
/// The agent can write .git/config; the preview runs git as the gateway's user. A repository whose own config makes
/// git run a program (clean filters, textconv, fsmonitor, ssh) is never looked at: the preview is incomplete instead,
/// and the program never runs.
/// </summary>
public sealed class GitConfigSafetyTests
{
    public static TheoryData<string, string> Settings => new()
    {
        { "filter.evil.clean", "touch {0}" },
        { "filter.evil.process", "touch {0}" },
        { "diff.evil.textconv", "touch {0}; cat" },
        { "core.fsmonitor", "touch {0}" },
        { "core.sshCommand", "touch {0}" },
        { "alias.status", "!touch {0}" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task A_repository_whose_config_runs_a_program_is_not_looked_at_and_the_program_never_runs(string key, string value)
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("README.md", "hello\n"), (".gitattributes", "* filter=evil diff=evil\n"));
        GitFixture.Write(fx.A, "README.md", "changed, so status and diff would run the clean filter\n");
        var marker = Path.Combine(fx.Root, "pwned-" + key.Replace('.', '-'));
        GitFixture.Git(fx.A, "config", key, string.Format(System.Globalization.CultureInfo.InvariantCulture, value, marker));

        foreach (var (previewer, command) in new (IPreviewer, string)[] { (new GitPreviewer(), "git reset --hard"), (new FilesPreviewer(), "rm README.md") })
        {
            var runner = new PreviewRunner([previewer], TimeProvider.System);
            var preview = Assert.Single(await runner.RunAsync(GitFixture.Evaluate(command, fx.A), Interlock.Risk.ResourceMap.Empty, CancellationToken.None));
            Assert.Equal(PreviewStatus.Incomplete, preview.Status);
            Assert.Contains($"the repository's own git config runs a program ({key.ToLowerInvariant()})", preview.Limit, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(marker), $"{key} ran a program during a preview");
    }

    [Fact]
    public async Task An_ordinary_repository_config_is_looked_at()
    {
        using var fx = new GitFixture();
        fx.Commit(fx.A, "Ada Lovelace", "base", ("README.md", "hello\n"));
        GitFixture.Write(fx.A, "README.md", "changed\n");
        GitFixture.Git(fx.A, "config", "user.signingkey", "ABC");
        var preview = await new GitPreviewer().PreviewAsync(GitFixture.Context("git reset --hard", fx.A), CancellationToken.None);
        Assert.Equal(PreviewStatus.Complete, preview!.Status);
    }
}
