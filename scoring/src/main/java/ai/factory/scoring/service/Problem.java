package ai.factory.scoring.service;

/**
 * Why a features record is dead-lettered instead of scored.
 *
 * @param code   machine-readable reason (goes to {@code Rejected.reason_code})
 * @param detail human-readable explanation
 */
record Problem(String code, String detail) {

    static final String UNDECODABLE = "UNDECODABLE";
    static final String SHAPE_MISMATCH = "SHAPE_MISMATCH";
    static final String NOT_FINITE = "NOT_FINITE";
    static final String SPARSE_OUT_OF_RANGE = "SPARSE_OUT_OF_RANGE";
    static final String SCORING_FAILED = "SCORING_FAILED";
}
