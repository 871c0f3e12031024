package ai.factory.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ai.factory.kafka.KafkaConnection;
import ai.factory.records.QualityTask;
import org.junit.jupiter.api.Test;

/** The quality task per model, from {@code factory feedback --task} and from {@link FeedbackOptions}. */
class FeedbackCommandTaskTest {

    @Test
    void everyModelIsBinaryUnlessToldOtherwise() {
        FeedbackOptions options = new FeedbackCommand().parse(List.of()).toOptions();
        assertThat(options.task("flights")).isEqualTo(QualityTask.BINARY);
    }

    @Test
    void taskWithAModelNamesThatModelAndTaskAloneEveryOther() {
        FeedbackOptions options = new FeedbackCommand()
                .parse(List.of("--task", "delay=regression", "--task", "regression", "--task", "clicks=binary")).toOptions();
        assertThat(options.task("delay")).isEqualTo(QualityTask.REGRESSION);
        assertThat(options.task("clicks")).isEqualTo(QualityTask.BINARY);
        assertThat(options.task("anything")).isEqualTo(QualityTask.REGRESSION);
    }

    @Test
    void aSpecNamesItsModelAndTask(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path spec = dir.resolve("quakes.spec.json");
        java.nio.file.Files.writeString(spec, "{\"name\": \"quakes\", \"version\": 1, "
                + "\"model\": {\"name\": \"magnitude\", \"task\": \"regression\", \"label_mean\": 1.5, \"label_std\": 1.2}}");
        FeedbackOptions options = new FeedbackCommand().parse(List.of("--spec", spec.toString())).toOptions();
        assertThat(options.task("magnitude")).isEqualTo(QualityTask.REGRESSION);
        assertThat(options.task("flights")).isEqualTo(QualityTask.BINARY);
    }

    @Test
    void optionsTakeATaskPerModel() {
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of("unused:9092")).withTask("delay", QualityTask.REGRESSION);
        assertThat(options.task("delay")).isEqualTo(QualityTask.REGRESSION);
        assertThat(options.task("flights")).isEqualTo(QualityTask.BINARY);
        assertThat(options.withDefaultTask(QualityTask.REGRESSION).task("flights")).isEqualTo(QualityTask.REGRESSION);
    }
}
