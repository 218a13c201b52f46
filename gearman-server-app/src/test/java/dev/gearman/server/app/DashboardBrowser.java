package dev.gearman.server.app;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

/**
 * Headless Chromium (Debian's chromium and chromium-driver, as the crawler sample's page test starts it) signed in to
 * the dashboard of a running server app. The pages refresh their live parts in place, so every lookup here is
 * repeated until it finds a current element; waits end on what the page shows, within {@link #WAIT}.
 * <p>
 * Screenshots go to {@code target/dashboard-screenshots}, and also to the directory named by the system property
 * {@value #SCREENSHOTS_PROPERTY} (the README's pictures: {@code -Dgearman.dashboard.screenshots=../docs/dashboard}).
 */
final class DashboardBrowser implements AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(30);

	static final String SCREENSHOTS_PROPERTY = "gearman.dashboard.screenshots";

	private final String base;

	private final Path profile;

	private final WebDriver driver;

	private final WebDriverWait wait;

	private DashboardBrowser(String base) throws IOException {
		this.base = base;
		this.profile = Files.createTempDirectory("dashboard-chromium");
		ChromeOptions options = new ChromeOptions();
		// naming both binaries keeps Selenium Manager (which would go to the internet) out of it
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--window-size=1400,1000", "--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
		this.wait = new WebDriverWait(this.driver, WAIT);
	}

	/** A browser signed in through the dashboard's form. */
	static DashboardBrowser signedIn(int httpPort, String user, String password) throws IOException {
		DashboardBrowser browser = new DashboardBrowser("http://127.0.0.1:" + httpPort);
		try {
			browser.open("/dashboard/login");
			browser.driver.findElement(By.id("username")).sendKeys(user);
			browser.driver.findElement(By.id("password")).sendKeys(password);
			browser.driver.findElement(By.id("sign-in")).click();
			browser.until((driver) -> driver.getCurrentUrl().endsWith("/dashboard"));
			return browser;
		}
		catch (RuntimeException ex) {
			browser.close();
			throw ex;
		}
	}

	void open(String path) {
		this.driver.get(this.base + path);
	}

	String currentUrl() {
		return this.driver.getCurrentUrl();
	}

	/** Waits until the condition holds, trying again while the page swaps the elements it looks at. */
	<T> T until(Function<WebDriver, T> condition) {
		return this.wait.ignoring(StaleElementReferenceException.class)
			.ignoring(NoSuchElementException.class)
			.until(condition);
	}

	/** The text of the first element the selector finds now. */
	String text(String css) {
		return until((driver) -> driver.findElement(By.cssSelector(css)).getText());
	}

	/**
	 * Waits until the first element the selector finds reads a number, and returns it: a count the store answers
	 * (dead letters) reads "–" in a snapshot taken while the store was slow to answer, and the page refreshes.
	 */
	int count(String css) {
		String text = until((driver) -> {
			String shown = driver.findElement(By.cssSelector(css)).getText();
			return shown.replace(",", "").matches("\\d+") ? shown : null;
		});
		return DashboardPageTests.number(text);
	}

	/** Waits until the first element the selector finds reads the text (the page refreshes itself meanwhile). */
	void waitForText(String css, String expected) {
		try {
			until((driver) -> expected.equals(driver.findElement(By.cssSelector(css)).getText()));
		}
		catch (RuntimeException ex) {
			throw new AssertionError("'" + css + "' reads '" + textOrNothing(css) + "', not '" + expected + "' on "
					+ currentUrl(), ex);
		}
	}

	private String textOrNothing(String css) {
		List<WebElement> found = this.driver.findElements(By.cssSelector(css));
		return found.isEmpty() ? "(nothing)" : found.get(0).getText();
	}

	/** The texts of every element the selector finds now, read in one go on the page. */
	@SuppressWarnings("unchecked")
	List<String> texts(String css) {
		return (List<String>) script("return Array.from(document.querySelectorAll(arguments[0]))"
				+ ".map((e) => e.textContent.trim());", css);
	}

	boolean present(String css) {
		return !this.driver.findElements(By.cssSelector(css)).isEmpty();
	}

	/** Clicks the first element the selector finds, accepting the confirmation the button may ask for. */
	void click(String css) {
		until((driver) -> {
			driver.findElement(By.cssSelector(css)).click();
			return true;
		});
		try {
			Alert alert = this.driver.switchTo().alert();
			alert.accept();
		}
		catch (NoAlertPresentException ex) {
			// no confirmation asked
		}
	}

	Object script(String javascript, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(javascript, arguments);
	}

	Object asyncScript(String javascript, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeAsyncScript(javascript, arguments);
	}

	/** Saves a picture of the page as NAME.png, at the given window size. */
	void screenshot(String name, int width, int height) {
		this.driver.manage().window().setSize(new Dimension(width, height));
		byte[] png = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES);
		try {
			Path target = Path.of("target", "dashboard-screenshots");
			Files.createDirectories(target);
			Files.write(target.resolve(name + ".png"), png);
			String docs = System.getProperty(SCREENSHOTS_PROPERTY);
			if (docs != null && !docs.isBlank()) {
				Path dir = Path.of(docs);
				Files.createDirectories(dir);
				Files.copy(target.resolve(name + ".png"), dir.resolve(name + ".png"),
						StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			FileSystemUtils.deleteRecursively(this.profile.toFile());
		}
	}

}
