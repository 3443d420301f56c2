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
            Reads("ls|list|inspect|logs|whoami|status|env ls|env list|domains ls|projects ls|deployments|deployments list|deployments status|versions list|versions view|open|help|dev|build|link|login|init|"
                + "pages dev|tail|sites:list|functions:list|hosting:channel:list|kv:namespace list|kv namespace list|kv:key list|kv key list|d1 list|d1 info|r2 bucket list|r2 object get|queues list"),
            new CommandRow("", Read, "prints the version or help") { AnyFlag = "-v|--version|-h|--help", Targets = false },
            Deploys("rollback|deployments rollback|versions deploy|versions upload|deploy"),
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
            new CommandRow("", Exec, "runs a module on remote hosts") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Semantics = "ansible" })
        { ValueOptions = "-i --inventory -m --module-name -a --args -l --limit -u --user -f --forks -e --extra-vars -B --background -P --poll --become-user --become-method -c --connection -T --timeout --vault-password-file --vault-id", DetectEnvironment = true, ShortFlagClusters = false },
        new("ansible-lint ansible-inventory ansible-galaxy ansible-doc ansible-config", new CommandRow("", Read, "lints or inspects Ansible content") { Targets = false }),
        new("ansible-vault",
            new CommandRow("view|decrypt", CredentialRead, "decrypts vaulted secrets") { Tags = "secret" },
            new CommandRow("encrypt|encrypt_string|create|rekey|edit", Update, "encrypts vaulted secrets") { PathTargets = true })
        { ValueOptions = "--vault-password-file --vault-id --output" },
        new("openssl",
            new CommandRow("x509|s_client|verify|version|ciphers|list|dgst|sha256|md5|rand|speed|asn1parse|crl|req -noout", Read, "inspects certificates or computes digests") { Targets = false, PathTargets = true, TargetOptions = "-in", OutputOptions = "-out" },
            new CommandRow("enc|base64", Read, "encodes or decodes data") { Targets = false, PathTargets = true, TargetOptions = "-in", Semantics = "reader", OutputOptions = "-out" },
            new CommandRow("rsa|pkey|ec|pkcs12", CredentialRead, "prints private key material") { AnyFlag = "-text|-nodes", Targets = false, Tags = "secret" },
            new CommandRow("genrsa|genpkey|req|ecparam|pkcs12|rsa|pkey|ec|ca|x509 -req|cms|smime|kdf|passwd", Create, "creates keys or certificates") { Targets = false, OutputOptions = "-out|-keyout" })
        { ValueOptions = "-in -out -inform -outform -key -passin -passout -connect -servername -CAfile -config -subj -days -newkey -keyout", ShortFlagClusters = false },
        new("cqlsh", new CommandRow("", Read, "opens a Cassandra session") { Targets = false, Shared = true, Semantics = "sql" })
        { ValueOptions = "-e --execute -f --file -u --username -p --password -k --keyspace --cqlshrc", DetectEnvironment = true },
        new("k6 locust artillery vegeta ab wrk hey oha siege jmeter gatling",
            new CommandRow("", Exec, "generates load against a service") { Targets = false, Semantics = "load-test" })
        { ValueOptions = "--vus -u --duration -d -c -n -t --rate -r --host -H -e --env -o --out -f" },
        new("adb",
            new CommandRow("logcat|devices|get-state|get-serialno|version|help|bugreport|pull|wait-for-device|forward --list|reverse --list", Read, "reads an attached device") { Targets = false },
            new CommandRow("shell", Exec, "runs a command on an attached device") { Targets = false, Semantics = "remote-shell" },
            new CommandRow("install|install-multiple|push|forward|reverse|root|unroot|remount|tcpip|connect|disconnect", Update, "changes an attached device") { Targets = false },
            new CommandRow("uninstall|reboot|sideload|disable-verity|emu", Update, "removes apps from or reboots a device") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-s -t -H -P" },
        new("getprop dumpsys wm", new CommandRow("", Read, "reads Android device state") { Targets = false }),
        new("pm cmd",
            new CommandRow("list *|path|dump|resolve-activity", Read, "reads Android packages") { Targets = false },
            new CommandRow("uninstall|clear", Delete, "removes an app or its data from the device") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "changes Android packages") { Targets = false }),
        new("am", new CommandRow("", Update, "starts activities or services on the device") { Targets = false }),
        new("fastlane",
            new CommandRow("*", Exec, "runs a fastlane lane") { Targets = false, Semantics = "build-targets" }),
        new("vagrant",
            Reads("status|global-status|ssh-config|validate|version|box list|plugin list|port"),
            new CommandRow("destroy|box remove|box prune", Delete, "deletes local virtual machines") { Targets = false, MinTier = WriteWithConfirmation },
            new CommandRow("ssh", Exec, "runs a command in a local virtual machine") { Targets = false },
            new CommandRow("*", Update, "changes local virtual machines") { Targets = false }),
        new("spark-submit pyspark spark-shell",
            new CommandRow("", Exec, "runs a Spark job") { Targets = false, Semantics = "spark" })
        { ValueOptions = "--master --deploy-mode --class --name --conf --jars --py-files --files --driver-memory --executor-memory --num-executors --executor-cores --packages" },
        new("nmap masscan zmap",
            new CommandRow("", Egress, "scans hosts and ports") { Targets = true, Shared = true, Semantics = "scan" })
        { ValueOptions = "-p -oN -oX -oG -oA -iL -e -S --top-ports --script --exclude -T" },
        new("tcpdump tshark wireshark dumpcap ngrep",
            new CommandRow("", Read, "reads a saved capture") { AnyFlag = "-r", Targets = false },
            new CommandRow("", Privilege, "captures network traffic, including other users'") { Targets = false, MinTier = WriteWithConfirmation })
        { ValueOptions = "-i -w -r -c -s -C -G -W -f -Y -T -e" },
        new("ngrok cloudflared localtunnel lt bore",
            new CommandRow("version|help|config check|tunnel list|tunnel info|--version", Read, "reads tunnel configuration"),
            new CommandRow("*|", Egress, "exposes a local service to the internet") { Targets = false, Shared = true, MinTier = WriteWithConfirmation }),
        new("nginx apachectl apache2ctl httpd caddy haproxy traefik",
            new CommandRow("", Read, "tests server configuration") { AnyFlag = "-t|-T|-V|-v|configtest|-version|--version|validate", Targets = false },
            new CommandRow("validate|version|fmt|adapt|list-modules|environ|configtest|healthcheck", Read, "tests server configuration") { Targets = false },
            new CommandRow("*|", Update, "starts, stops or reloads a web server") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-c -p -g -s -f --config --adapter", ShortFlagClusters = false },
        new("certbot mkcert",
            new CommandRow("certificates|--help|-help|plugins", Read, "lists certificates") { Targets = false },
            new CommandRow("*|", Update, "issues, installs or trusts certificates") { Targets = false, Shared = true, MinTier = WriteWithConfirmation }),
        new("consul nomad",
            Reads("members|catalog *|kv get|job status|status|node status|alloc status|alloc logs|job inspect|job plan|info|version|operator raft list-peers|monitor"),
            Destroys("kv delete|job stop -purge|namespace delete|acl token delete|operator raft remove-peer|snapshot restore"),
            new CommandRow("job stop", Update, "stops a job") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Deploys("*"))
        { ValueOptions = "-address -token -namespace -datacenter -region -recurse", ShortFlagClusters = false, DetectEnvironment = true },
        new("rabbitmqctl rabbitmqadmin",
            Reads("list_*|status|cluster_status|environment|report|list|show|ping|version"),
            Destroys("delete_*|purge_queue|reset|force_reset|delete|purge|forget_cluster_node"),
            Deploys("*"))
        { ValueOptions = "-n -p --vhost -q", DetectEnvironment = true },
        new("goreleaser",
            new CommandRow("release", Update, "publishes a release") { NoFlag = "--snapshot|--skip-publish|--skip=publish", Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("*|", Exec, "builds release artifacts locally") { Targets = false }),
        new("ko",
            new CommandRow("build|publish|resolve", Update, "builds and pushes container images") { NoFlag = "--push=false|--local|-L", Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("apply|create|delete|run", Update, "deploys to a cluster") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Exec, "builds container images locally") { Targets = false })
        { ValueOptions = "-f --filename -B --bare -t --tags --platform" },
        new("semantic-release release-it standard-version",
            new CommandRow("", Read, "previews a release") { AnyFlag = "--dry-run|-d|--no-ci", Targets = false },
            new CommandRow("", Update, "publishes a release, tags and changelog") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" }),
        new("grpcurl evans",
            new CommandRow("list|describe|* list|* list *|* describe|* describe *", Read, "lists gRPC services") { Targets = false },
            new CommandRow("*", Egress, "calls a gRPC method") { Targets = false, Shared = true, Semantics = "grpc" })
        { ValueOptions = "-d -H -rpc-header -import-path -proto -protoset -cert -key -cacert -authority -max-time -connect-timeout", ShortFlagClusters = false },
        new("nuget",
            new CommandRow("push", Update, "publishes a package to a feed") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("delete", Destroy, "deletes a package from a feed") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "publish" },
            new CommandRow("*", Exec, "restores or packs packages") { Targets = false })
        { ValueOptions = "-Source -ApiKey -ConfigFile -OutputDirectory" },
        new("changeset changesets wasm-pack cargo-watch cargo-nextest nextest trunk cross maturin cibuildwheel uvicorn gunicorn flask django-admin-dev streamlit "
            + "ts-jest tsup unbuild esbuild-register nodemon pm2-dev concurrently wait-on dotenv-cli semantic-release-dry",
            new CommandRow("", Exec, "builds, tests or runs project code") { Targets = false, Semantics = "build-targets" })
        { ValueOptions = "-c --config -p --port -h --host -w --watch" },
    ];
}
