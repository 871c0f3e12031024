package ai.factory.ops.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import ai.factory.records.ReleaseActor;
import ai.factory.release.ReleaseFacts;
import org.junit.jupiter.api.Test;

class ModelBookTest {

    private static ModelVersionView release(String name, long version, String status) {
        return new ModelVersionView(name, version, version > 1 ? version - 1 : null, status, "", "TRAINER", "logistic", "flights", 1, 3, 16,
                1000 * version, 100 * version, null, 500 * version, List.of(), Map.of(), Map.of(), 4, false, 0, version, version);
    }

    @Test
    void theChampionIsTheLatestChampionRecord() {
        ModelBook book = new ModelBook();
        book.apply("m/1", release("m", 1, "CHAMPION"));
        book.apply("m/2", release("m", 2, "CHAMPION"));
        book.apply("m/3", release("m", 3, "CANDIDATE"));
        book.apply("other/9", release("other", 9, "CHAMPION"));
        assertThat(book.champion("m")).map(ModelVersionView::version).contains(2L);

        // Rolling back republishes the champion as RETIRED: the previous one is current again.
        book.apply("m/2", release("m", 2, "RETIRED"));
        assertThat(book.champion("m")).map(ModelVersionView::version).contains(1L);
        assertThat(book.versions()).filteredOn(ModelVersionView::champion).extracting(ModelVersionView::key)
                .containsExactlyInAnyOrder("m/1", "other/9");
    }

    @Test
    void versionsAreListedNewestFirstAndTombstonesDelete() {
        ModelBook book = new ModelBook();
        book.apply("m/1", release("m", 1, "CHAMPION"));
        book.apply("m/2", release("m", 2, "CANDIDATE"));
        book.apply("m/10", release("m", 10, "CANDIDATE"));
        assertThat(book.versions()).extracting(ModelVersionView::version).containsExactly(10L, 2L, 1L);
        book.apply("m/1", null);
        assertThat(book.champion("m")).isEmpty();
        assertThat(book.versions()).hasSize(2);
    }

    @Test
    void tenThousandReleasesAreListedBoundedWithTheChampionWhereverItIs() {
        ModelBook book = new ModelBook();
        book.apply("m/1", release("m", 1, "CHAMPION"));
        for (long v = 2; v <= 10_000; v++) {
            book.apply("m/" + v, release("m", v, v % 1_000 == 0 ? "CHAMPION" : "CANDIDATE"));
            book.apply("other/" + v, release("other", v, "CANDIDATE"));
        }
        assertThat(book.size()).isEqualTo(19_999);
        assertThat(book.champion("m")).map(ModelVersionView::version).contains(10_000L);
        assertThat(book.champion("other")).isEmpty();

        ModelListing listing = book.listing();
        assertThat(listing.versions()).hasSize(2 * ModelBook.LISTED_PER_MODEL);
        assertThat(listing.versions()).filteredOn(v -> v.name().equals("m")).extracting(ModelVersionView::version)
                .startsWith(10_000L, 9_999L).endsWith(10_000L - ModelBook.LISTED_PER_MODEL + 1);
        assertThat(listing.models()).containsExactly(
                new ModelListing.Model("m", 10_000, ModelBook.LISTED_PER_MODEL, 10_000, 10_000L),
                new ModelListing.Model("other", 9_999, ModelBook.LISTED_PER_MODEL, 10_000, null));
        assertThat(listing.total()).isEqualTo(19_999);

        // Rolled back to the first champion: listed once, after the newest, still marked; none before it.
        for (long v = 10_000; v >= 1_000; v -= 1_000) {
            book.apply("m/" + v, release("m", v, "RETIRED"));
        }
        assertThatThrownBy(() -> book.rollback("m", ReleaseActor.OPERATOR, ""))
                .hasMessage("m/1 is the only champion; rolling back would leave the scorers without a model");
        listing = book.listing();
        List<ModelVersionView> m = listing.versions().stream().filter(v -> v.name().equals("m")).toList();
        assertThat(m).hasSize(ModelBook.LISTED_PER_MODEL + 1);
        assertThat(m.get(m.size() - 1)).extracting(ModelVersionView::version, ModelVersionView::champion).containsExactly(1L, true);
        assertThat(m).filteredOn(ModelVersionView::champion).hasSize(1);
        assertThat(listing.models().get(0).champion()).isEqualTo(1L);

        // Any version is still there for the operator actions.
        assertThat(book.version("m", 17)).map(ModelVersionView::status).contains("CANDIDATE");
        assertThat(book.version("m", 1)).map(ModelVersionView::champion).contains(true);
        book.apply("m/9000", release("m", 9_000, "CHAMPION"));
        assertThat(book.rollback("m", ReleaseActor.OPERATOR, "").championAfter()).map(ReleaseFacts::version).contains(1L);
        assertThat(book.versions()).hasSize(19_999);
    }

    private static ModelVersionView decided(String name, long version, Long parent, String status, String by, String reason,
                                            long offset) {
        return new ModelVersionView(name, version, parent, status, reason, by, "logistic", "flights", 1, 3, 16,
                1000 * version, 100 * version, null, 500 * version, List.of(), Map.of(), Map.of(), 4, false, 0, offset, 10 * offset);
    }

    @Test
    void theFirstScreenIsTheChampionsLineageAndTheLatestDecisions() {
        ModelBook book = new ModelBook();
        long offset = 0;
        book.apply("m/1", decided("m", 1, null, "CHAMPION", "TRAINER", "first", offset++));
        long parent = 1;
        for (long v = 2; v <= 300; v++) {
            boolean promoted = v % 25 == 0;
            book.apply("m/" + v, decided("m", v, parent, promoted ? "CHAMPION" : "REJECTED", "AUTOMATIC",
                    promoted ? "online: paired log loss better" : "online: paired log loss worse", offset++));
            parent = promoted ? v : parent;
        }
        book.apply("m/300", decided("m", 300, 275L, "ROLLED_BACK", "AUTOMATIC", "online: worse after promotion", offset++));

        ModelOverview m = book.overviews().get(0);
        assertThat(m.name()).isEqualTo("m");
        assertThat(m.total()).isEqualTo(300);
        assertThat(m.champion().version()).isEqualTo(275);
        assertThat(m.lineage()).hasSize(ModelBook.LINEAGE).extracting(ModelVersionView::version)
                .startsWith(275L, 250L, 225L).endsWith(50L);
        assertThat(m.lineage()).filteredOn(ModelVersionView::champion).extracting(ModelVersionView::version).containsExactly(275L);
        assertThat(m.decisions()).hasSize(ModelBook.DECISIONS).extracting(ModelVersionView::version)
                .startsWith(300L, 299L).endsWith(281L);
        assertThat(m.decisions().get(0)).extracting(ModelVersionView::status, ModelVersionView::statusBy,
                ModelVersionView::statusReason, ModelVersionView::decidedAt)
                .containsExactly("ROLLED_BACK", "AUTOMATIC", "online: worse after promotion", 3000L);
        assertThat(m.counts()).containsExactly(Map.entry("CANDIDATE", 0), Map.entry("CHAMPION", 12),
                Map.entry("REJECTED", 287), Map.entry("ROLLED_BACK", 1), Map.entry("RETIRED", 0));
        assertThat(book.overviews(3, 5).get(0)).satisfies(o -> {
            assertThat(o.lineage()).hasSize(3);
            assertThat(o.decisions()).hasSize(5);
        });

        ModelPage first = book.page("m", 0, 50);
        assertThat(first.total()).isEqualTo(300);
        assertThat(first.versions()).hasSize(50).extracting(ModelVersionView::version).startsWith(300L).endsWith(251L);
        assertThat(book.page("m", 5, 50).versions()).extracting(ModelVersionView::version).endsWith(1L);
        assertThat(book.page("m", 6, 50).versions()).isEmpty();
        assertThat(book.page("boats", 0, 50).total()).isZero();
        assertThatThrownBy(() -> book.page("m", 0, ModelBook.MAX_PAGE_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> book.page("m", -1, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aModelWithoutAChampionHasDecisionsButNoLineage() {
        ModelBook book = new ModelBook();
        book.apply("m/1", decided("m", 1, null, "CANDIDATE", "TRAINER", "published", 0));
        ModelOverview m = book.overviews().get(0);
        assertThat(m.champion()).isNull();
        assertThat(m.lineage()).isEmpty();
        assertThat(m.decisions()).extracting(ModelVersionView::version).containsExactly(1L);
    }

    /** The book against the contract read literally: scan every version, as the book did before it kept an index. */
    @Test
    void agreesWithAScanOfEveryVersionOnRandomRecords() {
        Random random = new Random(42);
        ModelBook book = new ModelBook();
        Map<String, ModelVersionView> reference = new TreeMap<>();
        String[] statuses = {"CANDIDATE", "CHAMPION", "RETIRED", "REJECTED"};
        for (int i = 0; i < 5_000; i++) {
            String name = random.nextBoolean() ? "a" : "b";
            long version = 1 + random.nextInt(60);
            String key = name + "/" + version;
            ModelVersionView view = random.nextInt(10) == 0 ? null : release(name, version, statuses[random.nextInt(4)]);
            book.apply(key, view);
            if (view == null) {
                reference.remove(key);
            } else {
                reference.put(key, view);
            }
            if (i % 50 == 0) {
                for (String model : List.of("a", "b")) {
                    Optional<Long> expected = scanChampion(reference, model);
                    assertThat(book.champion(model).map(ModelVersionView::version)).isEqualTo(expected);
                    List<ModelVersionView> all = reference.values().stream().filter(v -> v.name().equals(model))
                            .sorted(Comparator.comparingLong(ModelVersionView::version).reversed()).toList();
                    List<Long> newest = new ArrayList<>(all.stream().limit(10).map(ModelVersionView::version).toList());
                    expected.filter(c -> !newest.contains(c)).ifPresent(newest::add);
                    assertThat(book.listing(10).versions()).filteredOn(v -> v.name().equals(model))
                            .extracting(ModelVersionView::version).containsExactlyElementsOf(newest);
                    assertThat(book.listing(10).versions()).filteredOn(v -> v.name().equals(model) && v.champion())
                            .extracting(ModelVersionView::version).containsExactlyElementsOf(expected.stream().toList());
                }
                assertThat(book.versions()).extracting(ModelVersionView::key)
                        .containsExactlyInAnyOrderElementsOf(reference.keySet());
            }
        }
    }

    private static Optional<Long> scanChampion(Map<String, ModelVersionView> all, String name) {
        return all.values().stream().filter(v -> v.name().equals(name) && v.status().equals("CHAMPION"))
                .map(ModelVersionView::version).max(Long::compare);
    }
}
