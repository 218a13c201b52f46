package dev.gearman.samples.crawler;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * Fetches one page with the JDK's HTTP client. Bodies are read up to {@value #MAX_BODY} bytes, so a huge or
 * endless page cannot exhaust the worker's memory, and every fetch is bounded in time.
 */
@Component
public class PageFetcher {

	static final int MAX_BODY = 1024 * 1024;

	private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NORMAL)
		.build();

	/**
	 * Fetches a page; failures become a result with an error rather than an exception, so one bad URL does not
	 * fail the whole crawl.
	 * @param url the URL
	 * @return what the fetch gave
	 */
	public PageResult fetch(String url) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
			HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
			byte[] body;
			try (InputStream in = response.body()) {
				body = in.readNBytes(MAX_BODY);
			}
			return new PageResult(url, response.statusCode(), body.length, title(body), null);
		}
		catch (IOException | IllegalArgumentException ex) {
			return new PageResult(url, 0, 0, null, ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new PageResult(url, 0, 0, null, "interrupted");
		}
	}

	private static String title(byte[] body) {
		Matcher matcher = TITLE.matcher(new String(body, StandardCharsets.UTF_8));
		return matcher.find() ? matcher.group(1).strip().replaceAll("\\s+", " ") : null;
	}

}
