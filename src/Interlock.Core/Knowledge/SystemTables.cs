using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Services, processes, power, firewall, scheduling, users and system packages.</summary>
internal static class SystemTables
{
    public static ProgramSpec[] Programs { get; } =
    [
        new("systemctl",
            new CommandRow("status|is-active|is-enabled|is-failed|list-units|list-unit-files|list-timers|list-sockets|list-dependencies|show|cat|help|--version|get-default",
                Read, "reads service state"),
            new CommandRow("start|restart|reload|try-restart|reload-or-restart|enable|daemon-reload|reset-failed|edit|set-property|revert|unmask",
                Update, "starts or reconfigures a service") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("stop|disable|mask|kill|isolate", Update, "stops a service") { Shared = true, MinTier = WriteWithConfirmation, Tags = "service-stop" },
            new CommandRow("poweroff|reboot|halt|kexec|suspend|hibernate|rescue|emergency|default", Destroy, "powers off or reboots the machine")
                { Shared = true, MinTier = Never })
        { ValueOptions = "-H --host -M --machine -t --type -p --property -s --signal -n --lines -o --output --state", DetectEnvironment = true },
        new("service",
            new CommandRow("* status", Read, "reads service state"),
            new CommandRow("", Read, "reads the state of every service") { AnyFlag = "--status-all" },
            new CommandRow("* stop", Update, "stops a service") { Shared = true, MinTier = WriteWithConfirmation, Tags = "service-stop" },
            new CommandRow("* *", Update, "starts or restarts a service") { Shared = true, MinTier = WriteWithConfirmation })
        { DetectEnvironment = true },
        new("kill",
            new CommandRow("", Update, "signals every process the user can reach") { AnyFlag = "-1", Targets = false, Shared = true, MinTier = Never },
            new CommandRow("", Update, "signals init") { AnyArg = "1|-1", Targets = false, Shared = true, MinTier = Never },
            new CommandRow("", Read, "lists signals") { AnyFlag = "-l|-L|--list|-0", Targets = false },
            new CommandRow("", Update, "signals a process") { MinTier = WriteWithConfirmation })
        { ValueOptions = "-s -n --signal", ShortFlagClusters = false },
        new("killall pkill killall5 skill slay", new CommandRow("", Update, "signals processes by name") { MinTier = WriteWithConfirmation })
        { ValueOptions = "-s --signal -u --user -g -t -P -U -G" },
        new("shutdown reboot halt poweroff init telinit",
            new CommandRow("", Destroy, "shuts down or reboots the machine") { Targets = false, Shared = true, MinTier = Never })
        { ShortFlagClusters = false },
        new("iptables ip6tables nft iptables-restore ip6tables-restore ebtables firewall-cmd",
            new CommandRow("", Read, "lists firewall rules") { AnyFlag = "-L|--list|-S|--list-rules|--list-all|--state|--get-zones", NoFlag = "-F|--flush|-X|-P|-Z", Targets = false },
            new CommandRow("list|list *|monitor", Read, "lists firewall rules") { Targets = false },
            new CommandRow("", Destroy, "flushes or drops the firewall") { AnyFlag = "-F|--flush|-X|--delete-chain|-P|--policy", Targets = false, Shared = true, MinTier = Never },
            new CommandRow("flush *|flush|delete *", Destroy, "flushes or drops the firewall") { Targets = false, Shared = true, MinTier = Never },
            new CommandRow("", Update, "changes firewall rules") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-t --table -A -I -D -R -N -j -s -d -p -i -o --dport --sport -m --zone --add-port --remove-port --add-service", ShortFlagClusters = false },
        new("ufw",
            new CommandRow("status|show|app list|app info|version", Read, "reads firewall state"),
            new CommandRow("disable|reset", Destroy, "turns the firewall off") { Shared = true, MinTier = Never },
            new CommandRow("*", Update, "changes firewall rules") { Shared = true, MinTier = WriteWithConfirmation }),
        new("crontab",
            new CommandRow("", Read, "lists the crontab") { AnyFlag = "-l", NoFlag = "-r", Targets = false },
            new CommandRow("", Destroy, "deletes the whole crontab") { AnyFlag = "-r", Targets = false, Irreversible = true, MinTier = Never },
            new CommandRow("", Update, "replaces the crontab") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-u" },
        new("at batch atrm", new CommandRow("", Update, "schedules commands") { Targets = false, MinTier = WriteWithConfirmation }),
        new("passwd chpasswd useradd userdel usermod adduser deluser groupadd groupdel groupmod gpasswd visudo vipw newgrp chsh chfn",
            new CommandRow("", Destroy, "deletes a user together with their home directory and files")
                { AnyFlag = "-r|--remove|--remove-home|--remove-all-files", Targets = true, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("", Privilege, "changes users, groups or privileges") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-g -G -s -d -u -c -e -p -k" },
        new("mount umount swapon swapoff losetup modprobe insmod rmmod sysctl hostnamectl timedatectl localectl update-grub grub-install setenforce",
            new CommandRow("", Update, "changes system configuration") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("", Read, "reads system configuration") { AnyFlag = "-a|--all|-l|--list|status|-n", NoFlag = "-w|--write", Targets = false })
        { ValueOptions = "-t -o -O -L -U" },
        new("apt apt-get apt-cache aptitude dpkg yum dnf zypper pacman apk snap flatpak port rpm emerge nix-env",
            new CommandRow("list|search|show|policy|info|depends|rdepends|changelog|madison|query|check-update|repolist|history|showpkg|stats",
                Read, "reads installed packages") { Targets = false },
            new CommandRow("", Read, "reads installed packages")
                { AnyFlag = "-l|-L|-s|-S|-q|-Q|-qa|-qi|-ql|--list|--status|--search|--listfiles", NoFlag = "-r|-R|-P|-e|-i|--remove|--purge|--erase|--install", Targets = false },
            new CommandRow("remove|purge|autoremove|erase|uninstall|del", Delete, "removes system packages")
                { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("*|", Delete, "removes system packages")
                { AnyFlag = "-r|-R|-P|-e|--remove|--purge|--erase", Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "installs or changes system packages") { Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-o -c -t --target-release --option", ShortFlagClusters = false },
        new("brew",
            new CommandRow("list|ls|search|info|desc|deps|uses|outdated|config|doctor|--version|--prefix|leaves|home|cat|log", Read, "reads installed formulae") { Targets = false },
            new CommandRow("uninstall|remove|rm|cleanup|autoremove|untap", Delete, "removes formulae") { MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "installs or upgrades formulae") { MinTier = WriteWithConfirmation }),
        new("launchctl", new CommandRow("list|print|blame|print-disabled", Read, "reads services"),
            new CommandRow("*", Update, "changes services") { Shared = true, MinTier = WriteWithConfirmation }),
    ];
}
