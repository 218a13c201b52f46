package dev.gearman.samples.crawler;

import java.util.List;

/**
 * The workload of a {@code crawl} job, sent as JSON.
 *
 * @param urls the pages to fetch, in order
 */
public record CrawlRequest(List<String> urls) {

}
