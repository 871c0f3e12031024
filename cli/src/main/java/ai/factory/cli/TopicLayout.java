package ai.factory.cli;

import java.time.Duration;
import java.util.List;

import ai.factory.options.DurationConverter;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.TopicSpec;
import ai.factory.topics.Topics;
import picocli.CommandLine.Option;

/** The options that shape the factory's topics when a command creates them: partitions and retention. */
final class TopicLayout {

    @Option(names = "--partitions", defaultValue = "" + TopicCatalog.DEFAULT_PARTITIONS, paramLabel = "N",
            description = "Partitions of each data topic (default: ${DEFAULT-VALUE}); models, quality and schemas have one.")
    int partitions;

    @Option(names = "--retention", defaultValue = "7d", paramLabel = "DURATION", converter = DurationConverter.class,
            description = {"How long data topics keep records, e.g. 7d, 12h or forever (default: ${DEFAULT-VALUE});",
                    "dead letters, late feedback and quality keep four times as long.",
                    "Kafka deletes by record time: replays of historic data need 'forever'."})
    Duration retention;

    /** The topics to create under {@code topics}' names. */
    List<TopicSpec> catalog(Topics topics) {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1");
        }
        return TopicCatalog.of(topics, partitions, retention);
    }
}
