package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.jdbc.StoreOperation.Bury;
import dev.gearman.server.store.jdbc.StoreOperation.Delete;
import dev.gearman.server.store.jdbc.StoreOperation.History;
import dev.gearman.server.store.jdbc.StoreOperation.Pause;
import dev.gearman.server.store.jdbc.StoreOperation.RetryLater;
import dev.gearman.server.store.jdbc.StoreOperation.RowWrite;

/**
 * The SQL of a group commit's {@link RowWrite}s, one JDBC batch per kind, inside the {@link QueueTransaction} that
 * carries them: moves to the dead letters first (each copies its job's row before the row is deleted), then
 * deletes, then failed attempts, then job history events, then pauses of functions. Every kind of a job but the
 * history names its row by the full key and sequence, a pause by its function, and each is safe to run twice.
 */
final class RowWrites {

	private RowWrites() {
	}

	static void apply(Connection connection, List<? extends RowWrite> writes, int queryTimeout) throws SQLException {
		List<Delete> deletes = new ArrayList<>(writes.size());
		List<DeadLetter> buried = new ArrayList<>();
		List<RetryLater> retries = new ArrayList<>();
		List<JobEvent> events = new ArrayList<>();
		List<Pause> pauses = new ArrayList<>();
		for (RowWrite write : writes) {
			if (write instanceof Delete delete) {
				deletes.add(delete);
			}
			else if (write instanceof Bury bury) {
				buried.add(bury.letter());
				if (bury.letter().stored()) {
					deletes.add(new Delete(bury.letter().function(), bury.letter().unique(), bury.letter().sequence()));
				}
			}
			else if (write instanceof RetryLater retry) {
				retries.add(retry);
			}
			else if (write instanceof History history) {
				events.add(history.event());
			}
			else if (write instanceof Pause pause) {
				pauses.add(pause);
			}
		}
		if (!buried.isEmpty()) {
			bury(connection, buried, queryTimeout);
		}
		if (!deletes.isEmpty()) {
			deleteRows(connection, deletes, queryTimeout);
		}
		if (!retries.isEmpty()) {
			retryLater(connection, retries, queryTimeout);
		}
		if (!events.isEmpty()) {
			JdbcJobHistory.insert(connection, events, queryTimeout);
		}
		if (!pauses.isEmpty()) {
			PausedFunctionTable.apply(connection, pauses, queryTimeout);
		}
	}

	/**
	 * Deletes rows by their full primary key, as one JDBC batch. An {@code unique_key IN (...)} list looked cheaper,
	 * but H2 then walks every row of the function through the key's first column and tests the list on each: with
	 * tens of thousands of queued jobs that made deletes the writer's main cost.
	 */
	private static void deleteRows(Connection connection, List<Delete> deletes, int queryTimeout) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.DELETE_JOB)) {
			statement.setQueryTimeout(queryTimeout);
			for (Delete delete : deletes) {
				statement.setString(1, delete.function());
				statement.setString(2, delete.unique());
				statement.setLong(3, delete.sequence());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	/**
	 * Copies the rows of stored jobs into the dead letters (their deletes follow in the same transaction), and
	 * inserts the letters of jobs that had none.
	 */
	private static void bury(Connection connection, List<DeadLetter> letters, int queryTimeout) throws SQLException {
		try (PreparedStatement copy = connection.prepareStatement(DeadLetterTable.BURY_STORED);
				PreparedStatement insert = connection.prepareStatement(DeadLetterTable.BURY)) {
			copy.setQueryTimeout(queryTimeout);
			insert.setQueryTimeout(queryTimeout);
			boolean copies = false;
			boolean inserts = false;
			for (DeadLetter letter : letters) {
				if (letter.stored()) {
					setOutcome(copy, 1, letter);
					copy.setString(6, letter.function());
					copy.setString(7, letter.unique());
					copy.setLong(8, letter.sequence());
					copy.addBatch();
					copies = true;
				}
				else {
					insert.setString(1, letter.function());
					insert.setString(2, letter.unique());
					insert.setInt(3, letter.priority());
					insert.setBytes(4, letter.data());
					setOutcome(insert, 5, letter);
					insert.addBatch();
					inserts = true;
				}
			}
			if (copies) {
				copy.executeBatch();
			}
			if (inserts) {
				insert.executeBatch();
			}
		}
	}

	/** Attempts, first and last attempt times, error and worker, from parameter {@code first} on. */
	private static void setOutcome(PreparedStatement statement, int first, DeadLetter letter) throws SQLException {
		statement.setInt(first, letter.attempts());
		statement.setLong(first + 1, letter.firstAttemptMillis());
		statement.setLong(first + 2, letter.lastAttemptMillis());
		statement.setString(first + 3, cut(letter.lastError(), QueueTable.MAX_ERROR_LENGTH));
		statement.setString(first + 4, cut(letter.worker(), QueueTable.MAX_NAME_LENGTH));
	}

	private static void retryLater(Connection connection, List<RetryLater> retries, int queryTimeout)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.RETRY_LATER)) {
			statement.setQueryTimeout(queryTimeout);
			for (RetryLater retry : retries) {
				statement.setInt(1, retry.attempts());
				statement.setLong(2, retry.whenToRun());
				statement.setString(3, cut(retry.lastError(), QueueTable.MAX_ERROR_LENGTH));
				statement.setString(4, retry.function());
				statement.setString(5, retry.unique());
				statement.setLong(6, retry.sequence());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	/** A text cut to what a column holds. */
	static String cut(String text, int maxLength) {
		return (text.length() <= maxLength) ? text : text.substring(0, maxLength);
	}

}
