package dev.gearman.samples.crawler;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local web site for the crawler to fetch, on a free loopback port: pages {@code /a}, {@code /b}, {@code /c}
 * with titles "Page A" etc., a gated page {@code /gate} whose response waits until {@link #openGate()} (so a test
 * can look at the progress of a crawl stopped half way without guessing at timings), and 404 for anything else.
 */
final class TestSite implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final CountDownLatch gate = new CountDownLatch(1);

	TestSite() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	void openGate() {
		this.gate.countDown();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		try {
			switch (path) {
				case "/a", "/b", "/c" -> page(exchange, 200, "Page " + path.substring(1).toUpperCase());
				case "/gate" -> {
					if (!this.gate.await(20, TimeUnit.SECONDS)) {
						page(exchange, 503, "Gate never opened");
						return;
					}
					page(exchange, 200, "Gated page");
				}
				default -> page(exchange, 404, "Not found");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exchange.close();
		}
	}

	private static void page(HttpExchange exchange, int status, String title) throws IOException {
		byte[] body = ("<html><head><title>" + title + "</title></head><body>" + title + "</body></html>")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		openGate();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
