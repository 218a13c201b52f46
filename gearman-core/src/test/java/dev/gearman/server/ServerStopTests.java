package dev.gearman.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Stopping our server closes every connection, so that clients and workers learn at once and move on (the
 * client/worker failover tests depend on it). Before connections were closed explicitly, one stop in a few
 * hundred left a connection open; hence the many rounds.
 */
class ServerStopTests {

	@Test
	void stopClosesEveryConnection() {
		for (int round = 0; round < 200; round++) {
			GearmanServer server = TestServers.start((settings) -> {
			});
			List<RawConnection> connections = new ArrayList<>();
			try {
				for (int i = 0; i < 3; i++) {
					RawConnection connection = RawConnection.open(TestServers.HOST, server.port());
					connections.add(connection);
					connection.sync();
				}
				server.stop();
				for (RawConnection connection : connections) {
					connection.readToEof(Duration.ofSeconds(3));
				}
			}
			finally {
				connections.forEach(RawConnection::close);
				server.stop();
			}
		}
	}

}
