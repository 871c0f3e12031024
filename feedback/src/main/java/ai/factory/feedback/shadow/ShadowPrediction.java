package ai.factory.feedback.shadow;

import ai.factory.records.Prediction;

/** A prediction read from the shadow topic: a challenger's score, never served, so it never makes an example. */
public record ShadowPrediction(Prediction prediction) {
}
