package ai.factory.cli.demo;

import static ai.factory.cli.JsonValues.finite;
import static ai.factory.cli.JsonValues.object;

import java.io.PrintWriter;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import ai.factory.feedback.quality.DelaySketch;
import ai.factory.metrics.CostSummary;
import ai.factory.metrics.Machine;
import ai.factory.records.ReleaseActor;
import ai.factory.replay.Replay;

/**
 * The demo's closing numbers, printed and written as JSON in the shape the issue asks for.
 *
 * @param quality the online figures over the whole run; {@code byMonth} the same per month of event time
 * @param curve   the online loss against examples judged (log loss, or squared error for regression)
 * @param loopEventsPerSecond events over the time from the first sent until every prediction and example was seen
 *                (the loop's own rate; the replay's rate can be higher while the loop falls behind)
 * @param governance the model decisions of the run, as the models topic recorded them
 * @param poisoned   where {@code --poison-labels} flipped labels, or null
 * @param dashboard  the freshness the dashboard shows at the end (wall clock, data-time lag apart), or null
 * @param explanations the checked explanations of the predictions (none unless the scorer ran with --explain)
 * @param cost       each part's CPU time per unit of work over the run, and the machine it ran on
 */
public record DemoReport(String model, String task, long events, long feedback, long predictions,
                         long predictionRecords, long examples, long examplesServed, long lateFeedback,
                         long unmatchedFeedback, long releases, long championVersion, OnlineQuality.Figures quality,
                         Map<YearMonth, OnlineQuality.Figures> byMonth, List<LearningCurve.Point> curve,
                         double throughputEventsPerSecond, double loopEventsPerSecond, double latencyP50Ms, double latencyP99Ms,
                         double latencyP999Ms, double freshnessP50Seconds, double freshnessP99Seconds, double wallSeconds, boolean drained,
                         Governance.Summary governance, PoisonedStretch poisoned, DashboardFreshness dashboard,
                         ExplanationCheck.Summary explanations, CostSummary cost, Machine machine) {

    /** The report of a finished replay, as the observer saw the loop; throughput is over the replay's own time. */
    public static DemoReport of(String model, Replay.Progress sent, LoopObserver observer, boolean drained,
                                double replaySeconds, double loopSeconds, double wallSeconds, PoisonedStretch poisoned,
                                DashboardFreshness dashboard, CostSummary cost) {
        LoopObserver.Snapshot s = observer.snapshot();
        DelaySketch freshness = s.freshnessMs();
        return new DemoReport(model, s.regression() ? "regression" : "binary", sent.events(), sent.feedback(),
                s.predictedEvents(), s.predictionRecords(), s.examples(), s.examplesServed(), s.lateFeedback(),
                s.unmatchedFeedback(), s.releases(), s.championVersion(), s.quality(), observer.qualityByMonth(),
                observer.learningCurve(), sent.events() / Math.max(1e-9, replaySeconds),
                drained ? sent.events() / Math.max(1e-9, loopSeconds) : Double.NaN, s.latencyP50Ms(), s.latencyP99Ms(),
                s.latencyP999Ms(), seconds(freshness, 0.5), seconds(freshness, 0.99), wallSeconds, drained,
                s.governance(), poisoned, dashboard, observer.explanations(), cost, Machine.current());
    }

    /** The latest decisions the printed summary lists (the JSON has {@link Governance#RECENT}). */
    private static final int PRINTED_DECISIONS = 5;

    private static double seconds(DelaySketch sketch, double q) {
        return sketch.count() == 0 ? Double.NaN : sketch.quantile(q) / 1000.0;
    }

    public boolean regression() {
        return "regression".equals(task);
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
        Governance.Summary g = governance;
        out.printf("  decisions: %d promoted (%s), %d rejected (%s), %d rolled back (%s), %d candidates, %d retired%n",
                g.promotionCount(), byActor(g.promotions()), g.rejectionCount(), byActor(g.rejections()),
                g.rollbackCount(), byActor(g.rollbacks()), g.candidates(), g.retirements());
        g.recent().stream().skip(Math.max(0, g.recent().size() - PRINTED_DECISIONS)).forEach(d ->
                out.printf("    v%d %s by %s: %s%n", d.version(), d.status(), actor(d.by()), d.reason()));
        if (poisoned != null) {
            out.println("  " + poisoned.describe());
        }
        OnlineQuality.Figures q = quality;
        if (regression()) {
            out.printf("  online (progressive) over %,d labelled predictions: RMSE %.4f (running mean: %.4f), MAE %.4f (running mean: %.4f)%n",
                    q.judged(), q.rmse(), q.runningMeanRmse(), q.mae(), q.runningMeanMae());
        } else {
            out.printf("  online (progressive) over %,d labelled predictions: log loss %.4f (constant base rate: %.4f), AUC %.4f, accuracy %.2f%%%n",
                    q.judged(), q.logLoss(), q.constantLogLoss(), q.auc(), q.accuracy() * 100);
        }
        out.printf("  throughput %,.0f events/s (the loop, until drained: %,.0f); latency p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms; freshness p50 %.1f s, p99 %.1f s%n",
                throughputEventsPerSecond, loopEventsPerSecond, latencyP50Ms, latencyP99Ms, latencyP999Ms, freshnessP50Seconds, freshnessP99Seconds);
        if (dashboard != null) {
            out.printf("  dashboard freshness: %s%n", dashboard);
        }
        if (explanations.explained() > 0) {
            out.println("  " + explanations.describe());
        }
        out.printf("  cost: %s; %s%n", cost.describe(), machine.describe());
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
        json.put("progressive", figures(quality));
        Map<String, Object> months = new LinkedHashMap<>();
        byMonth.forEach((month, figures) -> months.put(month.toString(), figures(figures)));
        json.put("progressive_by_month", months);
        json.put("learning_curve", object("loss", regression() ? "squared_error" : "logloss",
                "points", curve.stream().map(p -> List.of(p.examples(), p.meanLoss())).toList()));
        json.put("throughput_events_per_s", finite(throughputEventsPerSecond));
        json.put("loop_events_per_s", finite(loopEventsPerSecond));
        json.put("latency_ms", object("p50", finite(latencyP50Ms), "p99", finite(latencyP99Ms), "p999", finite(latencyP999Ms)));
        json.put("freshness_s", object("p50", finite(freshnessP50Seconds), "p99", finite(freshnessP99Seconds)));
        json.put("dashboard_freshness_s", dashboard == null ? null : dashboard.toJson());
        json.put("explanations", explanations.toJson());
        json.put("wall_s", wallSeconds);
        json.put("drained", drained);
        json.put("governance", governanceJson());
        json.put("poisoned_labels", poisoned == null ? null : poisoned.toJson());
        json.put("cost", cost.toJson(machine));
        return json;
    }

    /** The report's {@code governance} object: what was decided about the model's releases, by whom and why. */
    private Map<String, Object> governanceJson() {
        Governance.Summary g = governance;
        return object("releases", g.releases(), "candidates", g.candidates(),
                "promotions", g.promotionCount(), "promotions_by", byActorJson(g.promotions()),
                "rejections", g.rejectionCount(), "rejections_by", byActorJson(g.rejections()),
                "rollbacks", g.rollbackCount(), "rollbacks_by", byActorJson(g.rollbacks()),
                "retirements", g.retirements(),
                "champion_version", g.championVersion() < 0 ? null : g.championVersion(),
                "recent_decisions", g.recent().stream().map(d -> object("version", d.version(),
                        "status", d.status().name(), "by", actor(d.by()), "reason", d.reason())).toList());
    }

    private static Map<String, Object> byActorJson(Map<ReleaseActor, Long> counts) {
        Map<String, Object> json = new TreeMap<>();
        counts.forEach((by, n) -> json.put(actor(by), n));
        return json;
    }

    private static String byActor(Map<ReleaseActor, Long> counts) {
        return counts.isEmpty() ? "-" : new TreeMap<>(counts).entrySet().stream()
                .map(e -> actor(e.getKey()) + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String actor(ReleaseActor by) {
        return by.name().toLowerCase(Locale.ROOT);
    }

    private Map<String, Object> figures(OnlineQuality.Figures q) {
        return regression()
                ? object("rmse", finite(q.rmse()), "running_mean_rmse", finite(q.runningMeanRmse()), "mae", finite(q.mae()),
                        "running_mean_mae", finite(q.runningMeanMae()), "judged", q.judged())
                : object("logloss", finite(q.logLoss()), "constant_logloss", finite(q.constantLogLoss()),
                        "auc", finite(q.auc()), "auc_error", q.aucError(), "accuracy", finite(q.accuracy()), "judged", q.judged());
    }
}
