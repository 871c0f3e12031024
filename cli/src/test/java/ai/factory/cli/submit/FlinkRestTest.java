package ai.factory.cli.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request bodies of the REST calls, the line a refusal becomes, and a cluster that is not there. */
class FlinkRestTest {

    @Test
    void theMultipartBodyIsTheFileBetweenItsPartHeadersAndTheClosingBoundary(@TempDir Path dir) throws IOException {
        Multipart m = new Multipart("b0undary");
        assertThat(m.contentType()).isEqualTo("multipart/form-data; boundary=b0undary");
        String head = new String(m.head("jarfile", "job.jar"), StandardCharsets.UTF_8);
        assertThat(head).isEqualTo("--b0undary\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"job.jar\"\r\n"
                + "Content-Type: application/java-archive\r\n\r\n");
        assertThat(new String(m.tail(), StandardCharsets.UTF_8)).isEqualTo("\r\n--b0undary--\r\n");
        assertThat(m.of("jarfile", Files.write(dir.resolve("job.jar"), new byte[] {1, 2, 3})).contentLength())
                .isEqualTo(head.length() + 3 + m.tail().length);
        assertThat(Multipart.random().boundary()).isNotEqualTo(Multipart.random().boundary());
    }

    @Test
    void theRunRequestHasTheArgumentsAsAListAndARestorePathOnlyWhenGiven() {
        assertThat(new FlinkRest.RunRequest(List.of("--spec", "{\"a\": 1}"), 2, null).json())
                .isEqualTo(Map.of("programArgsList", List.of("--spec", "{\"a\": 1}"), "parallelism", 2));
        assertThat(new FlinkRest.RunRequest(List.of(), 1, "file:/c/chk-7").json()).containsEntry("savepointPath", "file:/c/chk-7");
    }

    @Test
    void aRefusalIsItsDeepestCauseInOneLine() {
        String body = "{\"errors\":[\"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\\n"
                + "\\tat org.apache.flink...\\nCaused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error\\n"
                + "\\tat x\\nCaused by: java.lang.IllegalArgumentException: Unknown option: '--nope'\\n\\tat y\"]}";
        assertThat(FlinkRest.refusal(body)).isEqualTo("java.lang.IllegalArgumentException: Unknown option: '--nope'");
        assertThat(FlinkRest.refusal("{\"errors\":[\"Not found: /jars/x/run\"]}")).isEqualTo("Not found: /jars/x/run");
        assertThat(FlinkRest.refusal("<html>bad gateway</html>")).isEqualTo("<html>bad gateway</html>");
    }

    @Test
    void aJobIsActiveUntilItEnds() {
        assertThat(new FlinkRest.Job("1", "n", "RESTARTING").active()).isTrue();
        assertThat(new FlinkRest.Job("1", "n", "CANCELED").active()).isFalse();
    }

    @Test
    void aClusterThatIsNotThereIsOneLineNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FlinkRest rest = new FlinkRest("http://127.0.0.1:" + port + "/");
        assertThat(rest.url()).isEqualTo("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> rest.jobs(Duration.ofSeconds(5))).isInstanceOf(FlinkRest.FlinkRestException.class)
                .hasMessageContaining("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> new FlinkRest("jobmanager:8081")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--flink");
    }
}
