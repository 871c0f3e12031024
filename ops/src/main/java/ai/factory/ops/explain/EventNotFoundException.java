package ai.factory.ops.explain;

/** The event was not among the records searched; the message says where the search looked and how to widen it. */
public final class EventNotFoundException extends RuntimeException {

    public EventNotFoundException(String message) {
        super(message);
    }
}
