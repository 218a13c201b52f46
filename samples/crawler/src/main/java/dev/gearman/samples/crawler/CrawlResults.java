package dev.gearman.samples.crawler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Finished crawls by crawl id (the job's unique id), written by the worker and read by the status endpoint. Only
 * the newest {@value #CAPACITY} are kept, so memory stays bounded however many crawls run.
 * <p>
 * Kept in memory because worker and page share one application here; with workers in other processes, results
 * would go to a shared store (a database, a cache) instead.
 */
@Component
public class CrawlResults {

	static final int CAPACITY = 100;

	private final Map<String, List<PageResult>> finished = new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, List<PageResult>> eldest) {
			return size() > CAPACITY;
		}

	};

	/**
	 * Records a finished crawl.
	 * @param id the crawl id
	 * @param pages what each URL gave, in order
	 */
	public synchronized void put(String id, List<PageResult> pages) {
		this.finished.put(id, List.copyOf(pages));
	}

	/**
	 * A finished crawl.
	 * @param id the crawl id
	 * @return its pages, or {@code null} if it has not finished (or was evicted)
	 */
	public synchronized @Nullable List<PageResult> get(String id) {
		return this.finished.get(id);
	}

}
