package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingCadenceTest {

    @Test
    void theFlightsKeepTheirCadenceAndSmallFilesGetMoreReleases() {
        assertThat(TrainingCadence.forRows(200_000)).isEqualTo(TrainingCadence.LARGE);
        assertThat(TrainingCadence.LARGE.maxAhead()).isEqualTo(5_000);
        assertThat(TrainingCadence.forRows(10_000)).isEqualTo(new TrainingCadence(50, 500, 250));
        assertThat(TrainingCadence.forRows(1_707)).isEqualTo(new TrainingCadence(16, 100, 50));
        assertThat(TrainingCadence.forRows(1_707).maxAhead()).isEqualTo(500);
    }
}
