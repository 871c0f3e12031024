package ai.factory.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code factory ops}: the operations dashboard, JSON API and Prometheus endpoint. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {
            "Serves the ops dashboard, its JSON API and Prometheus metrics.",
            "The dashboard shows consumer lag with a status per group, the pipeline, models, quality and freshness; "
                + "the JSON API is under /api, Prometheus metrics at /metrics. Ctrl-C stops it."})
final class OpsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--host", defaultValue = OpsOptions.DEFAULT_HOST, paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}; other machines reach it only if you say so).")
    String host;

    @Option(names = "--port", defaultValue = "" + OpsOptions.DEFAULT_PORT, paramLabel = "PORT",
            description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--interval", defaultValue = OpsOptions.DEFAULT_INTERVAL_TEXT, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often lag and the views are sampled (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--window", defaultValue = "" + OpsOptions.DEFAULT_WINDOW, paramLabel = "N",
            description = "Samples a group's status is judged over (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--token", defaultValue = "${env:FACTORY_OPS_TOKEN}", paramLabel = "TOKEN",
            description = "Token that promote and roll back require (header X-Factory-Token); default $FACTORY_OPS_TOKEN; without one they are disabled.")
    String token;

    @Override
    public Integer call() throws InterruptedException {
        if (interval == null || interval.isZero()) {
            throw new IllegalArgumentException("--interval must be a positive duration");
        }
        OpsOptions options = OpsOptions.defaults(kafka.connection()).withPrefix(kafka.prefix())
                .withHttp(host, port).withSampling(interval, window).withAdminToken(token);
        OpsServer server = new OpsServer(options).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "ops-shutdown"));
        System.out.println("dashboard=" + server.url());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
