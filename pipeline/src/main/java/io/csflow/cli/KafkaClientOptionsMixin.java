package io.csflow.cli;

import io.csflow.stream.KafkaClientProperties;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Extra Kafka client settings for every Kafka client a command creates (TLS, SASL, timeouts): a properties file
 * and single KEY=VALUE pairs on top of it. Precedence and masking: {@link KafkaClientProperties}.
 */
public final class KafkaClientOptionsMixin {

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Java properties file of Kafka client settings for every Kafka client of this command, "
                    + "e.g. security.protocol, ssl.*, sasl.* (keep secrets here rather than on the command line).")
    Path file;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "One Kafka client setting for every Kafka client of this command, on top of "
                    + "--kafka-properties (repeatable; later ones win), e.g. security.protocol=SASL_SSL.")
    List<String> pairs = new ArrayList<>();

    /** The parsed and checked properties; a malformed pair or an invalid value fails here with its reason. */
    public KafkaClientProperties properties() {
        return KafkaClientProperties.fromCommandLine(file, pairs).checked();
    }
}
