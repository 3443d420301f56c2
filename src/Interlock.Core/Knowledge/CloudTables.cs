using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Cloud CLIs: verbs decide (describe/list/get read; delete/terminate destroy), with service-specific exceptions.</summary>
internal static class CloudTables
{
    private const string ReadVerbs = "tail|describe-*|list-*|get-*|head-*|lookup-*|search-*|scan|query|batch-get-*|filter-*|validate-*|estimate-*|simulate-*|preview-*|check-*|wait|help|show-*|view-*|download-db-log-file-portion|test-*";
    private const string DestroyVerbs = "schedule-*-deletion|delete-*|terminate-*|remove-*|purge-*|destroy-*|drop-*|batch-delete-*|deregister-*|disable-deletion-protection";

    private static string Prefixed(string prefix, string alternatives) =>
        string.Join('|', alternatives.Split('|').Select(a => prefix + a));

    public static ProgramSpec[] Programs { get; } =
    [
        new("aws",
            new CommandRow("s3 ls|s3 presign|s3api head-object|s3api list-*|s3api get-bucket-*|configure list|configure list-profiles|sts get-caller-identity|help|--version",
                Read, "reads cloud state"),
            new CommandRow("s3 cp|s3 sync|s3 mv", Update, "copies objects to or from S3") { Semantics = "s3-transfer", Shared = true },
            new CommandRow("s3 sync", Delete, "deletes objects missing from the source") { AnyFlag = "--delete", Shared = true, Irreversible = true, Semantics = "s3-transfer" },
            new CommandRow("s3 rm", Delete, "deletes S3 objects") { Shared = true, Irreversible = true, NoFlag = "--dryrun" },
            new CommandRow("s3 rm", Destroy, "deletes every object under a prefix") { AnyFlag = "--recursive", NoFlag = "--dryrun", Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("s3 rm|s3 sync|s3 cp|s3 mv", Read, "previews an S3 change") { AnyFlag = "--dryrun" },
            new CommandRow("s3 rb", Destroy, "deletes a bucket") { Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("s3 mb|s3 website", Create, "creates a bucket") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("secretsmanager get-secret-value|secretsmanager batch-get-secret-value|ssm get-parameter|ssm get-parameters|ssm get-parameters-by-path|kms decrypt|"
                + "configure get|configure export-credentials|iam create-access-key|iam create-login-profile|sts get-session-token|ecr get-login-password|ecr get-authorization-token|"
                + "rds generate-db-auth-token|cognito-idp admin-initiate-auth|lightsail get-instance-access-details|ec2 get-password-data",
                CredentialRead, "reads secrets or credentials") { Shared = true, Tags = "secret" },
            new CommandRow("ssm get-parameter|ssm get-parameters|ssm get-parameters-by-path", Read, "reads parameters without decrypting them") { NoFlag = "--with-decryption" },
            new CommandRow(Prefixed("* ", ReadVerbs), Read, "reads cloud state"),
            new CommandRow(Prefixed("* ", DestroyVerbs), Destroy, "deletes cloud resources") { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("* *", Update, "turns off deletion protection") { AnyFlag = "--no-deletion-protection|--skip-final-snapshot|--delete-automated-backups|--force-delete-without-recovery", Shared = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("* *", Update, "changes cloud resources") { Shared = true, MinTier = WriteWithConfirmation })
        {
            ValueOptions = "--profile --region --output --query --endpoint-url --cli-input-json --cli-input-yaml --color --ca-bundle --cli-read-timeout --cli-connect-timeout "
                + "--bucket --key --db-instance-identifier --instance-ids --function-name --stack-name --cluster --service --table-name --secret-id --name --names --include --exclude "
                + "--acl --storage-class --sse --content-type --cache-control --expires --metadata --grants --source-region --log-group-name --filter-pattern --start-time --end-time --payload",
            DetectEnvironment = true,
        },
        new("gcloud",
            new CommandRow("auth print-access-token|auth print-identity-token|auth application-default print-access-token|secrets versions access|"
                + "sql generate-login-token|container clusters get-credentials --internal-ip|iam service-accounts keys create",
                CredentialRead, "reads secrets or credentials") { Shared = true, Tags = "secret" },
            new CommandRow("config list|config get-value|config get|config configurations list|info|version|help|auth list|components list|topic *|projects list|projects describe",
                Read, "reads local configuration"),
            new CommandRow("config set|config unset|config configurations activate|config configurations create|auth login|auth activate-service-account|components install|components update|init|container clusters get-credentials",
                Update, "changes local configuration") { Targets = false },
            new CommandRow("** delete|** remove|** destroy|** purge|** delete-*|** rm|** remove-iam-policy-binding", Destroy, "deletes cloud resources")
                { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("** list|** describe|** get-iam-policy|** get|** read|** show|** get-value|** tail|** search|** browse|** list-*|** describe-*|** get-*|** ls|** cat|** logs",
                Read, "reads cloud state"),
            new CommandRow("** *", Update, "changes cloud resources") { Shared = true, MinTier = WriteWithConfirmation })
        {
            ValueOptions = "--project --region --zone --format --filter --account --configuration --impersonate-service-account --limit --page-size --sort-by --verbosity --location --key-file --instance --database --secret --flags-file",
            DetectEnvironment = true,
        },
        new("gsutil",
            new CommandRow("ls|cat|stat|du|hash|version|help|iam get|acl get|lifecycle get|versioning get|signurl", Read, "reads storage"),
            new CommandRow("cp|mv|rsync|mb|acl set|iam ch|lifecycle set|versioning set|defacl set|setmeta|compose|rewrite", Update, "changes cloud storage")
                { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("rsync", Delete, "deletes objects missing from the source") { AnyFlag = "-d", Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("rm", Delete, "deletes objects") { Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("rm", Destroy, "deletes every object under a prefix") { AnyFlag = "-r|-R|-a", Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("rb", Destroy, "deletes a bucket") { Shared = true, Irreversible = true, MinTier = Never })
        { ValueOptions = "-o -h -p -u -D -L -x -J -j", DetectEnvironment = true },
        new("az",
            new CommandRow("account get-access-token|keyvault secret show|keyvault secret download|keyvault key download|keyvault certificate download|storage account keys list|"
                + "storage account show-connection-string|acr credential show|aks get-credentials|cosmosdb keys list|sql db show-connection-string|webapp deployment list-publishing-credentials",
                CredentialRead, "reads secrets or credentials") { Shared = true, Tags = "secret" },
            new CommandRow("login|logout|account set|account list|account show|version|help|configure|extension add|extension list|upgrade|bicep build|bicep install|find|interactive",
                Read, "reads local configuration"),
            new CommandRow("** delete|** purge|** remove|** delete-*|** purge-*|** destroy", Destroy, "deletes cloud resources")
                { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("** list|** show|** list-*|** show-*|** get-*|** query|** exists|** check-*|** tail|** download-logs|** what-if|** validate", Read, "reads cloud state"),
            new CommandRow("** *", Update, "changes cloud resources") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-g --resource-group -n --name --subscription -o --output --query -l --location --ids --vault-name --account-name -c --container-name", DetectEnvironment = true },
    ];
}
