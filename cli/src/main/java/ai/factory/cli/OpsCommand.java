package ai.factory.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import ai.factory.ops.web.ConsoleAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code factory ops}: the operations dashboard, JSON API and Prometheus endpoint. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {
            "Serves the ops dashboard, its JSON API and Prometheus metrics.",
            "The dashboard shows consumer lag with a status per group, the pipeline, models, quality and freshness; "
                + "the JSON API is under /api, Prometheus metrics at /metrics. Ctrl-C stops it.",
            "Secrets come from the environment only: $" + ConsoleAccess.TOKEN_ENV + " is the token that promote and "
                + "roll back require (without it they are disabled), sent as 'Authorization: Bearer TOKEN' or "
                + "'X-Factory-Token: TOKEN'; $" + ConsoleAccess.KEYSTORE_PASSWORD_ENV + " opens --tls-keystore.",
            "Bound to anything but loopback, every request but the page itself needs the token, and ops refuses to "
                + "start without one."})
final class OpsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--host", defaultValue = OpsOptions.DEFAULT_HOST, paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}; other machines reach it only if you say so, "
                + "and then every request needs the token).")
    String host;

    @Option(names = "--port", defaultValue = "" + OpsOptions.DEFAULT_PORT, paramLabel = "PORT",
            description = "Port, HTTP or HTTPS; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--interval", defaultValue = OpsOptions.DEFAULT_INTERVAL_TEXT, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often lag and the views are sampled (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--window", defaultValue = "" + OpsOptions.DEFAULT_WINDOW, paramLabel = "N",
            description = "Samples a group's status is judged over (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--read-token",
            description = "GETs (JSON API, /metrics) need the token too, also on loopback; the dashboard page asks for it once. "
                + "Always on when --host is not loopback.")
    boolean readToken;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve HTTPS with the key and certificate in this PKCS12 file; its password from $"
                + ConsoleAccess.KEYSTORE_PASSWORD_ENV + ".")
    Path tlsKeystore;

    @Override
    public Integer call() throws InterruptedException {
        if (interval == null || interval.isZero()) {
            throw new IllegalArgumentException("--interval must be a positive duration");
        }
        OpsOptions options = OpsOptions.defaults(kafka.connection()).withPrefix(kafka.prefix())
                .withHttp(host, port).withSampling(interval, window)
                .withAccess(ConsoleAccess.fromEnvironment(readToken, tlsKeystore));
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
