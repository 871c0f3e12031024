package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.topics.Topics;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code factory models} over a models topic holding an undecodable record between two releases. */
@ExtendWith(KafkaExtension.class)
class ModelsCommandTest {

    private static final ModelConfig CONFIG = ModelConfig.deep(2, 2, 16).withArchitecture(2, List.of(4));

    @TempDir
    Path dir;

    @Test
    void listPromoteAndRollbackSkipAnUndecodableRecord(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("cli-models");
        String bootstrap = kafka.bootstrapServers();
        assertThat(TopicsCommandTest.run("topics", "create", "-b", bootstrap, "--prefix", prefix, "--partitions", "1")
                .exitCode()).isZero();
        Path first = dir.resolve("first.onnx");
        Path second = dir.resolve("second.onnx");
        Files.write(first, ModelGraphs.inference(CONFIG, TrainingState.initial(CONFIG).params(), Map.of()).toByteArray());
        Files.write(second, ModelGraphs.inference(CONFIG, TrainingState.initial(CONFIG.withSeed(7)).params(), Map.of())
                .toByteArray());

        assertThat(run(bootstrap, prefix, "import", "m", first.toString(), "--spec", "flights").exitCode()).isZero();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(new Topics(prefix).models(), "m/7", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
        TopicsCommandTest.Result imported = run(bootstrap, prefix, "import", "m", second.toString(), "--spec", "flights");
        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).contains("as m version 2");

        TopicsCommandTest.Result list = run(bootstrap, prefix, "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("m\\s+1\\s+-\\s+CANDIDATE").containsPattern("m\\s+2\\s+-\\s+CANDIDATE");
        assertThat(list.err()).contains("warning: skipped 1 record(s) of " + prefix + "models that could not be decoded");

        assertThat(run(bootstrap, prefix, "promote", "m", "1").exitCode()).isZero();
        TopicsCommandTest.Result promoted = run(bootstrap, prefix, "promote", "m", "2");
        assertThat(promoted.exitCode()).as(promoted.err()).isZero();
        assertThat(promoted.out()).contains("champion of m is now version 2");
        TopicsCommandTest.Result rolledBack = run(bootstrap, prefix, "rollback", "m");
        assertThat(rolledBack.exitCode()).as(rolledBack.err()).isZero();
        assertThat(rolledBack.out()).contains("champion of m is now version 1");
        assertThat(run(bootstrap, prefix, "list", "--model", "m").out()).containsPattern("m\\s+2\\s+-\\s+ROLLED_BACK\\s+OPERATOR\\s");
    }

    private static TopicsCommandTest.Result run(String bootstrap, String prefix, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "models";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "-b";
        all[args.length + 2] = bootstrap;
        all[args.length + 3] = "--prefix";
        all[args.length + 4] = prefix;
        return TopicsCommandTest.run(all);
    }
}
