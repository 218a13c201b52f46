package dev.gearman.samples.thumbnails;

/**
 * One resized image, the result of a {@code thumbnail} job and part of the web response.
 *
 * @param width its width in pixels
 * @param height its height in pixels
 * @param png the image as PNG (base64 in JSON)
 */
public record Thumbnail(int width, int height, byte[] png) {

}
