package ai.factory.trainer.job;

import java.util.Locale;

import ai.factory.options.DurationConverter;

/** Named sets of trainer settings ({@code --profile}); options given explicitly override them. */
public enum TrainerProfile {

    /** The trainer's own defaults ({@link TrainerOptions#defaults}). */
    PLAIN,

    /**
     * Tuned for the demo loop: releases often, because the flights drift within hours and the scorer serves only
     * releases. A release is judged on the next 500 unseen examples (a larger hold-out only delays the champion: 2,000
     * with a release every 10,000 examples served models up to 12,000 labels old), and a quiet stream still gets a
     * release after 5 s. Releases reach the read_committed scorer when the trainer's checkpoint commits its Kafka
     * transaction: every second keeps the served model seconds behind the trainer (at 10 s the gated replay at full
     * speed ran at a sixth of the pace and scored with older models). The learning rate is the trainer's default.
     */
    DEMO;

    public static final int DEMO_BATCH_SIZE = 256;
    public static final long DEMO_PUBLISH_EVERY_EXAMPLES = 1000;
    public static final String DEMO_PUBLISH_EVERY = "5s";
    public static final int DEMO_HOLDOUT = 500;
    public static final String DEMO_CHECKPOINT_INTERVAL = "1s";

    /** What {@code --profile} shows in its help. */
    public static final String HELP = "plain (the defaults) or demo (tuned for `factory demo`: batches of " + DEMO_BATCH_SIZE
            + ", a release every " + DEMO_PUBLISH_EVERY_EXAMPLES + " examples or " + DEMO_PUBLISH_EVERY + " judged on the next "
            + DEMO_HOLDOUT + ", checkpoints every " + DEMO_CHECKPOINT_INTERVAL + ")";

    /** {@code options} with this profile's settings. */
    public TrainerOptions apply(TrainerOptions options) {
        return switch (this) {
            case PLAIN -> options;
            case DEMO -> options
                    .withBatching(DEMO_BATCH_SIZE, DEMO_PUBLISH_EVERY_EXAMPLES, DurationConverter.parse(DEMO_PUBLISH_EVERY), DEMO_HOLDOUT)
                    .withCheckpoints(DurationConverter.parse(DEMO_CHECKPOINT_INTERVAL), options.checkpointDir());
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrainerProfile parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a profile is plain or demo, was '" + text + "'");
        }
    }
}
