package dev.gearman.samples.crawler;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.gearman.client.JobPriority;
import dev.gearman.client.JobStatus;
import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Submits crawls as background jobs and reports their progress. The crawl id is the job's unique id, so status
 * is asked with GET_STATUS_UNIQUE and results are found under the same key.
 */
@RestController
@RequestMapping("/api/crawls")
public class CrawlController {

	static final int MAX_URLS = 100;

	private final GearmanTemplate gearman;

	private final CrawlResults results;

	public CrawlController(GearmanTemplate gearman, CrawlResults results) {
		this.gearman = gearman;
		this.results = results;
	}

	/**
	 * Queues a crawl and returns at once.
	 * @param request the URLs
	 * @return the crawl, {@code queued}
	 */
	@PostMapping
	public ResponseEntity<CrawlStatus> submit(@RequestBody CrawlRequest request) {
		validate(request);
		String id = UUID.randomUUID().toString();
		this.gearman.submitBackground("crawl", request, JobPriority.NORMAL, id, null);
		return ResponseEntity.accepted()
			.location(URI.create("/api/crawls/" + id))
			.body(new CrawlStatus(id, "queued", 0, request.urls().size(), List.of()));
	}

	/**
	 * The progress of a crawl, or its results once done.
	 * @param id the crawl id
	 * @return the crawl
	 */
	@GetMapping("/{id}")
	public CrawlStatus status(@PathVariable String id) {
		List<PageResult> pages = this.results.get(id);
		if (pages != null) {
			return new CrawlStatus(id, "done", pages.size(), pages.size(), pages);
		}
		JobStatus status = this.gearman.statusByUnique(id);
		if (!status.known()) {
			// Checked again: the job may have finished between the two looks.
			pages = this.results.get(id);
			return (pages != null) ? new CrawlStatus(id, "done", pages.size(), pages.size(), pages)
					: new CrawlStatus(id, "unknown", 0, 0, List.of());
		}
		return new CrawlStatus(id, status.running() ? "running" : "queued", status.numerator(), status.denominator(),
				List.of());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException ex) {
		return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", ex.getMessage()));
	}

	private static void validate(CrawlRequest request) {
		List<String> urls = request.urls();
		if (urls == null || urls.isEmpty()) {
			throw new IllegalArgumentException("no URLs to crawl");
		}
		if (urls.size() > MAX_URLS) {
			throw new IllegalArgumentException(urls.size() + " URLs, at most " + MAX_URLS + " per crawl");
		}
		for (String url : urls) {
			URI uri;
			try {
				uri = URI.create(url);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("not a URL: " + url);
			}
			if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
					|| uri.getHost() == null) {
				throw new IllegalArgumentException("not an http(s) URL: " + url);
			}
		}
	}

}
