package ai.factory.ops.models;

/** A promote or roll-back that the contract does not allow in the current state; the message says why. */
public final class ModelActionException extends RuntimeException {

    public ModelActionException(String message) {
        super(message);
    }
}
