using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Volumes, object stores, backups, key-value stores and queues: where "delete" means data is gone.</summary>
internal static class StorageTables
{
    private static CommandRow Reads(string path) => new(path, Read, "reads storage state") { Targets = false };

    private static CommandRow Destroys(string path, string reason) =>
        new(path, Destroy, reason) { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" };

    private static CommandRow Changes(string path) =>
        new(path, Update, "changes storage") { Shared = true, MinTier = WriteWithConfirmation };

    public static ProgramSpec[] Programs { get; } =
    [
        new("zfs zpool",
            Reads("list|get|status|iostat|history|holds|diff|events|version|upgrade -v"),
            Destroys("destroy|rollback|labelclear|clear", "destroys a dataset, pool or snapshot"),
            Changes("*"))
        { ValueOptions = "-o -t -s -S -d" },
        new("lvremove vgremove pvremove cryptsetup-erase",
            Destroys("", "removes a logical volume and its data")),
        new("lvs vgs pvs lvdisplay vgdisplay pvdisplay lvscan vgscan pvscan blkid findmnt", Reads("")),
        new("lvcreate lvextend lvresize lvreduce vgcreate vgextend pvcreate resize2fs xfs_growfs", Changes("")),
        new("etcdctl",
            Reads("get|member list|endpoint *|version|alarm list|check *|watch|lease list|user list|role list"),
            new CommandRow("del|delete", Destroy, "deletes every key under a prefix") { AnyFlag = "--prefix|--from-key", Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("del|delete", Delete, "deletes keys") { Shared = true, Irreversible = true },
            Destroys("snapshot restore|defrag --cluster|member remove|alarm disarm", "rewrites cluster membership or data"),
            Changes("*"))
        { ValueOptions = "--endpoints --cacert --cert --key --user -w --write-out --dial-timeout", DetectEnvironment = true },
        new("kafka-topics kafka-topics.sh kafka-configs kafka-configs.sh kafka-consumer-groups kafka-consumer-groups.sh kafka-acls kafka-acls.sh",
            new CommandRow("", Read, "lists or describes topics") { AnyFlag = "--list|--describe", NoFlag = "--delete|--alter|--create|--reset-offsets|--add|--remove|--delete-offsets", Targets = false },
            // --reset-offsets without --execute only prints the plan.
            new CommandRow("", Read, "previews an offset reset") { AnyFlag = "--reset-offsets", NoFlag = "--execute|--delete|--delete-offsets", Targets = false },
            new CommandRow("", Destroy, "removes ACLs or committed offsets") { AnyFlag = "--remove|--delete-offsets", Targets = false, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("", Destroy, "deletes topics or consumer groups and their data") { AnyFlag = "--delete", Targets = false, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("", Update, "changes topics, offsets or ACLs") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "--bootstrap-server --zookeeper --topic --group --partitions --replication-factor --config --entity-type --entity-name --command-config", DetectEnvironment = true },
        new("kafka-delete-records kafka-delete-records.sh",
            new CommandRow("", Destroy, "deletes records from partitions") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" })
        { ValueOptions = "--bootstrap-server --offset-json-file --command-config", DetectEnvironment = true },
        new("kafka-console-consumer kafka-console-consumer.sh kafka-get-offsets kafka-get-offsets.sh kafka-log-dirs kafka-log-dirs.sh kafka-broker-api-versions kafka-broker-api-versions.sh kafka-metadata-quorum kafka-metadata-quorum.sh",
            new CommandRow("", Read, "reads topics or cluster metadata") { Targets = false })
        { ValueOptions = "--bootstrap-server --topic --group --partition --offset --max-messages --property --formatter --consumer.config --command-config --topic-list", DetectEnvironment = true },
        new("kafka-console-producer kafka-console-producer.sh kafka-reassign-partitions kafka-reassign-partitions.sh kafka-leader-election kafka-leader-election.sh",
            new CommandRow("", Read, "plans or verifies a reassignment") { AnyFlag = "--generate|--verify|--list", NoFlag = "--execute", Targets = false },
            new CommandRow("", Update, "writes messages or moves partitions") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "--bootstrap-server --topic --property --producer.config --reassignment-json-file --topics-to-move-json-file --broker-list --election-type --partition --command-config", DetectEnvironment = true },
        new("kafka-storage kafka-storage.sh",
            new CommandRow("info|random-uuid|version", Read, "reads storage metadata") { Targets = false },
            new CommandRow("format", Destroy, "formats broker storage") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            Changes("*"))
        { ValueOptions = "-c --config -t --cluster-id" },
        new("rpk",
            Reads("topic list|topic describe|topic consume|cluster info|cluster health|cluster metadata|group list|group describe|acl list|version|profile list|profile print|cluster config get|cluster config export|cluster logdirs describe|security acl list|security user list"),
            Destroys("topic delete|topic trim-prefix|group delete|acl delete|security acl delete|security user delete|cluster config reset|cluster partitions unsafe-recover", "deletes topics, consumer groups, records or users"),
            Changes("*"))
        { ValueOptions = "--brokers -X --config --profile -p --partitions -r --replicas -o --offset -n --num -f --format", DetectEnvironment = true },
        new("mc s5cmd rclone b2",
            // rclone config show/dump and mc alias list print the remotes' keys and tokens; `config redacted` hides them.
            new CommandRow("config show|config dump|alias list|alias ls|alias export", CredentialRead, "prints stored access keys and tokens") { Targets = false, Tags = "secret" },
            Reads("ls|lsd|lsl|lsf|lsjson|cat|stat|du|tree|find|head|diff|version|admin info|size|about|listremotes|check|cryptcheck|md5sum|sha1sum|hashsum|"
                + "config file|config paths|config providers|config redacted|backend features|help|admin user list|admin user info|admin policy list|admin group list"),
            // sync and bisync make the destination match the source: whatever the source lacks is deleted there.
            new CommandRow("sync|bisync|dedupe|cleanup|move|moveto", Delete, "deletes files from a remote (what the source lacks, duplicates, trash or moved sources)")
                { Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("rb|purge|rmdir|rmdirs|admin bucket remote rm|delete", Destroy, "deletes a bucket or all of its objects") { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("rm|deletefile", Destroy, "deletes every object under a prefix") { AnyFlag = "--recursive|-r|--force|--versions", Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("rm|deletefile", Delete, "deletes objects") { Shared = true, Irreversible = true },
            new CommandRow("sync|mirror", Delete, "deletes objects missing from the source") { AnyFlag = "--remove|--delete|--delete-after|--delete-before|--delete-during", Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            Changes("*"))
        { ValueOptions = "--config --transfers -P --progress --exclude --include --filter", DetectEnvironment = true },
        new("restic borg kopia duplicity rdiff-backup",
            new CommandRow("cat masterkey|key export", CredentialRead, "prints the repository's key") { Targets = false, Tags = "secret" },
            Reads("snapshots|ls|list|check|stats|find|diff|cat|version|info|key list|mount|dump|snapshot list|snapshot ls|snapshot verify|repository status|policy list|policy show|"
                + "maintenance info|content list|content stats|blob list|blob stats|manifest list|index list|cache info|server status|collection-status|list-current-files|verify|list-increments"),
            // --dry-run is handled for every program; restic and borg also spell it -n.
            new CommandRow("forget|prune|delete|compact", Read, "previews which snapshots would be removed") { AnyFlag = "-n", Targets = false },
            Destroys("snapshot delete|snapshot expire|blob delete|content delete|policy delete|repository disconnect|maintenance run", "deletes backups"),
            new CommandRow("check", Update, "repairs the repository") { AnyFlag = "--repair", Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Destroys("forget|prune|delete|remove|compact|key remove|recover|remove-older-than", "deletes backups"),
            new CommandRow("backup|create|init|snapshot create", Create, "takes a backup") { Targets = false },
            Changes("*"))
        { ValueOptions = "-r --repo --repository -p --password-file --keep-last --keep-daily --keep-weekly --keep-monthly --tag --host --path", DetectEnvironment = true },

        new("rabbitmq-diagnostics", Reads("*|")) { ValueOptions = "-n --node -q --timeout -t", DetectEnvironment = true },
        new("rabbitmq-plugins rabbitmq-upgrade rabbitmq-queues rabbitmq-streams",
            Reads("list|directories|is_enabled|check_if_node_is_quorum_critical|check_if_node_is_mirror_sync_critical|help|version|status|quorum_status|stream_status"),
            Destroys("delete_member|shrink|forget_cluster_node|delete_replica", "removes queue replicas or cluster members"),
            Changes("*"))
        { ValueOptions = "-n --node -q --timeout -t --vhost -p", DetectEnvironment = true },
        // Kubernetes backups: get/describe/logs read; deleting backups, schedules or locations loses the ability to restore.
        new("velero",
            Reads("** get|** describe|** logs|version|completion|help|get *|describe *|debug|client config get|plugin get"),
            Destroys("** delete|delete *|uninstall|backup-location delete|snapshot-location delete", "deletes backups, restores, schedules or the Velero install"),
            new CommandRow("backup create|create backup|schedule create|create schedule|backup download|restore create|create restore", Update, "takes, downloads or restores backups")
                { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Changes("*"))
        { ValueOptions = "-n --namespace --kubeconfig --kubecontext --from-backup --from-schedule --include-namespaces --exclude-namespaces --selector -l -o --output --ttl --schedule --storage-location", DetectEnvironment = true },
        // NATS: streams, key-value and object stores are data; listing and inspecting read, rm and purge lose it.
        new("nats",
            Reads("** ls|** list|** info|** report|** view|** get|** sub|** subscribe|** history|** watch|** status|** find|** check|** ping|** rtt|** latency|** subjects|** state|"
                + "context select|** schema *|--version|help|account info|server list|server info|server ping|server report *|server check *|server request *"),
            Destroys("** rm|** purge|** rmm", "deletes or purges streams, consumers, buckets or messages"),
            new CommandRow("** del|** delete|** remove", Delete, "deletes keys or objects") { Targets = false, Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            Changes("*"))
        { ValueOptions = "-s --server --creds --nkey --context --user --password --tlscert --tlskey --tlsca -j --count --subject --stream --consumer --filter", DetectEnvironment = true },
    ];
}