package ai.factory.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import ai.factory.scoring.Fixtures;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code --device cuda} on a machine where the CUDA provider cannot load. */
class DeviceFallbackTest {

    @Test
    void cudaWithoutAGpuFallsBackToTheCpuWithOneWarningAndStillScores() throws Exception {
        Assumptions.assumeFalse(cudaWorksHere(), "this machine has a working CUDA provider");
        Logger logger = (Logger) LoggerFactory.getLogger(SessionFactory.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            SessionFactory sessions = new SessionFactory(new SessionSettings(Device.parse("cuda:0"), 1, false));
            ModelSession session = new ReleaseLoader(sessions, 8).load(Fixtures.champion(1, 1), Optional.empty());
            ModelSession another = new ReleaseLoader(sessions, 8).load(Fixtures.champion(2, 2), Optional.empty());
            try {
                assertThat(sessions.device()).isEqualTo(Device.CPU);
                BatchInputs inputs = new BatchInputs();
                inputs.reset(session.shape(), 1);
                inputs.add(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new long[] {1, 2, 3});
                assertThat(session.score(inputs)[0]).isBetween(0f, 1f);
            } finally {
                session.retire();
                another.retire();
            }
            List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage())
                    .contains("CUDA execution provider unavailable on cuda:0").contains("scoring on the CPU instead");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void devicesParse() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse("CUDA")).isEqualTo(new Device(true, 0));
        assertThat(Device.parse("cuda:3").deviceId()).isEqualTo(3);
        assertThat(Device.parse("cuda:3")).hasToString("cuda:3");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Device.parse("gpu")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Device.parse("cuda:x")).isInstanceOf(IllegalArgumentException.class);
    }

    /** True only with a GPU build on a machine whose CUDA provider really loads. */
    private static boolean cudaWorksHere() {
        OrtNatives.prepare();
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return false;
        }
        try (var options = new ai.onnxruntime.OrtSession.SessionOptions()) {
            options.addCUDA(0);
            return true;
        } catch (ai.onnxruntime.OrtException e) {
            return false;
        }
    }
}
