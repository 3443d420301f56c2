using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>Docker, Podman, Kubernetes and Helm.</summary>
internal static class ContainerTables
{
    private const string DockerValueOptions =
        "-H --host --context -c --config -l --log-level -v --volume -e --env -p --publish --name -w --workdir --network --net --entrypoint -u --user "
        + "--mount --env-file --label --platform --cpus -m --memory --restart --device --cap-add --cap-drop --gpus --hostname -h --ip --log-driver --pid "
        + "--runtime --shm-size --tmpfs --ulimit --add-host --dns --expose --health-cmd --ipc --link --security-opt --stop-signal --volumes-from "
        + "-t --tag -f --file --build-arg --target --cache-from --secret --ssh --progress -o --output --since --until --tail -n --filter --format "
        + "-p --project-name --profile --project-directory --signal -s --time -a --attach";

    public static ProgramSpec[] Programs { get; } =
    [
        new("docker podman nerdctl",
            new CommandRow("ps|images|logs|inspect|version|info|stats|top|port|diff|history|search|events|image ls|image inspect|image history|"
                + "container ls|container inspect|container logs|volume ls|volume inspect|network ls|network inspect|compose ps|compose logs|compose config|"
                + "compose ls|compose top|compose images|context ls|context inspect|manifest inspect|buildx ls|system df|system info|system events|node ls|service ls|service ps|stack ls",
                Read, "reads container state") { Targets = false },
            new CommandRow("build|buildx build|buildx bake|image build|pull|image pull|tag|image tag|create|container create|commit|save|load|image save|image load|"
                + "compose build|compose pull|compose up|compose start|compose restart|compose stop|compose create|compose pause|compose unpause|"
                + "start|stop|restart|pause|unpause|wait|attach|cp|container cp|rename|update|network create|network connect|network disconnect|volume create|"
                + "context use|context create|buildx create|buildx use|init|compose down|compose kill|compose rm|login|logout|scout",
                Update, "runs or changes local containers") { Targets = false },
            new CommandRow("run|container run|compose run", Exec, "runs a container") { Targets = false, Semantics = "docker-run" },
            new CommandRow("exec|container exec|compose exec", Exec, "runs a command inside a running container") { Targets = false, Semantics = "docker-exec" },
            new CommandRow("rm|container rm|rmi|image rm|container prune|image prune|network rm|network prune|builder prune|buildx prune|context rm",
                Delete, "removes containers, images or networks, which can be recreated") { Tags = "regenerable", Semantics = "container-mass" },
            new CommandRow("kill|container kill", Update, "kills running containers") { Semantics = "container-mass" },
            // -a: every unused image or all build cache, not only dangling layers: hours of rebuilds and pulls for every project.
            new CommandRow("image prune|builder prune|buildx prune", Delete, "removes every unused image or all build cache")
                { AnyFlag = "-a|--all", Targets = false, MinTier = WriteWithConfirmation },
            new CommandRow("system reset|system migrate|machine rm|machine reset", Destroy, "deletes every container, image, volume and machine")
                { Targets = false, Irreversible = true, MinTier = Never, Tags = "destructive" },
            new CommandRow("volume rm|volume prune", Destroy, "deletes volumes and the data in them") { Irreversible = true, MinTier = Never },
            new CommandRow("system prune", Delete, "removes all stopped containers, unused images and networks") { Targets = false, MinTier = WriteWithConfirmation },
            new CommandRow("system prune", Destroy, "removes every unused volume and the data in it")
                { AnyFlag = "--volumes", Targets = false, Irreversible = true, MinTier = Never },
            new CommandRow("compose down|compose rm", Delete, "removes the stack's volumes and their data")
                { AnyFlag = "-v|--volumes", Targets = false, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("push|image push|compose push|manifest push|buildx imagetools create", Update, "publishes an image to a registry")
                { Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" },
            new CommandRow("swarm leave|node rm|service rm|stack rm|secret rm|config rm", Destroy, "removes cluster resources")
                { Shared = true, MinTier = Never },
            new CommandRow("service update|service scale|service create|stack deploy|secret create|config create|swarm init|swarm join",
                Update, "changes cluster services") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("secret inspect", CredentialRead, "reads a cluster secret") { })
        { ValueOptions = DockerValueOptions, DetectEnvironment = true },

        new("kubectl oc k3s-kubectl microk8s.kubectl",
            new CommandRow("get|describe|logs|top|explain|api-resources|api-versions|version|cluster-info|diff|events|auth can-i|auth whoami|"
                + "config view|config get-contexts|config current-context|config get-clusters|config get-users|wait|rollout status|rollout history|kustomize|completion|plugin list|port-forward|proxy",
                Read, "reads cluster state"),
            new CommandRow("get secret|get secrets|get secret/*|get secrets/*", CredentialRead, "prints secret values")
                { AnyFlag = "-o|--output", Shared = true, Tags = "secret" },
            new CommandRow("config view", CredentialRead, "prints cluster credentials") { AnyFlag = "--raw|--flatten", Tags = "secret" },
            new CommandRow("create token|create secret", CredentialRead, "creates and prints credentials") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("apply|create|patch|replace|set|edit|label|annotate|scale|autoscale|rollout restart|rollout undo|rollout pause|rollout resume|expose|run|cp|taint|cordon|uncordon|certificate",
                Update, "changes cluster resources") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("apply|create|patch|replace|set|label|annotate|scale|expose|run|drain|delete", Read, "previews a change without making it")
                { AnyFlag = "--dry-run|--dry-run=client|--dry-run=server", NoFlag = "--dry-run=none" },
            new CommandRow("drain", Update, "evicts every pod from a node") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("delete", Delete, "deletes cluster resources") { Shared = true, Irreversible = true, Semantics = "kubectl-delete" },
            new CommandRow("replace", Delete, "deletes and recreates cluster resources") { AnyFlag = "--force", Shared = true, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("exec|attach|debug", Exec, "runs a command inside a pod") { Targets = false, Shared = true, Semantics = "kubectl-exec" },
            new CommandRow("config use-context|config set-context|config set|config set-cluster|config set-credentials|config rename-context|config unset|config delete-context",
                Update, "changes the local kubeconfig") { Targets = false })
        {
            ValueOptions = "-n --namespace --context --cluster --kubeconfig -f --filename -l --selector -o --output -c --container --field-selector --user "
                + "-s --server --token --as --as-group --timeout --grace-period -p --patch --type --image --replicas --port --template -k --kustomize "
                + "--since --tail --request-timeout --cache-dir --certificate-authority --client-key --client-certificate --sort-by --chunk-size --subresource --from-literal --from-file",
            DetectEnvironment = true,
        },

        new("helm",
            new CommandRow("list|ls|status|get|history|hist|show|inspect|search|template|lint|version|repo list|env|dependency list|dep list|verify|plugin list|diff",
                Read, "reads release state"),
            new CommandRow("repo add|repo update|repo remove|repo index|dependency update|dependency build|dep update|dep build|pull|fetch|package|create|registry login|plugin uninstall|plugin remove|plugin rm",
                Create, "changes local charts and repositories") { Targets = false },
            // A plugin is a program helm runs; installing it runs its install hook.
            new CommandRow("plugin install|plugin add|plugin update|plugin upgrade", Exec, "installs a Helm plugin, a program that runs with helm's access (its install hook runs now)")
                { MinTier = WriteWithConfirmation },
            new CommandRow("install|upgrade|rollback|test", Update, "changes a release in the cluster") { Shared = true, MinTier = WriteWithConfirmation },
            new CommandRow("uninstall|delete|del|un", Delete, "uninstalls a release and its resources") { Shared = true, Irreversible = true, NoFlag = "--dry-run" },
            new CommandRow("uninstall|delete|del|un", Read, "previews an uninstall") { AnyFlag = "--dry-run" },
            new CommandRow("push", Update, "publishes a chart") { Shared = true, MinTier = WriteWithConfirmation, Tags = "publish" })
        {
            ValueOptions = "-n --namespace --kube-context --kubeconfig -f --values --set --set-string --set-file --version --repo -o --output --timeout --post-renderer --description --max --revision",
            DetectEnvironment = true,
        },

        // Local development clusters: deleting one loses its state and images, so it is asked first; --purge also removes their caches.
        new("minikube",
            new CommandRow("status|ip|logs|version|profile list|addons list|service list|image ls|image list|config view|config get|docker-env|podman-env|update-check|options|help|completion|node list|license",
                Read, "reads a local cluster") { Targets = false },
            new CommandRow("ssh", Exec, "runs a command in the local cluster's node") { Targets = false, Semantics = "remote-shell" },
            new CommandRow("delete|node delete|image rm|addons disable|cache delete", Delete, "deletes a local cluster, node or its images")
                { Targets = false, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "starts, stops or changes a local cluster") { Targets = false })
        { ValueOptions = "-p --profile -n --node --driver --kubernetes-version --memory --cpus --container-runtime --addons" },
        new("kind",
            new CommandRow("get clusters|get nodes|version|help|completion", Read, "reads local clusters") { Targets = false },
            new CommandRow("get kubeconfig", CredentialRead, "prints the cluster's admin credentials") { Targets = false, Tags = "secret" },
            new CommandRow("delete|delete *", Delete, "deletes local clusters") { Targets = false, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "creates or loads images into a local cluster") { Targets = false })
        { ValueOptions = "-n --name --config --image --kubeconfig --wait --retain" },
        new("k3d",
            new CommandRow("cluster list|cluster ls|cluster get|node list|node ls|node get|registry list|registry ls|version|help|completion|config *", Read, "reads local clusters") { Targets = false },
            new CommandRow("kubeconfig get|kubeconfig print", CredentialRead, "prints the cluster's admin credentials") { Targets = false, Tags = "secret" },
            new CommandRow("cluster delete|cluster rm|node delete|node rm|registry delete|registry rm|image prune", Delete, "deletes local clusters, nodes or registries")
                { Targets = false, Irreversible = true, MinTier = WriteWithConfirmation },
            new CommandRow("*", Update, "creates, starts or changes local clusters") { Targets = false })
        { ValueOptions = "-c --cluster --config -i --image --servers -a --agents -p --port --api-port --registry-use --k3s-arg" },
    ];
}