package dev.gearman.spring.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.interop.PhpClient;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.worker.JobContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.gearman.server.interop.PhpClient.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Boot application whose {@code @GearmanFunction} bean serves jobs that PHP's gearman extension
 * (libgearman) submits: JSON in and out, progress the PHP client sees, an exception surfacing in the PHP client,
 * and a graceful shutdown with a job in flight. Subclasses say which job server sits in between.
 */
abstract class AbstractPhpInteropTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private final String prefix = "spring-" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext application;

	private InteropFunctions functions;

	private PhpClient php;

	@BeforeAll
	static void requirePhp() {
		PhpClient.require();
	}

	/** Properties that point the application at the job server under test. */
	abstract String[] serverProperties();

	/** The port PHP clients use, once the application runs. */
	abstract int serverPort(ConfigurableApplicationContext application);

	@BeforeEach
	void startApplication() {
		String[] properties = List.of(serverProperties()).toArray(new String[0]);
		this.application = new SpringApplicationBuilder(InteropApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.properties("interop.prefix=" + this.prefix, "spring.main.banner-mode=off")
			.run();
		this.functions = this.application.getBean(InteropFunctions.class);
		this.php = new PhpClient("127.0.0.1", serverPort(this.application), this.dir);
	}

	@AfterEach
	void stopApplication() {
		if (this.php != null) {
			this.php.close();
		}
		this.functions.release.countDown();
		this.application.close();
	}

	@Test
	void jsonShouldGoInAndComeOut() {
		Map<String, List<String>> result = this.php.run("do", "normal", this.prefix + "-invoice",
				"{\"id\":\"o-1\",\"quantity\":3,\"unitPrice\":250}");
		assertThat(one(result, "rcname")).isEqualTo("SUCCESS");
		JsonNode invoice = json.readTree(one(result, "result"));
		assertThat(invoice.path("orderId").asString()).isEqualTo("o-1");
		assertThat(invoice.path("total").asInt()).isEqualTo(750);
	}

	@Test
	void progressShouldReachThePhpClientsCallbacks() {
		Map<String, List<String>> result = this.php.run("tasks", this.prefix + "-progress", "abc");
		assertThat(result.get("log")).containsExactly("CREATED", "STATUS:1/2", "DATA:half", "STATUS:2/2",
				"COMPLETE:done abc");
		assertThat(one(result, "ok")).isEqualTo("true");
	}

	@Test
	void progressOfABackgroundJobShouldShowInThePhpClientsJobStatus() {
		Map<String, List<String>> submitted = this.php.run("bg", this.prefix + "-longProgress", "bg");
		assertThat(one(submitted, "rcname")).isEqualTo("SUCCESS");
		String handle = one(submitted, "handle");
		Map<String, List<String>> progress = this.php.run("pollstatus", handle, "3", "7", "15");
		assertThat(progress.get("ok")).as("statuses seen: %s", progress.get("seen")).containsExactly("true");
		this.functions.release.countDown();
		assertThat(this.php.run("pollgone", handle, "10").get("ok")).containsExactly("true");
	}

	@Test
	void exceptionShouldSurfaceInThePhpClient() {
		Map<String, List<String>> done = this.php.run("do", "normal", this.prefix + "-explode", "x");
		assertThat(one(done, "rcname")).isEqualTo("WORK_EXCEPTION");
		Map<String, List<String>> tasks = this.php.run("tasks", this.prefix + "-explode", "y");
		assertThat(tasks.get("log")).contains("EXCEPTION:java.lang.IllegalStateException: no stock for y")
			.noneMatch((entry) -> entry.startsWith("COMPLETE"));
	}

	@Test
	void shutdownShouldLetTheJobInFlightCompleteForThePhpClient() throws Exception {
		InteropFunctions functions = this.functions;
		PhpClient.Run client = this.php.start("do", "normal", this.prefix + "-slow", "last job");
		assertThat(functions.started.await(20, TimeUnit.SECONDS)).as("job started").isTrue();
		ConfigurableApplicationContext closing = this.application;
		CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
		GearmanWorkerRegistry registry = closing.getBean(GearmanWorkerRegistry.class);
		await("worker stopping").atMost(Duration.ofSeconds(10)).until(() -> !registry.isRunning());
		assertThat(closed).as("shutdown waits for the job in flight").isNotDone();
		functions.release.countDown();
		Map<String, List<String>> result = client.await();
		assertThat(one(result, "rcname")).as(client.describe()).isEqualTo("SUCCESS");
		assertThat(one(result, "result")).isEqualTo("done last job");
		closed.get(30, TimeUnit.SECONDS);
		assertThat(closing.isActive()).isFalse();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class InteropApplication {

		@Bean
		InteropFunctions interopFunctions() {
			return new InteropFunctions();
		}

	}

	/** A JSON workload. */
	record Order(String id, int quantity, int unitPrice) {
	}

	/** A JSON result. */
	record Invoice(String orderId, int total) {
	}

	static class InteropFunctions {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@GearmanFunction(name = "${interop.prefix}-invoice")
		Invoice invoice(Order order) {
			return new Invoice(order.id(), order.quantity() * order.unitPrice());
		}

		@GearmanFunction(name = "${interop.prefix}-progress")
		String progress(JobContext job, String text) {
			job.sendStatus(1, 2);
			job.sendData("half".getBytes(StandardCharsets.UTF_8));
			job.sendStatus(2, 2);
			return "done " + text;
		}

		@GearmanFunction(name = "${interop.prefix}-longProgress")
		void longProgress(JobContext job) throws InterruptedException {
			job.sendStatus(3, 7);
			this.release.await(30, TimeUnit.SECONDS);
		}

		@GearmanFunction(name = "${interop.prefix}-explode")
		String explode(String item) {
			throw new IllegalStateException("no stock for " + item);
		}

		@GearmanFunction(name = "${interop.prefix}-slow")
		String slow(String text) throws InterruptedException {
			this.started.countDown();
			if (!this.release.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("not released");
			}
			return "done " + text;
		}

	}

}
