using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;
using Interlock.Shell;

namespace Interlock.Core.Tests.Risk;

public class RiskTableTests
{
    private const string Ws = "/home/dev/project";
    private const string Home = "/home/dev";

    [Theory]
    [InlineData("/", Location.Root)]
    [InlineData("/etc", Location.System)]
    [InlineData("/etc/passwd", Location.System)]
    [InlineData("/usr/local/bin", Location.System)]
    [InlineData("/var/lib/postgresql", Location.System)]
    [InlineData("/home", Location.System)]
    [InlineData("/tmp", Location.System)]
    [InlineData("/tmp/x", Location.Temp)]
    [InlineData("/var/tmp/x", Location.Temp)]
    [InlineData("/dev/sda", Location.Device)]
    [InlineData("/dev/null", Location.Temp)]
    [InlineData("/home/dev", Location.Home)]
    [InlineData("/home/dev/notes.txt", Location.HomeContent)]
    [InlineData("/home/dev/.ssh", Location.HomeContent)]
    [InlineData("/home/dev/project", Location.WorkspaceRoot)]
    [InlineData("/home/dev/project/*", Location.WorkspaceRoot)]
    [InlineData("/home/dev/project/.git", Location.WorkspaceGit)]
    [InlineData("/home/dev/project/.git/objects", Location.WorkspaceGit)]
    [InlineData("/home/dev/project/node_modules", Location.WorkspaceRegenerable)]
    [InlineData("/home/dev/project/src/bin/Debug", Location.WorkspaceRegenerable)]
    [InlineData("/home/dev/project/src", Location.WorkspaceContent)]
    [InlineData("/home/dev/project/src/*", Location.WorkspaceContent)]
    [InlineData("/home/dev/project/src/main.cs", Location.WorkspaceContent)]
    [InlineData("/home/dev/*", Location.Home)]
    [InlineData("/*", Location.Root)]
    [InlineData("/etc/*", Location.System)]
    [InlineData("/srv", Location.System)]
    [InlineData("/srv/data", Location.Outside)]
    [InlineData("/data2/x", Location.Outside)]
    [InlineData("/home/other/project", Location.Outside)]
    [InlineData("/**", Location.System)]
    [InlineData("/home/dev/project/**", Location.WorkspaceRoot)]
    [InlineData("/home/dev/project/**/node_modules", Location.WorkspaceRegenerable)]
    [InlineData("/home/dev/project/**/*.cs", Location.WorkspaceContent)]
    [InlineData("/etc/**", Location.System)]
    [InlineData("", Location.Unknown)]
    public void Classify_locations(string path, Location expected) =>
        Assert.Equal(expected, PathLocations.Classify(path, Ws, Home));

    // The workspace is the agent's cwd: one containing `/**` once made classification rewrite a path to itself until the
    // stack overflowed. Any answer will do here; returning at all is the point.
    [Theory]
    [InlineData("/home/dev/project/**x/a/b", "/home/dev/project/**x")]
    [InlineData("/w/**x/**y/**z", "/w/**x/**y")]
    [InlineData("/a/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*", "/a")]
    public void Classify_returns_for_workspaces_and_paths_made_of_globs(string path, string workspace) =>
        _ = PathLocations.Classify(path, workspace, Home);

    [Fact]
    public void Classify_unknown_parts_use_the_known_directory()
    {
        var u = ShellArg.Unknown;
        Assert.Equal(Location.Unknown, PathLocations.Classify($"{u}", Ws, Home));
        Assert.Equal(Location.Unknown, PathLocations.Classify($"{u}/x", Ws, Home));
        Assert.Equal(Location.WorkspaceContent, PathLocations.Classify($"/home/dev/project/{u}", Ws, Home));
        Assert.Equal(Location.Temp, PathLocations.Classify($"/tmp/{u}", Ws, Home));
        Assert.Equal(Location.Unknown, PathLocations.Classify($"/{u}", Ws, Home));
        Assert.Equal(Location.HomeContent, PathLocations.Classify($"/home/dev/{u}", Ws, Home));
    }

    [Theory]
    [InlineData("/home/dev/project/../../..", "/")]
    [InlineData("/home/dev/project/src/../../other", "/home/dev/other")]
    public void Dot_dot_escapes_are_normalized_before_classification(string raw, string normalized)
    {
        Assert.Equal(normalized, PathResolver.Normalize(raw));
        Assert.NotEqual(Location.WorkspaceContent, PathLocations.Classify(PathResolver.Normalize(raw), Ws, Home));
    }

    [Fact]
    public void Dot_segments_inside_the_workspace_stay_inside() =>
        Assert.Equal(Location.WorkspaceContent, PathLocations.Classify(PathResolver.Normalize("/home/dev/project/./src//x"), Ws, Home));

    [Theory]
    [InlineData("/home/dev/.aws/credentials")]
    [InlineData("/home/dev/.aws/sso/cache/abc.json")]
    [InlineData("/home/dev/.netrc")]
    [InlineData("/home/dev/.pgpass")]
    [InlineData("/home/dev/.my.cnf")]
    [InlineData("/home/dev/.docker/config.json")]
    [InlineData("/home/dev/.kube/config")]
    [InlineData("/home/dev/.config/gcloud/application_default_credentials.json")]
    [InlineData("/home/dev/.config/gcloud/legacy_credentials/x/adc.json")]
    [InlineData("/home/dev/.azure/accessTokens.json")]
    [InlineData("/home/dev/.gnupg/private-keys-v1.d/k.key")]
    [InlineData("/home/dev/.git-credentials")]
    [InlineData("/home/dev/.npmrc")]
    [InlineData("/home/dev/.pypirc")]
    [InlineData("/home/dev/.config/gh/hosts.yml")]
    [InlineData("/home/dev/.terraform.d/credentials.tfrc.json")]
    [InlineData("/home/dev/.vault-token")]
    [InlineData("/home/dev/.cargo/credentials.toml")]
    [InlineData("/home/dev/.m2/settings.xml")]
    [InlineData("/home/dev/.password-store/email.gpg")]
    [InlineData("/home/dev/.bash_history")]
    [InlineData("/home/dev/.ssh/id_rsa")]
    [InlineData("/home/dev/.ssh/id_ed25519")]
    [InlineData("/home/dev/.ssh/deploy_key")]
    [InlineData("/etc/shadow")]
    [InlineData("/etc/sudoers")]
    [InlineData("/etc/sudoers.d/dev")]
    [InlineData("/etc/ssl/private/server.key")]
    [InlineData("/etc/ssh/ssh_host_ed25519_key")]
    [InlineData("/var/run/secrets/kubernetes.io/serviceaccount/token")]
    [InlineData("/root/.ssh/authorized_keys")]
    [InlineData("/etc/kubernetes/admin.conf")]
    [InlineData("/proc/1/environ")]
    [InlineData("/home/dev/project/.env")]
    [InlineData("/home/dev/project/.env.production")]
    [InlineData("/home/dev/project/config/server.key")]
    [InlineData("/home/dev/project/certs/private.pem")]
    [InlineData("/home/dev/project/store.p12")]
    [InlineData("/home/dev/.aws/cred*")]
    [InlineData("/home/dev/.ssh/*")]
    [InlineData("/home/dev/.ssh/id_*")]
    [InlineData("/home/dev/project/.env*")]
    public void Credential_paths_are_described(string path) =>
        Assert.NotNull(CredentialPaths.Describe(path, Home));

    [Theory]
    [InlineData("/home/dev/.ssh/id_rsa.pub")]
    [InlineData("/home/dev/.ssh/known_hosts")]
    [InlineData("/home/dev/.ssh/config")]
    [InlineData("/home/dev/project/.env.example")]
    [InlineData("/home/dev/project/.env.sample")]
    [InlineData("/home/dev/project/.env.template")]
    [InlineData("/home/dev/project/certs/ca.pem")]
    [InlineData("/etc/ssh/ssh_host_ed25519_key.pub")]
    [InlineData("/home/dev/.aws/config")]
    [InlineData("/home/dev/project/README.md")]
    [InlineData("/home/dev/project/*.md")]
    [InlineData("/home/dev/.ssh/*.pub")]
    public void Non_credential_paths_are_not(string path) =>
        Assert.Null(CredentialPaths.Describe(path, Home));

    [Theory]
    [InlineData("/home/dev/.ssh")]
    [InlineData("/home/dev/.aws")]
    [InlineData("/home/dev/.gnupg")]
    [InlineData("/home/dev")]
    public void Credential_directories_count_when_read_recursively(string path)
    {
        Assert.NotNull(CredentialPaths.Describe(path, Home, recursive: true));
        Assert.Null(CredentialPaths.Describe(path, Home, recursive: false));
    }

    [Theory]
    [InlineData("prod-db", EnvironmentKind.Production)]
    [InlineData("--context=production", EnvironmentKind.Production)]
    [InlineData("postgres://u@db.prd.internal/app", EnvironmentKind.Production)]
    [InlineData("live", EnvironmentKind.Production)]
    [InlineData("staging-eu", EnvironmentKind.Staging)]
    [InlineData("uat", EnvironmentKind.Staging)]
    [InlineData("dev-cluster", EnvironmentKind.Development)]
    [InlineData("minikube", EnvironmentKind.Development)]
    [InlineData("http://127.0.0.1:5432", EnvironmentKind.Local)]
    [InlineData("staging prod", EnvironmentKind.Production)]
    [InlineData("product-catalog", EnvironmentKind.Unknown)]
    [InlineData("reproduce", EnvironmentKind.Unknown)]
    [InlineData("", EnvironmentKind.Unknown)]
    public void Environment_names_are_detected_by_token(string text, EnvironmentKind expected) =>
        Assert.Equal(expected, EnvironmentNames.Detect(text));

    private static Operation Op(OperationClass cls, string? target = null, bool shared = false, EnvironmentKind env = EnvironmentKind.Unknown, params string[] tags) => new()
    {
        Program = "t",
        Class = cls,
        Targets = target is null ? [] : [target],
        PathTargets = target is not null,
        SharedState = shared,
        Environment = env,
        Tags = new HashSet<string>(tags),
        Reason = "test",
    };

    public static TheoryData<Operation, Tier> TierCases() => new()
    {
        { Op(OperationClass.Read), Tier.ReadOnly },
        { Op(OperationClass.Read, "/etc/passwd"), Tier.ReadOnly },
        { Op(OperationClass.CredentialRead), Tier.Never },
        { Op(OperationClass.Exec), Tier.WriteAutonomous },
        { Op(OperationClass.Exec, shared: true), Tier.WriteWithConfirmation },
        { Op(OperationClass.Exec, tags: "remote-code"), Tier.Never },
        { Op(OperationClass.Exec, tags: "obfuscated-code"), Tier.Never },
        { Op(OperationClass.Exec, tags: "stdin-code"), Tier.WriteWithConfirmation },
        { Op(OperationClass.Egress), Tier.WriteWithConfirmation },
        { Op(OperationClass.Egress, tags: "local"), Tier.WriteAutonomous },
        { Op(OperationClass.Egress, tags: "secret-exfiltration"), Tier.Never },
        { Op(OperationClass.Privilege), Tier.WriteWithConfirmation },
        { Op(OperationClass.Privilege, tags: "setuid"), Tier.Never },
        { Op(OperationClass.Create, "/home/dev/project/a.txt"), Tier.WriteAutonomous },
        { Op(OperationClass.Update, "/etc/hosts"), Tier.WriteWithConfirmation },
        { Op(OperationClass.Update, "/etc", tags: "recursive"), Tier.Never },
        { Op(OperationClass.Update, "/dev/sda"), Tier.Never },
        { Op(OperationClass.Update, "/home/dev/project/.git/config"), Tier.WriteWithConfirmation },
        { Op(OperationClass.Update, shared: true), Tier.WriteWithConfirmation },
        { Op(OperationClass.Update, "/home/dev/project/a.txt", env: EnvironmentKind.Production), Tier.WriteWithConfirmation },
        { Op(OperationClass.Delete, "/home/dev/project/a.txt"), Tier.WriteAutonomous },
        { Op(OperationClass.Delete, "/home/dev/project/node_modules", tags: "recursive"), Tier.WriteAutonomous },
        { Op(OperationClass.Delete, "/home/dev/project/src", tags: "recursive"), Tier.WriteWithConfirmation },
        { Op(OperationClass.Delete, "/home/dev/project"), Tier.Never },
        { Op(OperationClass.Delete, "/home/dev/project/.git", tags: "recursive"), Tier.Never },
        { Op(OperationClass.Delete, "/home/dev"), Tier.Never },
        { Op(OperationClass.Delete, "/"), Tier.Never },
        { Op(OperationClass.Delete, "/etc/hosts"), Tier.Never },
        { Op(OperationClass.Delete, "/tmp/x", tags: "recursive"), Tier.WriteAutonomous },
        { Op(OperationClass.Delete, "/home/dev/notes.txt"), Tier.WriteWithConfirmation },
        { Op(OperationClass.Delete, "/home/dev/old", tags: "recursive"), Tier.Never },
        { Op(OperationClass.Delete, $"{ShellArg.Unknown}"), Tier.WriteWithConfirmation },
        { Op(OperationClass.Delete, $"{ShellArg.Unknown}", tags: "recursive"), Tier.Never },
        { Op(OperationClass.Delete, shared: true), Tier.WriteWithConfirmation },
        { Op(OperationClass.Delete, shared: true, env: EnvironmentKind.Production), Tier.Never },
        { Op(OperationClass.Destroy), Tier.Never },
        { Op(OperationClass.HistoryRewrite), Tier.WriteWithConfirmation },
        { Op(OperationClass.HistoryRewrite, shared: true), Tier.Never },
        { Op(OperationClass.HistoryRewrite, "/srv/other"), Tier.Never },
        { Op(OperationClass.HistoryRewrite, "/home/dev/project"), Tier.WriteWithConfirmation },
    };

    [Theory]
    [MemberData(nameof(TierCases))]
    public void Tier_by_operation(Operation op, Tier expected) =>
        Assert.Equal(expected, TierClassifier.Classify(op, Ws, Home).Tier);

    [Fact]
    public void Min_tier_raises_but_never_lowers()
    {
        var read = Op(OperationClass.Read) with { MinTier = Tier.Never };
        Assert.Equal(Tier.Never, TierClassifier.Classify(read, Ws, Home).Tier);
        var destroy = Op(OperationClass.Destroy) with { MinTier = Tier.ReadOnly };
        Assert.Equal(Tier.Never, TierClassifier.Classify(destroy, Ws, Home).Tier);
    }

    [Fact]
    public void Gaps_raise_the_assessed_tier()
    {
        var facts = new ActionFacts
        {
            Request = new ActionRequest { Command = "x", Cwd = Ws, Home = Home },
            Operations = [Op(OperationClass.Read)],
            Gaps = [new AnalysisGap("unknown-program", "x")],
        };
        Assert.Equal(Tier.WriteWithConfirmation, TierClassifier.Assess(facts).Tier);
    }
}
