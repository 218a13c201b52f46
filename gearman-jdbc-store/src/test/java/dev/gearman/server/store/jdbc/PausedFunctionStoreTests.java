package dev.gearman.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The paused functions of a {@link JdbcJobStore} on each database it runs on: a pause is read back by a store made
 * later (as after a restart), the last of a function's pauses and resumes wins, names keep their case and
 * characters, and a name too long for the table is refused up front rather than left to fail every commit of its
 * writer.
 */
class PausedFunctionStoreTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void pausesShouldBeReadBackByALaterStoreLastWriteWinning(TestDatabase database) {
		HikariDataSource dataSource = dataSource(database);
		JdbcJobStore first = store(dataSource);
		first.setPaused("resize", true);
		first.setPaused("Resize ", true);
		first.setPaused("épée ✓", true);
		first.setPaused("bill", true);
		first.setPaused("bill", false);
		first.setPaused("resize", false);
		first.setPaused("resize", true);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(store(dataSource).pausedFunctions())
				.containsExactlyInAnyOrder("resize", "Resize ", "épée ✓"));
		first.setPaused("Resize ", false);
		first.setPaused("nothing", false);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(store(dataSource).pausedFunctions())
				.containsExactlyInAnyOrder("resize", "épée ✓"));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void tooLongANameShouldNotHoldUpTheWritersOtherWrites(TestDatabase database) throws Exception {
		HikariDataSource dataSource = dataSource(database);
		JdbcJobStore store = store(dataSource);
		store.setPaused("f".repeat(QueueTable.MAX_FUNCTION_LENGTH + 1), true);
		store.setPaused("g", true);
		CompletableFuture<Throwable> stored = new CompletableFuture<>();
		store.add(new StoredJob("g", "u", 1, "x".getBytes(StandardCharsets.UTF_8), 0, 1), stored::complete);
		assertThat(stored.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		await().atMost(WAIT).untilAsserted(() -> assertThat(store(dataSource).pausedFunctions()).containsExactly("g"));
		assertThat(store.isAvailable()).isTrue();
	}

	private HikariDataSource dataSource(TestDatabase database) {
		HikariDataSource dataSource = QueueSchemaFixtures.emptyDataSource(database);
		dataSource.setMaximumPoolSize(6);
		this.resources.add(dataSource);
		QueueSchema.migrate(dataSource);
		return dataSource;
	}

	private JdbcJobStore store(HikariDataSource dataSource) {
		JdbcJobStore store = new JdbcJobStore(dataSource, new JdbcJobStoreSettings());
		this.resources.add(store);
		return store;
	}

}
