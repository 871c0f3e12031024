package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import org.junit.jupiter.api.Test;

class TrainerProgressCodecTest {

    @Test
    void roundTripsEveryField() {
        ModelConfig config = ModelConfig.deep(2, 2, 8).withArchitecture(2, List.of(3));
        TrainerProgress p = new TrainerProgress();
        p.live = TrainingState.initial(config);
        p.buffer.add(new TrainingExample("e-1", 1000, new float[] {1f, 2f}, new long[] {3, 4}, 1f, 1, 42));
        p.nextVersion = 5;
        p.parentVersion = 3L;
        p.championVersion = 2L;
        p.championParams = TrainingState.initial(config.withSeed(9)).params();
        p.trained(List.of(new TrainingExample("e-0", 900, new float[] {0f, 0f}, new long[] {0, 1}, 0f, 1, 41),
                new TrainingExample("e-00", 800, new float[] {0f, 0f}, new long[] {0, 1}, 0f, 1, 40)), 0.7);
        p.cut(123);
        p.trained(List.of(new TrainingExample("e-2", 1200, new float[] {0f, 0f}, new long[] {0, 1}, 0f, 1, 43)), 0.5);
        p.pending.holdoutCount = 17;
        p.pending.candidateLossSum = 3.5;
        p.pending.candidateAbsErrorSum = 2.25;
        p.pending.differenceSquareSum = 0.5;
        p.lineStart = 4;
        p.followed = "continued from v2";
        p.heldSince = 77L;

        TrainerProgress back = TrainerProgressCodec.decode(TrainerProgressCodec.encode(p));
        assertThat(back.live).isEqualTo(p.live);
        assertThat(back.buffer).hasSize(1);
        assertThat(back.buffer.get(0).eventId()).isEqualTo("e-1");
        assertThat(back.buffer.get(0).sparse()).containsExactly(3, 4);
        assertThat(back.buffer.get(0).offset()).isEqualTo(42);
        assertThat(back.examplesTrained).isEqualTo(3);
        assertThat(back.trainedFromSinceCut).as("earliest event time trained since the cut").isEqualTo(1200);
        assertThat(back.nextVersion).isEqualTo(6);
        assertThat(back.parentVersion).isEqualTo(5L);
        assertThat(back.championParams).isEqualTo(p.championParams);
        assertThat(back.pending.version).isEqualTo(5);
        assertThat(back.pending.parentVersion).isEqualTo(3L);
        assertThat(back.pending.ranges.get(1)).containsExactly(40, 41);
        assertThat(back.pending.fromEventTime).as("earliest event time the release trained on").isEqualTo(800);
        assertThat(back.pending.throughEventTime).isEqualTo(900);
        assertThat(back.pending.trainingLoss).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(back.pending.holdoutCount).isEqualTo(17);
        assertThat(back.pending.candidateLossSum).isEqualTo(3.5);
        assertThat(back.pending.candidateAbsErrorSum).isEqualTo(2.25);
        assertThat(back.pending.params).isEqualTo(p.live.params());
        assertThat(back.pending.differenceSquareSum).isEqualTo(0.5);
        assertThat(back.lineStart).isEqualTo(4);
        assertThat(back.followed).isEqualTo("continued from v2");
        assertThat(back.heldSince).isEqualTo(77L);
    }

    @Test
    void nothingTrainedSinceTheCutHasNoEarliestTime() {
        TrainerProgress p = new TrainerProgress();
        p.live = TrainingState.initial(ModelConfig.deep(2, 2, 8).withArchitecture(2, List.of(3)));
        p.cut(1);
        TrainerProgress back = TrainerProgressCodec.decode(TrainerProgressCodec.encode(p));
        assertThat(back.trainedFromSinceCut).isEqualTo(TrainerProgress.NO_TIME);
        assertThat(back.pending.fromEventTime).isEqualTo(TrainerProgress.NO_TIME);
    }
}
