package ai.factory.trainer.governance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ai.factory.records.PairedQuality;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.LedgerDecision;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseSpec;
import ai.factory.release.Transition;

/**
 * Decides the trainer's newest candidate on online evidence: the losses of shadow predictions and of the champion's
 * served ones on exactly the same events ({@code quality.paired}). The scorers shadow only the newest candidate, so
 * each candidate sees the events of one release interval; the evidence of the trainer's line is therefore pooled over
 * its {@link #POOLED} newest reported candidates (successive snapshots of the same training) against the serving
 * champion. When the line is better with the stated confidence ({@link ConfidenceSequence}, valid when looked at after
 * every report), its newest candidate is promoted: the one the scorers shadow now, past the hold-out filter on the
 * freshest examples. Promoting the reported one instead would serve a model a label delay old (on the flights
 * stream: ten releases behind, and a log loss of 0.545 instead of 0.52 on the 200,000-flight demo). When the line is
 * worse, its newest reported candidate still undecided is rejected. Each decision measures against the serving champion itself, so no
 * tolerance compounds from champion to champion.
 *
 * @param test      the sequential test and its minimum evidence
 * @param lineStart the first version of the trainer's current line: earlier candidates were trained on a line the
 *                  ledger abandoned (a rollback or an operator's promotion) and are never judged
 */
public record OnlinePromotion(ConfidenceSequence test, long lineStart) {

    /** How many of the line's newest reported candidates pool their evidence. */
    public static final int POOLED = 4;

    /**
     * The decision the latest reports (one per challenger, {@code latest}) support for {@code spec}'s champion, if
     * any: a promotion or a rejection of the line's newest reported candidate, written through the ledger's rules.
     */
    public Optional<LedgerDecision> judge(String model, Map<Long, PairedQuality> latest, ReleaseLedger ledger, ReleaseSpec spec) {
        Optional<ReleaseFacts> champion = ledger.champion(model, spec);
        if (champion.isEmpty()) {
            return Optional.empty();
        }
        List<PairedQuality> line = new ArrayList<>();
        for (PairedQuality report : latest.values()) {
            Optional<ReleaseFacts> challenger = ledger.release(model, report.getChallengerVersion());
            // Evidence against a champion that no longer serves, or about an abandoned line, decides nothing.
            if (report.getChampionVersion() == champion.get().version() && challenger.isPresent()
                    && challenger.get().spec().equals(spec) && challenger.get().version() >= lineStart) {
                line.add(report);
            }
        }
        line.sort(Comparator.comparingLong(PairedQuality::getChallengerVersion).reversed());
        if (line.size() > POOLED) {
            line = line.subList(0, POOLED);
        }
        if (line.isEmpty()) {
            return Optional.empty();
        }
        long reported = line.get(0).getChallengerVersion();
        Optional<ReleaseFacts> newest = ledger.challenger(model, spec).filter(c -> c.version() >= reported);
        Pooled pooled = Pooled.of(line);
        ConfidenceSequence.Interval interval = test.interval(pooled.count, pooled.mean, pooled.variance);
        String evidence = String.format(Locale.ROOT,
                "paired %s %.5f vs champion v%d %.5f on the same %,d events (shadowed by v%d–v%d); difference %+.5f ± %.5f (%s, sequential)",
                line.get(0).getLoss(), pooled.challengerLoss, champion.get().version(), pooled.championLoss, pooled.count,
                line.get(line.size() - 1).getChallengerVersion(), reported, interval.mean(), interval.radius(), test.confidence());
        // A worse line: its newest reported candidate still undecided is rejected (one per report).
        Optional<Long> undecided = line.stream().map(PairedQuality::getChallengerVersion)
                .filter(v -> ledger.release(model, v).map(ReleaseFacts::status).orElse(null) == ReleaseStatus.CANDIDATE)
                .findFirst();
        return switch (interval.verdict()) {
            case NEGATIVE -> newest.map(c -> ledger.promote(model, c.version(), ReleaseActor.AUTOMATIC,
                    "online: the trainer's line is better than the champion: " + evidence
                            + (c.version() == reported ? "" : "; v" + c.version() + " is its newest candidate")));
            case POSITIVE -> undecided.map(v -> new LedgerDecision(List.of(new Transition(model, v, ReleaseStatus.CANDIDATE,
                    ReleaseStatus.REJECTED, ReleaseActor.AUTOMATIC, "online: worse than the champion: " + evidence)), champion));
            case UNDECIDED -> Optional.empty();
        };
    }

    /** Several reports' paired differences as one sample: count, mean, sample variance, both mean losses. */
    private record Pooled(long count, double mean, double variance, double challengerLoss, double championLoss) {

        static Pooled of(List<PairedQuality> reports) {
            long n = 0;
            double sum = 0;
            double challenger = 0;
            double champion = 0;
            for (PairedQuality r : reports) {
                n += r.getCount();
                sum += r.getCount() * r.getMeanLossDifference();
                challenger += r.getCount() * r.getChallengerLoss();
                champion += r.getCount() * r.getChampionLoss();
            }
            if (n == 0) {
                return new Pooled(0, 0, 0, Double.NaN, Double.NaN);
            }
            double mean = sum / n;
            double squares = 0;
            for (PairedQuality r : reports) {
                squares += Math.max(0, r.getCount() - 1) * r.getLossDifferenceVariance()
                        + r.getCount() * Math.pow(r.getMeanLossDifference() - mean, 2);
            }
            return new Pooled(n, mean, n < 2 ? 0 : squares / (n - 1), challenger / n, champion / n);
        }
    }
}
