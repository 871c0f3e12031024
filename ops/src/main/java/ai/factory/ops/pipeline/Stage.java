package ai.factory.ops.pipeline;

import java.util.List;

import ai.factory.topics.Topics;

/** A stage of the loop: the topics it reads and the topics it writes. */
public record Stage(String name, List<String> inputs, List<String> outputs) {

    /** The stages of the factory, in loop order. */
    public static List<Stage> of(Topics t) {
        return List.of(
                new Stage("ingest", List.of(t.events()), List.of(t.features(), t.eventsDlq())),
                new Stage("scoring", List.of(t.features()), List.of(t.predictions(), t.predictionsShadow())),
                new Stage("feedback", List.of(t.feedback(), t.features(), t.predictions(), t.predictionsShadow()),
                        List.of(t.examples(), t.quality(), t.qualityPaired(), t.feedbackLate())),
                new Stage("trainer", List.of(t.examples()), List.of(t.models())));
    }

    /** How well a group reading {@code topics} fits this stage: the Jaccard similarity of the topic sets. */
    double fit(List<String> topics) {
        long common = topics.stream().filter(inputs::contains).count();
        long union = inputs.size() + topics.size() - common;
        return union == 0 ? 0 : (double) common / union;
    }
}
