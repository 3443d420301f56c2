using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Programs that reach other machines: HTTP clients, raw sockets, remote copy and shells.</summary>
internal static class NetworkTables
{
    public static ProgramSpec[] Programs { get; } =
    [
        // Besides -o (see Curl), these options name files curl writes: cookie jars, traces, headers, logs, generated code.
        new("curl", new CommandRow("", Read, "fetches a URL")
            { Targets = false, Semantics = "curl", OutputOptions = "-c|--cookie-jar|--trace|--trace-ascii|-D|--dump-header|--stderr|--libcurl|--etag-save|--hsts|--alt-svc|--output-dir" })
        {
            ValueOptions = "-X --request -d --data --data-raw --data-binary --data-urlencode --data-ascii -F --form --form-string -T --upload-file --json "
                + "-H --header -o --output -u --user -A --user-agent -e --referer -b --cookie -c --cookie-jar -x --proxy -m --max-time --connect-timeout "
                + "-w --write-out -K --config -E --cert --key --cacert --resolve --retry --retry-delay -r --range -z --time-cond --limit-rate "
                + "--output-dir -U --proxy-user --interface --url --aws-sigv4 --oauth2-bearer -Y -y --max-filesize --create-dirs-mode --unix-socket --variable --expand-url "
                + "--trace --trace-ascii -D --dump-header --stderr --libcurl --etag-save --etag-compare --hsts --alt-svc --trace-config",
        },
        // -o/-a name wget's log file; --save-cookies and --warc-file name more files it writes.
        new("wget", new CommandRow("", Read, "downloads a URL")
            { Targets = false, Semantics = "wget", OutputOptions = "-o|--output-file|-a|--append-output|--save-cookies|--warc-file|--rejected-log" })
        {
            ValueOptions = "-O --output-document -o --output-file -a --append-output -P --directory-prefix --post-data --post-file --body-data --body-file --method "
                + "--header -U --user-agent --user --password --http-user --http-password -t --tries -T --timeout -w --wait -e --execute -i --input-file -A -R -l --level -D --domains "
                + "--save-cookies --load-cookies --warc-file --rejected-log --config",
        },
        new("http https xh httpie", new CommandRow("", Read, "sends an HTTP request") { Targets = false, Semantics = "httpie" })
        { ValueOptions = "-a --auth -A --auth-type -o --output --session --verify --cert --cert-key --proxy --timeout" },
        new("nc ncat netcat socat telnet ftp tftp lftp websocat",
            new CommandRow("", Egress, "opens a raw network connection that can carry any data") { Targets = false, Shared = true, Semantics = "raw-socket" })
        { ValueOptions = "-p -s -w -i -q -e -c -x -X -P -T -O -I", ShortFlagClusters = false },
        // The name looked up goes to DNS servers: text computed into it leaves the machine.
        new("host dig nslookup drill kdig delv whois ping ping6 traceroute traceroute6 tracepath mtr",
            new CommandRow("", Read, "looks up names or probes hosts") { Targets = false, Semantics = "name-lookup" })
        { ValueOptions = "-t -c -p -b -q -f -k -y -i -w -W -s -I -m -h -T -N -type -class -port -timeout", ShortFlagClusters = false },
        new("scp sftp", new CommandRow("", Create, "copies files between machines") { Targets = false, Semantics = "remote-copy" })
        { ValueOptions = "-P -i -o -F -S -c -l -J -D -b" },
        new("ssh mosh autossh",
            new CommandRow("", Exec, "opens a shell on another machine") { Targets = false, Shared = true, Semantics = "ssh", OutputOptions = "-E" })
        { ValueOptions = "-i -p -l -o -F -J -L -R -D -b -c -E -e -m -O -Q -S -W -w -B -I -M", DetectEnvironment = true },
        new("ssh-keygen", new CommandRow("", Create, "manages SSH keys") { Targets = false },
            new CommandRow("", Read, "prints a key fingerprint or public key") { AnyFlag = "-l|-y|-F|-L|-B", Targets = false },
            // -R rewrites known_hosts (~/.ssh/known_hosts or the -f file): the host's pinned key is gone.
            new CommandRow("", Update, "removes a host's keys from known_hosts") { AnyFlag = "-R", Targets = false, Irreversible = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-t -b -C -f -N -P -F -R -I -n -V -z -O -E" },
        new("ssh-add",
            new CommandRow("", Read, "loads a key into the SSH agent") { Targets = false },
            new CommandRow("", Read, "lists the agent's keys") { AnyFlag = "-l|-L|-T", Targets = false },
            // The agent serves every session of the user: removing or locking its keys breaks their logins and pushes.
            new CommandRow("", Delete, "removes keys from the SSH agent or locks it") { AnyFlag = "-d|-D|-x|-e", Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-t -E -s -e -S -H -h" },
        new("ssh-keyscan", new CommandRow("", Read, "fetches hosts' public keys") { Targets = false })
        { ValueOptions = "-f -p -T -t -O" },
        new("ssh-copy-id", new CommandRow("", Update, "installs a key on another machine") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-i -p -o" },
        new("gpg gpg2",
            new CommandRow("", CredentialRead, "exports secret keys") { AnyFlag = "--export-secret-keys|--export-secret-subkeys|--export-ssh-key", Targets = false, Tags = "secret" },
            new CommandRow("", Read, "reads or verifies signatures") { AnyFlag = "--verify|--list-keys|-k|--list-public-keys|--fingerprint|--list-sigs|--version|--export|--recv-keys|--import|--list-secret-keys|-K", Targets = false, OutputOptions = "-o|--output" },
            new CommandRow("", Update, "signs, encrypts or decrypts") { Targets = false, OutputOptions = "-o|--output" })
        { ValueOptions = "-o --output -r --recipient -u --local-user --homedir --keyserver --default-key", ShortFlagClusters = false },
        new("vault bao",
            new CommandRow("kv get|read|token lookup|print token|kv patch", CredentialRead, "reads secrets from Vault") { Shared = true, Tags = "secret" },
            new CommandRow("kv list|secrets list|status|version|policy list|policy read|auth list|audit list|kv metadata get|list|lease lookup|token capabilities|path-help|"
                + "plugin list|plugin info|namespace list|namespace lookup|operator raft list-peers|operator members|monitor|help", Read, "reads Vault state"),
            new CommandRow("kv destroy|kv metadata delete|kv delete|delete|secrets disable|auth disable|policy delete|lease revoke|token revoke|operator seal", Destroy, "deletes secrets or disables Vault engines")
                { Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("*", Update, "changes Vault state") { Shared = true, MinTier = WriteWithConfirmation })
        {
            // Vault's flags take one or two dashes alike.
            ValueOptions = "-address -namespace -format -field -mount -version -versions -ca-cert -ns --address --namespace --format --field --mount --ca-cert -output-curl-string",
            ShortFlagClusters = false, DetectEnvironment = true,
        },
        new("op", new CommandRow("run", Exec, "runs a command with secrets in its environment") { Targets = false, Semantics = "dashdash-command" },
            new CommandRow("read|item get|document get|inject", CredentialRead, "reads secrets from 1Password") { Tags = "secret" },
            new CommandRow("** delete|** remove|** rm|** purge", Destroy, "deletes 1Password items, vaults, users or documents")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            // --archive moves an item to the archive, where it can be restored.
            new CommandRow("item delete|document delete", Delete, "archives 1Password items") { AnyFlag = "--archive", Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("** list|** ls|** get|whoami|signin|signout|account list|account get|--version|help|completion|update|plugin list|plugin inspect", Read, "reads 1Password metadata") { Targets = false },
            new CommandRow("*", Update, "changes 1Password items, vaults or users") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "--vault --account --fields --format -o --out-file" },
        new("security", new CommandRow("find-generic-password|find-internet-password|dump-keychain|export", CredentialRead, "reads the keychain") { Tags = "secret" },
            new CommandRow("*", Read, "reads keychain metadata") { Targets = false })
        { ValueOptions = "-s -a -l -k -t -f -o" },
        new("pass gopass bw lpass doppler infisical sops aws-vault chamber",
            new CommandRow("exec|run", Exec, "runs a command with secrets in its environment") { Targets = false, Semantics = "dashdash-command" },
            new CommandRow("ls|list|find|search|status|version|login|logout|sync|--version", Read, "lists secret names") { Targets = false },
            new CommandRow("*|", CredentialRead, "reads secrets from a secret store") { Tags = "secret" })
        { ValueOptions = "-c --clip -p --project --config -e --env" },
    ];
}
