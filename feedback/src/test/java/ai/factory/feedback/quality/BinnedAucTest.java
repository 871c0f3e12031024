package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BinnedAucTest {

    @Test
    void staysWithinItsStatedErrorOfTheExactAuc() {
        for (int bins : new int[] {10, 100, 1000}) {
            Random random = new Random(bins);
            int n = 2000;
            double[] scores = new double[n];
            boolean[] positive = new boolean[n];
            BinnedAuc auc = new BinnedAuc(bins);
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextDouble();
                positive[i] = random.nextDouble() < scores[i];
                auc.add(scores[i], positive[i]);
            }
            double exact = exact(scores, positive);
            assertThat(Math.abs(auc.auc().orElseThrow() - exact)).as("bins %d", bins).isLessThanOrEqualTo(auc.errorBound());
            assertThat(auc.errorBound()).isLessThan(1.0 / bins + 0.01);
        }
    }

    @Test
    void isExactWhenNoPairSharesABinAndUndefinedWithOneClass() {
        BinnedAuc auc = new BinnedAuc(100);
        assertThat(auc.auc()).isEmpty();
        auc.add(0.9, true);
        assertThat(auc.auc()).isEmpty();
        auc.add(0.1, false);
        auc.add(0.2, true);
        assertThat(auc.auc().orElseThrow()).isEqualTo(1.0);
        auc.add(0.95, false);
        assertThat(auc.auc().orElseThrow()).isEqualTo(0.5);
        assertThat(auc.errorBound()).isZero();
    }

    @Test
    void survivesASerializationRoundTrip() throws Exception {
        BinnedAuc auc = new BinnedAuc(50);
        auc.add(0.3, true);
        auc.add(0.7, false);
        auc.add(1.5, true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        auc.write(new DataOutputStream(bytes));
        BinnedAuc copy = BinnedAuc.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(copy.auc()).isEqualTo(auc.auc());
        assertThat(copy.errorBound()).isEqualTo(auc.errorBound());
    }

    private static double exact(double[] scores, boolean[] positive) {
        double wins = 0;
        long p = 0;
        long n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) {
                p++;
                for (int j = 0; j < scores.length; j++) {
                    if (!positive[j]) {
                        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            } else {
                n++;
            }
        }
        return wins / ((double) p * n);
    }
}
