package ai.factory.cli.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/** Draws learning curves (online loss against examples judged), one line per run, as a PNG; headless, JDK only. */
public final class LearningCurveChart {

    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 220;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private LearningCurveChart() {
    }

    /**
     * Writes the chart of {@code curves} (label → points, in legend order) to {@code png}; {@code lossName} labels the
     * y axis. Lines with no points are listed in the legend only.
     */
    public static void write(String title, String lossName, Map<String, List<LearningCurve.Point>> curves, Path png)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        long maxX = 1;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (List<LearningCurve.Point> points : curves.values()) {
            for (LearningCurve.Point p : points) {
                maxX = Math.max(maxX, p.examples());
                minY = Math.min(minY, p.meanLoss());
                maxY = Math.max(maxY, p.meanLoss());
            }
        }
        if (!(minY <= maxY)) {
            minY = 0;
            maxY = 1;
        }
        double pad = Math.max(1e-3, (maxY - minY) * 0.05);
        double lo = minY - pad;
        double hi = maxY + pad;

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= 5; i++) {
                double y = lo + (hi - lo) * i / 5;
                int py = TOP + plotH - (int) Math.round(plotH * i / 5.0);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(LEFT, py, LEFT + plotW, py);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format("%.3f", y), 10, py + 4);
                long x = Math.round((double) maxX * i / 5);
                int px = LEFT + (int) Math.round(plotW * i / 5.0);
                g.drawString(String.format("%,d", x), px - 20, TOP + plotH + 20);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("examples judged", LEFT + plotW / 2 - 40, HEIGHT - 15);
            g.drawString(lossName, 10, TOP - 10);

            int index = 0;
            for (Map.Entry<String, List<LearningCurve.Point>> curve : curves.entrySet()) {
                Color color = COLORS[index % COLORS.length];
                g.setColor(color);
                g.setStroke(new BasicStroke(2f));
                Path2D.Double line = new Path2D.Double();
                boolean first = true;
                for (LearningCurve.Point p : curve.getValue()) {
                    double px = LEFT + plotW * (double) p.examples() / maxX;
                    double py = TOP + plotH - plotH * (p.meanLoss() - lo) / (hi - lo);
                    if (first) {
                        line.moveTo(px, py);
                        first = false;
                    } else {
                        line.lineTo(px, py);
                    }
                }
                g.draw(line);
                int ly = TOP + 20 + 20 * index;
                g.fillRect(LEFT + plotW + 15, ly - 8, 14, 4);
                g.setColor(Color.BLACK);
                g.drawString(curve.getKey(), LEFT + plotW + 35, ly);
                index++;
            }
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }
}
