using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Hosting platforms, GitOps and configuration-management CLIs, and crypto and load tools.</summary>
internal static class PlatformTables
{
    private static CommandRow Reads(string path) => new(path, Read, "reads platform state") { Targets = false };

    private static CommandRow Deploys(string path) =>
        new(path, Update, "deploys or changes a hosted service") { Targets = false, Shared = true, MinTier = WriteWithConfirmation };

    private static CommandRow Destroys(string path) =>
        new(path, Destroy, "deletes a hosted service or its data") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" };

    private static CommandRow Secrets(string path) =>
        new(path, CredentialRead, "prints a service's secrets or configuration values") { Targets = false, Shared = true, Tags = "secret" };

    public static ProgramSpec[] Programs { get; } =
    [
        new("heroku",
            Reads("logs|ps|apps|apps:info|releases|releases:info|addons|addons:info|domains|status|whoami|regions|stack|features|pipelines|spaces|help|version|access|config:get"),
            Secrets("config|auth:token|config:get *_KEY|config:get *TOKEN*|config:get *SECRET*|config:get *PASSWORD*|config:get DATABASE_URL|pg:credentials|pg:credentials:url|redis:credentials"),
            Destroys("apps:destroy|destroy|addons:destroy|pg:reset|pg:reset *|redis:reset|releases:rollback --confirm"),
            Deploys("*"))
        { ValueOptions = "-a --app -r --remote -t --team -n --num --tail", DetectEnvironment = true },
        new("fly flyctl",
            Reads("status|logs|apps list|apps|secrets list|releases|machines list|machine list|volumes list|version|auth whoami|platform|config show|ips list|regions list|scale show|checks list|doctor|dig|ping"),
            Secrets("auth token|ssh issue|postgres connect|proxy"),
            Destroys("apps destroy|destroy|volumes destroy|volumes delete|machine destroy|machines destroy|postgres detach|secrets unset"),
            Deploys("*"))
        { ValueOptions = "-a --app -c --config -r --region --image", DetectEnvironment = true },
        new("vercel vc netlify wrangler firebase railway render",
            new CommandRow("d1 execute", Read, "runs SQL against a D1 database") { Targets = false, Shared = true, Semantics = "sql" },
            Reads("ls|list|inspect|logs|whoami|status|env ls|env list|domains ls|projects ls|deployments|open|help|dev|build|link|login|init|pages dev|tail|sites:list|functions:list|hosting:channel:list|kv:namespace list|d1 list|r2 bucket list"),
            Secrets("env pull|env get|secret list --show|kv:key get|secrets:access|functions:config:get|functions:secrets:access|variables get"),
            Destroys("rm|remove|delete|projects rm|projects remove|sites:delete|hosting:disable|firestore:delete|database:remove|kv:namespace delete|d1 delete|r2 bucket delete|delete *"),
            // `vercel` or `netlify deploy` alone deploys.
            Deploys("*|"))
        { ValueOptions = "--token --scope -A --local-config --project -P --site --env -e --config -c --command --file", DetectEnvironment = true },
        new("supabase",
            Reads("status|projects list|functions list|secrets list|migration list|db diff|db lint|gen *|inspect *|link|login|init|start|stop|help"),
            Destroys("db reset|projects delete|functions delete|branches delete|storage rm|secrets unset"),
            new CommandRow("migration new|migration repair|db dump", Create, "writes migration files") { Targets = false },
            Deploys("*"))
        { ValueOptions = "--project-ref --db-url -p --password --workdir", DetectEnvironment = true },
        new("doctl",
            Reads("** list|** get|** ls|account|auth list|version|** logs"),
            Destroys("** delete|** rm|** destroy"),
            Deploys("**"))
        { ValueOptions = "-t --access-token --context -o --output --format", DetectEnvironment = true },
        new("argocd",
            Reads("app get|app list|app diff|app history|app manifests|app resources|app logs|cluster list|proj list|proj get|repo list|version|account get-user-info|context|login|logout"),
            Destroys("app delete|proj delete|cluster rm|repo rm|app delete-resource"),
            Deploys("app sync|app rollback|app set|app create|app patch|app terminate-op|app actions run|proj create|cluster add|repo add"))
        { ValueOptions = "--server --auth-token -o --output --revision -p --parameter --project --grpc-web-root-path", DetectEnvironment = true },
        new("packer",
            Reads("validate|inspect|fmt|version|init|console|plugins"),
            Deploys("build"))
        { ValueOptions = "-var -var-file -only -except", ShortFlagClusters = false },
        new("ansible-playbook",
            new CommandRow("", Read, "checks a playbook without changing hosts") { AnyFlag = "--check|-C|--syntax-check|--list-hosts|--list-tasks", Targets = false },
            new CommandRow("", Update, "runs a playbook against remote hosts") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-i --inventory -l --limit -e --extra-vars -t --tags --skip-tags -u --user -f --forks --vault-password-file -k", DetectEnvironment = true, ShortFlagClusters = false },
        new("ansible",
            new CommandRow("", Exec, "runs a module on remote hosts") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-i --inventory -m --module-name -a --args -l --limit -u --user -f --forks -e --extra-vars", DetectEnvironment = true, ShortFlagClusters = false },
        new("ansible-lint ansible-inventory ansible-galaxy ansible-doc ansible-config", new CommandRow("", Read, "lints or inspects Ansible content") { Targets = false }),
        new("ansible-vault",
            new CommandRow("view|decrypt", CredentialRead, "decrypts vaulted secrets") { Tags = "secret" },
            new CommandRow("encrypt|encrypt_string|create|rekey|edit", Update, "encrypts vaulted secrets") { PathTargets = true })
        { ValueOptions = "--vault-password-file --vault-id --output" },
        new("openssl",
            new CommandRow("x509|s_client|verify|version|ciphers|list|dgst|sha256|md5|rand|speed|asn1parse|crl|req -noout", Read, "inspects certificates or computes digests") { Targets = false, PathTargets = true, TargetOptions = "-in" },
            new CommandRow("enc|base64", Read, "encodes or decodes data") { Targets = false, PathTargets = true, TargetOptions = "-in", Semantics = "reader" },
            new CommandRow("rsa|pkey|ec|pkcs12", CredentialRead, "prints private key material") { AnyFlag = "-text|-nodes", Targets = false, Tags = "secret" },
            new CommandRow("genrsa|genpkey|req|ecparam|pkcs12|rsa|pkey|ec|ca|x509 -req|cms|smime|kdf|passwd", Create, "creates keys or certificates") { Targets = false })
        { ValueOptions = "-in -out -inform -outform -key -passin -passout -connect -servername -CAfile -config -subj -days -newkey -keyout", ShortFlagClusters = false },
        new("cqlsh", new CommandRow("", Read, "opens a Cassandra session") { Targets = false, Shared = true, Semantics = "sql" })
        { ValueOptions = "-e --execute -f --file -u --username -p --password -k --keyspace --cqlshrc", DetectEnvironment = true },
        new("k6 locust artillery vegeta ab wrk hey oha siege jmeter gatling",
            new CommandRow("", Exec, "generates load against a service") { Targets = false, Semantics = "load-test" })
        { ValueOptions = "--vus -u --duration -d -c -n -t --rate -r --host -H -e --env -o --out -f" },
        new("changeset changesets wasm-pack cargo-watch cargo-nextest nextest trunk cross maturin cibuildwheel uvicorn gunicorn flask django-admin-dev streamlit "
            + "ts-jest tsup unbuild esbuild-register nodemon pm2-dev concurrently wait-on dotenv-cli semantic-release-dry",
            new CommandRow("", Exec, "builds, tests or runs project code") { Targets = false, Semantics = "build-targets" })
        { ValueOptions = "-c --config -p --port -h --host -w --watch" },
    ];
}
