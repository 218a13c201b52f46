package dev.gearman.samples.crawler;

import java.util.ArrayList;
import java.util.List;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.worker.JobContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Serves the {@code crawl} function: fetches each URL in turn and reports progress (WORK_STATUS done/total) after
 * each one, which clients see through GET_STATUS while the job runs in the background.
 */
@Component
public class CrawlWorker {

	private static final Logger logger = LoggerFactory.getLogger(CrawlWorker.class);

	private final PageFetcher fetcher;

	private final CrawlResults results;

	public CrawlWorker(PageFetcher fetcher, CrawlResults results) {
		this.fetcher = fetcher;
		this.results = results;
	}

	/**
	 * Crawls the requested URLs.
	 * @param request the URLs
	 * @param job the running job, for progress and its unique id (the crawl id)
	 * @return the number of pages fetched
	 */
	@GearmanFunction
	public int crawl(CrawlRequest request, JobContext job) {
		List<String> urls = request.urls();
		List<PageResult> pages = new ArrayList<>(urls.size());
		job.sendStatus(0, urls.size());
		for (String url : urls) {
			pages.add(this.fetcher.fetch(url));
			job.sendStatus(pages.size(), urls.size());
		}
		// Stored before the job completes, so once the server forgets the job its results are already here.
		this.results.put(job.unique(), pages);
		logger.info("Crawl {} fetched {} pages", job.unique(), pages.size());
		return pages.size();
	}

}
