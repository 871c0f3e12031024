package ai.factory.ingest.spec;

/** A feature spec that cannot be used, with the place and the reason. */
public final class SpecException extends IllegalArgumentException {

    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
