package dev.gearman.server.engine;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A payload used as a map key, for jobs submitted with the unique {@code "-"} ("coalesce on payload"). Payloads
 * come from peers, so the key resists hash flooding twice over: its hash is keyed with a random seed per process
 * (payloads crafted to collide under {@link Arrays#hashCode(byte[])} do not collide here), and it is
 * {@link Comparable}, so a {@link java.util.HashMap} bucket that collides anyway becomes a tree with O(log n)
 * lookups instead of a list.
 */
final class DataKey implements Comparable<DataKey> {

	/** The unique id that asks the server to coalesce by payload. */
	static final String UNIQUE_BY_DATA = "-";

	private static final long SEED = new SecureRandom().nextLong();

	private final byte[] data;

	private final int hash;

	DataKey(byte[] data) {
		this.data = data;
		this.hash = hash(data);
	}

	/** A keyed multiply-xor hash over 8-byte words; cheap enough for the per-submission path. */
	static int hash(byte[] data) {
		long h = SEED ^ (data.length * 0x9E3779B97F4A7C15L);
		int i = 0;
		for (; i + 8 <= data.length; i += 8) {
			long word = 0;
			for (int b = 0; b < 8; b++) {
				word = (word << 8) | (data[i + b] & 0xFF);
			}
			h = mix(h ^ word);
		}
		long tail = 0;
		for (; i < data.length; i++) {
			tail = (tail << 8) | (data[i] & 0xFF);
		}
		h = mix(h ^ tail);
		return (int) (h ^ (h >>> 32));
	}

	private static long mix(long h) {
		h *= 0xBF58476D1CE4E5B9L;
		h ^= h >>> 31;
		h *= 0x94D049BB133111EBL;
		return h ^ (h >>> 29);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof DataKey that && this.hash == that.hash && Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public int compareTo(DataKey other) {
		return Arrays.compareUnsigned(this.data, other.data);
	}

}
