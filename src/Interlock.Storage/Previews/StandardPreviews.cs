using Interlock.Previews;
using Interlock.Storage.Previews.Terraform;

namespace Interlock.Storage.Previews;

/// <summary>What the standard previewers may do beyond reading local files: run look-only programs, and their budget.</summary>
public sealed record PreviewOptions
{
    /// <summary>False turns every preview off (the reviewer then sees the command alone).</summary>
    public bool Enabled { get; init; } = true;
    public PreviewBudget Budget { get; init; } = PreviewBudget.Default;
    /// <summary>
    /// The terraform (or tofu) binary for <c>show -json</c> of a saved binary plan; null (the default) to read plan JSON
    /// and local state only. Off by default: <c>show</c> starts the provider plugins in the workspace's
    /// <c>.terraform/</c>, which the agent can write, as the gateway's user.
    /// </summary>
    public string? TerraformProgram { get; init; }
    /// <summary>Ask a remote for its branch heads before a force push (<c>git ls-remote</c>: network I/O), not only the remote-tracking ref.</summary>
    public bool GitLsRemote { get; init; }
    /// <summary>Let the SQL preview use connections the command names, not only the resource map's (see <see cref="Sql.SqlPreviewerOptions"/>).</summary>
    public bool SqlCommandConnections { get; init; }
}

/// <summary>The previewers every entry point runs (gateway, exec, mcp-proxy, plan): one list, so they all show the same.</summary>
public static class StandardPreviews
{
    /// <summary>The runner of the standard previewers, or null when previews are off.</summary>
    public static PreviewRunner? Create(TimeProvider time, PreviewOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        options ??= new PreviewOptions();
        if (!options.Enabled) return null;
        IPreviewer[] previewers =
        [
            new Files.FilesPreviewer(),
            new Git.GitPreviewer(new Git.GitPreviewerOptions { AllowLsRemote = options.GitLsRemote }),
            new Sql.SqlPreviewer(new Sql.SqlPreviewerOptions { CommandConnections = options.SqlCommandConnections }),
            new TerraformPreviewer(time, new TerraformPreviewOptions { Program = options.TerraformProgram }),
            new Cloud.CloudScopePreviewer(),
        ];
        return new PreviewRunner(previewers, time, options.Budget);
    }
}
