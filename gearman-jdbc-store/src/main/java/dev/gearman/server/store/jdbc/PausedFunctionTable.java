package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.gearman.server.store.jdbc.StoreOperation.Pause;

/**
 * The {@code gearman_paused_function} table (migration V4): the functions an operator paused, so that a restart
 * keeps them paused. Written with a writer's other row writes, read once at start.
 */
final class PausedFunctionTable {

	static final String NAME = "gearman_paused_function";

	private static final String DELETE = "DELETE FROM " + NAME + " WHERE function_name = ?";

	private static final String INSERT = "INSERT INTO " + NAME + " (function_name, paused_millis) VALUES (?, ?)";

	private static final String SELECT_ALL = "SELECT function_name FROM " + NAME + " ORDER BY function_name";

	private PausedFunctionTable() {
	}

	/**
	 * Applies pauses and resumes in one transaction: the last write of each function wins (a pause and a resume in
	 * one batch leave it resumed, whatever their kinds' order elsewhere). Deleting before inserting makes each safe to
	 * repeat, on every database without an upsert of its own.
	 */
	static void apply(Connection connection, List<Pause> pauses, int queryTimeout) throws SQLException {
		Map<String, Pause> last = new LinkedHashMap<>();
		for (Pause pause : pauses) {
			last.put(pause.function(), pause);
		}
		try (PreparedStatement delete = connection.prepareStatement(DELETE);
				PreparedStatement insert = connection.prepareStatement(INSERT)) {
			delete.setQueryTimeout(queryTimeout);
			insert.setQueryTimeout(queryTimeout);
			boolean inserts = false;
			for (Pause pause : last.values()) {
				delete.setString(1, pause.function());
				delete.addBatch();
				if (pause.paused()) {
					insert.setString(1, pause.function());
					insert.setLong(2, pause.atMillis());
					insert.addBatch();
					inserts = true;
				}
			}
			delete.executeBatch();
			if (inserts) {
				insert.executeBatch();
			}
		}
	}

	/** The paused functions, by name. */
	static Set<String> read(DataSource dataSource, int queryTimeout) throws SQLException {
		Set<String> names = new LinkedHashSet<>();
		try (Connection connection = dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(SELECT_ALL)) {
			select.setQueryTimeout(queryTimeout);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					names.add(rows.getString(1));
				}
			}
		}
		return names;
	}

}
