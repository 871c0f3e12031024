package ai.factory.release;

/** An illegal move on the release ledger; its message is what the CLI and the HTTP API both show. */
public final class ReleaseRefusedException extends IllegalStateException {

    public ReleaseRefusedException(String message) {
        super(message);
    }
}
