package ai.factory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheScrapeOnMetricsOnly() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.serve("127.0.0.1", 0, () -> "factory_x_total 1.0\n")) {
            HttpResponse<String> metrics = get(endpoint, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).isEqualTo("factory_x_total 1.0\n");
            assertThat(metrics.headers().firstValue("Content-Type")).contains(MetricsEndpoint.CONTENT_TYPE);
            assertThat(get(endpoint, "/other").statusCode()).isEqualTo(404);
            assertThat(get(endpoint, "/metrics/more").statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> get(MetricsEndpoint endpoint, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
