package ai.factory.feedback;

/** One reason to dead-letter a record: its {@link RejectReason} code and a sentence a person can act on. */
record Violation(String code, String reason) {
}
