package ai.factory.ops.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.function.UnaryOperator;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Who may use the ops console and over what: the admin token, whether reads need it too, and the TLS keystore.
 *
 * <p>The token and the keystore password come from the environment ({@value #TOKEN_ENV},
 * {@value #KEYSTORE_PASSWORD_ENV}), never from the command line, where other users of the machine could read them;
 * {@link #toString()} does not show them.
 *
 * @param token            token that model actions (and reads, when they need it) require; null for none
 * @param readToken        GET endpoints require the token even on loopback (they always do elsewhere)
 * @param keystore         PKCS12 keystore to serve HTTPS with, or null for plain HTTP
 * @param keystorePassword password of the keystore and its key, or null
 */
public record ConsoleAccess(String token, boolean readToken, Path keystore, String keystorePassword) {

    /** Environment variable holding the token. */
    public static final String TOKEN_ENV = "FACTORY_OPS_TOKEN";
    /** Environment variable holding the keystore's password. */
    public static final String KEYSTORE_PASSWORD_ENV = "FACTORY_OPS_KEYSTORE_PASSWORD";

    public ConsoleAccess {
        token = token == null || token.isBlank() ? null : token;
        keystorePassword = keystorePassword == null || keystorePassword.isEmpty() ? null : keystorePassword;
    }

    /** No token (model actions disabled, reads open on loopback), plain HTTP. */
    public static ConsoleAccess open() {
        return new ConsoleAccess(null, false, null, null);
    }

    /** The token and keystore password from the process environment. */
    public static ConsoleAccess fromEnvironment(boolean readToken, Path keystore) {
        return fromEnvironment(readToken, keystore, System::getenv);
    }

    /** The token and keystore password from {@code env}, a stand-in for the environment. */
    public static ConsoleAccess fromEnvironment(boolean readToken, Path keystore, UnaryOperator<String> env) {
        return new ConsoleAccess(env.apply(TOKEN_ENV), readToken, keystore, env.apply(KEYSTORE_PASSWORD_ENV));
    }

    public ConsoleAccess withToken(String newToken) {
        return new ConsoleAccess(newToken, readToken, keystore, keystorePassword);
    }

    public ConsoleAccess withReadToken(boolean required) {
        return new ConsoleAccess(token, required, keystore, keystorePassword);
    }

    public ConsoleAccess withKeystore(Path file, String password) {
        return new ConsoleAccess(token, readToken, file, password);
    }

    /** Whether promote and roll back are possible at all. */
    public boolean actionsEnabled() {
        return token != null;
    }

    /** Whether the console serves HTTPS. */
    public boolean tls() {
        return keystore != null;
    }

    /**
     * Whether GETs need the token when the console binds to {@code host}: when asked, and always off loopback,
     * where anyone on the network could otherwise read model names, consumer groups and quality.
     */
    public boolean readsNeedToken(String host) {
        return readToken || !loopback(host);
    }

    /**
     * Throws an {@link IllegalArgumentException} with a one-line reason when the console must not start on
     * {@code host}: reads need a token and none is set, or the keystore cannot be opened.
     */
    public void requireUsableOn(String host) {
        if (token == null && readsNeedToken(host)) {
            throw new IllegalArgumentException(readToken
                    ? "--read-token needs a token: set " + TOKEN_ENV
                    : "the ops console binds to " + host + ", not loopback, so every request needs a token: set "
                        + TOKEN_ENV + " (or bind to 127.0.0.1)");
        }
        if (tls()) {
            sslContext();
        }
    }

    /** Whether {@code given} is the token; constant time, and hashed first so the length does not leak either. */
    public boolean matches(String given) {
        if (token == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given), sha256(token));
    }

    /** A TLS context serving the keystore's key; an {@link IllegalArgumentException} saying why if it cannot. */
    public SSLContext sslContext() {
        if (keystore == null) {
            throw new IllegalStateException("no keystore configured");
        }
        if (keystorePassword == null) {
            throw new IllegalArgumentException("cannot open the TLS keystore " + keystore + ": set " + KEYSTORE_PASSWORD_ENV);
        }
        char[] password = keystorePassword.toCharArray();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IllegalArgumentException("cannot open the TLS keystore " + keystore + ": it holds no private key");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot open the TLS keystore " + keystore + ": no such file");
        } catch (IOException | GeneralSecurityException e) {
            // The message alone: the causes below it (padding, MAC) say nothing more to an operator.
            String reason = e.getMessage() == null || e.getMessage().startsWith("toDerInputStream")
                    ? "not a PKCS12 file" : e.getMessage();
            throw new IllegalArgumentException("cannot open the TLS keystore " + keystore + ": " + reason);
        }
    }

    /** Secrets shown only as set or not. */
    @Override
    public String toString() {
        return "ConsoleAccess[token=" + (token == null ? "none" : "set") + ", readToken=" + readToken
                + ", keystore=" + keystore + ", keystorePassword=" + (keystorePassword == null ? "none" : "set") + "]";
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            // Unresolvable: binding fails anyway; judge it as exposed meanwhile.
            return false;
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
