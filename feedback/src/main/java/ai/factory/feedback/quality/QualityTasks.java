package ai.factory.feedback.quality;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import ai.factory.records.QualityTask;

/**
 * Which quality task (binary or regression) each model name is judged as; models not named get the fallback.
 *
 * @param fallback task of every model not in {@code byModel}
 * @param byModel  task per model name
 */
public record QualityTasks(QualityTask fallback, Map<String, QualityTask> byModel) {

    public QualityTasks {
        Objects.requireNonNull(fallback, "fallback");
        byModel = Map.copyOf(byModel);
    }

    /** Every model binary: what the feedback app did before regression models. */
    public static QualityTasks binary() {
        return new QualityTasks(QualityTask.BINARY, Map.of());
    }

    /** The task of {@code model}. */
    public QualityTask of(String model) {
        return byModel.getOrDefault(model, fallback);
    }

    public QualityTasks with(String model, QualityTask task) {
        Map<String, QualityTask> tasks = new HashMap<>(byModel);
        tasks.put(Objects.requireNonNull(model, "model"), Objects.requireNonNull(task, "task"));
        return new QualityTasks(fallback, tasks);
    }

    public QualityTasks withFallback(QualityTask task) {
        return new QualityTasks(task, byModel);
    }

    /**
     * Parses {@code [MODEL=]binary|regression} specs in order: one without a model sets the fallback, later specs win.
     *
     * @throws IllegalArgumentException naming the spec that is not of that form
     */
    public static QualityTasks parse(List<String> specs) {
        QualityTasks tasks = binary();
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            QualityTask task = task(spec.substring(eq + 1), spec);
            if (eq < 0) {
                tasks = tasks.withFallback(task);
            } else if (eq == 0) {
                throw new IllegalArgumentException("task '" + spec + "' names no model; expected [MODEL=]binary|regression");
            } else {
                tasks = tasks.with(spec.substring(0, eq), task);
            }
        }
        return tasks;
    }

    private static QualityTask task(String name, String spec) {
        try {
            return QualityTask.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task in '" + spec + "'; expected [MODEL=]binary|regression", e);
        }
    }
}
