package dev.gearman.spring.boot.autoconfigure.dashboard;

import dev.gearman.dashboard.DashboardActions;
import dev.gearman.dashboard.DashboardQueries;
import dev.gearman.dashboard.DashboardSnapshots;
import dev.gearman.dashboard.ThroughputHistory;
import dev.gearman.dashboard.web.DashboardActionController;
import dev.gearman.dashboard.web.DashboardApiController;
import dev.gearman.dashboard.web.DashboardErrors;
import dev.gearman.dashboard.web.DashboardPageController;
import dev.gearman.dashboard.web.DashboardResources;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the Gearman dashboard: the pages, the JSON API and the
 * operator's buttons at {@code /dashboard} of a servlet web application with an embedded job server, when
 * {@code gearman-dashboard} is on the classpath ({@code gearman.dashboard.enabled=false} turns it off). Registers
 * the shared {@link DashboardSnapshots}, the {@link ThroughputHistory} of the charts, {@link DashboardQueries},
 * {@link DashboardActions} and the controllers.
 * <p>
 * Securing {@code /dashboard/**} is the application's part (the server app does it with Spring Security: viewers
 * read, operators act, with CSRF protection); the dashboard itself refuses every action to a user without the role
 * {@code OPERATOR}, so an application without security gets a read-only dashboard.
 */
@AutoConfiguration(after = GearmanServerAutoConfiguration.class)
@ConditionalOnClass({ DashboardPageController.class, GearmanServer.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(GearmanServer.class)
@ConditionalOnBooleanProperty(name = "gearman.dashboard.enabled", matchIfMissing = true)
@EnableConfigurationProperties(GearmanDashboardProperties.class)
public final class GearmanDashboardAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DashboardSnapshots gearmanDashboardSnapshots(GearmanServer server, GearmanDashboardProperties properties) {
		return new DashboardSnapshots(server, properties.getRefreshInterval());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ThroughputHistory gearmanDashboardHistory(GearmanServer server, GearmanDashboardProperties properties) {
		return new ThroughputHistory(server, properties.getSampleInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardQueries gearmanDashboardQueries(GearmanServer server) {
		return new DashboardQueries(server);
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardActions gearmanDashboardActions(GearmanServer server) {
		return new DashboardActions(server);
	}

	@Bean
	DashboardPageController gearmanDashboardPages(DashboardSnapshots snapshots, ThroughputHistory history,
			DashboardQueries queries, GearmanDashboardProperties properties) {
		return new DashboardPageController(snapshots, history, queries, properties.getRefreshInterval());
	}

	@Bean
	DashboardActionController gearmanDashboardButtons(DashboardActions actions) {
		return new DashboardActionController(actions);
	}

	@Bean
	DashboardApiController gearmanDashboardApi(DashboardSnapshots snapshots, ThroughputHistory history,
			DashboardQueries queries, DashboardActions actions) {
		return new DashboardApiController(snapshots, history, queries, actions);
	}

	@Bean
	DashboardErrors gearmanDashboardErrors(GearmanDashboardProperties properties) {
		return new DashboardErrors(properties.getRefreshInterval());
	}

	@Bean
	DashboardResources gearmanDashboardResources() {
		return new DashboardResources();
	}

}
