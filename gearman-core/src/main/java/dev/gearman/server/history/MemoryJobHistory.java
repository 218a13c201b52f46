package dev.gearman.server.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Job events kept in memory, for a store that keeps no history of its own: bounded by a number of events, the
 * oldest going first, and lost on restart. Thread-safe; the engine thread holds the lock for O(1) work per event.
 */
public final class MemoryJobHistory implements JobHistoryStore {

	private final int maxEvents;

	private final ArrayDeque<JobEvent> events = new ArrayDeque<>();

	private final Map<String, ArrayDeque<JobEvent>> byHandle = new HashMap<>();

	private final Map<String, ArrayDeque<JobEvent>> byUnique = new HashMap<>();

	/**
	 * Creates the history.
	 * @param maxEvents the most events kept
	 */
	public MemoryJobHistory(int maxEvents) {
		if (maxEvents < 0) {
			throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: >= 0)");
		}
		this.maxEvents = maxEvents;
	}

	@Override
	public synchronized void record(JobEvent event) {
		if (this.maxEvents == 0) {
			return;
		}
		if (this.events.size() >= this.maxEvents) {
			forgetOldest();
		}
		this.events.addLast(event);
		this.byHandle.computeIfAbsent(event.handle(), (key) -> new ArrayDeque<>(4)).addLast(event);
		this.byUnique.computeIfAbsent(event.unique(), (key) -> new ArrayDeque<>(4)).addLast(event);
	}

	@Override
	public synchronized List<JobEvent> byHandle(String handle, int limit) {
		return first(this.byHandle.get(handle), limit);
	}

	@Override
	public synchronized List<JobEvent> byUnique(String unique, int limit) {
		return first(this.byUnique.get(unique), limit);
	}

	@Override
	public synchronized int prune(long beforeMillis) {
		int pruned = 0;
		// events arrive in time order, so the old ones are at the head
		while (!this.events.isEmpty() && this.events.peekFirst().atMillis() < beforeMillis) {
			forgetOldest();
			pruned++;
		}
		return pruned;
	}

	private void forgetOldest() {
		JobEvent oldest = this.events.pollFirst();
		unindex(this.byHandle, oldest.handle());
		unindex(this.byUnique, oldest.unique());
	}

	/** The oldest event of a key is the oldest overall's: every index is in arrival order too. */
	private static void unindex(Map<String, ArrayDeque<JobEvent>> index, String key) {
		ArrayDeque<JobEvent> events = index.get(key);
		if (events != null) {
			events.pollFirst();
			if (events.isEmpty()) {
				index.remove(key);
			}
		}
	}

	private static List<JobEvent> first(ArrayDeque<JobEvent> events, int limit) {
		if (events == null) {
			return List.of();
		}
		List<JobEvent> list = new ArrayList<>(Math.min(limit, events.size()));
		for (JobEvent event : events) {
			if (list.size() >= limit) {
				break;
			}
			list.add(event);
		}
		return list;
	}

}
