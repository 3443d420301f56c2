using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Build, test, package and language tools: the everyday work an agent should be free to do, and their publishing and destructive corners.</summary>
internal static class DevelopmentTools
{
    private static CommandRow Builds(string reason = "builds, tests or runs project code") =>
        new("", Exec, reason) { Targets = false };

    /// <summary>Task runners: a task named deploy, release or destroy is not an ordinary build.</summary>
    private static CommandRow Tasks(string path = "") =>
        new(path, Exec, "runs project tasks") { Targets = false, Semantics = "build-targets" };

    private static CommandRow Publish(string path, string what) =>
        new(path, Update, "publishes " + what) { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" };

    public static ProgramSpec[] Programs { get; } =
    [
        new("npm pnpm yarn bun cnpm",
            Publish("publish|release", "a package to the registry"),
            new CommandRow("unpublish", Destroy, "removes a published package version from the registry")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "publish" },
            new CommandRow("deprecate|dist-tag add|dist-tag rm|dist-tag set|owner add|owner rm|owner ls|access|team|org|token create|token revoke|profile set|hook|star|unstar",
                Update, "changes package metadata in the registry") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            // The user's configuration (~/.npmrc, ~/.yarnrc): a registry or script-shell set there applies to every later install.
            new CommandRow("config set|config delete|config rm|config edit|config fix|set", Update, "changes the package manager's user configuration")
                { Targets = false, MinTier = WriteWithConfirmation, Tags = "persistence" },
            new CommandRow("token list|whoami|config get|config list|get|view|info|show|ls|list|ll|la|outdated|audit|explain|why|search|docs|repo|bugs|help|version|-v|--version|doctor|ping|fund|query|prefix|root|bin|licenses|sbom|pack --dry-run",
                Read, "reads package information") { Targets = false },
            new CommandRow("install|i|ci|add|remove|rm|uninstall|un|update|up|upgrade|dedupe|prune|rebuild|link|unlink|init|create|pack|cache|run|run-script|test|t|start|stop|restart|build|"
                + "lint|format|dev|serve|watch|typecheck|check|preview|generate|clean|set|config set|set-script|pkg|patch|patch-commit|import|install-test|it|workspace|workspaces|up|node|env|shrinkwrap|version|bump|npx|tsc|jest|vitest|eslint|prettier",
                Exec, "installs dependencies or runs project scripts") { Targets = false, Semantics = "build-targets" },
            new CommandRow("exec|x|dlx", Exec, "runs a package's command") { Targets = false, Semantics = "runner" },
            new CommandRow("install|i|add", Update, "installs packages globally, outside the workspace") { AnyFlag = "-g|--global", Targets = false, MinTier = WriteWithConfirmation },
            new CommandRow("*|", Exec, "runs a project script") { Targets = false, Semantics = "build-targets" })
        { ValueOptions = "--prefix -C --dir --filter -F -w --workspace --registry --tag --access --otp --cwd" },
        new("dotnet",
            new CommandRow("nuget push", Update, "publishes a package to a feed") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("nuget delete", Destroy, "deletes a package from a feed") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "publish" },
            new CommandRow("ef database drop", Destroy, "drops the application's database") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("ef database update|ef migrations remove", Update, "changes the application's database schema") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("tool install|workload install|workload update", Update, "installs tools") { AnyFlag = "-g|--global", Targets = false, MinTier = WriteWithConfirmation },
            new CommandRow("--info|--version|--list-sdks|--list-runtimes|list|sln list|nuget list|nuget locals|workload list|tool list|help|--help|-h|sdk check",
                Read, "reads SDK or project information") { Targets = false },
            Builds())
        { ValueOptions = "-c --configuration -f --framework -r --runtime -o --output -p --project -v --verbosity --filter -s --source -k --api-key -a --arch --os -l --logger --settings --results-directory -e --environment --launch-profile --property -n --name --context" },
        new("cargo",
            Publish("publish", "a crate to crates.io"),
            new CommandRow("yank|owner", Update, "changes a published crate") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("install", Update, "installs a binary outside the workspace") { Targets = false, MinTier = WriteWithConfirmation },
            Builds())
        { ValueOptions = "-p --package --target --features -F --manifest-path -j --jobs --profile --bin --example --test --bench --color --token --registry --index --target-dir -Z" },
        new("twine", Publish("upload|register", "a Python package"), new CommandRow("check", Read, "checks distributions")) { ValueOptions = "-r --repository --repository-url -u --username -p --password" },
        new("gem",
            Publish("push", "a Ruby gem"),
            new CommandRow("yank|owner", Update, "changes a published gem") { Targets = false, Shared = true, MinTier = Never, Tags = "publish" },
            new CommandRow("list|search|info|query|env|specification|contents|dependency|which|help|environment|outdated", Read, "reads gem information") { Targets = false },
            new CommandRow("install|update|uninstall|build|cleanup|fetch|unpack", Update, "installs gems outside the workspace") { Targets = false, MinTier = WriteWithConfirmation })
        { ValueOptions = "-v --version -s --source --host -i --install-dir" },
        new("poetry uv pdm hatch flit rye pipenv conda mamba micromamba",
            Publish("publish|upload", "a Python package"),
            new CommandRow("remove|env remove", Update, "removes dependencies or environments") { Targets = false },
            new CommandRow("run|exec", Exec, "runs a command in the project's environment") { Targets = false, Semantics = "runner" },
            Builds("manages project dependencies or runs project code"))
        { ValueOptions = "-C --directory --project -n --name -e --env -p --prefix --python -r --repository -u --username -c --channel" },
        new("pip pip3 pipx easy_install",
            new CommandRow("list|show|freeze|check|search|download|inspect|index|config list|debug|--version|help|cache list|cache info", Read, "reads installed packages") { Targets = false },
            new CommandRow("install|uninstall|wheel|cache purge|cache remove", Exec, "installs Python packages") { Targets = false },
            new CommandRow("install|uninstall", Update, "installs packages into the system interpreter") { AnyFlag = "--break-system-packages|--user|--root|--target|-t|--prefix", Targets = false, MinTier = WriteWithConfirmation },
            Builds())
        { ValueOptions = "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links --src -t --target --prefix --root --python-version --platform" },
        new("gh",
            new CommandRow("repo delete|release delete|release delete-asset|secret delete|variable delete|ssh-key delete|gpg-key delete|cache delete|run delete|repo archive|repo rename|label delete|project delete|ruleset delete",
                Destroy, "deletes repositories, releases or their settings") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("auth token|auth status --show-token", CredentialRead, "prints the GitHub token") { Targets = false, Tags = "secret" },
            new CommandRow("auth status", CredentialRead, "prints the GitHub token") { AnyFlag = "-t|--show-token", Targets = false, Tags = "secret" },
            new CommandRow("repo view|repo list|repo clone|repo fork|pr list|pr view|pr status|pr diff|pr checks|pr checkout|issue list|issue view|issue status|run list|run view|run watch|run download|"
                + "workflow list|workflow view|release list|release view|release download|gist list|gist view|gist clone|search *|status|browse|auth status|auth login|auth setup-git|api|label list|"
                + "secret list|variable list|cache list|codespace list|extension list|ruleset list|ruleset view|attestation verify|config get|config list|alias list|help|version|--version|org list|project list|project view",
                Read, "reads GitHub state") { Targets = false },
            new CommandRow("pr create|pr comment|pr edit|pr ready|issue create|issue comment|issue edit|gist create|gist edit|label create|label edit|run cancel",
                Create, "opens or comments on pull requests and issues") { Targets = false, Semantics = "platform-upload" },
            new CommandRow("api", Update, "sends a write request to the GitHub API") { AnyFlag = "-X|--method|-f|-F|--field|--raw-field|--input", Targets = false, Shared = true, MinTier = WriteWithConfirmation, Semantics = "gh-api" },
            new CommandRow("pr merge|pr close|pr reopen|pr review|issue close|issue reopen|issue delete|issue transfer|issue lock|release create|release edit|release upload|repo create|repo edit|repo sync|"
                + "workflow run|run rerun|secret set|variable set|workflow enable|workflow disable|ssh-key add|gpg-key add|config set|alias set|extension install|codespace create|codespace delete",
                Update, "changes GitHub state others rely on") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Semantics = "platform-upload" })
        { ValueOptions = "--body-file -R --repo -b --body -t --title -B --base -H --head -l --label -a --assignee -m --milestone -X --method -f -F --field --raw-field -H --header -q --jq --json --template -L --limit -s --state -w --workflow -r --ref -n --notes --input -p --paginate --hostname" },
        // glab, GitLab's CLI: the same shape as gh; CI variables hold deploy secrets, so reading one is a credential read.
        new("glab",
            new CommandRow("repo delete|release delete|project delete|variable delete|ci delete|schedule delete|label delete|ssh-key delete|deploy-key delete|"
                + "securefile remove|token revoke|repo transfer|cluster agent token revoke",
                Destroy, "deletes repositories, releases, pipelines or their settings") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("variable get|variable export|auth status --show-token|securefile download", CredentialRead, "prints CI variables or secure files, which hold secrets")
                { Targets = false, Shared = true, Tags = "secret" },
            new CommandRow("auth status", CredentialRead, "prints the GitLab token") { AnyFlag = "-t|--show-token", Targets = false, Tags = "secret" },
            new CommandRow("repo view|repo list|repo search|repo contributors|repo clone|mr list|mr view|mr diff|mr issues|mr approvers|mr checkout|issue list|issue view|issue board view|"
                + "ci list|ci view|ci status|ci trace|ci get|ci lint|ci config compile|job artifact|ci artifact|release list|release view|release download|label list|variable list|schedule list|"
                + "ssh-key list|ssh-key get|deploy-key list|deploy-key get|securefile list|securefile get|token list|user events|incident list|incident view|iteration list|milestone list|milestone get|"
                + "snippet list|cluster agent list|changelog generate|auth status|auth login|config get|alias list|check-update|help|version|--version|-v|completion|api",
                Read, "reads GitLab state") { Targets = false },
            new CommandRow("repo archive", Create, "downloads an archive of the repository") { Targets = false },
            new CommandRow("mr create|mr note|issue create|issue note|snippet create|label create",
                Create, "opens merge requests, issues or snippets") { Targets = false, Semantics = "platform-upload" },
            new CommandRow("api", Update, "sends a write request to the GitLab API") { AnyFlag = "-X|--method|-f|-F|--field|--raw-field|--input", Targets = false, Shared = true, MinTier = WriteWithConfirmation, Semantics = "gh-api" },
            new CommandRow("mr merge|mr close|mr reopen|mr delete|mr approve|mr revoke|mr update|mr rebase|mr subscribe|mr unsubscribe|mr todo|issue close|issue reopen|issue delete|issue update|"
                + "issue subscribe|issue unsubscribe|ci run|ci retry|ci cancel|ci trigger|ci run-trig|schedule create|schedule run|release create|release upload|variable set|variable update|"
                + "repo create|repo fork|repo update|repo mirror|repo members *|ssh-key add|deploy-key add|securefile create|token create|token rotate|config set|alias set|alias delete|label edit|"
                + "stack *|cluster agent *|incident close|incident reopen",
                Update, "changes GitLab state others rely on") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Semantics = "platform-upload" })
        {
            ValueOptions = "-R --repo -g --group -t --title -d --description -b --target-branch -s --source-branch -l --label -a --assignee -m --milestone -X --method -f -F --field "
                + "--raw-field -H --header --input --hostname -P --per-page -p --page -o --output -r --ref -n --name --branch --scope --key --value --pipeline-id",
        },

        // Build and test runners, compilers, linters and formatters: they run the project's own code and write its outputs.
        // make's --eval text and -f - input are read by the make semantics (see CodeOptions and MakefileText).
        new("make gmake", Tasks())
        { ValueOptions = "-C -f --file --makefile --directory -j --jobs -E --eval -I --include-dir -o --old-file --assume-old -W --what-if --new-file --assume-new" },
        new("cmake", new CommandRow("", Exec, "builds, tests or runs project code") { Targets = false, Semantics = "cmake" })
        { ValueOptions = "-S -B -G -T -A -C -D -U -P -E --build --install --preset --target -t --config --parallel -j --prefix --component --toolchain --install-prefix" },
        new("just task mage invoke nox tox bazel bazelisk buck2 pants mvn mvnw gradle gradlew sbt lein ant turbo nx lerna rush", Tasks())
        { ValueOptions = "-C -f --file --directory -j --jobs -p --project -P -D" },
        new("ctest ninja meson scons waf pre-commit lefthook husky "
            + "gcc g++ cc c++ clang clang++ ld lld gold as ar ranlib nm objdump readelf strip ldd gdb lldb perf "
            + "go gofmt goimports golangci-lint staticcheck dlv rustc rustup rustfmt clippy-driver cargo-clippy "
            + "javac jar kotlin kotlinc scala scalac clojure clj "
            + "tsc tsx ts-node eslint prettier biome oxlint jest vitest mocha ava karma cypress playwright webpack rollup vite esbuild parcel swc babel next nuxt "
            + "ng vue svelte-kit astro remix expo react-native storybook "
            + "pytest py.test mypy pyright ruff black isort flake8 pylint pyflakes bandit coverage pydoc sphinx-build mkdocs jupyter ipython "
            + "rspec rubocop irb erb composer phpunit phpstan psalm "
            + "swift swiftc xcodebuild pod dart flutter elixir iex erl erlc rebar3 ghc ghci cabal stack stack-build zig nim crystal julia ocaml dune opam "
            + "shellcheck shfmt hadolint yamllint markdownlint actionlint tflint tfsec checkov trivy semgrep gitleaks trufflehog codespell cspell vale "
            + "protoc buf sqlc openapi-generator swagger-codegen graphql-codegen "
            + "hugo jekyll gatsby eleventy zola docfx doxygen pandoc asciidoctor plantuml dot mmdc "
            + "nvm fnm volta pyenv rbenv sdk jenv goenv nodenv "
            + "act kustomize kubeconform kubeval kubectx kubens k9s stern "
            + "create-next-app create-react-app create-vite create-t3-app create-expo-app create-remix create-svelte nuxi sv degit tiged giget "
            + "wandb great_expectations gx godot Unity unity-editor markdownlint-cli2 markdown-link-check lychee msbuild xmllint sqlfluff commitlint torchrun tensorboard accelerate deepspeed "
            + "ffmpeg ffprobe convert magick identify sox optipng pngquant svgo lazygit tig grype syft osv-scanner promtool amtool logcli "
            + "redis-server mongod postgres initdb mysqld step mkdocs-material typedoc jsdoc",
            Builds())
        { ValueOptions = "-C -f --file --directory -j --jobs -o -c -I -L -l -D -U -x -e -m -k -p" },
        // A CLI shipped as a jar (java -jar jenkins-cli.jar …) is analyzed by its own table.
        new("java", new CommandRow("", Exec, "builds, tests or runs project code") { Targets = false, Semantics = "java-jar" })
        { ValueOptions = "-jar -cp -classpath --class-path -p --module-path -m --module", ShortFlagClusters = false },
        new("python python3 python2 pypy pypy3 node nodejs deno perl ruby php lua luajit osascript tclsh wish R Rscript",
            new CommandRow("", Exec, "runs a program in an interpreter") { Targets = false, Semantics = "interpreter" })
        { ShortFlagClusters = false },
        new("bash sh zsh dash ksh mksh fish csh tcsh ash yash elvish nu pwsh powershell",
            new CommandRow("", Exec, "runs a shell") { Targets = false, Semantics = "shell" })
        { ShortFlagClusters = false },
        new("bundle bundler mise asdf direnv devbox pixi",
            new CommandRow("exec|x|run", Exec, "runs a command in the project's environment") { Targets = false, Semantics = "runner" },
            Builds("installs or manages the project's tools and dependencies"))
        { ValueOptions = "--gemfile -j --jobs --path -C --cd -e --env" },
        new("artisan",
            new CommandRow("migrate:fresh|migrate:reset|migrate:refresh|db:wipe", Destroy, "drops every table of the application's database")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("migrate|migrate:rollback|db:seed|migrate:install", Update, "changes the application's database") { Targets = false, Semantics = "build-targets" },
            Builds()),
        new("mix",
            new CommandRow("ecto.drop|ecto.reset", Destroy, "drops the application's database") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("ecto.migrate|ecto.rollback|ecto.create|ecto.setup", Update, "changes the application's database") { Targets = false, Semantics = "build-targets" },
            new CommandRow("hex.publish|hex.retire|hex.owner", Update, "publishes a Hex package") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            Builds()),
        new("drizzle-kit knex sequelize typeorm",
            new CommandRow("drop|db:drop|schema:drop|migrate:fresh|migrate:reset", Destroy, "drops database tables or the database") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("push|migrate|migrate:latest|migrate:up|migrate:down|migrate:rollback|db:migrate|db:migrate:undo|migration:run|migration:revert|seed:run|db:seed|db:seed:all", Update, "changes the database schema or data") { Targets = false, Semantics = "build-targets" },
            Builds("generates migrations or code"))
        { ValueOptions = "--config -c --env --url" },
        new("skaffold tilt",
            new CommandRow("build|render|diagnose|fix|lint|init|test|schema|version|config|inspect|ci|dump|get|args", Read, "builds or inspects without deploying") { Targets = false },
            new CommandRow("delete|down", Delete, "deletes what it deployed from the cluster") { Targets = false, Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "deploys to the current cluster context") { Targets = false, Shared = true, MinTier = WriteWithConfirmation })
        { ValueOptions = "-p --profile --kube-context -n --namespace -f --filename --default-repo", DetectEnvironment = true },
        new("ollama",
            new CommandRow("push|cp", Update, "publishes a model to a registry") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            Builds("runs or pulls local models")),
        new("dvc",
            new CommandRow("gc", Destroy, "deletes cached and remote data versions not in the workspace") { AnyFlag = "-c|--cloud", Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("gc|remove|destroy", Delete, "deletes local data versions") { Targets = false, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("push", Update, "uploads data versions to a remote") { Targets = false, Semantics = "build-targets" },
            new CommandRow("status|diff|dag|params diff|metrics show|metrics diff|plots show|ls|list|doctor|version|config --list|remote list|data status|exp show", Read, "reads data versions") { Targets = false },
            Builds("fetches, runs or tracks data pipelines"))
        { ValueOptions = "-r --remote -j --jobs -R --rev", DetectEnvironment = true },
        new("mlflow",
            new CommandRow("gc", Destroy, "permanently deletes runs and artifacts") { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("experiments delete|runs delete|models delete|artifacts delete", Delete, "deletes experiments, runs or models") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("experiments search|experiments list|runs list|runs describe|artifacts list|artifacts download|models list|doctor|--version", Read, "reads experiments and runs") { Targets = false },
            Builds("runs or serves models"))
        { ValueOptions = "--backend-store-uri --experiment-id --run-id -x --artifact-uri -m --model-uri" },
        new("huggingface-cli hf",
            new CommandRow("upload|upload-large-folder|repo create|lfs-enable-largefiles|lfs-multipart-upload", Update, "publishes to the Hugging Face Hub") { Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("repo delete|repos delete", Destroy, "deletes a Hub repository") { Targets = false, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("delete-cache|cache delete", Delete, "deletes the local model cache") { Targets = false },
            new CommandRow("auth token|env", Read, "prints environment information") { Targets = false },
            new CommandRow("download|whoami|scan-cache|cache scan|login|logout|version|jobs ps", Read, "downloads or reads Hub content") { Targets = false })
        { ValueOptions = "--repo-type --revision --token --local-dir --include --exclude" },
        new("xcrun",
            new CommandRow("altool", Update, "uploads an app to the App Store") { AnyFlag = "--upload-app|--upload-package", Targets = false, Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("notarytool submit|notarytool store-credentials", Egress, "sends an app to Apple for notarization") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Builds())
        { ValueOptions = "-f --file -t --type --apiKey --apiIssuer --sdk -p --keychain-profile" },
        new("prisma", new CommandRow("migrate reset|db push --force-reset", Destroy, "wipes the database and reapplies migrations")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("db push", Destroy, "pushes a schema that drops data") { AnyFlag = "--force-reset|--accept-data-loss", Targets = false, Shared = true, Irreversible = true, MinTier = Never },
            new CommandRow("migrate deploy|db push|db execute|migrate resolve", Update, "changes the database schema") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Builds()),
        new("flyway liquibase alembic", new CommandRow("clean|drop-all|dropAll|rollback-count|downgrade", Destroy, "drops the database's objects or migrations")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("migrate|update|upgrade|repair|baseline|undo|stamp", Update, "changes the database schema") { Targets = false, Shared = true, MinTier = WriteWithConfirmation },
            Builds()),
        new("rails rake", new CommandRow("db:drop|db:reset|db:schema:load|db:purge|db:truncate_all|db:environment:set", Destroy, "drops or wipes the application's database")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("db:migrate|db:rollback|db:seed|db:setup|db:prepare|db:migrate:*", Update, "changes the application's database") { Targets = false, Semantics = "build-targets" },
            Builds()),
        new("manage.py django-admin", new CommandRow("flush|reset_db|sqlflush|dbshell", Destroy, "wipes the application's database")
                { Targets = false, Shared = true, Irreversible = true, MinTier = Never, Tags = "destructive" },
            Builds()),
    ];
}
