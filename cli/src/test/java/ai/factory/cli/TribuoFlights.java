package ai.factory.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ai.factory.trainer.bench.LabelledStream.Labelled;
import ai.onnx.proto.OnnxMl;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A model trained offline by another Java library: a Tribuo logistic regression on served flight vectors, exported
 * with Tribuo's own ONNX export, and the mapping file that feeds its input from the spec's vectors. Tribuo's features
 * are named after what they read: {@code dJ} is dense value J, {@code sID} the count of slots holding hashed id ID
 * (ids seen in fewer than {@code minCount} examples are left out, as a vocabulary cut would).
 */
final class TribuoFlights {

    static final String LATE = "late";
    private static final String ON_TIME = "on time";

    /** The Tribuo model, its ONNX export, and the mapping text for {@code factory models import --mapping}. */
    record Trained(LinearSGDModel model, byte[] onnx, String mapping, int sparseIds, Set<Long> vocabulary) {

        /** Tribuo's probability that {@code e} is late. */
        double probabilityLate(Labelled e) {
            return model.predict(example(e, vocabulary)).getOutputScores().get(LATE).getScore();
        }
    }

    private TribuoFlights() {
    }

    /** Trains on {@code examples} (their labels in hindsight, as a batch job would) and exports the model. */
    static Trained train(List<Labelled> examples, int minCount, int epochs, double learningRate, long seed) {
        Map<Long, Integer> counts = new HashMap<>();
        for (Labelled e : examples) {
            for (long id : distinct(e.sparse())) {
                counts.merge(id, 1, Integer::sum);
            }
        }
        Set<Long> vocabulary = counts.entrySet().stream().filter(c -> c.getValue() >= minCount).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("served flight vectors", labels), labels);
        examples.forEach(e -> data.add(example(e, vocabulary)));
        // Tribuo's LogisticRegressionTrainer, its step and epochs ours: per-example AdaGrad on a two-label softmax.
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(learningRate, 0.1), epochs, -1, 1, seed);
        LinearSGDModel model = trainer.train(data);
        OnnxMl.ModelProto onnx = model.exportONNXModel("ai.factory.test.tribuo", 1);
        String mapping = mapping(model.getFeatureIDMap(), onnx.getGraph().getInput(0).getName(), onnx.getGraph().getOutput(0).getName(),
                model.getOutputIDInfo().getID(new Label(LATE)));
        return new Trained(model, onnx.toByteArray(), mapping, vocabulary.size(), vocabulary);
    }

    /** The mapping file: Tribuo's feature ids in order, each as the spec's dense value or hashed id it was made from. */
    static String mapping(ImmutableFeatureMap features, String input, String output, int positiveClass) {
        List<String> columns = new ArrayList<>();
        for (int id = 0; id < features.size(); id++) {
            String name = features.get(id).getName();
            columns.add((name.charAt(0) == 'd' ? "dense:" : "sparse:") + name.substring(1));
        }
        return "# Tribuo's feature ids 0.." + (features.size() - 1) + " in order: dJ is dense value J, sID hashed id ID\n"
                + "input." + input + " = " + String.join(", ", columns) + "\n"
                + "output = " + output + "\n"
                + "positive_class = " + positiveClass + "\n";
    }

    static ArrayExample<Label> example(Labelled e, Set<Long> vocabulary) {
        ArrayExample<Label> x = new ArrayExample<>(new Label(e.label() > 0.5 ? LATE : ON_TIME));
        for (int j = 0; j < e.dense().length; j++) {
            x.add("d" + j, e.dense()[j]);
        }
        Map<Long, Integer> ids = new HashMap<>();
        for (long id : e.sparse()) {
            if (vocabulary.contains(id)) {
                ids.merge(id, 1, Integer::sum);
            }
        }
        // The imported graph sums the slots' indicators: an id in two slots counts twice there too.
        ids.forEach((id, n) -> x.add("s" + id, n));
        return x;
    }

    private static long[] distinct(long[] ids) {
        return java.util.Arrays.stream(ids).distinct().toArray();
    }
}
