package dev.gearman.samples.crawler;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the crawler page in headless Chromium (Debian's chromium and chromium-driver): submits a crawl of a
 * local test site, sees the progress bar stop half way while the site holds one page back, then sees it finish
 * and the results table appear; a refused request shows its reason.
 */
// Selenium warns that it has no DevTools (CDP) bindings for Debian's Chromium version; harmless, as the test uses
// WebDriver only. Same configuration as CrawlerApiTests, so that both share one application context.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@EmbeddedGearmanServer
class CrawlerPageTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	private TestSite site;

	private Path profile;

	private WebDriver browser;

	@BeforeEach
	void start() throws IOException {
		this.site = new TestSite();
		this.profile = Files.createTempDirectory("crawler-chromium");
		ChromeOptions options = new ChromeOptions();
		// Naming both binaries keeps Selenium Manager (which would go to the internet) out of it.
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stop() {
		try {
			if (this.browser != null) {
				this.browser.quit();
			}
		}
		finally {
			this.site.close();
			FileSystemUtils.deleteRecursively(this.profile.toFile());
		}
	}

	@Test
	void pageShouldShowProgressAndThenResults() {
		List<String> urls = List.of(this.site.url("/a"), this.site.url("/b"), this.site.url("/gate"),
				this.site.url("/c"), this.site.url("/missing"));
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		WebElement input = this.browser.findElement(By.id("urls"));

		// A refused request shows the server's reason and queues nothing.
		input.sendKeys("ftp://127.0.0.1/file");
		this.browser.findElement(By.id("crawl")).click();
		wait.until(ExpectedConditions.textToBe(By.id("error"), "not an http(s) URL: ftp://127.0.0.1/file"));

		input.clear();
		input.sendKeys(String.join("\n", urls));
		this.browser.findElement(By.id("crawl")).click();
		WebElement progress = this.browser.findElement(By.id("progress"));
		// The worker has fetched /a and /b and waits for /gate: the bar must stand at 2 of 5.
		wait.until(ExpectedConditions.attributeToBe(progress, "value", "2"));
		assertThat(progress.getDomProperty("max")).isEqualTo("5");
		assertThat(this.browser.findElement(By.id("progress-text")).getText()).isEqualTo("2 / 5");
		assertThat(this.browser.findElement(By.id("state")).getText()).isEqualTo("running");
		assertThat(this.browser.findElement(By.id("results")).isDisplayed()).isFalse();

		this.site.openGate();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("results")));
		assertThat(progress.getDomProperty("value")).isEqualTo("5");
		assertThat(this.browser.findElement(By.id("state")).getText()).isEqualTo("done");
		List<List<String>> rows = this.browser.findElements(By.cssSelector("#results tbody tr"))
			.stream()
			.map((row) -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
			.toList();
		assertThat(rows).extracting((row) -> row.get(0)).containsExactlyElementsOf(urls);
		assertThat(rows).extracting((row) -> row.get(1)).containsExactly("200", "200", "200", "200", "404");
		assertThat(rows).extracting((row) -> row.get(3))
			.containsExactly("Page A", "Page B", "Gated page", "Page C", "Not found");
	}

}
