package dev.gearman.server.engine;

import java.util.Arrays;

/**
 * A payload used as a map key, for jobs submitted with the unique {@code "-"} ("coalesce on payload").
 */
final class DataKey {

	/** The unique id that asks the server to coalesce by payload. */
	static final String UNIQUE_BY_DATA = "-";

	private final byte[] data;

	private final int hash;

	DataKey(byte[] data) {
		this.data = data;
		this.hash = Arrays.hashCode(data);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof DataKey that && this.hash == that.hash && Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

}
