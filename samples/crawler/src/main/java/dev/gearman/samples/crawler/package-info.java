/**
 * Crawler with progress: a background {@code crawl} job fetches a list of URLs and reports WORK_STATUS after each
 * one; a web page submits it and polls its status.
 */
@NullMarked
package dev.gearman.samples.crawler;

import org.jspecify.annotations.NullMarked;
