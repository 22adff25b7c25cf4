package io.csflow.cli;

/**
 * Entry class for submitting the job to a Flink cluster over its REST API (web UI "Submit New Job", or
 * {@code POST /jars/:id/run} with {@code entryClass=io.csflow.cli.JobMain}); takes the options of
 * {@code csflow job} (without the word "job").
 *
 * <p>Why not {@link Main}: a REST submission runs main() inside the JobManager's JVM, and Main ends with
 * System.exit, which would stop the JobManager. This class returns instead, and reports a bad option or a failed
 * submission by throwing, which the REST call returns to the submitter as its error.
 */
public final class JobMain {

    private JobMain() {
    }

    public static void main(String[] args) {
        String[] command = new String[args.length + 1];
        command[0] = "job";
        System.arraycopy(args, 0, command, 1, args.length);
        int status = Main.commandLine().execute(command);
        if (status != 0) {
            // the options are not echoed: --kafka-property values may hold credentials
            throw new IllegalArgumentException("csflow job failed with status " + status
                    + " (its message, naming the option, is above in the JobManager's log)");
        }
    }
}
