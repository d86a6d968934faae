package dev.governor.benchmarks.loop;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A line chart of series over time, drawn with Java2D into a PNG: no plotting tool needed. */
public final class Plot {

    /** One line: a name and its points (x seconds, y value). */
    public record Series(String name, List<double[]> points) {
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    private Plot() {
    }

    public static void write(Path file, String title, String xLabel, String yLabel, List<Series> series,
                             List<double[]> shaded) throws IOException {
        int width = 1000;
        int height = 520;
        int left = 70;
        int right = 200;
        int top = 40;
        int bottom = 50;
        double maxX = 1;
        double maxY = 1;
        for (Series s : series) {
            for (double[] p : s.points()) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        maxY = Math.ceil(maxY * 1.1 / 4) * 4;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        // shaded x ranges: the phases with more callers
        g.setColor(new Color(0xf0f0f0));
        for (double[] range : shaded) {
            int x0 = left + (int) (range[0] / maxX * plotW);
            int x1 = left + (int) (Math.min(range[1], maxX) / maxX * plotW);
            g.fillRect(x0, top, Math.max(1, x1 - x0), plotH);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xcccccc));
        for (int i = 0; i <= 4; i++) {
            int y = top + plotH - i * plotH / 4;
            g.drawLine(left, y, left + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.0f", maxY * i / 4), left - 35, y + 4);
            g.setColor(new Color(0xcccccc));
        }
        int ticks = 10;
        for (int i = 0; i <= ticks; i++) {
            int x = left + i * plotW / ticks;
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.0f", maxX * i / ticks), x - 8, top + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotW, plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, left + plotW / 2 - 40, height - 12);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + plotH / 2 + 60), 20);
        g.rotate(Math.PI / 2);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(i == series.size() - 1 ? 2.5f : 1.8f));
            int px = -1;
            int py = -1;
            for (double[] p : s.points()) {
                int x = left + (int) (p[0] / maxX * plotW);
                int y = top + plotH - (int) (p[1] / maxY * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, py);
                    g.drawLine(x, py, x, y);
                }
                px = x;
                py = y;
            }
            int ly = top + 20 + i * 20;
            g.fillRect(left + plotW + 15, ly - 8, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), left + plotW + 40, ly - 2);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
