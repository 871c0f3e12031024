package ai.factory.cli.demo;

import static ai.factory.records.ReleaseActor.AUTOMATIC;
import static ai.factory.records.ReleaseActor.OPERATOR;
import static ai.factory.records.ReleaseActor.TRAINER;
import static ai.factory.records.ReleaseStatus.CANDIDATE;
import static ai.factory.records.ReleaseStatus.CHAMPION;
import static ai.factory.records.ReleaseStatus.REJECTED;
import static ai.factory.records.ReleaseStatus.ROLLED_BACK;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseSpec;
import org.junit.jupiter.api.Test;

class GovernanceTest {

    private static final ReleaseSpec SPEC = new ReleaseSpec("flights", 1);

    private final Governance governance = new Governance();
    private long offset;

    private void record(long version, ReleaseStatus status, ReleaseActor by, String reason) {
        ReleaseFacts facts = new ReleaseFacts("m", version, version > 1 ? version - 1 : null, SPEC, status, reason, by);
        governance.take(facts.key(), facts, offset++);
    }

    @Test
    void countsEachDecisionAsItArrivesAndFollowsTheLedgersChampion() {
        record(1, CHAMPION, TRAINER, "initial weights");
        record(2, CANDIDATE, TRAINER, "hold-out passed");
        record(3, REJECTED, TRAINER, "hold-out loss 0.71 above the champion's 0.60");
        record(2, CHAMPION, AUTOMATIC, "online: beat the champion on 2,000 paired events");
        assertThat(governance.champion()).map(ReleaseFacts::version).contains(2L);
        record(2, ROLLED_BACK, AUTOMATIC, "online loss rose 20% above v1's");
        assertThat(governance.champion()).as("the champion before it serves again").map(ReleaseFacts::version).contains(1L);
        record(4, CANDIDATE, TRAINER, "hold-out passed");
        record(4, CHAMPION, OPERATOR, "promoted by operator over m/1");

        Governance.Summary s = governance.summary();
        assertThat(s.releases()).isEqualTo(4);
        assertThat(s.candidates()).isEqualTo(2);
        assertThat(s.promotions()).isEqualTo(Map.of(TRAINER, 1L, AUTOMATIC, 1L, OPERATOR, 1L));
        assertThat(s.promotionCount()).isEqualTo(3);
        assertThat(s.rejections()).isEqualTo(Map.of(TRAINER, 1L));
        assertThat(s.rollbacks()).isEqualTo(Map.of(AUTOMATIC, 1L));
        assertThat(s.championVersion()).isEqualTo(4);
        assertThat(s.recent()).hasSize(7).extracting(Governance.Decision::reason).allSatisfy(r -> assertThat(r).isNotBlank());
        assertThat(s.recent().get(4)).isEqualTo(new Governance.Decision(2, ROLLED_BACK, AUTOMATIC, "online loss rose 20% above v1's"));
    }

    @Test
    void anEarlierChampionRepublishedServesAgainAndIsAPromotionButARepeatIsNoDecision() {
        record(1, CHAMPION, TRAINER, "initial weights");
        record(2, CHAMPION, TRAINER, "beat v1");
        record(2, CHAMPION, TRAINER, "beat v1");
        assertThat(governance.summary().promotionCount()).as("a repeated record decides nothing").isEqualTo(2);
        record(1, CHAMPION, OPERATOR, "promoted by operator over m/2");
        assertThat(governance.champion()).map(ReleaseFacts::version).contains(1L);
        assertThat(governance.summary().promotions()).isEqualTo(Map.of(TRAINER, 2L, OPERATOR, 1L));
        assertThat(governance.summary().recent()).hasSize(3);
    }

    @Test
    void keepsOnlyTheMostRecentDecisions() {
        record(1, CHAMPION, TRAINER, "initial weights");
        for (long v = 2; v <= 100; v++) {
            record(v, REJECTED, TRAINER, "rejected " + v);
        }
        Governance.Summary s = governance.summary();
        assertThat(s.rejectionCount()).isEqualTo(99);
        assertThat(s.recent()).hasSize(Governance.RECENT);
        assertThat(s.recent().get(Governance.RECENT - 1).version()).isEqualTo(100);
        assertThat(s.championVersion()).isEqualTo(1);
    }

    @Test
    void aTombstoneForgetsTheRelease() {
        record(1, CHAMPION, TRAINER, "initial weights");
        record(2, CANDIDATE, TRAINER, "hold-out passed");
        governance.take("m/2", null, offset++);
        assertThat(governance.releases()).isEqualTo(1);
        assertThat(governance.summary().candidates()).as("decisions made stay counted").isEqualTo(1);
    }
}
