package ai.factory.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate signed by it for 127.0.0.1, made with the JDK's
 * {@code keytool} (no library can do it without internal JDK classes or a new dependency).
 *
 * @param keystore   the broker's PKCS12 key store: its key, its certificate and the CA's
 * @param truststore a PKCS12 trust store holding only the CA's certificate, for clients
 * @param password   the password of both stores (and of the broker's key)
 */
record TlsMaterial(Path keystore, Path truststore, String password) {

    private static final String TYPE = "PKCS12";
    /** A key that outlives no test run by much; the stores are deleted with the broker anyway. */
    private static final String VALIDITY_DAYS = "2";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Makes the CA, the broker's key and certificate and the trust store in {@code dir} (created if missing). */
    static TlsMaterial generate(Path dir, String host) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        Path caCert = dir.resolve("ca.crt");
        // Five keytool runs, each a JVM start: the CA is made in the broker's store, signs the broker's key there
        // (-signer), and leaves; the broker's certificate chain keeps the CA's certificate.
        keytool(password, "-genkeypair", "-alias", "ca", "-dname", "CN=AI Factory test CA", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", VALIDITY_DAYS, "-ext", "bc:c", "-keystore", keystore.toString());
        // Clients verify the host name (ssl.endpoint.identification.algorithm=https), so the certificate names the
        // loopback address they dial as well as localhost.
        keytool(password, "-genkeypair", "-alias", "broker", "-signer", "ca", "-dname", "CN=" + host, "-keyalg", "RSA",
                "-keysize", "2048", "-validity", VALIDITY_DAYS, "-ext", "SAN=ip:" + host + ",dns:localhost",
                "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth,clientAuth",
                "-keystore", keystore.toString());
        keytool(password, "-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-file", caCert.toString());
        keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", truststore.toString());
        // The CA's private key was needed only to sign once, and a second key in the broker's store could be served
        // in place of the broker's own.
        keytool(password, "-delete", "-alias", "ca", "-keystore", keystore.toString());
        return new TlsMaterial(keystore, truststore, password);
    }

    private static void keytool(String password, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        // A short-lived JVM: skip the optimising compiler, start faster on a busy machine.
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        // PKCS12 keys take the store's password, so one password serves every command.
        // Passwords go through the environment, not the command line that other users can list with ps.
        command.addAll(List.of("-storetype", TYPE, "-storepass:env", "FACTORY_TLS_PASSWORD"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FACTORY_TLS_PASSWORD", password);
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
