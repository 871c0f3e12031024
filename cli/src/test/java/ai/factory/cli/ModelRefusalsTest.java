package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import ai.factory.ops.web.ConsoleAccess;
import ai.factory.ops.web.OpsHttpServer;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.release.ModelCatalog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factory models} and the ops HTTP API over one models topic on the embedded broker: both go through the
 * release ledger, so they refuse the same illegal moves with the same message and agree on the champion.
 */
@ExtendWith(KafkaExtension.class)
class ModelRefusalsTest {

    private static final ModelConfig CONFIG = ModelConfig.deep(2, 2, 16).withArchitecture(2, List.of(4));
    private static final String TOKEN = "s3cret";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theCliAndTheHttpApiRefuseTheSameMovesWithTheSameMessage(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("refusals");
        String bootstrap = kafka.bootstrapServers();
        Topics topics = new Topics(prefix);
        assertThat(TopicsCommandTest.run("topics", "create", "-b", bootstrap, "--prefix", prefix, "--partitions", "1")
                .exitCode()).isZero();
        Path onnx = dir.resolve("m.onnx");
        Files.write(onnx, ModelGraphs.inference(CONFIG, TrainingState.initial(CONFIG).params(), Map.of()).toByteArray());
        assertThat(TopicsCommandTest.models(bootstrap, prefix, "import", "m", onnx.toString(), "--spec", "flights").exitCode()).isZero();
        assertThat(TopicsCommandTest.models(bootstrap, prefix, "import", "m", onnx.toString(), "--spec", "flights").exitCode()).isZero();
        try (SchemaRegistry registry = new KafkaSchemaRegistry(KafkaConnection.of(bootstrap), topics.schemas());
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(bootstrap), topics.models(), registry)) {
            catalog.add(ModelRelease.newBuilder(catalog.find("m", 2)).setVersion(3).setStatus(ReleaseStatus.REJECTED)
                    .setStatusReason("non-finite weights").setStatusBy(ReleaseActor.TRAINER).build());
        }
        assertThat(TopicsCommandTest.models(bootstrap, prefix, "promote", "m", "1").exitCode()).isZero();

        OpsOptions options = OpsOptions.defaults(KafkaConnection.of(bootstrap)).withPrefix(prefix).withHttp("127.0.0.1", 0)
                .withSampling(Duration.ofMillis(300), 3).withAccess(ConsoleAccess.open().withToken(TOKEN));
        try (OpsServer server = new OpsServer(options).start()) {
            String base = server.url();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "api/models").get("total").asInt() == 3);

            Map<String, String> moves = Map.of(
                    "promote m 3", "api/models/promote?model=m&version=3",
                    "promote m 1", "api/models/promote?model=m&version=1",
                    "promote m 9", "api/models/promote?model=m&version=9",
                    "rollback m", "api/models/rollback?model=m",
                    "resume x", "api/models/resume?model=x");
            for (var move : moves.entrySet()) {
                TopicsCommandTest.Result refused = TopicsCommandTest.models(bootstrap, prefix, move.getKey().split(" "));
                assertThat(refused.exitCode()).as(move.getKey()).isEqualTo(1);
                HttpResponse<String> response = post(base + move.getValue());
                assertThat(response.statusCode()).as(move.getValue()).isEqualTo(409);
                String apiMessage = json.readTree(response.body()).get("error").asText();
                assertThat(refused.err().strip()).as(move.getKey()).isEqualTo("error: " + apiMessage);
            }
            assertThat(TopicsCommandTest.models(bootstrap, prefix, "promote", "m", "3").err())
                    .contains("m/3 was rejected (non-finite weights); a rejected release is never promoted");
            assertThat(TopicsCommandTest.models(bootstrap, prefix, "rollback", "m").err())
                    .contains("m/1 is the only champion; rolling back would leave the scorers without a model");

            // Promoting an older release while a newer one is champion: the champion for every reader.
            assertThat(TopicsCommandTest.models(bootstrap, prefix, "promote", "m", "2").out()).contains("champion of m is now version 2");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> champion(base) == 2);
            HttpResponse<String> promoted = post(base + "api/models/promote?model=m&version=1");
            assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
            assertThat(champion(base)).isEqualTo(1);
            try (SchemaRegistry registry = new KafkaSchemaRegistry(KafkaConnection.of(bootstrap), topics.schemas());
                 ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(bootstrap), topics.models(), registry)) {
                assertThat(catalog.champion("m")).map(ModelRelease::getVersion).contains(1L);
            }
            // Rolling that promotion back, by the CLI, returns to v2 for both.
            assertThat(TopicsCommandTest.models(bootstrap, prefix, "rollback", "m").out()).contains("champion of m is now version 2");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> champion(base) == 2);

            // Resuming a held trainer re-records the champion, by either; what serves does not change.
            assertThat(TopicsCommandTest.models(bootstrap, prefix, "resume", "m", "--reason", "checked").out())
                    .contains("training of m resumed from its champion, version 2");
            HttpResponse<String> resumed = post(base + "api/models/resume?model=m");
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
            assertThat(json.readTree(resumed.body()).get("statusReason").asText()).isEqualTo("training resumed by operator");
            assertThat(champion(base)).isEqualTo(2);
        }
    }

    private long champion(String base) throws Exception {
        for (JsonNode v : get(base + "api/models").get("versions")) {
            if (v.get("champion").asBoolean()) {
                return v.get("version").asLong();
            }
        }
        return -1;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header(OpsHttpServer.TOKEN_HEADER, TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
