package ai.factory.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code --device cuda} on a machine where the CUDA provider cannot load, with the real ONNX Runtime. */
class CudaFallbackTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(SessionFactory.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void listen() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(appender);
    }

    @Test
    void cudaWithoutAGpuFallsBackToTheCpuWithOneWarningAndStillScores() throws Exception {
        Assumptions.assumeFalse(cudaWorksHere(), "this machine has a working CUDA provider");
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.parse("cuda:0"), 1, false));
        try (OrtSession session = sessions.create(TinyModel.onnx()); OrtSession another = sessions.create(TinyModel.onnx())) {
            assertThat(sessions.device()).isEqualTo(Device.CPU);
            assertThat(sessions.settings().device()).isEqualTo(Device.cuda(0));
            assertThat(session.getOutputNames()).containsExactly("score");
            assertThat(another.getOutputNames()).containsExactly("score");
            float[] row = {0.1f, 0.2f, 0.3f, 0.4f};
            float score = score(sessions.environment(), session, row);
            assertThat(score).isBetween(0f, 1f).isCloseTo(TinyModel.score(row), within(1e-6f));
        }
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0).getFormattedMessage())
                .contains("CUDA execution provider unavailable on cuda:0").contains("running on the CPU instead");
    }

    @Test
    void aCpuBuildReallyRefusesTheCudaProvider() {
        OrtRuntime.environment();
        Assumptions.assumeTrue(OrtNatives.resource(System.mapLibraryName("onnxruntime_providers_cuda")) == null,
                "this is the GPU build of ONNX Runtime");
        assertThat(OrtEnvironment.getAvailableProviders()).doesNotContain(OrtProvider.CUDA);
        assertThatThrownBy(() -> {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.addCUDA(0);
            }
        }).isInstanceOf(OrtException.class);
    }

    @Test
    void theCpuNeedsNoProbeAndWarnsNothing() throws Exception {
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, 1, false).withoutPrepacking());
        try (OrtSession session = sessions.create(TinyModel.onnx())) {
            float[] row = {1f, -1f, 0.5f, 2f};
            assertThat(score(sessions.environment(), session, row)).isCloseTo(TinyModel.score(row), within(1e-6f));
        }
        assertThat(sessions.device()).isEqualTo(Device.CPU);
        assertThat(warnings()).isEmpty();
    }

    private List<ILoggingEvent> warnings() {
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    private static float score(OrtEnvironment env, OrtSession session, float[] row) throws OrtException {
        try (OnnxTensor dense = OnnxTensor.createTensor(env, FloatBuffer.wrap(row), new long[] {1, row.length});
             OrtSession.Result result = session.run(Map.of("dense", dense))) {
            return ((float[][]) result.get("score").orElseThrow().getValue())[0][0];
        }
    }

    /** True only with a GPU build on a machine whose CUDA provider really loads. */
    private static boolean cudaWorksHere() {
        OrtRuntime.environment();
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return false;
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(0);
            return true;
        } catch (OrtException e) {
            return false;
        }
    }
}
