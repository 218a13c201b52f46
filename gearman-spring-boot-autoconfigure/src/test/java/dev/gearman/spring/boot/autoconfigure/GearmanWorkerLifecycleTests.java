package dev.gearman.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobRequest;
import dev.gearman.client.JobStatus;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.EnabledOnJre;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When workers start and how they stop: after the context is refreshed, and on close they stop taking jobs and
 * let the jobs in flight finish (within {@code gearman.worker.shutdown-timeout}). Handlers run on virtual threads
 * when {@code spring.threads.virtual.enabled=true} on Java 21+. Uses a job server outside the context, so it
 * outlives the application.
 */
class GearmanWorkerLifecycleTests {

	private GearmanServer server;

	private GearmanClient client;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startServer() {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress("127.0.0.1");
		settings.setPort(0);
		this.server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		this.server.start();
		this.client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + this.server.port())
			.withDefaultTimeout(Duration.ofSeconds(20)));
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GearmanAutoConfiguration.class))
			.withPropertyValues("gearman.servers=127.0.0.1:" + this.server.port());
	}

	@AfterEach
	void stopServer() {
		this.client.close();
		this.server.stop();
	}

	@Test
	void workerShouldStartOnlyAfterTheContextIsRefreshed() {
		this.contextRunner.withUserConfiguration(SlowConfiguration.class, StartupProbe.class).run((context) -> {
			assertThat(context.getBean(StartupProbe.class).runningDuringInitialization).isFalse();
			GearmanWorkerRegistry registry = context.getBean(GearmanWorkerRegistry.class);
			assertThat(registry.isRunning()).isTrue();
			assertThat(registry.getContainer()).isNotNull();
		});
	}

	@Test
	void closeShouldStopTakingJobsAndLetTheJobInFlightFinish() throws Exception {
		AtomicReference<CompletableFuture<byte[]>> first = new AtomicReference<>();
		AtomicReference<JobHandle> second = new AtomicReference<>();
		this.contextRunner.withUserConfiguration(SlowConfiguration.class)
			.withPropertyValues("gearman.worker.shutdown-timeout=20s")
			.run((context) -> {
				SlowFunctions functions = context.getBean(SlowFunctions.class);
				first.set(this.client.submit(JobRequest.of("slow", "first".getBytes())));
				assertThat(functions.started.await(10, TimeUnit.SECONDS)).as("first job started").isTrue();
				CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
				GearmanWorkerRegistry registry = context.getBean(GearmanWorkerRegistry.class);
				await("registry stopping").atMost(Duration.ofSeconds(10)).until(() -> !registry.isRunning());
				second.set(this.client.submitBackground(JobRequest.of("slow", "second".getBytes()))
					.get(10, TimeUnit.SECONDS));
				assertThat(closed).as("close waits for the job in flight").isNotDone();
				assertThat(first.get()).isNotDone();
				functions.release.countDown();
				closed.get(20, TimeUnit.SECONDS);
			});
		assertThat(new String(first.get().get(10, TimeUnit.SECONDS))).isEqualTo("done first");
		JobStatus status = this.client.getStatus(second.get()).get(10, TimeUnit.SECONDS);
		assertThat(status.known()).as("job submitted during shutdown stays queued").isTrue();
		assertThat(status.running()).isFalse();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsPropertyShouldRunHandlersOnVirtualThreads() {
		this.contextRunner.withUserConfiguration(ThreadConfiguration.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(context.getBean(GearmanTemplate.class).call("thread", "x"))
				.isEqualTo("virtual=true"));
	}

	@Test
	void withoutTheVirtualThreadsPropertyHandlersShouldRunOnPlatformThreads() {
		this.contextRunner.withUserConfiguration(ThreadConfiguration.class)
			.run((context) -> assertThat(context.getBean(GearmanTemplate.class).call("thread", "x"))
				.isEqualTo("virtual=false"));
	}

	@Test
	@EnabledOnJre(JRE.JAVA_17)
	void virtualThreadsPropertyOnJava17ShouldFallBackToPlatformThreads() {
		this.contextRunner.withUserConfiguration(ThreadConfiguration.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(context.getBean(GearmanTemplate.class).call("thread", "x"))
				.isEqualTo("virtual=false"));
	}

	static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowConfiguration {

		@Bean
		SlowFunctions slowFunctions() {
			return new SlowFunctions();
		}

	}

	static class SlowFunctions {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@GearmanFunction
		String slow(String text) throws InterruptedException {
			this.started.countDown();
			if (!this.release.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("never released");
			}
			return "done " + text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartupProbe implements SmartInitializingSingleton {

		private final ObjectProvider<GearmanWorkerRegistry> registry;

		boolean runningDuringInitialization = true;

		StartupProbe(ObjectProvider<GearmanWorkerRegistry> registry) {
			this.registry = registry;
		}

		@Override
		public void afterSingletonsInstantiated() {
			GearmanWorkerRegistry current = this.registry.getObject();
			this.runningDuringInitialization = current.isRunning() || current.getContainer() != null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThreadConfiguration {

		@Bean
		ThreadFunctions threadFunctions() {
			return new ThreadFunctions();
		}

	}

	static class ThreadFunctions {

		final AtomicBoolean called = new AtomicBoolean();

		@GearmanFunction
		String thread(String text) {
			this.called.set(true);
			return "virtual=" + isVirtual(Thread.currentThread());
		}

	}

}
