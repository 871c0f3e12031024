package ai.factory.ops.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelBookTest {

    private static ModelVersionView release(String name, long version, String status) {
        return new ModelVersionView(name, version, version > 1 ? version - 1 : null, status, "", "logistic", "flights", 1, 3, 16,
                1000 * version, 100 * version, 500 * version, List.of(), Map.of(), Map.of(), 4, false, 0, version);
    }

    @Test
    void theChampionIsTheHighestVersionWhoseLatestStatusIsChampion() {
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
}
