package dev.gearman.samples.crawler;

import org.jspecify.annotations.Nullable;

/**
 * What fetching one URL gave.
 *
 * @param url the URL
 * @param status the HTTP status, or 0 when no response came
 * @param bytes the body's size, counted up to the fetcher's limit
 * @param title the HTML title, if any
 * @param error why no response came, if so
 */
public record PageResult(String url, int status, long bytes, @Nullable String title, @Nullable String error) {

}
