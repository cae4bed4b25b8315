package io.walship.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.walship.follower.PositionFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/compose.yaml} checked without Docker: every walship command and flag that it, the image's
 * entrypoint and the systemd unit use exists in walship's CLI; the files it runs and mounts are in the image or in
 * docker/; the config it mounts loads with the environment it gets; and the parts agree (keys, bucket, ports,
 * paths). Whether compose itself accepts the file needs Docker (see docker/README.md).
 */
class ComposeFileIT {
    private static final String WALSHIP = "/opt/walship/bin/walship";
    /** A walship invocation in a script: the launcher, its command, and the arguments up to a pipe or list. */
    private static final Pattern SCRIPT_CALL = Pattern.compile("(?:\"\\$walship\"|" + Pattern.quote(WALSHIP) + ")\\s+([a-z]+)([^|;&#]*)");
    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");
    private static final Pattern CONFIG_VAR = Pattern.compile("\\$\\{?(\\w+)");

    private final ComposeFile compose = ComposeFile.load();
    private final Path docker = RepoRoot.get().resolve("docker");

    @Test
    void itIsTheDemoTopologyBuiltFromTheDemoStage() throws Exception {
        assertThat(compose.services()).containsOnlyKeys("minio", "create-bucket", "primary", "follower-1", "follower-2");
        assertThat(compose.image("minio")).matches("quay\\.io/minio/minio:RELEASE\\.[0-9TZ-]+");
        assertThat(compose.image("create-bucket")).matches("quay\\.io/minio/mc:RELEASE\\.[0-9TZ-]+");
        for (String s : List.of("primary", "follower-1", "follower-2")) {
            Map<String, Object> build = compose.build(s);
            Path context = docker.resolve((String) build.get("context")).normalize();
            assertThat(context).isEqualTo(RepoRoot.get());
            assertThat(context.resolve((String) build.get("dockerfile"))).isEqualTo(docker.resolve("Dockerfile"));
            assertThat(build.get("target")).isEqualTo("demo");
        }
        assertThat(dockerfile()).containsPattern("(?m)^FROM \\S+ AS demo$");
    }

    @Test
    void everyWalshipCommandAndFlagExistsInTheCli() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        for (String s : compose.services().keySet()) {
            List<String> argv = new ArrayList<>(compose.entrypoint(s));
            argv.addAll(compose.command(s));
            if (!argv.isEmpty() && argv.get(0).equals(WALSHIP)) {
                calls.add(argv.subList(1, argv.size()));
            }
        }
        calls.addAll(scriptCalls(docker.resolve("entrypoint.sh")));
        calls.addAll(scriptCalls(docker.resolve("walship.service")));

        assertThat(calls).extracting(c -> c.get(0)).contains("follow", "databases", "restore", "replicate");
        for (List<String> call : calls) {
            for (String arg : call.subList(1, call.size())) {
                if (arg.startsWith("-")) {
                    assertThat(WalshipCli.flags(call.get(0))).as("walship %s has %s (in %s)", call.get(0), arg, call)
                            .contains(arg.split("=", 2)[0]);
                }
            }
        }
    }

    @Test
    void whatItRunsIsInTheImage() throws Exception {
        assertThat(compose.entrypoint("primary")).as("the image's entrypoint: restore, then replicate -exec").isEmpty();
        String app = compose.command("primary").get(0);
        assertThat(app).startsWith("/opt/walship/docker/");
        String script = Path.of(app).getFileName().toString();
        assertThat(docker.resolve(script)).isExecutable();
        assertThat(dockerfile()).containsPattern("(?m)^COPY (.+ )?docker/" + Pattern.quote(script) + " (.+ )?/opt/walship/docker/$");
        for (String f : List.of("follower-1", "follower-2")) {
            assertThat(compose.entrypoint(f)).containsExactly(WALSHIP, "follow");
        }
        assertThat(dockerfile()).contains("COPY --from=build /src/bin/walship " + WALSHIP);
    }

    @Test
    void theMountedConfigLoadsWithTheEnvironmentItGets() throws Exception {
        String mount = compose.volumes("primary").stream().filter(v -> v.startsWith("./")).findFirst().orElseThrow();
        String[] parts = mount.split(":");
        Path config = docker.resolve(parts[0]).normalize();
        assertThat(config).isRegularFile();
        assertThat(parts[1]).as("mounted where the image looks").isEqualTo(imageEnv().get("WALSHIP_CONFIG"));

        Map<String, String> env = new HashMap<>(imageEnv());
        env.putAll(compose.environment("primary"));
        for (String line : Files.readAllLines(config)) {
            Matcher m = CONFIG_VAR.matcher(line.strip().startsWith("#") ? "" : line);
            while (m.find()) {
                assertThat(env).as("$%s in %s", m.group(1), config.getFileName()).containsKey(m.group(1));
            }
        }
        ProcessResult dbs = WalshipProcess.run(env, "databases", "-config", config.toString());
        assertThat(dbs.exitCode()).as(dbs.describe()).isZero();
        String writerDb = compose.command("primary").get(1);
        assertThat(dbs.stdout().lines().skip(1).toList()).as("walship replicates the database the writer writes")
                .singleElement().asString().startsWith(writerDb + " ").endsWith("s3");
    }

    @Test
    void thePartsAgree() throws Exception {
        Map<String, String> minio = compose.environment("minio");
        Map<String, String> primary = compose.environment("primary");
        Map<String, String> mc = compose.environment("create-bucket");
        assertThat(List.of(primary.get("AWS_ACCESS_KEY_ID"), mc.get("S3_ACCESS_KEY"))).containsOnly(minio.get("MINIO_ROOT_USER"));
        assertThat(List.of(primary.get("AWS_SECRET_ACCESS_KEY"), mc.get("S3_SECRET_KEY"))).containsOnly(minio.get("MINIO_ROOT_PASSWORD"));
        assertThat(primary.get("S3_ENDPOINT")).isEqualTo("http://minio:9000");
        assertThat(String.join(" ", compose.command("create-bucket")))
                .contains("http://minio:9000").contains("mc mb --ignore-existing demo/" + primary.get("S3_BUCKET"));

        String port = imageEnv().get("WALSHIP_HEALTH_PORT");
        assertThat(compose.ports("primary")).contains(port + ":" + port);
        Path writerDb = Path.of(compose.command("primary").get(1));
        List<String> volumes = new ArrayList<>();
        for (String f : List.of("follower-1", "follower-2")) {
            List<String> follow = compose.command(f);
            // plain HTTP to another host is refused without -insecure
            assertThat(follow).hasSize(3);
            assertThat(follow.get(0)).isEqualTo("-insecure");
            assertThat(follow.get(1)).isEqualTo("http://primary:" + port + "/" + writerDb.getFileName());
            Path copy = Path.of(follow.get(2));
            assertThat(compose.healthcheck(f)).containsExactly("CMD", "test", "-s", PositionFile.of(copy).path().toString());
            assertThat(compose.volumes(f)).singleElement().asString().endsWith(":" + copy.getParent());
            volumes.addAll(compose.volumes(f));
        }
        assertThat(volumes).as("each follower has a volume of its own").doesNotHaveDuplicates();
    }

    /** The walship invocations in a shell script or unit file, as argument lists starting with the command. */
    private static List<List<String>> scriptCalls(Path file) throws Exception {
        List<List<String>> calls = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = SCRIPT_CALL.matcher(line.strip().startsWith("#") ? "" : line);
            while (m.find()) {
                List<String> call = new ArrayList<>(List.of(m.group(1)));
                call.addAll(List.of(m.group(2).strip().split("\\s+")));
                calls.add(call);
            }
        }
        assertThat(calls).as("walship calls in %s", file.getFileName()).isNotEmpty();
        return calls;
    }

    private String dockerfile() throws Exception {
        return Files.readString(docker.resolve("Dockerfile"));
    }

    /** The image's ENV (all ENV instructions, continuation lines joined). */
    private Map<String, String> imageEnv() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String instruction : dockerfile().replace("\\\n", " ").lines().toList()) {
            if (instruction.startsWith("ENV ")) {
                Matcher m = ENV_PAIR.matcher(instruction.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        return env;
    }
}
