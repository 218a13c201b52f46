package dev.gearman.server.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Dead letters kept in memory, for a store that keeps none of its own (the non-durable one): lost on restart like
 * the queue itself, and bounded by count and by payload bytes, the oldest letters going first. Thread-safe; every
 * operation holds the lock for a short time, the listings for at most {@code limit} letters.
 */
public final class MemoryDeadLetters implements DeadLetterStore {

	private final int maxCount;

	private final long maxBytes;

	private final TreeMap<Long, StoredDeadLetter> letters = new TreeMap<>();

	private final Map<String, Long> counts = new HashMap<>();

	private long bytes;

	private long nextId = 1;

	/**
	 * Creates the dead letters.
	 * @param maxCount the most letters kept
	 * @param maxBytes the most payload bytes kept
	 */
	public MemoryDeadLetters(int maxCount, long maxBytes) {
		if (maxCount < 0 || maxBytes < 0) {
			throw new IllegalArgumentException("maxCount, maxBytes: " + maxCount + ", " + maxBytes
					+ " (expected: >= 0)");
		}
		this.maxCount = maxCount;
		this.maxBytes = maxBytes;
	}

	/**
	 * Keeps a letter, dropping the oldest ones beyond the bounds; a letter larger than the byte bound is kept
	 * without its payload rather than not at all.
	 * @param letter the letter
	 * @return its id
	 */
	public synchronized long add(DeadLetter letter) {
		StoredDeadLetter kept = StoredDeadLetter.of(this.nextId++, letter);
		if (kept.data().length > this.maxBytes) {
			kept = kept.withoutData();
		}
		this.letters.put(kept.id(), kept);
		this.counts.merge(kept.function(), 1L, Long::sum);
		this.bytes += kept.data().length;
		while (!this.letters.isEmpty() && (this.letters.size() > this.maxCount || this.bytes > this.maxBytes)) {
			forget(this.letters.firstEntry().getValue());
		}
		return kept.id();
	}

	@Override
	public synchronized List<StoredDeadLetter> list(@Nullable String function, long afterId, int limit) {
		List<StoredDeadLetter> page = new ArrayList<>(Math.min(limit, 100));
		for (StoredDeadLetter letter : this.letters.tailMap(afterId, false).values()) {
			if (page.size() >= limit) {
				break;
			}
			if (function == null || function.equals(letter.function())) {
				page.add(letter.withoutData());
			}
		}
		return page;
	}

	@Override
	public synchronized @Nullable StoredDeadLetter get(long id) {
		return this.letters.get(id);
	}

	/** Takes the letter out at once: the queue is in memory too, so the move cannot half happen. */
	@Override
	public void restore(StoredDeadLetter letter, StoredJob job, Consumer<@Nullable Throwable> callback) {
		callback.accept(delete(letter.id()) ? null
				: new IllegalStateException("dead letter: " + letter.id() + " (expected: one that is kept)"));
	}

	@Override
	public synchronized boolean delete(long id) {
		StoredDeadLetter letter = this.letters.get(id);
		if (letter == null) {
			return false;
		}
		forget(letter);
		return true;
	}

	@Override
	public synchronized int purge(@Nullable String function, long diedBeforeMillis) {
		int purged = 0;
		Iterator<StoredDeadLetter> it = this.letters.values().iterator();
		while (it.hasNext()) {
			StoredDeadLetter letter = it.next();
			if ((function == null || function.equals(letter.function()))
					&& letter.lastAttemptMillis() < diedBeforeMillis) {
				it.remove();
				uncount(letter);
				purged++;
			}
		}
		return purged;
	}

	@Override
	public synchronized int prune(int maxCount, long diedBeforeMillis) {
		int pruned = purge(null, diedBeforeMillis);
		while (this.letters.size() > maxCount) {
			forget(this.letters.firstEntry().getValue());
			pruned++;
		}
		return pruned;
	}

	@Override
	public synchronized Map<String, Long> countByFunction() {
		return Map.copyOf(this.counts);
	}

	private void forget(StoredDeadLetter letter) {
		this.letters.remove(letter.id());
		uncount(letter);
	}

	private void uncount(StoredDeadLetter letter) {
		this.bytes -= letter.data().length;
		this.counts.computeIfPresent(letter.function(), (function, count) -> (count > 1) ? count - 1 : null);
	}

}
