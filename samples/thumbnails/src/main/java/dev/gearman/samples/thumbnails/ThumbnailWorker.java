package dev.gearman.samples.thumbnails;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.worker.FailJobException;
import org.springframework.stereotype.Component;

/**
 * Serves the {@code thumbnail} function: scales an image to a width, keeping its aspect ratio, with Java's
 * ImageIO. CPU-heavy work like this belongs on workers, not on the web server's request threads.
 */
@Component
public class ThumbnailWorker {

	/**
	 * Resizes an image.
	 * @param request the image and the width
	 * @return the thumbnail as PNG
	 * @throws IOException if the thumbnail cannot be encoded
	 */
	@GearmanFunction
	public Thumbnail thumbnail(ResizeRequest request) throws IOException {
		if (request.width() < 1 || request.width() > 4096) {
			throw new FailJobException("width " + request.width() + " (expected: 1..4096)");
		}
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(request.image()));
		if (image == null) {
			// a refusal with a reason for the caller, not a bug of the worker
			throw new FailJobException("not an image ImageIO can read");
		}
		int width = request.width();
		int height = Math.max(1, Math.round((float) image.getHeight() * width / image.getWidth()));
		BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
		Graphics2D graphics = thumbnail.createGraphics();
		try {
			graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
			graphics.drawImage(image, 0, 0, width, height, null);
		}
		finally {
			graphics.dispose();
		}
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		ImageIO.write(thumbnail, "png", png);
		return new Thumbnail(width, height, png.toByteArray());
	}

}
