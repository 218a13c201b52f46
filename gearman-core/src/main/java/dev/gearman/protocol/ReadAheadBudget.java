package dev.gearman.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of large-payload buffers may be allocated before the bytes to fill them have arrived, over all the
 * connections that share it. Receiving the last part of a payload straight into its buffer spares a copy
 * ({@link PayloadSizedRecvByteBufAllocator}), but the buffer then exists before its bytes do: a peer announcing
 * large packets on many connections and sending little of them would have the server reserve what it announced.
 * Within this budget a connection's buffer may run ahead of its bytes by at most one read; beyond it, a payload is
 * collected as it arrives and its buffer allocated once half of it is in. Thread-safe.
 */
public final class ReadAheadBudget {

	private final long limit;

	private final AtomicLong reserved = new AtomicLong();

	/**
	 * Creates a budget.
	 * @param limit the most bytes reserved at once; 0 allows none
	 */
	public ReadAheadBudget(long limit) {
		if (limit < 0) {
			throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
		}
		this.limit = limit;
	}

	/** A budget of its own for one connection: one read ahead, as if no other connection existed. */
	static ReadAheadBudget ofOneRead() {
		return new ReadAheadBudget(PayloadSizedRecvByteBufAllocator.MAX_READ);
	}

	/**
	 * Reserves bytes if they fit.
	 * @param bytes the bytes a buffer is allocated ahead of its data
	 * @return whether they were reserved; if so they must be {@link #release released}
	 */
	boolean tryReserve(long bytes) {
		long current;
		do {
			current = this.reserved.get();
			if (current + bytes > this.limit) {
				return false;
			}
		}
		while (!this.reserved.compareAndSet(current, current + bytes));
		return true;
	}

	void release(long bytes) {
		if (bytes > 0) {
			this.reserved.addAndGet(-bytes);
		}
	}

	/**
	 * Bytes reserved now.
	 * @return the bytes
	 */
	public long reserved() {
		return this.reserved.get();
	}

	/**
	 * The most bytes reserved at once.
	 * @return the limit
	 */
	public long limit() {
		return this.limit;
	}

}
