package dev.gearman.samples.thumbnails;

/**
 * The workload of a {@code thumbnail} job, sent as JSON (the image base64-encoded).
 *
 * @param width the thumbnail's width in pixels; the height keeps the aspect ratio
 * @param image the uploaded image, in any format ImageIO reads (PNG, JPEG, GIF, BMP)
 */
public record ResizeRequest(int width, byte[] image) {

}
