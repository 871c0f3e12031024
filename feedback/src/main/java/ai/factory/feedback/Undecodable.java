package ai.factory.feedback;

/**
 * Input bytes that are not a readable record, passed on in place of the record so the join can
 * dead-letter them with their source offset instead of stopping the app.
 *
 * @param original   the value bytes as read
 * @param reasonCode the decoder's reason (BAD_HEADER, UNKNOWN_SCHEMA, ...)
 */
record Undecodable(byte[] original, String reasonCode, String reason) {
}
