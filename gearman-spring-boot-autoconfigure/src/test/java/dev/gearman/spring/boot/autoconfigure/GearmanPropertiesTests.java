package dev.gearman.spring.boot.autoconfigure;

import dev.gearman.connection.ConnectionSettings;
import dev.gearman.protocol.GearmanConstants;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties' defaults are the core library's defaults, so that setting nothing means the same thing in a
 * Spring application and in plain Java.
 */
class GearmanPropertiesTests {

	@Test
	void connectTimeoutDefaultShouldMatchTheLibrary() {
		assertThat(new GearmanProperties().getConnectTimeout()).isEqualTo(ConnectionSettings.DEFAULTS.connectTimeout());
	}

	@Test
	void defaultServerShouldBeTheGearmanPortOnLoopback() {
		assertThat(GearmanAutoConfiguration.DEFAULT_SERVER).isEqualTo("127.0.0.1:" + GearmanConstants.DEFAULT_PORT);
	}

	@Test
	void serverDefaultsShouldMatchTheLibrary() {
		GearmanServerSettings library = new GearmanServerSettings();
		GearmanServerSettings fromProperties = new GearmanServerProperties().toSettings();
		assertThat(fromProperties.getAddress()).isEqualTo(library.getAddress());
		assertThat(fromProperties.getPort()).isEqualTo(library.getPort());
		assertThat(fromProperties.getHandlePrefix()).isEqualTo(library.getHandlePrefix());
		assertThat(fromProperties.getRetryLimit()).isEqualTo(library.getRetryLimit());
		assertThat(fromProperties.getWorkerWakeup()).isEqualTo(library.getWorkerWakeup());
		assertThat(fromProperties.getMaxPacketSize()).isEqualTo(library.getMaxPacketSize());
		assertThat(fromProperties.getMaxConnections()).isEqualTo(library.getMaxConnections());
		assertThat(fromProperties.getIdleTimeout()).isEqualTo(library.getIdleTimeout());
		assertThat(fromProperties.isExceptions()).isEqualTo(library.isExceptions());
		assertThat(fromProperties.getDefaultMaxQueue()).isEqualTo(library.getDefaultMaxQueue());
		assertThat(fromProperties.getIoThreads()).isEqualTo(library.getIoThreads());
		assertThat(fromProperties.getMaxFunctionNameLength()).isEqualTo(library.getMaxFunctionNameLength());
		assertThat(fromProperties.getMaxAbilitiesPerWorker()).isEqualTo(library.getMaxAbilitiesPerWorker());
		assertThat(fromProperties.getMaxFunctions()).isEqualTo(library.getMaxFunctions());
		assertThat(fromProperties.getIdleFunctionRetention()).isEqualTo(library.getIdleFunctionRetention());
		assertThat(fromProperties.getMaxQueuedBytes()).isEqualTo(library.getMaxQueuedBytes());
		assertThat(fromProperties.getMaxQueuedBytesPerFunction()).isEqualTo(library.getMaxQueuedBytesPerFunction());
		assertThat(fromProperties.getReplyBudgetPerConnection()).isEqualTo(library.getReplyBudgetPerConnection());
		assertThat(fromProperties.getMaxReplyBytesPerConnection()).isEqualTo(library.getMaxReplyBytesPerConnection());
		assertThat(fromProperties.getMaxReplyBytes()).isEqualTo(library.getMaxReplyBytes());
		assertThat(fromProperties.getMaxConnectionsPerAddress()).isEqualTo(library.getMaxConnectionsPerAddress());
		assertThat(fromProperties.getFirstPacketTimeout()).isEqualTo(library.getFirstPacketTimeout());
		assertThat(fromProperties.getMaxReadAhead()).isEqualTo(library.getMaxReadAhead());
	}

}
