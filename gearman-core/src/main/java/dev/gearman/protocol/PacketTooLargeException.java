package dev.gearman.protocol;

/**
 * A packet header announced a payload larger than the configured maximum. Raised from the header alone, before
 * any of the payload is buffered.
 */
public class PacketTooLargeException extends GearmanCodecException {

	private static final long serialVersionUID = 1L;

	private final long size;

	private final long maxSize;

	/**
	 * Creates an exception.
	 * @param size the announced payload size
	 * @param maxSize the configured maximum
	 */
	public PacketTooLargeException(long size, long maxSize) {
		super("size: " + size + " (expected: <= " + maxSize + ")");
		this.size = size;
		this.maxSize = maxSize;
	}

	public long size() {
		return this.size;
	}

	public long maxSize() {
		return this.maxSize;
	}

}
