package io.csflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code csflow} command line (run it with {@code ./csflow} at the repository root).
 *
 * <p>Adding a command: write a {@code @Command(name = "...")} class implementing {@code Callable<Integer>} in this
 * package and add it to {@code subcommands} below. Throw {@link IllegalArgumentException} (bad input),
 * {@link IllegalStateException} (bad setup) or {@link IOException} with a message that says what to do: the user sees
 * {@code csflow <command>: <message>} and exit status 1, without a stack trace (set {@code CSFLOW_DEBUG=1} to get
 * one). Anything else is a bug and prints its stack trace. Use {@link Progress} for long steps.
 */
@Command(name = "csflow",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Streaming compressed-sensing reconstruction with generative priors and model uncertainty.",
        subcommands = {
            // ---- Register subcommands here, one per line. ----
            DatasetInfoCommand.class,
            TrainPriorCommand.class,
            EvaluateCommand.class,
            JobCommand.class,
            DemoCommand.class,
            BenchPipelineCommand.class,
            BenchCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            CreateTopicsCommand.class,
            DriftCommand.class,
            TradeoffCommand.class,
            // ---- (end of subcommands) ----
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    /** Environment variable: when set (to anything but 0/false), errors print their stack trace too. */
    public static final String DEBUG_ENV = "CSFLOW_DEBUG";

    @Spec
    CommandSpec spec;

    static {
        // charts and images are drawn without a display
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: say what csflow should do");
    }

    /** The configured command line: every entry point (main, tests) goes through this. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new ErrorHandler())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Expected failures (bad input, bad setup, I/O) print their message and exit 1; other exceptions are bugs. */
    static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) throws Exception {
            Throwable e = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof IOException) {
                String msg = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
                cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + msg));
                if (debug()) {
                    e.printStackTrace(cmd.getErr());
                }
                cmd.getErr().flush();
                return 1;
            }
            throw ex;
        }

        private static boolean debug() {
            String v = System.getenv(DEBUG_ENV);
            return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
        }
    }

    /**
     * "csflow VERSION": from the system property {@code csflow.version} (the launcher sets it), the jar manifest, or
     * the Maven pom.properties on the class path.
     */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "csflow " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
            };
        }

        static String version() {
            String v = System.getProperty("csflow.version");
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
            v = Main.class.getPackage().getImplementationVersion();
            if (v != null) {
                return v;
            }
            try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/io.csflow/csflow-pipeline/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    if (p.getProperty("version") != null) {
                        return p.getProperty("version");
                    }
                }
            } catch (IOException ignored) {
                // fall through
            }
            return "(development build)";
        }
    }
}
