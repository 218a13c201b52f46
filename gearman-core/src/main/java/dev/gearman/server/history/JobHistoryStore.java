package dev.gearman.server.history;

import java.util.List;

/**
 * Where job events are kept for a while. {@link #record} is called on the engine thread and must not block: the
 * history is an audit trail, not the queue, so an implementation may drop events when it cannot keep up (and
 * should say so in its log). The queries may block; call them off the engine thread.
 */
public interface JobHistoryStore {

	/** Keeps nothing: the history is off. */
	JobHistoryStore NONE = new JobHistoryStore() {

		@Override
		public void record(JobEvent event) {
		}

		@Override
		public List<JobEvent> byHandle(String handle, int limit) {
			return List.of();
		}

		@Override
		public List<JobEvent> byUnique(String unique, int limit) {
			return List.of();
		}

		@Override
		public int prune(long beforeMillis) {
			return 0;
		}

	};

	/**
	 * Keeps an event. Must not block.
	 * @param event the event
	 */
	void record(JobEvent event);

	/**
	 * The events of the job that had a handle, in the order they happened.
	 * @param handle the job handle
	 * @param limit the most events returned (the first ones)
	 * @return the events
	 */
	List<JobEvent> byHandle(String handle, int limit);

	/**
	 * The events of the jobs with a unique id, of any function and under any handle, in the order they happened.
	 * @param unique the unique id
	 * @param limit the most events returned (the first ones)
	 * @return the events
	 */
	List<JobEvent> byUnique(String unique, int limit);

	/**
	 * Forgets events older than a time.
	 * @param beforeMillis events that happened before this time (epoch milliseconds) go
	 * @return how many went
	 */
	int prune(long beforeMillis);

}
