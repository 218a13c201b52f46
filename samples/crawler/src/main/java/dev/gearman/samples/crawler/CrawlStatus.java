package dev.gearman.samples.crawler;

import java.util.List;

/**
 * A crawl as the page sees it.
 *
 * @param id the crawl id
 * @param state {@code queued}, {@code running}, {@code done} or {@code unknown}
 * @param done URLs fetched so far (the job's status numerator)
 * @param total URLs in all (the denominator), 0 until the worker reports
 * @param pages the results, once done
 */
public record CrawlStatus(String id, String state, long done, long total, List<PageResult> pages) {

}
