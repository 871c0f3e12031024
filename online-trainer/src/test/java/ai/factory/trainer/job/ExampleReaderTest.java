package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.factory.records.LabeledExample;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.Task;
import org.junit.jupiter.api.Test;

/** Which labels each task trains on; the rest is dead-lettered with a reason. */
class ExampleReaderTest {

    private static final ModelConfig REGRESSION = ModelConfig.logistic(2, 1, 8).withTask(Task.REGRESSION).withLabelScale(15, 4);

    private static LabeledExample withLabel(double label) {
        Batch batch = new Batch(1, 2, 1, new float[] {0.5f, -1f}, new long[] {3}, new float[] {0f});
        LabeledExample e = ExampleTopic.example("e-1", batch, 0, ExampleTopic.SPEC, 0);
        e.setLabel(label);
        return e;
    }

    private static String problem(ModelConfig model, double label) {
        return new ExampleReader(null, ExampleTopic.SPEC, 1, model, "test").problem(withLabel(label));
    }

    @Test
    void regressionTrainsOnAnyFiniteLabelAndDeadLettersTheRest() {
        assertThat(problem(REGRESSION, 17.25)).isNull();
        assertThat(problem(REGRESSION, -300)).isNull();
        assertThat(problem(REGRESSION, Double.NaN)).startsWith("NOT_FINITE: label");
        assertThat(problem(REGRESSION, Double.POSITIVE_INFINITY)).startsWith("NOT_FINITE: label");
    }

    @Test
    void binaryTrainsOnZeroOrOneOnly() {
        ModelConfig binary = ModelConfig.logistic(2, 1, 8);
        assertThat(problem(binary, 1)).isNull();
        assertThat(problem(binary, 0.5)).startsWith("BAD_LABEL");
        assertThat(problem(binary, Double.NaN)).startsWith("NOT_FINITE: label");
    }
}
