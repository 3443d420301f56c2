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
        new("kafka-topics kafka-topics.sh kafka-configs kafka-consumer-groups kafka-acls",
            new CommandRow("", Read, "lists or describes topics") { AnyFlag = "--list|--describe", NoFlag = "--delete|--alter|--create|--reset-offsets", Targets = false },
            new CommandRow("", Destroy, "deletes topics or consumer groups and their data") { AnyFlag = "--delete", Targets = false, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("", Update, "changes topics, offsets or ACLs") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "--bootstrap-server --zookeeper --topic --group --partitions --replication-factor --config --entity-type --entity-name --command-config", DetectEnvironment = true },
        new("mc s5cmd rclone b2",
            // rclone config show/dump and mc alias list print the remotes' keys and tokens; `config redacted` hides them.
            new CommandRow("config show|config dump|alias list|alias ls|alias export", CredentialRead, "prints stored access keys and tokens") { Targets = false, Tags = "secret" },
            Reads("ls|lsd|lsl|cat|stat|du|tree|find|head|diff|version|admin info|size|about|listremotes|check|config redacted|config file|config providers"),
            new CommandRow("rb|purge|rmdir|rmdirs|admin bucket remote rm|delete", Destroy, "deletes a bucket or all of its objects") { Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("rm|deletefile", Destroy, "deletes every object under a prefix") { AnyFlag = "--recursive|-r|--force|--versions", Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("rm|deletefile", Delete, "deletes objects") { Shared = true, Irreversible = true },
            new CommandRow("sync|mirror", Delete, "deletes objects missing from the source") { AnyFlag = "--remove|--delete|--delete-after|--delete-before|--delete-during", Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            Changes("*"))
        { ValueOptions = "--config --transfers -P --progress --exclude --include --filter", DetectEnvironment = true },
        new("restic borg kopia duplicity rdiff-backup",
            Reads("snapshots|ls|list|check|stats|find|diff|cat|version|info|key list|mount|dump"),
            Destroys("forget|prune|delete|remove|compact|key remove|recover|remove-older-than", "deletes backups"),
            new CommandRow("backup|create|init|snapshot create", Create, "takes a backup") { Targets = false },
            Changes("*"))
        { ValueOptions = "-r --repo --repository -p --password-file --keep-last --keep-daily --keep-weekly --keep-monthly --tag --host --path", DetectEnvironment = true },
    ];
}
