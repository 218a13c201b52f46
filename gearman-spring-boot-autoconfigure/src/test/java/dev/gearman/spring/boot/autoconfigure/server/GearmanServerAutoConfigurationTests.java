package dev.gearman.spring.boot.autoconfigure.server;

import dev.gearman.client.JobHandle;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.server.store.RecordingJobStore;
import dev.gearman.server.store.StoredJob;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.core.GearmanTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded job server: off by default, on with {@code gearman.server.enabled=true}, its properties applied,
 * a user's server or job store used, stopped with the context.
 */
class GearmanServerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class));

	@Test
	void serverShouldBeOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(GearmanServer.class)
			.doesNotHaveBean(GearmanServerProperties.class));
	}

	@Test
	void enabledServerShouldListenOnLoopbackAndStopWithTheContext() {
		GearmanServer[] server = new GearmanServer[1];
		this.contextRunner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0")
			.run((context) -> {
				server[0] = context.getBean(GearmanServer.class);
				assertThat(server[0].isRunning()).isTrue();
				assertThat(context.getBean(GearmanServerProperties.class).getAddress()).isEqualTo("127.0.0.1");
				assertThat(context.getEnvironment().getProperty("local.gearman.port"))
					.isEqualTo(String.valueOf(server[0].port()));
			});
		assertThat(server[0].isRunning()).isFalse();
	}

	@Test
	void serverShouldKeepRunningWhileATestContextIsPausedAndServeWhenItIsUsedAgain() {
		// Spring's test context cache pauses a context it puts aside and restarts it when a test uses it again: the
		// server, started by its bean, did not come back from the pause (a dashboard test found it stopped)
		this.contextRunner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0")
			.run((context) -> {
				GearmanServer server = context.getBean(GearmanServer.class);
				int port = server.port();
				context.getSourceApplicationContext().pause();
				assertThat(server.isRunning()).as("running while the context is paused").isTrue();
				context.getSourceApplicationContext().restart();
				assertThat(server.isRunning()).isTrue();
				assertThat(server.port()).isEqualTo(port);
				JobHandle handle = context.getBean(GearmanTemplate.class).submitBackground("after-pause", "x");
				assertThat(handle.handle()).isNotBlank();
			});
	}

	@Test
	void propertiesShouldConfigureTheServer() {
		this.contextRunner
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
					"gearman.server.handle-prefix=H:embedded-test")
			.run((context) -> {
				JobHandle handle = context.getBean(GearmanTemplate.class).submitBackground("later", "x");
				assertThat(handle.handle()).startsWith("H:embedded-test:");
			});
	}

	@Test
	void jobStoreBeanShouldKeepBackgroundJobs() {
		this.contextRunner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0")
			.withUserConfiguration(StoreConfiguration.class)
			.run((context) -> {
				context.getBean(GearmanTemplate.class).submitBackground("durable", "payload");
				assertThat(context.getBean(RecordingJobStore.class).added).extracting(StoredJob::function)
					.containsExactly("durable");
			});
	}

	@Test
	void userDefinedServerShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withPropertyValues("gearman.server.enabled=true")
			.withUserConfiguration(UserServerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(GearmanServer.class);
				assertThat(context.getBean(GearmanServer.class)).isSameAs(context.getBean("userServer"));
			});
	}

	@Test
	void withoutTheServerClassesNoServerShouldBeConfigured() {
		this.contextRunner.withPropertyValues("gearman.server.enabled=true")
			.withClassLoader(new FilteredClassLoader(GearmanServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GearmanServer.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class StoreConfiguration {

		@Bean
		RecordingJobStore recordingJobStore() {
			return new RecordingJobStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean(destroyMethod = "stop")
		GearmanServer userServer() {
			GearmanServerSettings settings = new GearmanServerSettings();
			settings.setPort(0);
			GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
			server.start();
			return server;
		}

	}

}
