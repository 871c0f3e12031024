package ai.factory.trainer.governance;

import java.util.List;
import java.util.Locale;
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
 * Decides a candidate on its online evidence: the losses of its shadow predictions and of the champion's served ones
 * on exactly the same events ({@code quality.paired}). Promoted when its loss is lower with the stated confidence,
 * rejected when higher; the sequential test ({@link ConfidenceSequence}) allows looking after every report. Each
 * candidate is measured against the champion itself, so no tolerance compounds from champion to champion.
 *
 * @param test      the sequential test and its minimum evidence
 * @param lineStart the first version of the trainer's current line: earlier candidates were trained on a line the
 *                  ledger abandoned (a rollback or an operator's promotion) and are never promoted
 */
public record OnlinePromotion(ConfidenceSequence test, long lineStart) {

    /**
     * The decision {@code report} supports for {@code spec}'s champion, if any: a promotion or a rejection of its
     * challenger, written through the ledger's rules.
     */
    public Optional<LedgerDecision> judge(PairedQuality report, ReleaseLedger ledger, ReleaseSpec spec) {
        String model = report.getModelName();
        Optional<ReleaseFacts> champion = ledger.champion(model, spec);
        Optional<ReleaseFacts> challenger = ledger.release(model, report.getChallengerVersion());
        if (champion.isEmpty() || champion.get().version() != report.getChampionVersion()
                || challenger.isEmpty() || challenger.get().status() != ReleaseStatus.CANDIDATE
                || !challenger.get().spec().equals(spec) || challenger.get().version() < lineStart) {
            // Evidence against a champion that no longer serves, or about a release already decided or abandoned.
            return Optional.empty();
        }
        ConfidenceSequence.Interval interval = test.interval(report.getCount(), report.getMeanLossDifference(),
                report.getLossDifferenceVariance());
        String evidence = String.format(Locale.ROOT,
                "paired %s %.5f vs champion v%d %.5f on the same %,d events; difference %+.5f ± %.5f (%s, sequential)",
                report.getLoss(), report.getChallengerLoss(), report.getChampionVersion(), report.getChampionLoss(),
                report.getCount(), interval.mean(), interval.radius(), test.confidence());
        return switch (interval.verdict()) {
            case NEGATIVE -> Optional.of(ledger.promote(model, report.getChallengerVersion(), ReleaseActor.AUTOMATIC,
                    "online: better than the champion: " + evidence));
            case POSITIVE -> Optional.of(new LedgerDecision(List.of(new Transition(model, report.getChallengerVersion(),
                    ReleaseStatus.CANDIDATE, ReleaseStatus.REJECTED, ReleaseActor.AUTOMATIC,
                    "online: worse than the champion: " + evidence)), champion));
            case UNDECIDED -> Optional.empty();
        };
    }
}
