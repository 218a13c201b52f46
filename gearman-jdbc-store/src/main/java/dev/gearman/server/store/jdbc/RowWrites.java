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
		List<Bury> buried = new ArrayList<>();
		List<RetryLater> retries = new ArrayList<>();
		List<JobEvent> events = new ArrayList<>();
		List<Pause> pauses = new ArrayList<>();
		for (RowWrite write : writes) {
			if (write instanceof Delete delete) {
				deletes.add(delete);
			}
			else if (write instanceof Bury bury) {
				buried.add(bury);
				if (bury.letter().stored()) {
					deletes.add(new Delete(bury.letter().function(), bury.letter().unique(), bury.letter().sequence(),
							bury.owner()));
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
	 * Deletes rows by their full primary key, as one JDBC batch per kind. An {@code unique_key IN (...)} list looked
	 * cheaper, but H2 then walks every row of the function through the key's first column and tests the list on
	 * each: with tens of thousands of queued jobs that made deletes the writer's main cost. On a shared database a
	 * row is deleted only while it is the deleting server's ({@link Delete#owner()}).
	 */
	private static void deleteRows(Connection connection, List<Delete> deletes, int queryTimeout) throws SQLException {
		try (Batch plain = new Batch(connection, QueueTable.DELETE_JOB, queryTimeout);
				Batch owned = new Batch(connection, QueueTable.DELETE_OWNED_JOB, queryTimeout)) {
			for (Delete delete : deletes) {
				PreparedStatement statement = (delete.owner() != null) ? owned.next() : plain.next();
				statement.setString(1, delete.function());
				statement.setString(2, delete.unique());
				statement.setLong(3, delete.sequence());
				if (delete.owner() != null) {
					statement.setString(4, delete.owner());
				}
				statement.addBatch();
			}
		}
	}

	/**
	 * Copies the rows of stored jobs into the dead letters (their deletes follow in the same transaction), and
	 * inserts the letters of jobs that had none.
	 */
	private static void bury(Connection connection, List<Bury> buried, int queryTimeout) throws SQLException {
		try (Batch copy = new Batch(connection, DeadLetterTable.BURY_STORED, queryTimeout);
				Batch copyOwned = new Batch(connection, DeadLetterTable.BURY_STORED_OWNED, queryTimeout);
				Batch insert = new Batch(connection, DeadLetterTable.BURY, queryTimeout)) {
			for (Bury bury : buried) {
				DeadLetter letter = bury.letter();
				if (letter.stored()) {
					PreparedStatement statement = (bury.owner() != null) ? copyOwned.next() : copy.next();
					setOutcome(statement, 1, letter);
					statement.setString(6, letter.function());
					statement.setString(7, letter.unique());
					statement.setLong(8, letter.sequence());
					if (bury.owner() != null) {
						// another server that took the job over runs it: there is nothing to bury here
						statement.setString(9, bury.owner());
					}
					statement.addBatch();
				}
				else {
					PreparedStatement statement = insert.next();
					statement.setString(1, letter.function());
					statement.setString(2, letter.unique());
					statement.setInt(3, letter.priority());
					statement.setBytes(4, letter.data());
					setOutcome(statement, 5, letter);
					statement.addBatch();
				}
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
		try (Batch plain = new Batch(connection, QueueTable.RETRY_LATER, queryTimeout);
				Batch owned = new Batch(connection, QueueTable.RETRY_LATER_OWNED, queryTimeout)) {
			for (RetryLater retry : retries) {
				PreparedStatement statement = (retry.owner() != null) ? owned.next() : plain.next();
				statement.setInt(1, retry.attempts());
				statement.setLong(2, retry.whenToRun());
				statement.setString(3, cut(retry.lastError(), QueueTable.MAX_ERROR_LENGTH));
				statement.setString(4, retry.function());
				statement.setString(5, retry.unique());
				statement.setLong(6, retry.sequence());
				if (retry.owner() != null) {
					statement.setString(7, retry.owner());
				}
				statement.addBatch();
			}
		}
	}

	/**
	 * A statement prepared on first use and executed as one batch when closed, if it was used: one batch per kind of
	 * row write, whichever kinds a transaction has.
	 */
	private static final class Batch implements AutoCloseable {

		private final Connection connection;

		private final String sql;

		private final int queryTimeout;

		private PreparedStatement statement;

		Batch(Connection connection, String sql, int queryTimeout) {
			this.connection = connection;
			this.sql = sql;
			this.queryTimeout = queryTimeout;
		}

		PreparedStatement next() throws SQLException {
			if (this.statement == null) {
				this.statement = this.connection.prepareStatement(this.sql);
				this.statement.setQueryTimeout(this.queryTimeout);
			}
			return this.statement;
		}

		@Override
		public void close() throws SQLException {
			if (this.statement != null) {
				try {
					this.statement.executeBatch();
				}
				finally {
					this.statement.close();
				}
			}
		}

	}

	/** A text cut to what a column holds. */
	static String cut(String text, int maxLength) {
		return (text.length() <= maxLength) ? text : text.substring(0, maxLength);
	}

}
