package dev.gearman.spring.boot.autoconfigure.actuate;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.spring.actuate.GearmanEndpoint;
import dev.gearman.spring.actuate.GearmanEndpoint.GearmanDescriptor;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unique ids and client ids in {@code /actuator/gearman} are shown only to authorized callers by default, and only
 * to the configured roles when there are any; everything else in the report stays visible.
 */
class GearmanEndpointShowValuesTests {

	private final List<RawConnection> connections = new ArrayList<>();

	@AfterEach
	void closeConnections() {
		this.connections.forEach(RawConnection::close);
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class,
				GearmanEndpointAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s", "management.endpoints.web.exposure.include=gearman");

	@Test
	void valuesShouldBeHiddenFromAnonymousCallersByDefault() {
		this.runner.run((context) -> {
			GearmanEndpoint endpoint = withJobAndWorker(context.getBean(GearmanServer.class), context.getBean(
					GearmanEndpoint.class));
			assertHidden(endpoint.gearman(SecurityContext.NONE));
			assertShown(endpoint.gearman(caller("viewer")));
		});
	}

	@Test
	void rolesShouldLimitWhoSeesTheValues() {
		this.runner.withPropertyValues("management.endpoint.gearman.roles=OPERATOR").run((context) -> {
			GearmanEndpoint endpoint = withJobAndWorker(context.getBean(GearmanServer.class), context.getBean(
					GearmanEndpoint.class));
			assertHidden(endpoint.gearman(caller("VIEWER")));
			assertShown(endpoint.gearman(caller("OPERATOR")));
		});
	}

	@Test
	void showValuesShouldBeConfigurable() {
		this.runner.withPropertyValues("management.endpoint.gearman.show-values=always").run((context) -> {
			GearmanEndpoint endpoint = withJobAndWorker(context.getBean(GearmanServer.class), context.getBean(
					GearmanEndpoint.class));
			assertShown(endpoint.gearman(SecurityContext.NONE));
		});
		this.runner.withPropertyValues("management.endpoint.gearman.show-values=never").run((context) -> {
			GearmanEndpoint endpoint = withJobAndWorker(context.getBean(GearmanServer.class), context.getBean(
					GearmanEndpoint.class));
			assertHidden(endpoint.gearman(caller("OPERATOR")));
		});
	}

	private GearmanEndpoint withJobAndWorker(GearmanServer server, GearmanEndpoint endpoint) {
		RawConnection client = RawConnection.open("127.0.0.1", server.port());
		RawConnection worker = RawConnection.open("127.0.0.1", server.port());
		// kept reachable until the test ends: a socket nobody references is closed when the garbage collector finds
		// it, and the worker (and its registration) went away between two reports once
		this.connections.add(client);
		this.connections.add(worker);
		client.sendData(PacketType.SUBMIT_JOB_BG, "x", "invoice", "customer-4711");
		client.expect(PacketType.JOB_CREATED);
		worker.send(PacketType.SET_CLIENT_ID, "billing-worker");
		worker.send(PacketType.CAN_DO, "invoice");
		worker.sync();
		// the connections stay open for the endpoint to list; the server closes them with the context
		return endpoint;
	}

	private static void assertHidden(GearmanDescriptor report) {
		assertThat(report.jobs()).singleElement().satisfies((job) -> {
			assertThat(job.unique()).isEqualTo(GearmanEndpoint.REDACTED);
			assertThat(job.function()).isEqualTo("invoice");
		});
		assertThat(report.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.clientId()).isEqualTo(GearmanEndpoint.REDACTED);
			assertThat(worker.functions()).containsExactly("invoice");
			assertThat(worker.identity()).isEqualTo("anonymous");
		});
	}

	private static void assertShown(GearmanDescriptor report) {
		assertThat(report.jobs()).singleElement().extracting((job) -> job.unique()).isEqualTo("customer-4711");
		assertThat(report.workers()).singleElement()
			.extracting((worker) -> worker.clientId())
			.isEqualTo("billing-worker");
	}

	private static SecurityContext caller(String... roles) {
		Set<String> granted = Set.of(roles);
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> "someone";
			}

			@Override
			public boolean isUserInRole(String role) {
				return granted.contains(role);
			}

		};
	}

}
