package ai.factory.scoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.Fixtures;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The champion rule of the models-topic contract, and which graphs the book holds. */
class ReleaseBookTest {

    private static final SpecKey SPEC = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);
    private static final TopicPartition MODELS = new TopicPartition("models", 0);
    private static final int K = ReleaseBook.KEPT_CHAMPIONS;
    private final ReleaseBook book = new ReleaseBook();
    private long offset;

    @Test
    void theChampionIsTheLatestChampionRecord() {
        put(1, ReleaseStatus.CHAMPION);
        put(2, ReleaseStatus.CHAMPION);
        put(3, ReleaseStatus.CANDIDATE);
        put(4, ReleaseStatus.REJECTED);
        assertThat(champion()).isEqualTo(2);
        assertThat(book.challenger(Fixtures.MODEL, SPEC).map(ModelRelease::getVersion)).contains(3L);
    }

    @Test
    void rollingBackRetiresTheChampionAndThePreviousOneIsCurrentAgain() {
        put(1, ReleaseStatus.CHAMPION);
        put(2, ReleaseStatus.CHAMPION);
        put(2, ReleaseStatus.RETIRED);
        assertThat(champion()).isEqualTo(1);
        assertThat(graph(2)).as("a retired release's graph is not kept").isZero();
        assertThat(graph(1)).isPositive();
        assertThat(book.droppedGraph(key(1))).isEmpty();
    }

    @Test
    void aTombstoneForgetsARelease() {
        put(1, ReleaseStatus.CHAMPION);
        put(2, ReleaseStatus.CHAMPION);
        book.apply(key(2), null, null);
        assertThat(champion()).isEqualTo(1);
        book.apply(key(1), null, null);
        assertThat(book.champion(Fixtures.MODEL, SPEC)).isEmpty();
        assertThat(book.specs(Fixtures.MODEL)).isEmpty();
        assertThat(book.get(key(1))).isEmpty();
    }

    @Test
    void aCandidateBelowTheChampionIsNoChallenger() {
        put(1, ReleaseStatus.CANDIDATE);
        put(2, ReleaseStatus.CHAMPION);
        assertThat(book.challenger(Fixtures.MODEL, SPEC)).isEmpty();
    }

    @Test
    void otherModelsAndOtherSpecsDoNotCompete() {
        put(1, ReleaseStatus.CHAMPION);
        ModelRelease other = Fixtures.release("other", 9, ReleaseStatus.CHAMPION, new byte[] {1}, Fixtures.DENSE, Fixtures.BUCKETS);
        book.apply(new ReleaseKey("other", 9), other, next());
        book.apply(key(5), ofSpec(Fixtures.SPEC_VERSION + 1, 5, ReleaseStatus.CHAMPION, new byte[] {1}), next());
        assertThat(champion()).isEqualTo(1);
        assertThat(book.champion(Fixtures.MODEL, new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION + 1))
                .map(ModelRelease::getVersion)).contains(5L);
        assertThat(book.specs(Fixtures.MODEL)).hasSize(2);
    }

    @Test
    void aThousandChampionsHoldOnlyTheNewestGraphs() {
        int graphBytes = 1 << 20;
        for (long version = 1; version <= 1000; version++) {
            // A fresh array per release, as each decoded record has: holding them all would take a gigabyte.
            byte[] onnx = new byte[graphBytes];
            onnx[0] = (byte) version;
            book.apply(key(version), Fixtures.release(version, ReleaseStatus.CHAMPION, onnx), next());
            assertThat(book.graphBytes()).isLessThanOrEqualTo((long) (K + 1) * graphBytes);
        }
        assertThat(champion()).isEqualTo(1000);
        assertThat(book.champion(Fixtures.MODEL, SPEC).orElseThrow().getOnnx().remaining()).isEqualTo(graphBytes);
        assertThat(book.graphBytes()).isEqualTo((long) K * graphBytes);
        assertThat(LongStream.rangeClosed(1, 1000).filter(v -> graph(v) > 0).boxed().toList())
                .containsExactly(LongStream.rangeClosed(1001 - K, 1000).boxed().toArray(Long[]::new));
        assertThat(book.championsNewestFirst(Fixtures.MODEL, SPEC)).hasSize(1000);
        assertThat(book.droppedGraph(key(1))).contains(new RecordPosition(MODELS, 0));
        assertThat(book.get(key(1)).orElseThrow().getStatus()).as("the metadata stays").isEqualTo(ReleaseStatus.CHAMPION);
    }

    @Test
    void onlyTheNewestCandidateHoldsItsGraph() {
        put(1, ReleaseStatus.CHAMPION);
        for (long version = 2; version <= 50; version++) {
            put(version, ReleaseStatus.CANDIDATE);
        }
        put(60, ReleaseStatus.CANDIDATE);
        put(55, ReleaseStatus.CANDIDATE);
        assertThat(book.challenger(Fixtures.MODEL, SPEC).map(ModelRelease::getVersion)).contains(60L);
        assertThat(graph(60)).isPositive();
        assertThat(graph(55)).as("arrived after a newer candidate").isZero();
        assertThat(graph(50)).isZero();
        assertThat(graph(1)).isPositive();
    }

    @Test
    void aRollbackPastTheKeptChampionsNamesWhereToReadTheGraphBack() {
        for (long version = 1; version <= 10; version++) {
            put(version, ReleaseStatus.CHAMPION);
        }
        RecordPosition sixAt = new RecordPosition(MODELS, 5);
        for (long version = 10; version > 10 - (K + 1); version--) {
            put(version, ReleaseStatus.RETIRED);
        }
        ModelRelease six = book.champion(Fixtures.MODEL, SPEC).orElseThrow();
        assertThat(six.getVersion()).isEqualTo(10 - (K + 1));
        assertThat(six.getOnnx().remaining()).isZero();
        assertThat(book.droppedGraph(key(six.getVersion()))).contains(sixAt);
        assertThat(book.championsNewestFirst(Fixtures.MODEL, SPEC)).extracting(ModelRelease::getVersion)
                .containsExactly(6L, 5L, 4L, 3L, 2L, 1L);

        put(11, ReleaseStatus.CHAMPION);
        assertThat(champion()).isEqualTo(11);
        assertThat(graph(11)).isPositive();
    }

    @Test
    void aRefusedReleaseStaysRefusedAcrossItsRecordsUntilATombstone() {
        put(1, ReleaseStatus.CHAMPION);
        put(2, ReleaseStatus.CANDIDATE);
        book.refuse(key(2));
        assertThat(book.refused(key(2))).isTrue();
        assertThat(graph(2)).isZero();

        put(2, ReleaseStatus.CHAMPION);
        assertThat(book.refused(key(2))).as("promoted, the same graph").isTrue();
        assertThat(graph(2)).isZero();
        assertThat(champion()).as("the contract's champion, refused or not").isEqualTo(2);

        book.apply(key(2), null, null);
        put(2, ReleaseStatus.CHAMPION);
        assertThat(book.refused(key(2))).isFalse();
        assertThat(graph(2)).isPositive();
    }

    /** Promoting an older release while a newer one serves makes it the champion (issue 17, bug 1). */
    @Test
    void anOlderReleasePromotedAfterANewerOneIsTheChampion() {
        put(3, ReleaseStatus.CANDIDATE);
        put(5, ReleaseStatus.CHAMPION);
        put(3, ReleaseStatus.CHAMPION);
        assertThat(champion()).isEqualTo(3);
        assertThat(graph(3)).isPositive();
        assertThat(graph(5)).as("next in line for a rollback").isPositive();
        put(3, ReleaseStatus.ROLLED_BACK);
        assertThat(champion()).isEqualTo(5);
    }

    /** Random histories against the ledger's rule computed the simple way, by scanning every release. */
    @Test
    void randomHistoriesAgreeWithAScanOfEveryRelease() {
        ReleaseStatus[] statuses = {ReleaseStatus.CHAMPION, ReleaseStatus.CHAMPION, ReleaseStatus.CHAMPION,
                ReleaseStatus.CANDIDATE, ReleaseStatus.CANDIDATE, ReleaseStatus.RETIRED, ReleaseStatus.REJECTED};
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ReleaseBook tested = new ReleaseBook();
            Map<Long, ModelRelease> reference = new HashMap<>();
            Map<Long, Long> decidedAt = new HashMap<>();
            for (int step = 0; step < 400; step++) {
                long version = 1 + random.nextInt(60);
                ReleaseKey key = key(version);
                if (random.nextInt(10) == 0) {
                    tested.apply(key, null, null);
                    reference.remove(version);
                } else {
                    // A version keeps its spec across its records, as a real release does.
                    int specVersion = 1 + (int) (version % 2);
                    ReleaseStatus status = statuses[random.nextInt(statuses.length)];
                    ModelRelease release = ofSpec(specVersion, version, status, new byte[] {1, 2, 3});
                    RecordPosition at = next();
                    tested.apply(key, release, at);
                    reference.put(version, release);
                    decidedAt.put(version, at.offset());
                }
                for (int specVersion = 1; specVersion <= 2; specVersion++) {
                    SpecKey spec = new SpecKey(Fixtures.SPEC, specVersion);
                    List<Long> champions = newestFirst(reference, spec, ReleaseStatus.CHAMPION);
                    // The ledger's rule: the latest CHAMPION record first.
                    champions.sort(Comparator.comparing(decidedAt::get, Comparator.reverseOrder()));
                    List<Long> candidates = newestFirst(reference, spec, ReleaseStatus.CANDIDATE);
                    long championVersion = champions.isEmpty() ? Long.MIN_VALUE : champions.get(0);
                    Optional<Long> challenger = candidates.stream().filter(v -> v > championVersion).findFirst();

                    assertThat(tested.championsNewestFirst(Fixtures.MODEL, spec)).extracting(ModelRelease::getVersion)
                            .containsExactlyElementsOf(champions);
                    assertThat(tested.champion(Fixtures.MODEL, spec).map(ModelRelease::getVersion))
                            .isEqualTo(champions.stream().findFirst());
                    assertThat(tested.challenger(Fixtures.MODEL, spec).map(ModelRelease::getVersion)).isEqualTo(challenger);
                    Set<Long> mayHold = new TreeSet<>(champions.subList(0, Math.min(K, champions.size())));
                    candidates.stream().findFirst().ifPresent(mayHold::add);
                    for (long v : reference.keySet()) {
                        if (ReleaseBook.specOf(reference.get(v)).equals(spec)) {
                            boolean held = tested.get(key(v)).orElseThrow().getOnnx().remaining() > 0;
                            assertThat(held || tested.droppedGraph(key(v)).isPresent()).as("seed %d: %d", seed, v).isTrue();
                            if (held) {
                                assertThat(mayHold).as("seed %d: %d holds its graph", seed, v).contains(v);
                            }
                        }
                    }
                }
                Set<SpecKey> specs = reference.values().stream().map(ReleaseBook::specOf).collect(Collectors.toSet());
                assertThat(tested.specs(Fixtures.MODEL)).containsExactlyInAnyOrderElementsOf(specs);
                assertThat(tested.graphBytes()).isLessThanOrEqualTo(2L * (K + 1) * 3);
            }
        }
    }

    @Test
    void releaseKeysParseFromTheTopicKey() {
        assertThat(ReleaseKey.parse("delay/12")).isEqualTo(new ReleaseKey("delay", 12));
        assertThat(ReleaseKey.parse("team/delay/3")).isEqualTo(new ReleaseKey("team/delay", 3));
        assertThat(new ReleaseKey("delay", 12)).hasToString("delay/12");
        assertThatThrownBy(() -> ReleaseKey.parse("delay")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReleaseKey.parse("delay/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReleaseKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> newestFirst(Map<Long, ModelRelease> releases, SpecKey spec, ReleaseStatus status) {
        List<Long> versions = new ArrayList<>();
        releases.forEach((version, release) -> {
            if (release.getStatus() == status && ReleaseBook.specOf(release).equals(spec)) {
                versions.add(version);
            }
        });
        versions.sort(Comparator.reverseOrder());
        return versions;
    }

    private static ModelRelease ofSpec(int specVersion, long version, ReleaseStatus status, byte[] onnx) {
        return ModelRelease.newBuilder(Fixtures.release(version, status, onnx)).setSpecVersion(specVersion).build();
    }

    private void put(long version, ReleaseStatus status) {
        book.apply(key(version), Fixtures.release(version, status, new byte[] {1, 2, 3}), next());
    }

    private RecordPosition next() {
        return new RecordPosition(MODELS, offset++);
    }

    private static ReleaseKey key(long version) {
        return new ReleaseKey(Fixtures.MODEL, version);
    }

    private int graph(long version) {
        return book.get(key(version)).orElseThrow().getOnnx().remaining();
    }

    private long champion() {
        return book.champion(Fixtures.MODEL, SPEC).orElseThrow().getVersion();
    }
}
