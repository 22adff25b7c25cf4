package io.csflow.deploy;

import io.csflow.cli.Main;
import io.csflow.stream.Topics;
import io.csflow.stream.kafka.TopicLayout;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.bash.FlinkConfigLoader;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps docker/ in step with ops/ and the code, since no container engine runs where the tests run: the image's
 * Flink configuration is the ops one and Flink parses it; the compose file's broker settings are those of
 * ops/conf/kafka/server.properties; every csflow command in the compose file parses with the real command line;
 * ports, entry class, topic names and versions agree.
 */
class DeploymentFilesTest {

    private static final Path ROOT = repositoryRoot();

    @TempDir
    Path tmp;

    @Test
    void theImagesFlinkConfigurationIsTheOpsOneAndFlinkParsesIt() throws IOException {
        Configuration c = imageConfiguration();
        assertEquals("8081", c.toMap().get("rest.port"));
        assertEquals("1", c.toMap().get("taskmanager.numberOfTaskSlots"));
        assertTrue(c.toMap().get("metrics.reporter.prom.port").startsWith("9249"));
        assertEquals("file:///opt/flink/checkpoints", c.toMap().get("execution.checkpointing.dir"));
        List<String> parentFirst = c.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL);
        assertTrue(parentFirst.containsAll(List.of("org.nd4j.", "org.bytedeco.")), parentFirst.toString());
        // the container adds only what ops/cluster.sh sets per machine or on the java command line
        Set<String> added = new TreeSet<>(flatKeys(read("docker/flink-container.yaml")));
        added.retainAll(flatKeys(read("ops/conf/flink/config.yaml")));
        assertEquals(Set.of(), added, "docker/flink-container.yaml must not override ops/conf/flink/config.yaml");
    }

    @Test
    void theEntryPointsRewriteKeepsEveryKey() throws Exception {
        // the image's entry point rewrites config.yaml with Flink's own loader on every start (config-parser-utils.sh
        // -> BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION), adding the FLINK_PROPERTIES keys
        Configuration before = imageConfiguration();
        Path conf = tmp.resolve("conf");
        List<String> lines = FlinkConfigLoader.loadAndModifyConfiguration(new String[] {"--configDir", conf.toString(),
                "-Djobmanager.rpc.address=jobmanager", "-Drest.address=jobmanager", "-Dblob.server.port=6124"});
        Path rewritten = tmp.resolve("rewritten");
        Files.createDirectories(rewritten);
        Files.write(rewritten.resolve("config.yaml"), lines);
        Map<String, String> after = new TreeMap<>(GlobalConfiguration.loadConfiguration(rewritten.toString()).toMap());
        Map<String, String> expected = new TreeMap<>(before.toMap());
        expected.put("jobmanager.rpc.address", "jobmanager");
        expected.put("rest.address", "jobmanager");
        expected.put("blob.server.port", "6124");
        assertEquals(expected, after);
    }

    @Test
    void aContainerTaskManagerGetsTheJvmSizesOpsClusterShComputes() throws IOException {
        // ops/cluster.sh starts TaskManagerRunner itself with heap = framework.heap + task.heap and direct =
        // framework.off-heap + task.off-heap + network.max; in the image Flink's taskmanager.sh derives them
        Configuration c = imageConfiguration();
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(c);
        long heap = mb(c, "taskmanager.memory.framework.heap.size") + mb(c, "taskmanager.memory.task.heap.size");
        long direct = mb(c, "taskmanager.memory.framework.off-heap.size")
                + mb(c, "taskmanager.memory.task.off-heap.size") + mb(c, "taskmanager.memory.network.max");
        long meta = mb(c, "taskmanager.memory.jvm-metaspace.size");
        assertEquals("-Xmx" + heap * MB + " -Xms" + heap * MB + " -XX:MaxDirectMemorySize=" + direct * MB
                + " -XX:MaxMetaspaceSize=" + meta * MB, ProcessMemoryUtils.generateJvmParametersStr(spec));
        assertEquals(1, spec.getNumSlots());
        assertEquals(1.0, spec.getCpuCores().getValue().doubleValue());
    }

    private static final long MB = 1024 * 1024;

    private static long mb(Configuration c, String key) {
        return MemorySize.parse(c.toMap().get(key)).getBytes() / MB;
    }

    @Test
    void theImagesJvmFlagsAreThoseOfTheOpsScripts() throws IOException {
        Matcher m = Pattern.compile("JAVA17_OPENS=\\(([^)]*)\\)").matcher(read("ops/lib.sh"));
        assertTrue(m.find(), "ops/lib.sh defines JAVA17_OPENS");
        List<String> ops = Arrays.stream(m.group(1).trim().split("\\s+")).toList();
        List<String> image = Arrays.asList(imageConfiguration().toMap().get("env.java.default-opts.all").trim()
                .split("\\s+"));
        assertEquals(ops, image);
    }

    @Test
    void theImageIsBuiltOnFlinkOfThePomAndCopiesWhatTheDistProfileBuilds() throws IOException {
        String dockerfile = read("docker/Dockerfile");
        String flinkVersion = pomProperty("flink.version");
        assertTrue(dockerfile.contains("ARG FLINK_IMAGE=flink:" + flinkVersion + "-scala_2.12-java17"), flinkVersion);
        for (String copied : List.of("pipeline/target/flink-lib/*.jar /opt/flink/lib/",
                "pipeline/target/csflow-job.jar /opt/flink/usrlib/csflow-job.jar", "models/ /opt/csflow/models/",
                "ops/conf/flink/config.yaml /opt/flink/conf/config.yaml")) {
            assertTrue(dockerfile.contains("COPY " + copied), "Dockerfile copies " + copied);
        }
        assertTrue(Files.isRegularFile(ROOT.resolve("models/fmnist-vae.avro")));
    }

    @Test
    void theComposeBrokerHasTheOpsBrokerSettings() throws IOException {
        Map<String, Object> kafka = service("kafka");
        assertEquals("apache/kafka:" + pomProperty("kafka.version"), kafka.get("image"));
        Map<String, String> env = environment(kafka);
        Properties ops = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("ops/conf/kafka/server.properties"))) {
            ops.load(r);
        }
        // listeners and voters name hosts (localhost there, kafka here); every other setting must agree
        Set<String> hostSpecific = Set.of("listeners", "advertised.listeners", "controller.quorum.voters",
                "listener.security.protocol.map");
        for (String key : ops.stringPropertyNames()) {
            if (hostSpecific.contains(key)) {
                continue;
            }
            String envName = "KAFKA_" + key.toUpperCase().replace('.', '_');
            assertEquals(ops.getProperty(key), env.get(envName), envName + " (ops: " + key + ")");
        }
        assertTrue(Integer.parseInt(env.get("KAFKA_MESSAGE_MAX_BYTES")) >= TopicLayout.MAX_MODEL_BYTES);
        assertTrue(env.get("KAFKA_ADVERTISED_LISTENERS").contains("PLAINTEXT://kafka:9092"));
        assertTrue(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").endsWith(":9093"));
    }

    @Test
    void flinkContainersOverrideOnlyHostNamesAndPortsMatchTheConfiguration() throws IOException {
        Configuration c = imageConfiguration();
        for (String role : List.of("jobmanager", "taskmanager", "submit")) {
            Map<String, String> env = environment(service(role));
            Set<String> keys = flatKeys(env.get("FLINK_PROPERTIES"));
            assertEquals(Set.of("jobmanager.rpc.address", "rest.address"), keys, role);
        }
        assertEquals(List.of(c.toMap().get("rest.port") + ":" + c.toMap().get("rest.port")),
                service("jobmanager").get("ports"));
        Map<String, Object> tm = service("taskmanager");
        assertFalse(tm.containsKey("ports") || tm.containsKey("container_name"),
                "a fixed host port or container name would stop `--scale taskmanager=N`");
        assertEquals("1", environment(tm).get("OMP_NUM_THREADS"));
        String prometheus = read("docker/prometheus.yml");
        String firstPromPort = c.toMap().get("metrics.reporter.prom.port").split("-")[0];
        assertTrue(prometheus.contains("jobmanager:" + firstPromPort) && prometheus.contains("port: " + firstPromPort),
                "prometheus.yml scrapes port " + firstPromPort);
    }

    @Test
    void everyCsflowCommandInTheComposeFileParses() throws IOException {
        List<String> submit = command(service("submit"));
        assertEquals("submit-job", submit.get(0));
        // submit-job runs `flink run --class <entry> ...`, the entry class ops/cluster.sh submits over REST
        String entry = matchOne("ENTRY_CLASS=(\\S+)", read("ops/cluster.sh"));
        assertTrue(read("docker/bin/submit-job").contains("--class " + entry), entry);
        assertEquals("io.csflow.cli.JobMain", entry);
        parses(prepend("job", submit.subList(1, submit.size())));
        for (String name : List.of("topics", "simulator", "consumer")) {
            List<String> cmd = command(service(name));
            assertEquals("csflow", cmd.get(0), name);
            parses(cmd.subList(1, cmd.size()));
        }
    }

    @Test
    void theOpsScriptsCreateTheTopicsTheCodeNames() throws IOException {
        String kafkaSh = read("ops/kafka.sh");
        Set<String> names = new TreeSet<>();
        Matcher loop = Pattern.compile("for t in ([a-z -]+); do").matcher(kafkaSh);
        assertTrue(loop.find(), "ops/kafka.sh loops over the data topics");
        for (String t : loop.group(1).trim().split("\\s+")) {
            names.add("cs." + t);
        }
        names.add(matchOne("--topic \"\\$\\{prefix}(cs\\.models)\"", kafkaSh));
        assertEquals(new TreeSet<>(Topics.defaults().all()), names);
        assertTrue(kafkaSh.contains("max.message.bytes=" + TopicLayout.MAX_MODEL_BYTES));
    }

    // ---- helpers ----

    private static void parses(List<String> args) {
        CommandLine cli = Main.commandLine();
        cli.parseArgs(args.toArray(String[]::new)); // throws ParameterException naming the unknown option
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** What the Dockerfile builds: ops/conf/flink/config.yaml with docker/flink-container.yaml appended. */
    private Configuration imageConfiguration() throws IOException {
        Path conf = tmp.resolve("conf");
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("config.yaml"), read("ops/conf/flink/config.yaml") + "\n"
                + read("docker/flink-container.yaml"));
        return GlobalConfiguration.loadConfiguration(conf.toString());
    }

    /** Top-level keys of a flat-key YAML text (Flink's config.yaml style). */
    private static Set<String> flatKeys(String yaml) {
        Object loaded = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        return loaded == null ? Set.of() : new TreeSet<>(((Map<String, ?>) loaded).keySet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(read("docker/compose.yaml"));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        Map<String, Object> s = (Map<String, Object>) services.get(name);
        assertNotNull(s, "compose.yaml has a service " + name);
        return s;
    }

    /** A service's environment as strings, with YAML merge keys (&lt;&lt;: *anchor) resolved as compose does. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Object> raw = (Map<String, Object>) service.getOrDefault("environment", Map.of());
        if (raw.get("<<") instanceof Map<?, ?> merged) {
            merged.forEach((k, v) -> env.put(k.toString(), String.valueOf(v)));
        }
        raw.forEach((k, v) -> {
            if (!"<<".equals(k)) {
                env.put(k, String.valueOf(v));
            }
        });
        return env;
    }

    /** A service's command with ${VAR:-default} replaced by its default, as compose does without VAR set. */
    @SuppressWarnings("unchecked")
    private static List<String> command(Map<String, Object> service) {
        return ((List<Object>) service.get("command")).stream()
                .map(o -> String.valueOf(o).replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1")).toList();
    }

    private static String pomProperty(String name) throws IOException {
        return matchOne("<" + Pattern.quote(name) + ">([^<]+)</", read("pom.xml"));
    }

    private static String matchOne(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1);
    }

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative));
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("docker/compose.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no docker/compose.yaml above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
