package ai.factory.trainer.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import ai.factory.records.PairedQuality;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.LedgerDecision;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseSpec;
import org.junit.jupiter.api.Test;

class OnlinePromotionTest {

    private static final ReleaseSpec SPEC = new ReleaseSpec("flights", 1);
    private final ReleaseLedger ledger = new ReleaseLedger();
    private final OnlinePromotion promotion = new OnlinePromotion(new ConfidenceSequence(0.05, 100), 3);

    OnlinePromotionTest() {
        ledger.apply("m/2", facts(2, ReleaseStatus.CHAMPION), 0);
        ledger.apply("m/3", facts(3, ReleaseStatus.CANDIDATE), 1);
        ledger.apply("m/4", facts(4, ReleaseStatus.CANDIDATE), 2);
    }

    private static ReleaseFacts facts(long version, ReleaseStatus status) {
        return new ReleaseFacts("m", version, version - 1, SPEC, status, "", ReleaseActor.TRAINER);
    }

    private static PairedQuality report(long challenger, long champion, long count, double meanDifference) {
        return PairedQuality.newBuilder().setModelName("m").setChallengerVersion(challenger).setChampionVersion(champion)
                .setLoss("log_loss").setCount(count).setChampionLoss(0.5).setChallengerLoss(0.5 + meanDifference)
                .setMeanLossDifference(meanDifference).setLossDifferenceVariance(0.01).setLastEventTime(Instant.EPOCH).build();
    }

    @Test
    void aCandidateConfidentlyBetterOnTheSameEventsIsPromotedAutomatically() {
        Optional<LedgerDecision> decision = judge(promotion, report(4, 2, 1_000, -0.03));
        assertThat(decision).hasValueSatisfying(d -> {
            assertThat(d.transitions()).singleElement().satisfies(t -> {
                assertThat(t.version()).isEqualTo(4);
                assertThat(t.to()).isEqualTo(ReleaseStatus.CHAMPION);
                assertThat(t.by()).isEqualTo(ReleaseActor.AUTOMATIC);
                assertThat(t.reason()).startsWith("online: the trainer's line is better than the champion").contains("1,000 events").contains("95%");
            });
        });
    }

    @Test
    void aCandidateConfidentlyWorseIsRejectedAndAnUndecidedOneWaits() {
        assertThat(judge(promotion, report(4, 2, 1_000, 0.03))).hasValueSatisfying(d ->
                assertThat(d.transitions()).singleElement().satisfies(t -> {
                    assertThat(t.to()).isEqualTo(ReleaseStatus.REJECTED);
                    assertThat(t.reason()).startsWith("online: worse than the champion");
                }));
        assertThat(judge(promotion, report(4, 2, 1_000, -0.001))).isEmpty();
        assertThat(judge(promotion, report(4, 2, 50, -0.3))).as("below the minimum evidence").isEmpty();
    }

    @Test
    void evidenceAgainstAnotherChampionOrForAnAbandonedOrDecidedReleaseDecidesNothing() {
        assertThat(judge(promotion, report(4, 1, 1_000, -0.03))).as("not the serving champion").isEmpty();
        OnlinePromotion afterRollback = new OnlinePromotion(new ConfidenceSequence(0.05, 100), 5);
        assertThat(judge(afterRollback, report(4, 2, 1_000, -0.03))).as("an abandoned line").isEmpty();
        ledger.apply("m/4", facts(4, ReleaseStatus.REJECTED), 3);
        assertThat(judge(promotion, report(4, 2, 1_000, -0.03))).as("already decided").isEmpty();
    }

    @Test
    void theLinesEvidenceIsPooledAndItsNewestReportedCandidateDecided() {
        Map<Long, PairedQuality> latest = new TreeMap<>();
        // Below the minimum evidence of 100 alone and together (80 events); a third candidate's report makes 120.
        latest.put(3L, report(3, 2, 40, -0.05));
        latest.put(4L, report(4, 2, 40, -0.05));
        assertThat(promotion.judge("m", latest, ledger, SPEC)).isEmpty();
        ledger.apply("m/5", facts(5, ReleaseStatus.CANDIDATE), 4);
        latest.put(5L, report(5, 2, 40, -0.05));
        assertThat(promotion.judge("m", latest, ledger, SPEC)).hasValueSatisfying(d ->
                assertThat(d.transitions()).singleElement().satisfies(t -> {
                    assertThat(t.version()).isEqualTo(5);
                    assertThat(t.reason()).contains("120 events").contains("v3–v5");
                }));
    }

    private Optional<LedgerDecision> judge(OnlinePromotion promotion, PairedQuality report) {
        return promotion.judge("m", Map.of(report.getChallengerVersion(), report), ledger, SPEC);
    }
}
