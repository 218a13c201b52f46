package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerException;
import dev.gearman.server.GearmanServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code gearman.server.*} properties of issue 2 (port, address, handle prefix, retry limit, worker wake-up,
 * max packet size, max connections) reach the server's settings, and a taken port fails the context with a
 * message naming address and port.
 */
@ExtendWith(OutputCaptureExtension.class)
class GearmanServerPropertiesBindingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class));

	@Test
	void serverShouldNotRunUnlessEnabled() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(GearmanServer.class));
	}

	@Test
	void maxPacketSizeBeyondTheSizeFieldShouldFailTheContext() {
		// 4GB is 4 GiB, one byte more than the 32-bit size field can announce
		this.runner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.max-packet-size=4GB")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("maxPacketSize: 4294967296"));
	}

	@Test
	void propertiesShouldMapOneToOne() {
		this.runner
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.address=127.0.0.1",
					"gearman.server.port=0", "gearman.server.handle-prefix=H:boot",
					"gearman.server.retry-limit=3", "gearman.server.worker-wakeup=2",
					"gearman.server.max-packet-size=1MB", "gearman.server.max-connections=5",
					"gearman.server.idle-timeout=30s", "gearman.server.exceptions=true",
					"gearman.server.default-max-queue=7", "gearman.server.io-threads=1")
			.run((context) -> {
				assertThat(context).hasSingleBean(GearmanServer.class);
				GearmanServer server = context.getBean(GearmanServer.class);
				assertThat(server.isRunning()).isTrue();
				assertThat(context.getEnvironment().getProperty(GearmanServerAutoConfiguration.LOCAL_PORT_PROPERTY,
						Integer.class)).isEqualTo(server.port());
				GearmanServerSettings settings = context.getBean(GearmanServerProperties.class).toSettings();
				assertThat(settings.getAddress()).isEqualTo("127.0.0.1");
				assertThat(settings.getPort()).isZero();
				assertThat(settings.getHandlePrefix()).isEqualTo("H:boot");
				assertThat(settings.getRetryLimit()).isEqualTo(3);
				assertThat(settings.getWorkerWakeup()).isEqualTo(2);
				assertThat(settings.getMaxPacketSize()).isEqualTo(1024 * 1024);
				assertThat(settings.getMaxConnections()).isEqualTo(5);
				assertThat(settings.getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(settings.isExceptions()).isTrue();
				assertThat(settings.getDefaultMaxQueue()).isEqualTo(7);
				assertThat(settings.getIoThreads()).isEqualTo(1);
			});
	}

	@Test
	void maxPacketSizeOfFourGibibytesMinusOneShouldBeAcceptedWithAWarningOfTheLimitThatApplies(
			CapturedOutput output) {
		this.runner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.max-packet-size=4294967295B")
			.run((context) -> assertThat(context.getBean(GearmanServerProperties.class).toSettings()
				.getMaxPacketSize()).isEqualTo(4294967295L));
		assertThat(output).contains("Max packet size 4294967295 is more than one Java array or buffer holds; "
				+ "packets announcing more than " + GearmanConstants.MAX_HEAP_PACKET_SIZE + " bytes are refused");
	}

	@Test
	void maxPacketSizeWithinWhatOneBufferHoldsShouldNotWarn(CapturedOutput output) {
		this.runner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.max-packet-size=1GB")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("Max packet size");
	}

	@Test
	void takenPortShouldFailTheContextNamingAddressAndPort() {
		this.runner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0").run((first) -> {
			int port = first.getBean(GearmanServer.class).port();
			this.runner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=" + port)
				.run((second) -> assertThat(second).hasFailed()
					.getFailure()
					.hasStackTraceContaining(GearmanServerException.class.getName())
					.hasStackTraceContaining("127.0.0.1:" + port)
					.hasStackTraceContaining("already in use"));
		});
	}

}
