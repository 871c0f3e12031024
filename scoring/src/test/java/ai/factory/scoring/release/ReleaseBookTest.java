package ai.factory.scoring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.Fixtures;
import org.junit.jupiter.api.Test;

/** The champion rule of the models-topic contract. */
class ReleaseBookTest {

    private static final SpecKey SPEC = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);
    private final ReleaseBook book = new ReleaseBook();

    @Test
    void theChampionIsTheHighestVersionWhoseLatestStatusIsChampion() {
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
        assertThat(book.get(new ReleaseKey(Fixtures.MODEL, 2)).orElseThrow().getOnnx().remaining())
                .as("a retired release's graph is not kept").isZero();
        assertThat(book.get(new ReleaseKey(Fixtures.MODEL, 1)).orElseThrow().getOnnx().remaining()).isPositive();
    }

    @Test
    void aTombstoneForgetsARelease() {
        put(1, ReleaseStatus.CHAMPION);
        put(2, ReleaseStatus.CHAMPION);
        book.apply(new ReleaseKey(Fixtures.MODEL, 2), null);
        assertThat(champion()).isEqualTo(1);
        book.apply(new ReleaseKey(Fixtures.MODEL, 1), null);
        assertThat(book.champion(Fixtures.MODEL, SPEC)).isEmpty();
        assertThat(book.specs(Fixtures.MODEL)).isEmpty();
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
        book.apply(new ReleaseKey("other", 9), other);
        ModelRelease nextSpec = ModelRelease.newBuilder(Fixtures.release(5, ReleaseStatus.CHAMPION, new byte[] {1}))
                .setSpecVersion(Fixtures.SPEC_VERSION + 1).build();
        book.apply(new ReleaseKey(Fixtures.MODEL, 5), nextSpec);
        assertThat(champion()).isEqualTo(1);
        assertThat(book.champion(Fixtures.MODEL, new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION + 1))
                .map(ModelRelease::getVersion)).contains(5L);
        assertThat(book.specs(Fixtures.MODEL)).hasSize(2);
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

    private void put(long version, ReleaseStatus status) {
        book.apply(new ReleaseKey(Fixtures.MODEL, version), Fixtures.release(version, status, new byte[] {1, 2, 3}));
    }

    private long champion() {
        return book.champion(Fixtures.MODEL, SPEC).orElseThrow().getVersion();
    }
}
