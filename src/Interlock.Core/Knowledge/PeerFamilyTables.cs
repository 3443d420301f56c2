using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>
/// SaaS and gateway CLIs (feature flags, API gateways, CDN, payments, incident and monitoring, search, Azure copy):
/// listing and showing read; deleting loses what others use; other changes land on shared state; anything else is unknown.
/// </summary>
internal static class PeerFamilyTables
{
    private static CommandRow Reads(string path, string reason) => new(path, Read, reason) { Targets = false };

    private static CommandRow Destroys(string path, string reason) =>
        new(path, Destroy, reason) { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" };

    private static CommandRow Changes(string path, string reason) =>
        new(path, Update, reason) { Targets = false, Shared = true, MinTier = WriteWithConfirmation };

    private static CommandRow Secrets(string path, string reason) =>
        new(path, CredentialRead, reason) { Targets = false, Shared = true, Tags = "secret" };

    /// <summary>
    /// Version and help flags where no subcommand row matches. Not <c>-v</c>: many of these CLIs read it as --verbose,
    /// and an unknown subcommand with it must stay unknown.
    /// </summary>
    private static CommandRow VersionOrHelp() =>
        new("", Read, "prints the version or help") { AnyFlag = "--version|-h|--help", Targets = false };

    public static ProgramSpec[] Programs { get; } =
    [
        // LaunchDarkly's ldcli: resource commands generated from its REST API (`ldcli flags list`, `ldcli projects delete KEY`).
        new("ldcli",
            VersionOrHelp(),
            Destroys("** delete|flags archive", "deletes or archives flags, projects, environments or segments"),
            Changes("** create|** update|** replace|** copy|** toggle-on|** toggle-off|** invite|setup|sourcemaps upload|login",
                "changes feature flags or their targeting for every user of the application"),
            Reads("help|version|completion|** list|** get|** evaluate|members list|dev-server *", "reads LaunchDarkly flags, projects or settings"))
        { ValueOptions = "--project --environment --flag --access-token --base-uri -o --output -d --data --name --key" },

        // Fastly's CLI: `fastly RESOURCE VERB` (service, backend, domain, vcl, acl, dictionary, logging PROVIDER …).
        new("fastly",
            VersionOrHelp(),
            Secrets("profile token|auth-token *", "prints a Fastly API token"),
            Destroys("** delete|purge", "deletes services, their configuration, or purges their cached content"),
            Changes("** create|** update|** activate|** deactivate|** clone|** lock|** upload|** deploy|compute publish|compute deploy|profile create|profile delete|profile switch|profile update|service-version *",
                "changes or activates a Fastly service's configuration"),
            Reads("help|version|whoami|pops|ip-list|stats *|** list|** describe|** search|** get|compute build|compute validate|compute serve|compute init|compute pack", "reads Fastly services and configuration"))
        { ValueOptions = "-s --service-id --service-name --version --name -n --id --acl-id --dictionary-id --key --token -t --profile -p --dir --file --value" },

        // Apigee's apigeecli: `apigeecli RESOURCE VERB --name …` with the organization in -o/--org.
        new("apigeecli",
            VersionOrHelp(),
            // Developer apps carry their consumer keys and secrets.
            Secrets("apps get|apps list|developers apps get|token print|token gen|token cache", "prints Apigee credentials (app keys or an access token)"),
            Destroys("** delete|** undeploy|** clean", "deletes or undeploys API proxies, products, apps or environments"),
            Changes("** create|** update|** deploy|** import|** manage|** approve|** revoke", "changes an Apigee organization others rely on"),
            Reads("help|version|** list|** get|** listdeploy", "reads Apigee proxies, products or settings"))
        { ValueOptions = "-o --org -e --env -n --name -t --token -r --rev --email --developer --file -f -p --proxy-zip --folder --account" },

        // Kong's decK: `deck gateway VERB` (and its older top-level verbs); `deck file` works on local files only.
        new("deck",
            VersionOrHelp(),
            new CommandRow("dump|gateway dump", Create, "exports Kong's configuration to a file") { Targets = false },
            // reset deletes every entity of the gateway; sync deletes whatever the state file lacks.
            Destroys("reset|gateway reset", "deletes every entity of the Kong gateway"),
            new CommandRow("sync|gateway sync", Delete, "makes the gateway match the state file, deleting what the file lacks")
                { Targets = false, Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            Changes("apply|gateway apply", "applies configuration to a running Kong gateway"),
            Reads("help|version|completion|ping|diff|validate|gateway ping|gateway diff|gateway validate|file *|convert", "compares or validates Kong configuration"))
        { ValueOptions = "--kong-addr --headers --ca-cert --config -s --state -o --output-file --select-tag -w --workspace --konnect-addr --konnect-token --konnect-control-plane-name --tls-server-name --parallelism" },

        // The Kong gateway's own command: start/stop/reload act on the running node; migrations reset drops its database.
        new("kong",
            VersionOrHelp(),
            Secrets("vault get", "prints a secret from a Kong vault"),
            Destroys("migrations reset", "drops Kong's database schema and every entity in it"),
            Changes("start|stop|quit|restart|reload|migrations *|config db_import|config db_export", "starts, stops or migrates a Kong node"),
            new CommandRow("config init|prepare|hybrid gen_cert", Create, "writes a Kong configuration, prefix or certificate") { Targets = false },
            Reads("version|help|health|check|config parse", "checks Kong's configuration or health"))
        { ValueOptions = "-c --conf -p --prefix --nginx-conf --db-timeout --lock-timeout" },

        // Stripe's CLI: `stripe RESOURCE VERB` plus raw `get|post|delete PATH` requests.
        new("stripe",
            VersionOrHelp(),
            new CommandRow("config", CredentialRead, "prints the stored Stripe API keys") { AnyFlag = "--list", Targets = false, Tags = "secret" },
            Destroys("delete|** delete|** cancel|** void", "deletes or cancels Stripe objects"),
            Changes("post|trigger|fixtures|** create|** update|** capture|** confirm|** pay|** send|** finalize|** refund|** roll|login|logout|samples create|config",
                "creates or changes Stripe objects (payments, customers, keys)"),
            Reads("version|help|status|open|listen|logs tail|get|** list|** retrieve|samples list", "reads Stripe objects or streams events"))
        { ValueOptions = "--api-key --project-name -p -d --data -e --expand --stripe-account --stripe-version --forward-to -f --events --idempotency" },

        // Algolia's CLI: indices, objects, rules, synonyms, settings, API keys.
        new("algolia",
            VersionOrHelp(),
            Secrets("apikeys list|apikeys get", "prints Algolia API keys"),
            Destroys("indices delete|indices clear|** delete|dictionary entries clear|apikeys delete", "deletes indices, records, rules, synonyms or keys"),
            Changes("indices copy|indices move|indices config import|** import|** save|** update|settings set|settings import|apikeys create|profile add|profile remove|profile setdefault|crawler *",
                "changes Algolia indices or their configuration"),
            Reads("help|version|search *|indices list|** browse|settings get|profile list|events tail|crawler list|crawler get|crawler stats", "reads Algolia indices and records"))
        { ValueOptions = "--application-id --api-key -p --profile -q --query --query-params -F --file --filters --scope" },

        // PagerDuty's pd CLI: `pd RESOURCE VERB` and raw `pd rest VERB`.
        new("pd",
            VersionOrHelp(),
            Destroys("** delete|** remove|rest delete", "deletes PagerDuty services, schedules, users or teams"),
            Changes("** create|** update|** set|** enable|** disable|** ack|** resolve|** assign|** merge|** override|rest post|rest put|rest patch|auth add|auth delete|auth use",
                "changes PagerDuty state on-call people rely on"),
            Reads("help|version|** list|** get|** show|** open|rest get|auth list", "reads PagerDuty services, schedules or incidents"))
        { ValueOptions = "-p --profile -i --ids -e --email -n --name -d --description --json" },

        // New Relic's CLI: `newrelic RESOURCE [SUB] VERB`; NRQL queries read.
        new("newrelic",
            VersionOrHelp(),
            Destroys("** delete", "deletes New Relic entities, workloads, monitors or tags"),
            Changes("** create|** update|** add|** set|** replace|** install|events post|profile add|profile delete|profile default|install|apm deployment create", "changes New Relic configuration"),
            Reads("help|version|** get|** list|** search|** describe|nrql query|query|entity tags get|decode *|diagnose *|profile list", "reads New Relic entities or queries telemetry"))
        { ValueOptions = "-a --accountId --guid -g --name -n --profile -p --query -q --format -f" },

        // Datadog's datadog-ci: uploads to Datadog and instruments functions.
        new("datadog-ci",
            VersionOrHelp(),
                        Changes("** upload|synthetics *|lambda *|cloud-run *|stepfunctions *|tag|metric|trace|measure|deployment *|dora *|span|sbom *|sarif *|junit *|dsyms *|git-metadata *|coverage *",
                "uploads results to Datadog or instruments cloud functions"))
        { ValueOptions = "--service --env --tags --api-key --site --config --public-id --files --search -f --functionName --region --layerVersion --extensionVersion" },

        // Azure's azcopy: copy/sync/remove against storage accounts; --delete-destination makes sync delete.
        new("azcopy",
            VersionOrHelp(),
            new CommandRow("env", CredentialRead, "prints the storage credentials in azcopy's environment") { AnyFlag = "--show-sensitive", Targets = false, Tags = "secret" },
            Reads("env", "prints azcopy's environment settings"),
            new CommandRow("remove|rm", Destroy, "deletes every blob under a path") { AnyFlag = "--recursive|-r", Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("remove|rm", Delete, "deletes blobs or files") { Targets = false, Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("sync", Delete, "deletes at the destination what the source lacks")
                { AnyFlag = "--delete-destination|--delete-destination=true|--delete-destination=prompt", NoFlag = "--delete-destination=false", Targets = false, Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            Changes("copy|cp|sync|make|login|logout|jobs resume|jobs clean|jobs remove|bench|benchmark|set-properties", "copies data to or from storage accounts"),
            Reads("help|version|list|jobs list|jobs show|jobs status|login status|doc", "lists storage or copy jobs"))
        { ValueOptions = "--from-to --include-pattern --exclude-pattern --include-path --exclude-path --block-size-mb --cap-mbps --log-level --output-type --tenant-id --application-id --list-of-files --delete-destination" },

        // Flipt, a self-hosted feature flag server: its CLI runs, migrates, imports and exports it.
        new("flipt",
            VersionOrHelp(),
            new CommandRow("import", Destroy, "drops every flag and segment before importing") { AnyFlag = "--drop", Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("server|serve", Exec, "runs the Flipt server") { Targets = false },
            Changes("import|migrate|bundle build|bundle push|bundle pull|config edit", "changes Flipt's database or bundles"),
            Reads("help|version|validate|export|config|config init|bundle list|evaluate|quickstart", "validates or exports Flipt configuration"))
        { ValueOptions = "--config -o --output --address --token --namespace -n --namespaces --entity-id --context" },
    ];
}
