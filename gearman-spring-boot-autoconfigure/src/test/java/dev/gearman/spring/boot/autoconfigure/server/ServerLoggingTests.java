package dev.gearman.spring.boot.autoconfigure.server;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees at INFO: one line when the server starts and one when it stops, however many jobs run,
 * fail, use up their retries or idle out in between.
 */
class ServerLoggingTests {

	private final Logger gearmanLogger = (Logger) LoggerFactory.getLogger("dev.gearman");

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private Level previousLevel;

	@BeforeEach
	void capture() {
		this.previousLevel = this.gearmanLogger.getLevel();
		this.gearmanLogger.setLevel(Level.INFO);
		this.appender.start();
		this.gearmanLogger.addAppender(this.appender);
	}

	@AfterEach
	void release() {
		this.gearmanLogger.detachAppender(this.appender);
		this.gearmanLogger.setLevel(this.previousLevel);
	}

	@Test
	void jobsShouldNotBeLoggedAtInfo() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class))
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.server.retry-limit=1",
					"gearman.server.idle-timeout=2s", "gearman.server.shutdown-timeout=1s")
			.run((context) -> {
				int port = context.getBean(GearmanServer.class).port();
				try (RawConnection client = RawConnection.open("127.0.0.1", port);
						RawConnection worker = RawConnection.open("127.0.0.1", port)) {
					worker.send(PacketType.CAN_DO, "f");
					for (int i = 0; i < 50; i++) {
						client.sendData(PacketType.SUBMIT_JOB, "job" + i, "f", "");
						String handle = client.expect(PacketType.JOB_CREATED).arg(0);
						worker.send(PacketType.GRAB_JOB);
						worker.expect(PacketType.JOB_ASSIGN);
						if (i % 2 == 0) {
							worker.sendData(PacketType.WORK_COMPLETE, "ok", handle);
							client.expect(PacketType.WORK_COMPLETE);
						}
						else {
							worker.send(PacketType.WORK_FAIL, handle);
							client.expect(PacketType.WORK_FAIL);
						}
					}
					// a job whose worker dies uses up its single attempt
					client.sendData(PacketType.SUBMIT_JOB, "doomed", "g", "");
					client.expect(PacketType.JOB_CREATED);
					try (RawConnection dying = RawConnection.open("127.0.0.1", port)) {
						dying.send(PacketType.CAN_DO, "g");
						dying.send(PacketType.GRAB_JOB);
						dying.expect(PacketType.JOB_ASSIGN);
					}
					client.expect(PacketType.WORK_FAIL);
					try (RawConnection idle = RawConnection.open("127.0.0.1", port)) {
						assertThat(idle.closedByServer(RawConnection.READ_TIMEOUT)).isTrue();
					}
				}
			});
		List<String> lines = this.appender.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).startsWith("Gearman job server listening on 127.0.0.1:");
		assertThat(lines.get(1)).startsWith("Gearman job server on port ").contains(" stopped in ");
	}

}
