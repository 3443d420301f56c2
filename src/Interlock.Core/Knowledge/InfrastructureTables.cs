using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Infrastructure-as-code tools: Terraform, OpenTofu, Terragrunt, Pulumi, CDK.</summary>
internal static class InfrastructureTables
{
    public static ProgramSpec[] Programs { get; } =
    [
        new("terraform tofu terragrunt",
            new CommandRow("init|validate|fmt|version|providers|graph|output|show|plan|state list|state show|state pull|workspace list|workspace show|console|get|"
                + "test|modules|metadata|login|logout|render-json|hclfmt|graph-dependencies|validate-inputs|run-all plan|run-all validate|run-all init|run-all output|run plan",
                Read, "reads or plans infrastructure") { Targets = false },
            new CommandRow("output", CredentialRead, "prints a secret output value")
                { AnyArg = "*password*|*secret*|*token*|*_key|*private*|*credential*", Tags = "secret" },
            new CommandRow("destroy|run-all destroy|run destroy|destroy-all|run * destroy|run * * destroy", Destroy, "destroys every resource the configuration manages")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "infrastructure destructive" },
            new CommandRow("apply|run-all apply|run apply", Destroy, "destroys every resource the configuration manages")
                { AnyFlag = "-destroy|--destroy", Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "infrastructure destructive" },
            new CommandRow("apply|run-all apply|run apply|apply-all|run * apply|import|refresh|taint|untaint|state mv|state replace-provider|force-unlock|workspace new|workspace select",
                Update, "changes real infrastructure") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "infrastructure" },
            new CommandRow("state rm|state push|workspace delete", Destroy, "drops resources from state or overwrites it")
                { Shared = true, Irreversible = true, MinTier = Never, Tags = "infrastructure destructive" })
        {
            ValueOptions = "-var -var-file -target -chdir -out -state -state-out -backup -lock-timeout -parallelism -replace -backend-config -from-module -plugin-dir -json-into --terragrunt-working-dir --terragrunt-config",
            ShortFlagClusters = false,
            DetectEnvironment = true,
        },
        new("pulumi",
            new CommandRow("preview|pre|stack ls|stack output|stack select|stack history|stack export|config get|whoami|about|logs|version|plugin ls|watch|login|logout|new|install|stack init|config set|config rm",
                Read, "reads or previews infrastructure") { Targets = false },
            new CommandRow("up|update|refresh|import|cancel|stack import|state move|state unprotect", Update, "changes real infrastructure")
                { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "infrastructure" },
            new CommandRow("destroy|down|stack rm|state delete", Destroy, "destroys infrastructure or its state")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "infrastructure destructive" })
        { ValueOptions = "-s --stack -C --cwd --config-file --target -t --parallel -p -m --message", DetectEnvironment = true },
        new("cdk cdktf serverless sls sam",
            new CommandRow("synth|synthesize|diff|ls|list|doctor|docs|context|metadata|notices|acknowledge|init|validate|build|package|print|info|logs|invoke local|local|get",
                Read, "reads or synthesizes infrastructure") { Targets = false },
            new CommandRow("deploy|bootstrap|import|watch|invoke|rollback|sync", Update, "changes real infrastructure")
                { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "infrastructure" },
            new CommandRow("destroy|remove|delete", Destroy, "destroys deployed stacks")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "infrastructure destructive" })
        { ValueOptions = "-c --context -a --app --profile --region -r --stage -s --stack-name", DetectEnvironment = true },
    ];
}
