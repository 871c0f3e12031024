package ai.factory.cli;

import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

import ai.factory.ops.explain.EventView;
import ai.factory.ops.explain.EventView.Contribution;
import ai.factory.ops.explain.EventView.ExplanationFacts;
import ai.factory.ops.explain.EventView.ReleaseLineage;
import ai.factory.ops.explain.EventView.ReleaseStep;
import ai.factory.ops.explain.EventView.Where;

/** {@link EventView} as readable text, section by section, for {@code factory explain}. */
final class ExplainText {

    /** Width of the longest contribution's bar. */
    private static final int BAR = 24;

    private ExplainText() {
    }

    static String render(EventView view) {
        StringBuilder out = new StringBuilder();
        EventView.EventFacts event = view.event();
        line(out, 0, "event %s  time %s%s  (%s)", view.eventId(), time(event.eventTime()),
                event.entity() == null ? "" : "  entity " + event.entity(), where(event.at()));
        line(out, 1, "%s", event.attributes().isEmpty() ? "(no attributes)" : event.attributes().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("  ")));

        section(out, "features", view.features().size());
        for (EventView.FeatureFacts f : view.features()) {
            line(out, 1, "spec %s v%d, prepared %s%s  (%s)", f.spec(), f.specVersion(), time(f.preparedAt()),
                    f.late() ? ", late" : "", where(f.at()));
            line(out, 2, "dense  %s", f.dense());
            line(out, 2, "sparse %s of %d buckets", f.sparse(), f.sparseBuckets());
        }

        section(out, "predictions", view.predictions().size());
        for (EventView.PredictionFacts p : view.predictions()) {
            line(out, 1, "%s v%d%s: score %.4f, served %s  (%s)", p.model(), p.version(), p.shadow() ? " (shadow)" : "",
                    p.score(), time(p.servedAt()), where(p.at()));
            explanation(out, p.explanation());
        }

        section(out, "feedback", view.feedback().size());
        if (view.feedback().isEmpty()) {
            line(out, 1, "no label has arrived");
        }
        for (EventView.FeedbackFacts f : view.feedback()) {
            line(out, 1, "label %s from %s at %s  (%s)", number(f.label()), f.source().isEmpty() ? "-" : f.source(),
                    time(f.feedbackTime()), where(f.at()));
        }

        section(out, "labeled examples", view.examples().size());
        if (view.examples().isEmpty()) {
            line(out, 1, "no example written");
        }
        for (EventView.ExampleFacts e : view.examples()) {
            line(out, 1, "label %s (%s) at %s, %s%s  (%s)", number(e.label()), e.labelSource(), time(e.labelTime()),
                    e.servedScore() == null ? "no prediction joined"
                            : String.format(Locale.ROOT, "served %s v%d score %.4f", e.model(), e.version(), e.servedScore()),
                    e.joinedAt() == null ? "" : ", joined " + time(e.joinedAt()), where(e.at()));
        }

        for (ReleaseLineage r : view.releases()) {
            line(out, 0, "");
            line(out, 0, "lineage of %s v%d", r.model(), r.version());
            if (r.steps().isEmpty()) {
                line(out, 1, "not on the models topic (deleted, or another cluster's)");
            }
            for (ReleaseStep s : r.steps()) {
                line(out, 1, "v%d  parent %s  %s by %s%s", s.version(), s.parentVersion() == null ? "-" : "v" + s.parentVersion(),
                        s.status(), s.statusBy(), s.statusReason().isEmpty() ? "" : ": " + s.statusReason());
                line(out, 2, "%s, built %s", s.examplesTrained() == 0 ? "no examples trained"
                        : String.format(Locale.ROOT, "%,d examples trained in all, %s", s.examplesTrained(),
                        s.trainedFromEventTime() == null ? "event time through " + time(s.trainedThroughEventTime())
                                : "since its parent event time " + time(s.trainedFromEventTime()) + " to "
                                + time(s.trainedThroughEventTime())), time(s.createdAt()));
                line(out, 2, "trained on %s", s.trainingData().isEmpty() ? "(no offsets recorded)" : s.trainingData().stream()
                        .map(t -> t.topic() + " " + t.partition() + ":" + t.fromOffset() + "-" + t.toOffset())
                        .collect(Collectors.joining(", ")));
            }
        }

        EventView.Search search = view.search();
        line(out, 0, "");
        line(out, 0, "searched %,d records of at most %,d%s", search.recordsRead(), search.budget(),
                search.complete() ? "" : "; stopped early: " + search.stoppedBecause());
        for (EventView.Window w : search.windows()) {
            line(out, 1, "%s clock %s to %s: %s", w.clock(), time(w.fromMs()), time(w.toMs()), String.join(", ", w.topics()));
        }
        if (!search.missingTopics().isEmpty()) {
            line(out, 1, "no such topic: %s", String.join(", ", search.missingTopics()));
        }
        return out.toString();
    }

    /** The output as baseline plus parts, each part a bar scaled to the largest. */
    private static void explanation(StringBuilder out, ExplanationFacts e) {
        if (e == null) {
            line(out, 2, "no contributions (the scorer ran without --explain)");
            return;
        }
        line(out, 2, "output %s %s = baseline %s + the parts below + rest %s (%s)", number(e.output()), e.units(),
                number(e.baseline()), number(e.rest()), e.method());
        double largest = e.top().stream().mapToDouble(c -> Math.abs(c.contribution())).max().orElse(0);
        int width = e.top().stream().mapToInt(c -> c.feature().length()).max().orElse(0);
        for (Contribution c : e.top()) {
            int length = largest == 0 ? 0 : (int) Math.round(Math.abs(c.contribution()) / largest * BAR);
            line(out, 3, "%-" + width + "s %+9.4f %s", c.feature(), c.contribution(),
                    (c.contribution() >= 0 ? "+" : "-").repeat(length));
        }
    }

    private static void section(StringBuilder out, String name, int count) {
        line(out, 0, "");
        line(out, 0, "%s (%d)", name, count);
    }

    private static void line(StringBuilder out, int indent, String format, Object... args) {
        out.append("  ".repeat(indent)).append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static String where(Where w) {
        return w.topic() + " " + w.partition() + ":" + w.offset();
    }

    private static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    private static String number(double x) {
        return String.format(Locale.ROOT, "%.4g", x);
    }
}
