package dev.gearman.server;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.NonDurableJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Server settings that only a real listening server can show: connection limit, bind address, idle timeout,
 * handle prefix and the start and bind-failure messages. The engine-level settings (retry limit, worker wake-up,
 * queue limits) are covered by the engine tests, the packet size limit by {@link RobustnessTests}.
 */
class ServerSettingsTests {

	private GearmanServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void connectionOverTheLimitShouldBeClosedAndRoomShouldComeBackWhenOneLeaves() {
		this.server = TestServers.start((settings) -> settings.setMaxConnections(2));
		RawConnection first = connect();
		RawConnection second = connect();
		first.sync();
		second.sync();
		RawConnection third = connect();
		assertThat(third.readToEof(Duration.ofSeconds(5))).as("bytes sent to the refused connection").isEmpty();
		second.sync();
		first.close();
		await().atMost(Duration.ofSeconds(15)).until(() -> this.server.connections() == 1);
		RawConnection fourth = connect();
		fourth.sync();
		second.close();
		fourth.close();
	}

	@Test
	void handlesShouldStartWithTheConfiguredPrefix() {
		this.server = TestServers.start((settings) -> settings.setHandlePrefix("H:settings-test"));
		try (RawConnection client = connect()) {
			assertThat(client.submitBackground(PacketType.SUBMIT_JOB_BG, "f", "", "x")).isEqualTo("H:settings-test:1");
			assertThat(client.submitBackground(PacketType.SUBMIT_JOB_BG, "f", "", "y")).isEqualTo("H:settings-test:2");
		}
	}

	@Test
	void idleConnectionShouldBeClosedAfterTheIdleTimeout() {
		this.server = TestServers.start((settings) -> settings.setIdleTimeout(Duration.ofSeconds(1)));
		try (RawConnection idle = connect()) {
			idle.sync();
			long start = System.nanoTime();
			assertThat(idle.readToEof(Duration.ofSeconds(10))).isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
		}
	}

	@Test
	void startShouldLogTheAddressAndPort() {
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		Logger logger = (Logger) LoggerFactory.getLogger(GearmanServer.class);
		appender.start();
		logger.addAppender(appender);
		try {
			this.server = TestServers.start((settings) -> {
			});
			List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
			assertThat(lines).anySatisfy(
					(line) -> assertThat(line).contains("listening on " + TestServers.HOST + ":" + this.server.port()));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void takenPortShouldFailWithAClearReason() {
		this.server = TestServers.start((settings) -> {
		});
		GearmanServer second = new GearmanServer(settings(TestServers.HOST, this.server.port()), NonDurableJobStore.INSTANCE);
		assertThatExceptionOfType(GearmanServerException.class).isThrownBy(second::start)
			.withMessageContaining(TestServers.HOST + ":" + this.server.port())
			.withMessageContaining("already in use");
	}

	@Test
	void addressThatIsNotLocalShouldFailNamingIt() {
		// 192.0.2.0/24 is reserved for documentation and never assigned to a local interface
		GearmanServer remote = new GearmanServer(settings("192.0.2.1", 0), NonDurableJobStore.INSTANCE);
		assertThatExceptionOfType(GearmanServerException.class).isThrownBy(remote::start)
			.withMessageContaining("192.0.2.1:0");
		assertThat(remote.isRunning()).isFalse();
	}

	private RawConnection connect() {
		return RawConnection.open(TestServers.HOST, this.server.port());
	}

	private static GearmanServerSettings settings(String address, int port) {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress(address);
		settings.setPort(port);
		return settings;
	}

}
