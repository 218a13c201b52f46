package dev.gearman.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.store.NonDurableJobStore;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One connection's handler around the engine, at the edges of the engine's life.
 */
class ServerChannelHandlerTests {

	@Test
	void aConnectionThatClosesAfterTheEngineStoppedIsNoError() {
		// a stop closes every connection and then the engine, and Netty reports a connection inactive a little after
		// its close completed: under load that came after the engine had stopped, and was logged as an unexpected
		// error (ServerLoggingTests failed once in the full build)
		DefaultEventLoop loop = new DefaultEventLoop();
		JobEngine engine = new JobEngine(new GearmanServerSettings(), NonDurableJobStore.INSTANCE, loop);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		Logger logger = (Logger) LoggerFactory.getLogger(ServerChannelHandler.class);
		appender.start();
		logger.addAppender(appender);
		try {
			EmbeddedChannel channel = new EmbeddedChannel(new ServerChannelHandler(engine,
					new GearmanDecoder(1024 * 1024, true, true), TestServers.replyLimits(), Duration.ZERO));
			engine.close();
			channel.close().syncUninterruptibly();
			channel.checkException();
			assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
		}
		finally {
			logger.detachAppender(appender);
			loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

}
