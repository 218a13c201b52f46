package dev.gearman.spring.boot.autoconfigure.dashboard;

import java.time.Duration;

import dev.gearman.dashboard.DashboardActions;
import dev.gearman.dashboard.DashboardQueries;
import dev.gearman.dashboard.DashboardSnapshots;
import dev.gearman.dashboard.ThroughputHistory;
import dev.gearman.dashboard.web.DashboardApiController;
import dev.gearman.dashboard.web.DashboardPageController;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's auto-configuration: there in a servlet web application with an embedded job server and
 * {@code gearman-dashboard}, away without any of the three or with {@code gearman.dashboard.enabled=false}; a bean of
 * the application's own takes the place of ours; the intervals come from the properties.
 */
class GearmanDashboardAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class,
				GearmanDashboardAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s");

	@Test
	void dashboardShouldBeServedByAWebApplicationWithAServer() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DashboardSnapshots.class)
				.hasSingleBean(ThroughputHistory.class)
				.hasSingleBean(DashboardQueries.class)
				.hasSingleBean(DashboardActions.class)
				.hasSingleBean(DashboardPageController.class)
				.hasSingleBean(DashboardApiController.class);
			assertThat(context.getBean(GearmanDashboardProperties.class).getRefreshInterval())
				.isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void dashboardShouldBeAwayWhenTurnedOffWithoutAServerOrOutsideAWebApplication() {
		this.runner.withPropertyValues("gearman.dashboard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardSnapshots.class)
				.doesNotHaveBean(DashboardPageController.class));
		this.runner.withPropertyValues("gearman.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardPageController.class));
		this.runner.withClassLoader(new FilteredClassLoader(DashboardPageController.class))
			.run((context) -> assertThat(context).hasSingleBean(GearmanServer.class)
				.doesNotHaveBean(DashboardSnapshots.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class,
					GearmanDashboardAutoConfiguration.class))
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
					"gearman.server.shutdown-timeout=0s")
			.run((context) -> assertThat(context).hasSingleBean(GearmanServer.class)
				.doesNotHaveBean(DashboardSnapshots.class));
	}

	@Test
	void applicationsOwnSnapshotsShouldBeUsed() {
		this.runner.withUserConfiguration(OwnSnapshotsConfiguration.class)
			.withPropertyValues("gearman.dashboard.refresh-interval=250ms")
			.run((context) -> {
				assertThat(context).hasSingleBean(DashboardSnapshots.class);
				assertThat(context.getBean(DashboardSnapshots.class))
					.isSameAs(context.getBean(OwnSnapshotsConfiguration.class).snapshots);
				assertThat(context.getBean(GearmanDashboardProperties.class).getRefreshInterval())
					.isEqualTo(Duration.ofMillis(250));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnSnapshotsConfiguration {

		DashboardSnapshots snapshots;

		@Bean
		DashboardSnapshots ownSnapshots(GearmanServer server) {
			this.snapshots = new DashboardSnapshots(server, Duration.ofSeconds(30));
			return this.snapshots;
		}

	}

}
