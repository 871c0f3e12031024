package ai.factory.release;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import org.junit.jupiter.api.Test;

import static ai.factory.records.ReleaseStatus.CANDIDATE;
import static ai.factory.records.ReleaseStatus.CHAMPION;
import static ai.factory.records.ReleaseStatus.REJECTED;
import static ai.factory.records.ReleaseStatus.RETIRED;
import static ai.factory.records.ReleaseStatus.ROLLED_BACK;
import static ai.factory.records.ReleaseActor.AUTOMATIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseLedgerTest {

    private static final ReleaseSpec SPEC = new ReleaseSpec("flights", 1);
    private final ReleaseLedger ledger = new ReleaseLedger();
    private long offset;

    private void publish(long version, ReleaseStatus status) {
        publish(version, status, SPEC);
    }

    private void publish(long version, ReleaseStatus status, ReleaseSpec spec) {
        ReleaseFacts facts = new ReleaseFacts("flights", version, version > 1 ? version - 1 : null, spec, status,
                "gate", ReleaseActor.TRAINER);
        ledger.apply(facts.key(), facts, offset++);
    }

    /** Publishes a decision's records in order, as a writer does. */
    private void write(LedgerDecision decision) {
        for (Transition t : decision.transitions()) {
            ReleaseFacts current = ledger.release(t.model(), t.version()).orElseThrow();
            ledger.apply(t.key(), current.with(t.to(), t.by(), t.reason()), offset++);
        }
    }

    private long champion() {
        return ledger.champion("flights").orElseThrow().version();
    }

    @Test
    void championIsTheLatestChampionRecord() {
        publish(1, CHAMPION);
        publish(2, CANDIDATE);
        publish(3, CHAMPION);
        assertThat(champion()).isEqualTo(3);
        assertThat(ledger.champion("flights", SPEC).orElseThrow().version()).isEqualTo(3);
        assertThat(ledger.champion("boats")).isEmpty();
    }

    @Test
    void promotingAnOlderReleaseMakesItChampionForEveryReader() {
        // Bug 1: "promote flights 3" while v5 is champion printed v3 while scorers kept serving v5.
        for (long v = 1; v <= 5; v++) {
            publish(v, CHAMPION);
        }
        LedgerDecision decision = ledger.promote("flights", 3, ReleaseActor.OPERATOR, "");
        assertThat(decision.transitions()).singleElement().satisfies(t -> {
            assertThat(t.version()).isEqualTo(3);
            assertThat(t.to()).isEqualTo(CHAMPION);
            assertThat(t.by()).isEqualTo(ReleaseActor.OPERATOR);
            assertThat(t.reason()).isEqualTo("promoted by operator over flights/5");
        });
        assertThat(decision.championAfter().orElseThrow().version()).isEqualTo(3);
        write(decision);
        assertThat(champion()).isEqualTo(3);
        assertThat(ledger.champion("flights", SPEC).orElseThrow().version()).isEqualTo(3);
        assertThat(ledger.championsLatestFirst("flights", SPEC).iterator().next().version()).isEqualTo(3);
        assertThat(ledger.release("flights", 3).orElseThrow().actor()).isEqualTo(ReleaseActor.OPERATOR);
    }

    @Test
    void rollingBackAPromotionUndoesIt() {
        for (long v = 1; v <= 5; v++) {
            publish(v, CHAMPION);
        }
        write(ledger.promote("flights", 3, ReleaseActor.OPERATOR, "v5 misbehaves"));
        write(ledger.rollback("flights", ReleaseActor.OPERATOR, ""));
        assertThat(champion()).isEqualTo(5);
        assertThat(ledger.release("flights", 3).orElseThrow().status()).isEqualTo(ROLLED_BACK);
    }

    @Test
    void resumingReRecordsTheChampionWithoutChangingWhatServes() {
        publish(1, CHAMPION);
        publish(2, CHAMPION);
        write(ledger.rollback("flights", ReleaseActor.OPERATOR, "bad data"));
        long rolledBackAt = ledger.sequence("flights", 2);
        LedgerDecision resume = ledger.resume("flights", ReleaseActor.OPERATOR, "data fixed");
        assertThat(resume.transitions()).singleElement().satisfies(t -> {
            assertThat(t.version()).isEqualTo(1);
            assertThat(t.from()).isEqualTo(CHAMPION);
            assertThat(t.to()).isEqualTo(CHAMPION);
            assertThat(t.reason()).isEqualTo("training resumed by operator: data fixed");
        });
        write(resume);
        assertThat(champion()).isEqualTo(1);
        ReleaseFacts now = ledger.champion("flights").orElseThrow();
        assertThat(ReleaseLedger.resumes(now)).isTrue();
        assertThat(ledger.sequence("flights", 1)).isGreaterThan(rolledBackAt);
        assertThat(ledger.sequence("flights", 99)).isEqualTo(-1);
        // Resuming changes no order: a rollback still has nothing to return to.
        assertThatThrownBy(() -> ledger.rollback("flights", ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class);
        assertThatThrownBy(() -> ledger.resume("boats", ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class).hasMessage("boats has no champion to resume training from");
    }

    @Test
    void aRejectedReleaseIsNeverPromoted() {
        // Bug 2a: the CLI promoted REJECTED releases.
        publish(1, CHAMPION);
        ledger.apply("flights/2", new ReleaseFacts("flights", 2, 1L, SPEC, REJECTED, "non-finite weights", ReleaseActor.TRAINER), offset++);
        assertThatThrownBy(() -> ledger.promote("flights", 2, ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("flights/2 was rejected (non-finite weights); a rejected release is never promoted");
    }

    @Test
    void theOnlyChampionIsNeverRolledBack() {
        // Bug 2b: the CLI could roll back the only champion.
        publish(1, CHAMPION);
        publish(2, CANDIDATE);
        assertThatThrownBy(() -> ledger.rollback("flights", ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("flights/1 is the only champion; rolling back would leave the scorers without a model");
    }

    @Test
    void rollingBackBringsThePreviousChampionBack() {
        publish(1, CHAMPION);
        publish(2, CHAMPION);
        publish(3, CHAMPION);
        LedgerDecision decision = ledger.rollback("flights", ReleaseActor.OPERATOR, "");
        assertThat(decision.transitions()).singleElement().satisfies(t -> {
            assertThat(t.version()).isEqualTo(3);
            assertThat(t.to()).isEqualTo(ROLLED_BACK);
            assertThat(t.reason()).isEqualTo("rolled back by operator");
        });
        assertThat(decision.championAfter().orElseThrow().version()).isEqualTo(2);
        write(decision);
        assertThat(champion()).isEqualTo(2);
        write(ledger.rollback("flights", ReleaseActor.OPERATOR, "again"));
        assertThat(champion()).isEqualTo(1);
        assertThatThrownBy(() -> ledger.rollback("flights", ReleaseActor.OPERATOR, ""))
                .hasMessageContaining("flights/1 is the only champion");
    }

    @Test
    void aRolledBackReleaseCanBePromotedAgain() {
        publish(1, CHAMPION);
        publish(2, CHAMPION);
        write(ledger.rollback("flights", ReleaseActor.OPERATOR, ""));
        write(ledger.promote("flights", 2, ReleaseActor.OPERATOR, "fixed upstream"));
        assertThat(champion()).isEqualTo(2);
        assertThat(ledger.release("flights", 2).orElseThrow().reason()).isEqualTo("fixed upstream");
    }

    @Test
    void promotingTheChampionOrAnUnknownReleaseIsRefused() {
        publish(1, CHAMPION);
        assertThatThrownBy(() -> ledger.promote("flights", 1, ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class).hasMessage("flights/1 is already the champion");
        assertThatThrownBy(() -> ledger.promote("flights", 9, ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class).hasMessage("no release flights/9");
        assertThatThrownBy(() -> ledger.rollback("boats", ReleaseActor.OPERATOR, ""))
                .isInstanceOf(ReleaseRefusedException.class).hasMessage("boats has no champion to roll back");
    }

    @Test
    void aTrainerReleaseAfterAnOperatorsPromotionIsTheNewChampion() {
        // The rule is the order of decisions, whoever makes them: what the trainer publishes next wins.
        publish(1, CHAMPION);
        publish(2, CHAMPION);
        write(ledger.promote("flights", 1, ReleaseActor.OPERATOR, ""));
        assertThat(champion()).isEqualTo(1);
        publish(3, CHAMPION);
        assertThat(champion()).isEqualTo(3);
    }

    @Test
    void eachSpecHasItsOwnChampion() {
        ReleaseSpec v2 = new ReleaseSpec("flights", 2);
        publish(1, CHAMPION);
        publish(2, CHAMPION, v2);
        publish(3, CANDIDATE);
        assertThat(ledger.champion("flights", SPEC).orElseThrow().version()).isEqualTo(1);
        assertThat(ledger.champion("flights", v2).orElseThrow().version()).isEqualTo(2);
        assertThat(ledger.champion("flights").orElseThrow().version()).isEqualTo(2);
        assertThat(ledger.specs("flights")).containsExactly(SPEC, v2);
        assertThat(ledger.challenger("flights", SPEC).orElseThrow().version()).isEqualTo(3);
        assertThat(ledger.challenger("flights", v2)).isEmpty();
        // A promotion within spec 1 leaves spec 2's champion alone.
        write(ledger.promote("flights", 3, ReleaseActor.OPERATOR, ""));
        assertThat(ledger.champion("flights", SPEC).orElseThrow().version()).isEqualTo(3);
        assertThat(ledger.champion("flights", v2).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void championsLatestFirstListsWhatRollbacksBringBack() {
        publish(1, CHAMPION);
        publish(2, CHAMPION);
        publish(3, REJECTED);
        publish(4, CHAMPION);
        List<Long> order = new ArrayList<>();
        ledger.championsLatestFirst("flights", SPEC).forEach(f -> order.add(f.version()));
        assertThat(order).containsExactly(4L, 2L, 1L);
    }

    @Test
    void aLaterRecordReplacesTheKeysStateAndATombstoneForgetsIt() {
        publish(1, CHAMPION);
        publish(2, CHAMPION);
        ledger.apply("flights/2", null, offset++);
        assertThat(champion()).isEqualTo(1);
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.latestVersion("flights")).isEqualTo(1);
        ledger.apply("flights/1", null, offset++);
        assertThat(ledger.models()).isEmpty();
        assertThat(ledger.latestVersion("flights")).isZero();
    }

    @Test
    void theLifecycleAllowsOnlyTheseMoves() {
        assertThat(ReleaseLedger.legal(CANDIDATE, CHAMPION)).isTrue();
        assertThat(ReleaseLedger.legal(CANDIDATE, REJECTED)).isTrue();
        assertThat(ReleaseLedger.legal(CHAMPION, ROLLED_BACK)).isTrue();
        assertThat(ReleaseLedger.legal(CHAMPION, RETIRED)).isTrue();
        assertThat(ReleaseLedger.legal(RETIRED, CHAMPION)).isTrue();
        assertThat(ReleaseLedger.legal(ROLLED_BACK, CHAMPION)).isTrue();
        for (ReleaseStatus to : ReleaseStatus.values()) {
            assertThat(ReleaseLedger.legal(REJECTED, to)).isFalse();
            assertThat(ReleaseLedger.legal(ReleaseStatus.UNKNOWN, to)).isFalse();
        }
        assertThat(ReleaseLedger.legal(CHAMPION, CANDIDATE)).isFalse();
    }

    @Test
    void lineageFollowsParentsFromTheChampion() {
        publish(1, CHAMPION);
        publish(2, REJECTED);
        publish(3, CHAMPION);
        // v4 was fine-tuned from v1 (its parent skips 2 and 3), v5 from v4.
        ledger.apply("flights/4", new ReleaseFacts("flights", 4, 1L, SPEC, CHAMPION, "online", AUTOMATIC), offset++);
        ledger.apply("flights/5", new ReleaseFacts("flights", 5, 4L, SPEC, CHAMPION, "online", AUTOMATIC), offset++);
        publish(6, CANDIDATE);
        assertThat(ledger.lineage("flights", SPEC, 10)).extracting(ReleaseFacts::version).containsExactly(5L, 4L, 1L);
        assertThat(ledger.lineage("flights", SPEC, 2)).extracting(ReleaseFacts::version).containsExactly(5L, 4L);
        assertThat(ledger.lineage("flights", SPEC, 0)).isEmpty();
        assertThat(ledger.lineage("flights", new ReleaseSpec("flights", 9), 10)).isEmpty();
        assertThat(ledger.lineage("boats", SPEC, 10)).isEmpty();

        // An automatic roll back of v5: the line starts at the champion it brought back.
        ledger.apply("flights/5", new ReleaseFacts("flights", 5, 4L, SPEC, ROLLED_BACK, "online: paired log loss worse",
                AUTOMATIC), offset++);
        assertThat(ledger.lineage("flights", SPEC, 10)).extracting(ReleaseFacts::version).containsExactly(4L, 1L);
        // A parent the ledger no longer knows (compacted away, or a tombstone) ends the line.
        ledger.apply("flights/1", null, offset++);
        assertThat(ledger.lineage("flights", SPEC, 10)).extracting(ReleaseFacts::version).containsExactly(4L);
    }

    @Test
    void lineageStopsAtALoop() {
        ledger.apply("flights/1", new ReleaseFacts("flights", 1, 2L, SPEC, CANDIDATE, "", ReleaseActor.TRAINER), offset++);
        ledger.apply("flights/2", new ReleaseFacts("flights", 2, 1L, SPEC, CHAMPION, "", ReleaseActor.TRAINER), offset++);
        assertThat(ledger.lineage("flights", SPEC, 10)).extracting(ReleaseFacts::version).containsExactly(2L, 1L);
    }

    @Test
    void recentDecisionsAreTheLatestRecordsNewestFirst() {
        publish(1, CHAMPION);
        publish(2, CANDIDATE);
        publish(3, CANDIDATE);
        publish(4, CANDIDATE);
        // Online decisions on 2 and 3 come after 4 was published; then a roll back of 3.
        ledger.apply("flights/2", new ReleaseFacts("flights", 2, 1L, SPEC, REJECTED, "online: paired log loss 0.52 > 0.50",
                AUTOMATIC), offset++);
        ledger.apply("flights/3", new ReleaseFacts("flights", 3, 2L, SPEC, CHAMPION, "online: paired log loss 0.47 < 0.50",
                AUTOMATIC), offset++);
        write(ledger.rollback("flights", AUTOMATIC, "online: paired log loss 0.58 > 0.50"));
        List<ReleaseFacts> decisions = ledger.recentDecisions("flights", 3);
        assertThat(decisions).extracting(ReleaseFacts::version).containsExactly(3L, 2L, 4L);
        assertThat(decisions.get(0)).satisfies(d -> {
            assertThat(d.status()).isEqualTo(ROLLED_BACK);
            assertThat(d.actor()).isEqualTo(AUTOMATIC);
            assertThat(d.reason()).isEqualTo("online: paired log loss 0.58 > 0.50");
        });
        assertThat(ledger.recentDecisions("flights", 10)).extracting(ReleaseFacts::version).containsExactly(3L, 2L, 4L, 1L);
        assertThat(ledger.recentDecisions("flights", 0)).isEmpty();
        assertThat(ledger.recentDecisions("boats", 5)).isEmpty();
        assertThat(ledger.statusCounts("flights")).containsOnly(Map.entry(CHAMPION, 1), Map.entry(CANDIDATE, 1),
                Map.entry(REJECTED, 1), Map.entry(ROLLED_BACK, 1));
        ledger.apply("flights/4", null, offset++);
        assertThat(ledger.recentDecisions("flights", 10)).extracting(ReleaseFacts::version).containsExactly(3L, 2L, 1L);
        assertThat(ledger.statusCounts("flights")).doesNotContainKey(CANDIDATE);
        assertThat(ledger.statusCounts("boats")).isEmpty();
    }

    /** The indexes against the rule read literally: a scan of every key's latest record, on random records. */
    @Test
    void lineageDecisionsAndCountsAgreeWithAScanOnRandomRecords() {
        Random random = new Random(17);
        Map<String, ReleaseFacts> latest = new HashMap<>();
        Map<String, Long> sequenceOf = new HashMap<>();
        ReleaseStatus[] statuses = {CANDIDATE, CHAMPION, REJECTED, RETIRED, ROLLED_BACK};
        for (int i = 0; i < 5_000; i++) {
            long version = 1 + random.nextInt(80);
            String key = ReleaseLedger.key("flights", version);
            ReleaseFacts facts = random.nextInt(12) == 0 ? null : new ReleaseFacts("flights", version,
                    version > 1 ? (long) 1 + random.nextInt((int) version - 1) : null, SPEC,
                    statuses[random.nextInt(statuses.length)], "r" + i, AUTOMATIC);
            long sequence = offset++;
            ledger.apply(key, facts, sequence);
            if (facts == null) {
                latest.remove(key);
                sequenceOf.remove(key);
            } else {
                latest.put(key, facts);
                sequenceOf.put(key, sequence);
            }
            if (i % 25 == 0) {
                List<ReleaseFacts> byRecord = latest.entrySet().stream()
                        .sorted(Comparator.comparingLong((Map.Entry<String, ReleaseFacts> e) -> sequenceOf.get(e.getKey())).reversed())
                        .map(Map.Entry::getValue).toList();
                assertThat(ledger.recentDecisions("flights", 20)).containsExactlyElementsOf(byRecord.stream().limit(20).toList());
                Map<ReleaseStatus, Integer> counts = new HashMap<>();
                latest.values().forEach(f -> counts.merge(f.status(), 1, Integer::sum));
                assertThat(ledger.statusCounts("flights")).isEqualTo(counts);
                List<ReleaseFacts> line = new ArrayList<>();
                ReleaseFacts next = byRecord.stream().filter(f -> f.status() == CHAMPION).findFirst().orElse(null);
                while (next != null && line.size() < 10) {
                    line.add(next);
                    Long parent = next.parentVersion();
                    next = parent == null ? null : latest.get(ReleaseLedger.key("flights", parent));
                }
                assertThat(ledger.lineage("flights", SPEC, 10)).containsExactlyElementsOf(line);
            }
        }
    }
}
