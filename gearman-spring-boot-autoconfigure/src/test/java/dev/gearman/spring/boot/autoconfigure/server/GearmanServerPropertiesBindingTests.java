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
 * The {@code gearman.server.*} properties (port, address, handle prefix, retry limit, worker wake-up, the limits
 * of packets, connections, functions, queued bytes and replies) reach the server's settings, and a taken port fails the context with a
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
					"gearman.server.default-max-queue=7", "gearman.server.io-threads=1",
					"gearman.server.max-function-name-length=100", "gearman.server.max-abilities-per-worker=20",
					"gearman.server.max-functions=300", "gearman.server.idle-function-retention=1m",
					"gearman.server.max-queued-bytes=100MB", "gearman.server.max-queued-bytes-per-function=10MB",
					"gearman.server.reply-budget-per-connection=2MB",
					"gearman.server.max-reply-bytes-per-connection=32MB", "gearman.server.max-reply-bytes=512MB",
					"gearman.server.max-connections-per-address=50", "gearman.server.first-packet-timeout=3s",
					"gearman.server.max-read-ahead=16MB")
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
				assertThat(settings.getMaxFunctionNameLength()).isEqualTo(100);
				assertThat(settings.getMaxAbilitiesPerWorker()).isEqualTo(20);
				assertThat(settings.getMaxFunctions()).isEqualTo(300);
				assertThat(settings.getIdleFunctionRetention()).isEqualTo(Duration.ofMinutes(1));
				assertThat(settings.getMaxQueuedBytes()).isEqualTo(100L * 1024 * 1024);
				assertThat(settings.getMaxQueuedBytesPerFunction()).isEqualTo(10L * 1024 * 1024);
				assertThat(settings.getReplyBudgetPerConnection()).isEqualTo(2L * 1024 * 1024);
				assertThat(settings.getMaxReplyBytesPerConnection()).isEqualTo(32L * 1024 * 1024);
				assertThat(settings.getMaxReplyBytes()).isEqualTo(512L * 1024 * 1024);
				assertThat(settings.getMaxConnectionsPerAddress()).isEqualTo(50);
				assertThat(settings.getFirstPacketTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.getMaxReadAhead()).isEqualTo(16L * 1024 * 1024);
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
