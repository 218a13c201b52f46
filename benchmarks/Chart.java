import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Draws the benchmark's ratios (ours / gearmand) as horizontal bars on a log scale, one per figure, green where the
 * figure meets its target, red where it misses, grey where it has none. Input: the TSV run.sh writes with OUT=
 * (label, ours, gearmand, ratio, target). Run with {@code java -Djava.awt.headless=true Chart.java IN.tsv OUT.png}.
 */
public final class Chart {

	private static final double MIN = 0.125;

	private static final double MAX = 8;

	record Row(String label, double ratio, String target) {

		Boolean met() {
			if (this.target.length() < 3) {
				return null;
			}
			double limit = Double.parseDouble(this.target.substring(2));
			return this.target.startsWith(">=") ? this.ratio >= limit : this.ratio <= limit;
		}

	}

	public static void main(String[] args) throws IOException {
		List<Row> rows = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of(args[0]))) {
			String[] cells = line.split("\t", -1);
			if (cells.length < 5 || cells[3].equals("-")) {
				continue;
			}
			rows.add(new Row(cells[0], Double.parseDouble(cells[3]), cells[4]));
		}
		int labelWidth = 330;
		int plotWidth = 520;
		int rowHeight = 26;
		int top = 56;
		int width = labelWidth + plotWidth + 40;
		int height = top + rows.size() * rowHeight + 50;
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, height);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
		g.drawString("Ours / gearmand (median of interleaved runs, log scale)", 12, 24);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		g.drawString("green: target met, red: target missed, grey: no target; rates: higher is better, "
				+ "latency and memory: lower is better", 12, 42);
		int x0 = labelWidth;
		// grid
		for (double tick = MIN; tick <= MAX; tick *= 2) {
			int x = x(tick, x0, plotWidth);
			g.setColor((tick == 1) ? Color.DARK_GRAY : new Color(225, 225, 225));
			g.setStroke(new BasicStroke((tick == 1) ? 2f : 1f));
			g.drawLine(x, top - 4, x, top + rows.size() * rowHeight);
			g.setColor(Color.DARK_GRAY);
			String text = (tick < 1) ? "1/" + Math.round(1 / tick) : String.valueOf(Math.round(tick));
			g.drawString(text + "×", x - 10, top + rows.size() * rowHeight + 18);
		}
		g.setStroke(new BasicStroke(1f));
		for (int i = 0; i < rows.size(); i++) {
			Row row = rows.get(i);
			int y = top + i * rowHeight;
			Boolean met = row.met();
			Color color = (met == null) ? new Color(160, 160, 160)
					: met ? new Color(60, 160, 80) : new Color(210, 70, 60);
			int xOne = x(1, x0, plotWidth);
			int xr = x(Math.max(MIN, Math.min(MAX, row.ratio)), x0, plotWidth);
			g.setColor(color);
			g.fillRect(Math.min(xOne, xr), y + 4, Math.max(2, Math.abs(xr - xOne)), rowHeight - 8);
			g.setColor(Color.BLACK);
			g.drawString(row.label, 12, y + rowHeight - 9);
			String value = String.format("%.2f", row.ratio) + (row.target.isEmpty() ? "" : "  (" + row.target + ")");
			int tx = (xr >= xOne) ? xr + 4 : Math.max(x0 + 2, xr - 4 - g.getFontMetrics().stringWidth(value));
			if (xr >= xOne && tx + g.getFontMetrics().stringWidth(value) > width - 4) {
				tx = width - 4 - g.getFontMetrics().stringWidth(value);
			}
			g.drawString(value, tx, y + rowHeight - 9);
		}
		g.dispose();
		ImageIO.write(image, "png", new File(args[1]));
	}

	private static int x(double ratio, int x0, int plotWidth) {
		double position = (Math.log(ratio) - Math.log(MIN)) / (Math.log(MAX) - Math.log(MIN));
		return x0 + (int) Math.round(position * plotWidth);
	}

}
