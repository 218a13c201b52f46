package dev.gearman.samples.thumbnails;

import java.io.IOException;
import java.util.List;

import dev.gearman.spring.core.BatchResult;
import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /thumbnails} with a multipart {@code image}: one {@code thumbnail} job per configured width, all
 * submitted at once with {@link GearmanTemplate#callAll}, so that free workers resize them in parallel.
 */
@RestController
public class ThumbnailController {

	private final GearmanTemplate gearman;

	private final List<Integer> widths;

	public ThumbnailController(GearmanTemplate gearman, @Value("${thumbnails.widths}") List<Integer> widths) {
		this.gearman = gearman;
		this.widths = widths;
	}

	/**
	 * Resizes an upload to every configured width. A worker that refuses it (not an image) fails the batch at once,
	 * and {@code gearman.web.problem-details.enabled} turns that into a 422 problem detail with the worker's reason.
	 * @param image the upload
	 * @return one thumbnail per width
	 * @throws IOException if the upload cannot be read
	 */
	@PostMapping("/thumbnails")
	public List<Thumbnail> thumbnails(@RequestParam MultipartFile image) throws IOException {
		byte[] bytes = image.getBytes();
		List<ResizeRequest> jobs = this.widths.stream().map((width) -> new ResizeRequest(width, bytes)).toList();
		return this.gearman.callAll("thumbnail", jobs, Thumbnail.class, BatchResult.Mode.FAIL_FAST).values();
	}

}
