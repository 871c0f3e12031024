package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurveChartTest {

    @Test
    void drawsEachCurveInItsOwnColour(@TempDir Path dir) throws Exception {
        LearningCurve falling = new LearningCurve(10, 100);
        LearningCurve flat = new LearningCurve(10, 100);
        for (int i = 0; i < 1000; i++) {
            falling.add(0.7 - 0.2 * i / 1000.0);
            flat.add(0.6);
        }
        Map<String, List<LearningCurve.Point>> curves = new LinkedHashMap<>();
        curves.put("model", falling.points());
        curves.put("constant", flat.points());
        Path png = dir.resolve("charts/curve.png");

        LearningCurveChart.write("test", "log loss", curves, png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(960);
        boolean blue = false;
        boolean red = false;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                blue |= rgb == 0x1f77b4;
                red |= rgb == 0xd62728;
            }
        }
        assertThat(blue).as("first curve drawn").isTrue();
        assertThat(red).as("second curve drawn").isTrue();
    }
}
