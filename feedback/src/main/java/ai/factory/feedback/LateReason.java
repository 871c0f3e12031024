package ai.factory.feedback;

/** Why feedback went to the late topic; sent as the {@link #HEADER} header of the record. */
public final class LateReason {

    /** Header that carries the reason. */
    public static final String HEADER = "factory.late.reason";
    /** The event's window had closed (or the feedback time lies after it). */
    public static final String LATE = "late";
    /** Nothing was served for the event within the window, so there is nothing to join the label with. */
    public static final String UNMATCHED = "unmatched";

    private LateReason() {
    }
}
