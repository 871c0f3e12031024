package ai.factory.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ai.factory.options.DurationConverter;
import ai.factory.broker.EmbeddedKafka;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory broker}: a real single-node Kafka broker in the foreground until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {
            "Runs a real single-node Kafka broker in the foreground.",
            "KRaft, broker and controller in one JVM, on 127.0.0.1. Prints 'bootstrap=HOST:PORT' on the first line of "
                + "standard output, creates the factory's topics, and stops cleanly on Ctrl-C, removing its storage "
                + "unless --data-dir was given."})
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
            description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's storage in DIR across restarts (default: a temporary folder removed on exit).")
    Path dataDir;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "${env:FACTORY_TOPIC_PREFIX:-}",
            description = "Prefix of the topic names to create (default: none).")
    String prefix;

    @Option(names = "--partitions", defaultValue = "" + TopicCatalog.DEFAULT_PARTITIONS, paramLabel = "N",
            description = "Partitions of each data topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--retention", defaultValue = "forever", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Retention of the data topics it creates, e.g. 7d or forever (default: ${DEFAULT-VALUE}: replays of "
                    + "historic data carry old record times, which a time limit would delete at once).")
    java.time.Duration retention;

    @Option(names = "--no-topics", description = "Do not create the factory's topics.")
    boolean noTopics;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(port, dataDir, Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            out.println("broker stopped");
            out.flush();
            stopped.countDown();
        }, "broker-shutdown"));

        out.println("bootstrap=" + kafka.bootstrapServers());
        out.flush();
        if (!noTopics) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                List<TopicAdmin.Outcome> outcomes = TopicAdmin.ensure(admin, TopicCatalog.of(new Topics(prefix), partitions, retention));
                TopicTable.print(out, outcomes);
            }
        }
        out.println("Kafka is running at " + kafka.bootstrapServers() + " (storage " + kafka.dataDir() + "). Ctrl-C stops it.");
        out.flush();
        stopped.await();
        return 0;
    }
}
