package ai.factory.trainer.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

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
        Optional<LedgerDecision> decision = promotion.judge(report(4, 2, 1_000, -0.03), ledger, SPEC);
        assertThat(decision).hasValueSatisfying(d -> {
            assertThat(d.transitions()).singleElement().satisfies(t -> {
                assertThat(t.version()).isEqualTo(4);
                assertThat(t.to()).isEqualTo(ReleaseStatus.CHAMPION);
                assertThat(t.by()).isEqualTo(ReleaseActor.AUTOMATIC);
                assertThat(t.reason()).startsWith("online: better than the champion").contains("1,000 events").contains("95%");
            });
        });
    }

    @Test
    void aCandidateConfidentlyWorseIsRejectedAndAnUndecidedOneWaits() {
        assertThat(promotion.judge(report(4, 2, 1_000, 0.03), ledger, SPEC)).hasValueSatisfying(d ->
                assertThat(d.transitions()).singleElement().satisfies(t -> {
                    assertThat(t.to()).isEqualTo(ReleaseStatus.REJECTED);
                    assertThat(t.reason()).startsWith("online: worse than the champion");
                }));
        assertThat(promotion.judge(report(4, 2, 1_000, -0.001), ledger, SPEC)).isEmpty();
        assertThat(promotion.judge(report(4, 2, 50, -0.3), ledger, SPEC)).as("below the minimum evidence").isEmpty();
    }

    @Test
    void evidenceAgainstAnotherChampionOrForAnAbandonedOrDecidedReleaseDecidesNothing() {
        assertThat(promotion.judge(report(4, 1, 1_000, -0.03), ledger, SPEC)).as("not the serving champion").isEmpty();
        OnlinePromotion afterRollback = new OnlinePromotion(new ConfidenceSequence(0.05, 100), 5);
        assertThat(afterRollback.judge(report(4, 2, 1_000, -0.03), ledger, SPEC)).as("an abandoned line").isEmpty();
        ledger.apply("m/4", facts(4, ReleaseStatus.REJECTED), 3);
        assertThat(promotion.judge(report(4, 2, 1_000, -0.03), ledger, SPEC)).as("already decided").isEmpty();
    }
}
