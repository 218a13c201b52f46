package dev.gearman.server.engine;

/**
 * A job was asked to move between two states that {@link JobState#canMoveTo} does not allow: a bug in the engine.
 * The engine loop logs and counts it (see {@link EngineLoop#failures()}); the engine tests fail on any.
 */
public final class IllegalJobMoveException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	IllegalJobMoveException(String job, JobState from, JobState to) {
		super("job " + job + ": " + from + " -> " + to + " (expected: a move JobState allows)");
	}

}
