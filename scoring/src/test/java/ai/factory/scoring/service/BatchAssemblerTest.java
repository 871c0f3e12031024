package ai.factory.scoring.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.records.FeatureVector;
import ai.factory.scoring.Fixtures;
import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.model.ReleaseLoader;
import ai.factory.scoring.release.SpecKey;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dynamic batching decisions over pending records, with a real model to check vectors against. */
class BatchAssemblerTest {

    private static final long MAX_WAIT = TimeUnit.MILLISECONDS.toNanos(5);
    private static final SpecKey SPEC = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);
    private static ModelSession model;
    private static Function<SpecKey, Optional<ModelSession>> champions;
    private static final Function<SpecKey, Optional<ModelSession>> NONE = spec -> Optional.empty();

    private final BatchAssembler assembler = new BatchAssembler(4, MAX_WAIT);
    private final PendingRecords pending = new PendingRecords();
    private long offset;

    @BeforeAll
    static void loadModel() throws Exception {
        model = new ReleaseLoader(new SessionFactory(new SessionSettings(Device.CPU, 1, false)), 4)
                .load(Fixtures.champion(1, 1), Optional.empty());
        champions = spec -> spec.equals(SPEC) ? Optional.of(model) : Optional.empty();
    }

    @AfterAll
    static void closeModel() {
        model.retire();
    }

    @Test
    void aPartialBatchWaitsUntilItsOldestRowHasWaitedMaxWait() {
        add(0, 0L, good("a"));
        add(1, 1L, good("b"));
        BatchAssembler.Work early = assembler.next(pending, champions, MAX_WAIT - 1);
        assertThat(early.batch()).isNull();
        assertThat(early.deadlineNanos()).isEqualTo(MAX_WAIT);
        BatchAssembler.Work due = assembler.next(pending, champions, MAX_WAIT);
        assertThat(due.batch().rows()).hasSize(2);
        assertThat(pending.size()).isZero();
    }

    @Test
    void aFullBatchGoesAtOnceAndTakesAtMostMaxBatchRows() {
        for (int i = 0; i < 6; i++) {
            add(i % 2, 0L, good("v" + i));
        }
        BatchAssembler.Work work = assembler.next(pending, champions, 0L);
        assertThat(work.batch().rows()).hasSize(4);
        assertThat(pending.size()).isEqualTo(2);
        assertThat(assembler.next(pending, champions, 0L).batch()).as("two rows are not a full batch yet").isNull();
    }

    @Test
    void withoutAWaitALoneVectorGoesAtOnceAndABacklogStillFillsBatches() {
        BatchAssembler noWait = new BatchAssembler(4, 0);
        add(0, 100L, good("alone"));
        assertThat(noWait.next(pending, champions, 100L).batch().rows()).hasSize(1);
        for (int i = 0; i < 6; i++) {
            add(i % 3, 200L, good("v" + i));
        }
        assertThat(noWait.next(pending, champions, 200L).batch().rows()).hasSize(4);
        assertThat(noWait.next(pending, champions, 200L).batch().rows()).hasSize(2);
        assertThat(pending.size()).isZero();
    }

    @Test
    void withoutAChampionPartitionsWaitInOrderAndNothingIsDropped() {
        add(0, 0L, good("a"));
        add(0, 0L, null);
        BatchAssembler.Work work = assembler.next(pending, NONE, MAX_WAIT * 10);
        assertThat(work.batch()).isNull();
        assertThat(work.deadLetters()).as("the unreadable record waits behind the vector before it").isEmpty();
        assertThat(work.waiting()).hasSize(1);
        assertThat(work.waitingSpecs()).containsExactly(SPEC);
        assertThat(pending.size()).isEqualTo(2);
    }

    @Test
    void unreadableAndMisshapenHeadsBecomeDeadLettersWithTheirReason() {
        add(0, 0L, null);
        add(0, 0L, Fixtures.vector("short", List.of(1f), List.of(1, 2, 3), Instant.now()));
        add(0, 0L, Fixtures.vector("nan", List.of(1f, Float.NaN, 0f, 0f), List.of(1, 2, 3), Instant.now()));
        add(0, 0L, good("ok"));
        BatchAssembler.Work work = assembler.next(pending, champions, MAX_WAIT);
        assertThat(work.deadLetters()).extracting(d -> d.problem().code())
                .containsExactly(Problem.UNDECODABLE, Problem.SHAPE_MISMATCH, Problem.NOT_FINITE);
        assertThat(work.batch().rows()).extracting(p -> p.vector().getEventId()).containsExactly("ok");
    }

    @Test
    void aBatchHoldsOneSpecOnly() {
        add(0, 0L, good("a"));
        add(1, 1L, FeatureVector.newBuilder(good("other")).setSpecVersion(Fixtures.SPEC_VERSION + 1).build());
        Map<SpecKey, ModelSession> both = Map.of(SPEC, model, new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION + 1), model);
        BatchAssembler.Work first = assembler.next(pending, spec -> Optional.ofNullable(both.get(spec)), MAX_WAIT * 2);
        assertThat(first.batch().rows()).extracting(p -> p.vector().getEventId()).containsExactly("a");
        BatchAssembler.Work second = assembler.next(pending, spec -> Optional.ofNullable(both.get(spec)), MAX_WAIT * 2);
        assertThat(second.batch().rows()).extracting(p -> p.vector().getEventId()).containsExactly("other");
    }

    private static FeatureVector good(String id) {
        return Fixtures.vector(id, List.of(0.1f, 0.2f, 0.3f, 0.4f), List.of(1, 2, 3), Instant.now());
    }

    private void add(int partition, long polledAt, FeatureVector vector) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("features", partition, offset++, "k" + offset, new byte[] {1});
        pending.add(vector == null
                ? Pending.unreadable(record, new Problem(Problem.UNDECODABLE, "garbage"), polledAt)
                : Pending.readable(record, vector, polledAt));
    }
}
