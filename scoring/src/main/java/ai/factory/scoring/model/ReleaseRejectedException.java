package ai.factory.scoring.model;

/** A model release this scorer will not serve, with the reason; the model serving before it keeps serving. */
public final class ReleaseRejectedException extends Exception {

    /** Why a release was rejected. */
    public enum Reason {
        /** ONNX Runtime could not create a session from the bytes. */
        LOAD_FAILED,
        /** Inputs or output are missing, of the wrong type, or of a shape that does not match the vectors. */
        SHAPE_MISMATCH,
        /** The probe batch failed to run. */
        PROBE_FAILED,
        /** The probe batch produced NaN or infinite scores. */
        NOT_FINITE
    }

    private final Reason reason;

    public ReleaseRejectedException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
