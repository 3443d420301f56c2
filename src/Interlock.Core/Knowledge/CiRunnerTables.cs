using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>CI servers and runners: listing and validating read; deleting jobs, contexts or runners loses what others use.</summary>
internal static class CiRunnerTables
{
    private static CommandRow Reads(string path, string reason) => new(path, Read, reason) { Targets = false };

    private static CommandRow Destroys(string path, string reason) =>
        new(path, Destroy, reason) { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" };

    private static CommandRow Changes(string path, string reason) =>
        new(path, Update, reason) { Targets = false, Shared = true, MinTier = WriteWithConfirmation };

    public static ProgramSpec[] Programs { get; } =
    [
        new("gitlab-runner gitlab-ci-multi-runner",
            Reads("list|verify|status|--version|-v|help|--help|h", "lists or checks registered runners"),
            new CommandRow("verify", Delete, "removes runners GitLab no longer knows from the configuration")
                { AnyFlag = "--delete", Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("unregister", Delete, "unregisters runners from GitLab") { Targets = false, Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("run|exec|run-single", Exec, "runs CI jobs whose steps are not visible here") { Targets = false, MinTier = WriteWithConfirmation },
            Changes("*", "registers, installs or controls a runner service"))
        { ValueOptions = "-c --config -n --name -u --url -t --token --executor --user -d --working-directory --service" },

        new("circleci",
            Reads("config validate|config process|config pack|version|help|diagnostic|context list|context show|orb list|orb info|orb source|orb validate|orb process|"
                + "namespace list|policy decide|policy eval|policy fetch|policy diff|policy status|policy logs|project secret list|project list|pipeline list|trigger list|runner resource-class list|"
                + "runner instance list|runner token list|completion|info *|open|follow",
                "validates configuration or reads CircleCI state"),
            Destroys("context delete|context remove-secret|project secret delete|runner resource-class delete|runner token delete|orb unlist|namespace delete",
                "deletes contexts, secrets or runner resources"),
            new CommandRow("local execute|local", Exec, "runs a job locally whose steps are not visible here") { Targets = false, MinTier = WriteWithConfirmation },
            Changes("*", "changes CircleCI contexts, orbs, policies or settings"))
        { ValueOptions = "--org-id --org-slug --token --host -c --config --job -e --env --integration --vcs-type --skip-update-check" },

        // The Jenkins CLI, usually run as `java -jar jenkins-cli.jar -s URL COMMAND`.
        new("jenkins-cli",
            Reads("who-am-i|version|help|list-jobs|list-plugins|list-changes|get-job|get-view|get-node|console|session-id|list-credentials|list-credentials-context-resolvers|"
                + "list-credentials-providers|get-gradle|keep-build|check-version|list-views|list-nodes", "reads Jenkins state"),
            new CommandRow("get-credentials-as-xml|get-credentials-domain-as-xml", CredentialRead, "prints stored credentials") { Targets = false, Shared = true, Tags = "secret" },
            Destroys("delete-job|delete-builds|delete-node|delete-view|delete-credentials|delete-credentials-domain|clear-queue|remove-job-from-view|uninstall-plugin",
                "deletes jobs, builds, nodes or credentials"),
            new CommandRow("groovy|groovysh", Exec, "runs a Groovy script on the Jenkins controller") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Changes("*", "builds jobs or changes Jenkins configuration"))
        { ValueOptions = "-s -auth -i -user -logger -webSocket", ShortFlagClusters = false, DetectEnvironment = true },
    ];
}
