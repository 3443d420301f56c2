using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Core utilities that read, write and delete files.</summary>
internal static class FileTools
{
    public static ProgramSpec[] Programs { get; } =
    [
        new("rm unlink", new CommandRow("", Delete, "removes files") { PathTargets = true, Irreversible = true, Semantics = "rm" })
            { ValueOptions = "--interactive" },
        new("rimraf del-cli shx-rm", new CommandRow("", Delete, "removes files and directories recursively") { PathTargets = true, Irreversible = true, Tags = "recursive" }),
        new("trash trash-put gio-trash", new CommandRow("", Delete, "moves files to the trash") { PathTargets = true }),
        new("rmdir", new CommandRow("", Delete, "removes empty directories") { PathTargets = true }),
        new("shred", new CommandRow("", Destroy, "overwrites files so they cannot be recovered") { PathTargets = true, Irreversible = true, MinTier = Never })
            { ValueOptions = "-n --iterations -s --size --random-source" },
        new("wipefs mkfs mke2fs mkswap mkfs.ext2 mkfs.ext3 mkfs.ext4 mkfs.xfs mkfs.btrfs mkfs.vfat mkfs.fat mkfs.ntfs mkfs.exfat fdisk sfdisk parted gdisk sgdisk blkdiscard",
            new CommandRow("", Destroy, "rewrites a disk or file system") { PathTargets = true, Irreversible = true, Shared = true, MinTier = Never, Tags = "device" })
            { ValueOptions = "-t -L -n -b -c -F -O -m" },
        new("dd", new CommandRow("", Update, "copies raw blocks") { Targets = false, Semantics = "dd" }),
        new("truncate", new CommandRow("", Delete, "cuts files to a size, discarding content") { PathTargets = true, Irreversible = true })
            { ValueOptions = "-s --size -r --reference" },
        new("mv", new CommandRow("", Update, "moves files") { PathTargets = true, Semantics = "move" })
            { ValueOptions = "-t --target-directory -S --suffix" },
        new("cp", new CommandRow("", Create, "copies files") { PathTargets = true, Semantics = "copy" })
            { ValueOptions = "-t --target-directory -S --suffix" },
        new("ln", new CommandRow("", Create, "creates links") { PathTargets = true, Semantics = "link" })
            { ValueOptions = "-t --target-directory -S --suffix" },
        new("install", new CommandRow("", Create, "copies files and sets attributes") { PathTargets = true, Semantics = "copy" })
            { ValueOptions = "-m --mode -o --owner -g --group -t --target-directory -S --suffix" },
        new("chmod", new CommandRow("", Update, "changes file permissions") { PathTargets = true, Semantics = "chmod" })
            { ValueOptions = "--reference" },
        new("chown chgrp", new CommandRow("", Update, "changes file ownership") { PathTargets = true, Semantics = "chmod" })
            { ValueOptions = "--reference --from" },
        new("chattr setfacl", new CommandRow("", Update, "changes file attributes") { PathTargets = true, Semantics = "chmod" })
            { ValueOptions = "-m -x -M -X" },
        // mktemp -p DIR takes a value; mkdir -p is a flag, so each has its own grammar.
        new("touch", new CommandRow("", Create, "creates files or directories") { PathTargets = true })
            { ValueOptions = "-d --date -r --reference -t" },
        new("mkdir mkfifo mknod", new CommandRow("", Create, "creates files or directories") { PathTargets = true })
            { ValueOptions = "-m --mode --context" },
        new("tee", new CommandRow("", Update, "writes its input to files") { PathTargets = true, ReadsContent = false }),
        new("sed", new CommandRow("", Read, "filters text") { Targets = false, Semantics = "sed" })
            { ValueOptions = "-e --expression -f --file -l --line-length" },
        new("perl-rename rename prename", new CommandRow("", Update, "renames files") { PathTargets = true }),
        // The second operand of split is the prefix of the pieces it writes; csplit names it with -f.
        new("split", new CommandRow("", Read, "reads a file to split it into pieces") { PathTargets = true, OutputOperand = 2 },
            // More operands are not coreutils split's grammar: another program by that name (Split's feature-flag CLI) runs.
            new CommandRow("* * *", Exec, "runs a 'split' that is not coreutils split (more than FILE and PREFIX)") { Targets = false, MinTier = WriteWithConfirmation })
            { ValueOptions = "-b --bytes -C --line-bytes -l --lines -n --number -a --suffix-length --additional-suffix" },
        new("csplit", new CommandRow("", Read, "reads a file to split it into pieces") { PathTargets = true, OutputOptions = "-f|--prefix", Semantics = "first-operand" })
            { ValueOptions = "-b --suffix-format -f --prefix -n --digits" },
        // patch FILE changes FILE; with -d DIR, or no FILE, it changes the files the diff names below DIR or here.
        new("patch", new CommandRow("", Update, "applies a patch to files") { PathTargets = true, Semantics = "patch", OutputOptions = "-o|--output|-r|--reject-file" })
            { ValueOptions = "-p --strip -i --input -d --directory -o --output -r --reject-file -B --prefix -Y --basename-prefix -z --suffix -D --ifdef -F --fuzz -V --version-control --backup-if-mismatch" },
        new("tar bsdtar", new CommandRow("", Read, "archives files") { Targets = false, Semantics = "tar" })
            { ValueOptions = "-f --file -C --directory -T --files-from -X --exclude-from --exclude -I --use-compress-program -b -H --format" },
        new("zip 7z 7za", new CommandRow("", Create, "creates archives") { PathTargets = true, Semantics = "archive" })
            { ValueOptions = "-x -i -P --password -r" },
        new("unzip", new CommandRow("", Create, "extracts archives") { PathTargets = true, Semantics = "unzip" })
            { ValueOptions = "-d --exdir -x -P -O -I" },
        new("gunzip bunzip2 unxz unzstd", new CommandRow("", Create, "extracts archives") { PathTargets = true })
            { ValueOptions = "-S --suffix" },
        new("gzip bzip2 xz zstd lz4", new CommandRow("", Update, "compresses files in place") { PathTargets = true }),
        new("find", new CommandRow("", Read, "searches for files") { Targets = false, Semantics = "find" }) { ShortFlagClusters = false },
        new("rsync", new CommandRow("", Create, "synchronizes files") { PathTargets = true, Semantics = "rsync" })
            { ValueOptions = "-e --rsh --exclude --include --exclude-from --include-from --filter -f --backup-dir --suffix --chmod --chown --log-file --password-file --port -T --temp-dir --partial-dir --files-from --max-size --min-size --timeout --bwlimit" },

        // Readers: print or process file contents. Credential paths among their targets are credential reads.
        // head and tail take counts (-n 5, -c 40); for cat, wc, sort or uniq the same letters are flags, so they get their own row.
        new("head tail",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-n --lines -c --bytes --pid -s --sleep-interval --max-unchanged-stats" },
        // Each reader has its own option grammar: a letter that takes a value in one (grep -A 3) is a flag in another
        // (cat -A), and a shared list let the flag swallow the file after it. Values of any reader option that name a
        // credential are read too (see Reader), so a value taken wrongly can no longer hide a file.
        new("cat zcat bzcat xzcat rev",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            ,
        new("tac", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-s --separator" },
        new("nl", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-b --body-numbering -d --section-delimiter -f --footer-numbering -h --header-numbering -i --line-increment "
                + "-l --join-blank-lines -n --number-format -s --number-separator -v --starting-line-number -w --number-width" },
        new("bat batcat", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-l --language -H --highlight-line -r --line-range --file-name --diff-context --tabs --wrap --terminal-width "
                + "--color --italic-text --decorations --paging -m --map-syntax --theme --style --pager --ignored-suffix" },
        new("most zless", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }),
        new("grep egrep fgrep zgrep",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-e --regexp -f --file -m --max-count -A -B -C --after-context --before-context --context --label --exclude --include "
                + "--exclude-dir --exclude-from -d --directories -D --devices --binary-files --color --colour --group-separator" },
        new("rg",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-e --regexp -f --file -m --max-count -A -B -C --after-context --before-context --context -g --glob --iglob -t --type "
                + "-T --type-not --type-add --type-clear -j --threads -M --max-columns -d --max-depth --maxdepth --color --colors --sort --sortr "
                + "-E --encoding --ignore-file --pre --pre-glob -r --replace --path-separator --max-filesize --dfa-size-limit --regex-size-limit "
                + "--engine --context-separator --field-context-separator --field-match-separator --hyperlink-format" },
        new("ag ack",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-A -B -C --after --before --context -G --file-search-regex -m --max-count --depth --ignore --ignore-dir "
                + "--ignore-file -p --path-to-ignore --pager --type --type-add --color-match --color-path --color-line-number --output --match" },
        new("wc", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "--files0-from" },
        new("cut", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-b --bytes -c --characters -d --delimiter -f --fields --output-delimiter" },
        new("paste", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-d --delimiters" },
        new("join", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-a -e -o -t -v -1 -2 -j" },
        new("comm", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "--output-delimiter" },
        new("diff diff3 colordiff",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-C -U --context --unified -I --ignore-matching-lines -x --exclude -X --exclude-from -L --label -W --width --tabsize "
                + "--from-file --to-file --line-format --old-line-format --new-line-format --unchanged-line-format --old-group-format "
                + "--new-group-format --changed-group-format --unchanged-group-format -F --show-function-line --color --palette "
                + "--horizon-lines -S --starting-file --diff-program" },
        new("cmp", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-i --ignore-initial -n --bytes" },
        new("base64 base32 basenc", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-w --wrap" },
        new("od", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-A --address-radix -j --skip-bytes -N --read-bytes -S --strings -t --format -w --width --endian" },
        new("hexdump hd", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-e -f -n -s" },
        new("strings", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-n --bytes -t --radix -e --encoding -T --target --output-separator" },
        // jq --arg NAME VALUE and --rawfile NAME FILE take two values; yq -i edits its file in place.
        new("jq gojq jaq",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-f --from-file --indent -L", PairOptions = "--arg --argjson --slurpfile --rawfile" },
        new("yq xq",
            new CommandRow("", Update, "edits files in place") { AnyFlag = "-i|--inplace|--in-place", PathTargets = true, Semantics = "reader" },
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-I --indent -o --output-format -p --input-format -s --split-exp --from-file --expression --xml-attribute-prefix --xml-content-name -L",
              PairOptions = "--arg --argjson --slurpfile --rawfile" },
        new("fold fmt", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-w --width -p --prefix -g --goal" },
        new("pr", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-h --header -w --width -W --page-width -l --length -o --indent -N --first-line-number -S --sep-string" },
        new("column", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-s --separator -o --output-separator -c --output-width -N --table-columns -R --table-right -H --table-hide "
                + "-W --table-wrap -E --table-noextreme -O --table-order -l --table-columns-limit -n --table-name -r --tree -i --tree-id -p --tree-parent" },
        new("expand unexpand", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-t --tabs" },
        new("tr", new CommandRow("", Read, "translates characters") { PathTargets = true, Semantics = "reader" }),
        new("look", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" }) { ValueOptions = "-t --terminate" },
        new("file", new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader" })
            { ValueOptions = "-m --magic-file -F --separator -e --exclude -f --files-from -P --parameter" },
        new("pygmentize highlight",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader", OutputOptions = "-o|--output" })
            { ValueOptions = "-l -f -O -P -o -a -F -x -g --out-format --output -S --syntax -s --style -i --input -d --outdir" },
        // Checksums print digests, not contents: a digest of a key file does not disclose the key.
        new("md5sum sha1sum sha224sum sha256sum sha384sum sha512sum shasum cksum b2sum",
            new CommandRow("", Read, "computes checksums of files") { PathTargets = true, ReadsContent = false })
            { ValueOptions = "-a --algorithm -l --length" },
        // mktemp prints the name of the file it creates, so "$(mktemp)" is a path under the temporary directory.
        new("mktemp", new CommandRow("", Create, "creates a temporary file or directory") { Targets = false, PathTargets = true, Semantics = "mktemp" })
            { ValueOptions = "-p --tmpdir --suffix" },
        // Readers with an option or operand naming a file they write: sort -o FILE, uniq IN OUT, xxd IN OUT, iconv -o FILE, sdiff -o FILE.
        new("sort",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader", OutputOptions = "-o|--output" })
            { ValueOptions = "-k --key -t --field-separator -o --output -S --buffer-size -T --temporary-directory --compress-program --parallel --files0-from --random-source --batch-size" },
        new("uniq",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader", OutputOperand = 2 })
            { ValueOptions = "-f --skip-fields -s --skip-chars -w --check-chars" },
        new("xxd",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader", OutputOperand = 2 })
            { ValueOptions = "-c -cols -g -groupsize -l -len -s -seek -o -offset -n -name" },
        new("iconv",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader", OutputOptions = "-o|--output" })
            { ValueOptions = "-f --from-code -t --to-code -o --output" },
        new("sdiff",
            new CommandRow("", Read, "reads files") { PathTargets = true, Semantics = "reader", OutputOptions = "-o|--output" })
            { ValueOptions = "-o --output -w --width -I --ignore-matching-lines --tabsize --diff-program" },
        // Listers, each with its own option grammar (ls -d is a flag, fd -d takes a depth); tree -o FILE writes its listing.
        new("ls ll la dir vdir",
            new CommandRow("", Read, "lists files") { PathTargets = true, ReadsContent = false, Semantics = "listing" })
            { ValueOptions = "-I --ignore -w --width -T --tabsize --format --time-style --block-size --sort --color --hide --indicator-style --quoting-style --time" },
        new("tree",
            new CommandRow("", Read, "lists files") { PathTargets = true, ReadsContent = false, Semantics = "listing", OutputOptions = "-o" })
            { ValueOptions = "-I -P -L -o --filelimit --charset --timefmt --sort --gitfile --infile", ShortFlagClusters = false },
        new("exa eza lsd",
            new CommandRow("", Read, "lists files") { PathTargets = true, ReadsContent = false, Semantics = "listing" })
            { ValueOptions = "-L --level -I --ignore-glob -s --sort --color --colour --time-style -t --time --git-ignore-glob --icons --depth --blocks --size" },
        new("stat du df realpath readlink dirname basename namei lsattr getfacl locate mlocate plocate",
            new CommandRow("", Read, "lists files") { PathTargets = true, ReadsContent = false, Semantics = "listing" })
            { ValueOptions = "-c --format --printf -d --max-depth --exclude -X --exclude-from -B --block-size -t --threshold --type -x --exclude-type "
                + "--output --time-style --relative-to --relative-base -s --suffix --database -l --limit -n" },
        new("echo printf true false test [ [[ sleep cd pushd popd dirs pwd export unset set declare typeset local readonly let shift read "
            + "alias unalias type hash which whereis whatis apropos man info help tldr whoami id groups logname hostname uname date cal uptime "
            + "nproc lscpu lsblk lsusb lspci free vmstat iostat mpstat ps pgrep pidof top htop btop atop jobs wait trap exit return break continue "
            + "seq yes expr bc dc factor tput clear reset locale getconf ulimit umask fc disown bg fg shopt complete compgen source-highlight "
            + "tty stty who w last lsof ss netstat ip ifconfig route arp sensors dmesg "
            + "getent printenv : cowsay figlet lolcat sl fortune nvidia-smi ncdu fzf delta diff-so-fancy glow duf dust btm procs",
            new CommandRow("", Read, "prints information") { Targets = false, Semantics = "printer" })
            { ValueOptions = "-n -u -p -t -c -d -o -s -e --since --until --unit -k --lines -I -W -w" },
        // history -w/-a FILE writes the session's history into FILE; -r/-n FILE reads it in.
        new("history",
            new CommandRow("", Update, "writes the shell history to a file") { AnyFlag = "-w|-a", PathTargets = true, ReadsContent = false },
            new CommandRow("", Read, "reads a file into the shell history") { AnyFlag = "-r|-n", PathTargets = true },
            new CommandRow("", Read, "prints information") { Targets = false, Semantics = "printer" })
            { ValueOptions = "-d" },
        new("journalctl",
            new CommandRow("", Destroy, "deletes archived system logs") { AnyFlag = "--vacuum-time|--vacuum-size|--vacuum-files", Targets = false, Shared = true, Irreversible = true, MinTier = Never, Semantics = "journal" },
            new CommandRow("", Update, "rotates or flushes the system journal") { AnyFlag = "--rotate|--flush|--sync|--relinquish-var|--setup-keys", Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("", Read, "reads system logs") { Targets = false })
        { ValueOptions = "-u --unit -n --lines -p --priority -S --since -U --until -o --output -b --boot -t --identifier -g --grep -D --directory --file -M --machine --vacuum-time --vacuum-size --vacuum-files" },
        new("sw_vers system_profiler mdfind mdls pbpaste xcode-select softwareupdate-list csvstat csvcut csvgrep csvlook csvjson csvsort csvstack in2csv xsv qsv mlr parquet-tools pqrs",
            new CommandRow("", Read, "reads system information or data files") { PathTargets = true, Semantics = "reader" })
        { ValueOptions = "-c --columns -m --match -r --regex -d --delimiter -n -f --format -s -onlyin" },
        new("tmux",
            new CommandRow("ls|list-sessions|list-windows|list-panes|capture-pane|show-options|display-message|has-session|info|-V", Read, "reads terminal sessions") { Targets = false },
            new CommandRow("new|new-session|new-window|send-keys|send|split-window|respawn-pane|run-shell|run", Exec, "runs commands in a terminal session") { Targets = false, Semantics = "terminal-multiplexer" },
            new CommandRow("*|", Update, "changes terminal sessions") { Targets = false })
        { ValueOptions = "-s -t -n -c -x -y -F -L -S -f -e" },
        new("screen", new CommandRow("", Exec, "runs a command in a terminal session") { Targets = false, Semantics = "terminal-multiplexer" })
        { ValueOptions = "-S -r -x -c -L -Logfile -t", ShortFlagClusters = false },
        new("pbcopy", new CommandRow("", Update, "copies its input to the clipboard") { Targets = false, Semantics = "clipboard" }),
        new("open xdg-open gio", new CommandRow("", Exec, "opens a file or URL with the default application") { PathTargets = true, ReadsContent = false })
        { ValueOptions = "-a -b" },
        new("defaults",
            new CommandRow("read|domains|find|read-type|export", Read, "reads user preferences"),
            new CommandRow("delete", Destroy, "deletes a whole preferences domain") { Irreversible = true, MinTier = Never, Semantics = "defaults-delete" },
            new CommandRow("write|import|rename", Update, "changes user preferences") { MinTier = WriteWithConfirmation })
        { ValueOptions = "-host" },
        new("source .", new CommandRow("", Exec, "runs a script in the current shell") { PathTargets = true, Semantics = "script" }),
        new("vim vi nvim nano ed ex pico micro code code-insiders subl idea less more view",
            new CommandRow("", Update, "opens files in an editor") { PathTargets = true, ReadsContent = false, Semantics = "editor" })
            { ValueOptions = "-c --cmd -u -S -i" },
        // Emacs runs Lisp given with --eval, -l FILE, -f FUNCTION or --script: code of a language Interlock does not read.
        new("emacs emacsclient",
            new CommandRow("", Update, "opens files in an editor") { PathTargets = true, ReadsContent = false, Semantics = "editor" })
            { ValueOptions = "--eval -eval --execute -l --load -f --funcall -funcall --script -L --directory -u --user -t --tty --chdir -a --alternate-editor -s --socket-name" },
    ];
}
