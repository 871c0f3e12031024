package ai.factory.cli.demo;

import static ai.factory.cli.JsonValues.finite;
import static ai.factory.cli.JsonValues.object;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.factory.replay.Replay;

/** The demo's closing numbers, printed and written as JSON in the shape the issue asks for. */
public record DemoReport(String model, String task, long events, long feedback, long predictions,
                         long predictionRecords, long examples, long examplesServed, long lateFeedback,
                         long unmatchedFeedback,
                         long releases, long championVersion, long judged, double logLoss, double constantLogLoss,
                         double auc, double accuracy, double rmse, double mae, double runningMeanRmse,
                         double runningMeanMae,
                         double throughputEventsPerSecond, double latencyP50Ms, double latencyP99Ms,
                         double freshnessP50Seconds, double freshnessP99Seconds, double wallSeconds, boolean drained) {

    /** The report of a finished replay, as the observer saw the loop; throughput is over the replay's own time. */
    public static DemoReport of(String model, Replay.Progress sent, LoopObserver observer, boolean drained,
                                double replaySeconds, double wallSeconds) {
        LoopObserver.Snapshot s = observer.snapshot();
        Percentiles freshness = s.freshnessSeconds();
        return new DemoReport(model, s.regression() ? "regression" : "binary", sent.events(), sent.feedback(),
                s.predictedEvents(), s.predictionRecords(), s.examples(), s.examplesServed(), s.lateFeedback(),
                s.unmatchedFeedback(),
                s.releases(), s.championVersion(), s.judged(), s.logLoss(), s.constantLogLoss(), observer.finalAuc(),
                s.accuracy(), s.rmse(), s.mae(), s.runningMeanRmse(), s.runningMeanMae(),
                sent.events() / Math.max(1e-9, replaySeconds), s.latencyP50Ms(), s.latencyP99Ms(),
                freshness.quantile(0.5), freshness.quantile(0.99), wallSeconds, drained);
    }

    public void print(PrintWriter out) {
        out.println();
        out.println("Summary");
        out.printf("  events %,d, feedback %,d -> predictions %,d (distinct events; %,d records), examples %,d, late feedback %,d%s%n",
                events, feedback, predictions, predictionRecords, examples, lateFeedback,
                unmatchedFeedback == 0 ? "" : String.format(" (%,d with nothing served for the event within the window)", unmatchedFeedback));
        out.printf("  examples carrying the prediction served for them: %,d (%.2f%%)%n", examplesServed,
                100.0 * examplesServed / Math.max(1, examples));
        out.printf("  model %s (%s): releases %d, champion %s%n", model, task, releases,
                championVersion < 0 ? "none" : "v" + championVersion);
        if ("regression".equals(task)) {
            out.printf("  online (progressive) over %,d labelled predictions: RMSE %.4f (running mean: %.4f), MAE %.4f (running mean: %.4f)%n",
                    judged, rmse, runningMeanRmse, mae, runningMeanMae);
        } else {
            out.printf("  online (progressive) over %,d labelled predictions: log loss %.4f (constant base rate: %.4f), AUC %.4f, accuracy %.2f%%%n",
                    judged, logLoss, constantLogLoss, auc, accuracy * 100);
        }
        out.printf("  throughput %,.0f events/s; latency p50 %.0f ms, p99 %.0f ms; freshness p50 %.1f s, p99 %.1f s%n",
                throughputEventsPerSecond, latencyP50Ms, latencyP99Ms, freshnessP50Seconds, freshnessP99Seconds);
        out.printf("  wall %.1f s%s%n", wallSeconds, drained ? "" : "  (NOT drained: the loop had not caught up at the timeout)");
    }

    /** The JSON document of {@code --report}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("events", events);
        json.put("feedback", feedback);
        json.put("predictions", predictions);
        json.put("prediction_records", predictionRecords);
        json.put("examples", examples);
        json.put("examples_with_served_prediction", examplesServed);
        json.put("late_feedback", lateFeedback);
        json.put("unmatched_feedback", unmatchedFeedback);
        json.put("model", model);
        json.put("task", task);
        json.put("model_releases", releases);
        json.put("champion_version", championVersion < 0 ? null : championVersion);
        json.put("progressive", "regression".equals(task)
                ? object("rmse", finite(rmse), "running_mean_rmse", finite(runningMeanRmse), "mae", finite(mae),
                        "running_mean_mae", finite(runningMeanMae), "judged", judged)
                : object("logloss", finite(logLoss), "constant_logloss", finite(constantLogLoss),
                        "auc", finite(auc), "accuracy", finite(accuracy), "judged", judged));
        json.put("throughput_events_per_s", finite(throughputEventsPerSecond));
        json.put("latency_ms", object("p50", finite(latencyP50Ms), "p99", finite(latencyP99Ms)));
        json.put("freshness_s", object("p50", finite(freshnessP50Seconds), "p99", finite(freshnessP99Seconds)));
        json.put("wall_s", wallSeconds);
        json.put("drained", drained);
        return json;
    }
}
