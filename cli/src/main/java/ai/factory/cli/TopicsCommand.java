package ai.factory.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import ai.factory.options.KafkaOptions;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory topics}: creates and lists the factory's topics. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates and lists the factory's Kafka topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates every topic of the factory that does not exist yet; existing topics are left unchanged, so it is safe to run again.")
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        TopicLayout layout;

        @Override
        public Integer call() {
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                TopicTable.print(spec.commandLine().getOut(), TopicAdmin.ensure(admin, layout.catalog(kafka.topics())));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the topics of the cluster with their partitions, marks the factory's own, and names any that are missing.")
    static final class ListTopics implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<TopicSpec> catalog = TopicCatalog.of(kafka.topics(), TopicCatalog.DEFAULT_PARTITIONS);
            Map<String, TopicSpec> byName = catalog.stream().collect(Collectors.toMap(TopicSpec::name, s -> s));
            Map<String, TopicDescription> topics;
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                topics = TopicAdmin.describeAll(admin);
            }
            int width = Math.max(5, topics.keySet().stream().mapToInt(String::length).max().orElse(5));
            out.printf("%-" + width + "s  %10s  %-14s  %s%n", "TOPIC", "PARTITIONS", "VALUES", "PURPOSE");
            topics.forEach((name, d) -> {
                TopicSpec known = byName.get(name);
                out.printf("%-" + width + "s  %10d  %-14s  %s%n", name, d.partitions().size(),
                        known == null || known.valueType() == null ? "-" : known.valueType().getSimpleName(),
                        known == null ? "" : known.purpose());
            });
            List<String> missing = catalog.stream().map(TopicSpec::name).filter(n -> !topics.containsKey(n)).toList();
            if (!missing.isEmpty()) {
                out.println("missing factory topics: " + String.join(", ", missing) + " (run 'factory topics create')");
            }
            return 0;
        }
    }
}
