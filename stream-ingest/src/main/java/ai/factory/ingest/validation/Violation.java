package ai.factory.ingest.validation;

/** One reason to reject a record: the code and a sentence a person can act on. */
public record Violation(ReasonCode code, String reason) {
}
