package dev.gearman.spring.boot.autoconfigure.actuate;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.engine.EngineSnapshot;
import dev.gearman.spring.actuate.GearmanEndpoint;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code gearman} endpoint: present only when exposed and a server runs, and reporting what the server holds.
 */
class GearmanEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class,
				GearmanEndpointAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s");

	@Test
	void endpointShouldExistOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(GearmanEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=gearman")
			.run((context) -> assertThat(context).hasSingleBean(GearmanEndpoint.class));
	}

	@Test
	void endpointShouldNeedAServer() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=gearman",
				"gearman.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GearmanEndpoint.class));
	}

	@Test
	void endpointShouldReportFunctionsWorkersAndJobs() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=gearman").run((context) -> {
			GearmanServer server = context.getBean(GearmanServer.class);
			try (RawConnection client = RawConnection.open("127.0.0.1", server.port());
					RawConnection worker = RawConnection.open("127.0.0.1", server.port())) {
				client.sendData(PacketType.SUBMIT_JOB_HIGH_BG, "x", "thumbnail", "u-1");
				String handle = client.expect(PacketType.JOB_CREATED).arg(0);
				worker.send(PacketType.SET_CLIENT_ID, "thumbnailer");
				worker.send(PacketType.CAN_DO, "thumbnail");
				worker.sync();
				GearmanEndpoint.GearmanDescriptor report = context.getBean(GearmanEndpoint.class).gearman();
				assertThat(report.server().state()).isEqualTo("RUNNING");
				assertThat(report.server().port()).isEqualTo(server.port());
				assertThat(report.functions()).containsExactly(
						new EngineSnapshot.FunctionStatus("thumbnail", 1, 0, 0, 0, 1, 0, false, 0));
				assertThat(report.workers()).extracting(EngineReport.WorkerInfo::clientId).containsExactly("thumbnailer");
				assertThat(report.workers().get(0).functions()).containsExactly("thumbnail");
				assertThat(report.jobCount()).isEqualTo(1);
				EngineReport.JobInfo job = report.jobs().get(0);
				assertThat(job.handle()).isEqualTo(handle);
				assertThat(job.unique()).isEqualTo("u-1");
				assertThat(job.priority()).isEqualTo("HIGH");
				assertThat(job.state()).isEqualTo("QUEUED");
				assertThat(job.background()).isTrue();
			}
		});
	}

}
