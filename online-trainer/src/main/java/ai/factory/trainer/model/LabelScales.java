package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Carries weights from one label scale (or base rate) to another without changing a single served score. */
public final class LabelScales {

    private LabelScales() {
    }

    /**
     * The weights that, under {@code to}'s label scale, serve what {@code params} serve under {@code from}'s:
     * labelMean + labelStd * raw is kept by scaling the output layer by std/std' and shifting its bias by
     * (mean - mean')/std'. Lets a trainer whose scale changed still warm-start from, and be judged against, a champion.
     */
    public static Map<String, FloatTensor> rescale(ModelConfig from, ModelConfig to, Map<String, FloatTensor> params) {
        if (from.task() != to.task()) {
            throw new IllegalArgumentException("weights of a " + from.task() + " model cannot serve a " + to.task() + " model");
        }
        if (from.labelMean() == to.labelMean() && from.labelStd() == to.labelStd()) {
            return params;
        }
        // Binary: sigmoid(raw + offset) is kept by moving the difference of the offsets into the bias.
        boolean binary = to.task() == Task.BINARY;
        double factor = binary ? 1 : from.labelStd() / to.labelStd();
        double shift = binary ? from.logitOffset() - to.logitOffset() : (from.labelMean() - to.labelMean()) / to.labelStd();
        ModelDefinition model = ModelDefinition.of(to);
        Map<String, FloatTensor> out = new LinkedHashMap<>(params);
        for (String name : model.outputWeights()) {
            out.put(name, scaled(params.get(name), factor, 0));
        }
        out.put(model.outputBias(), scaled(params.get(model.outputBias()), factor, shift));
        return out;
    }

    private static FloatTensor scaled(FloatTensor t, double factor, double shift) {
        float[] data = new float[t.data().length];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (t.data()[i] * factor + shift);
        }
        return new FloatTensor(t.shape(), data);
    }
}
