package ai.factory.ops.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs Debian's Chromium headless, one bounded process per call, without a WebDriver. */
final class HeadlessChromium {

    /** Debian's Chromium; the system property {@code factory.chromium} names another binary. */
    static final Path BINARY = Path.of(System.getProperty("factory.chromium", "/usr/bin/chromium"));
    private static final long TIMEOUT_SECONDS = 60;

    private final Path workDir;

    HeadlessChromium(Path workDir) {
        this.workDir = workDir;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The DOM after the page's scripts ran for {@code virtualMs} of virtual time. */
    String dumpDom(String url, int virtualMs) throws IOException, InterruptedException {
        Path out = workDir.resolve("dom.html");
        run(List.of("--virtual-time-budget=" + virtualMs, "--dump-dom", url), out);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Saves a screenshot of the page to {@code file}. */
    void screenshot(String url, int virtualMs, Path file) throws IOException, InterruptedException {
        run(List.of("--virtual-time-budget=" + virtualMs, "--hide-scrollbars", "--window-size=1400,1000",
                "--screenshot=" + file.toAbsolutePath(), url), workDir.resolve("screenshot.log"));
    }

    private void run(List<String> args, Path stdout) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "profile");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(workDir.resolve("chromium-stderr.log").toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ", see "
                        + workDir.resolve("chromium-stderr.log"));
            }
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
