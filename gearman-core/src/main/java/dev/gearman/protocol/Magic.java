package dev.gearman.protocol;

/**
 * The four magic bytes that open every binary packet: {@code "\0REQ"} towards a job server, {@code "\0RES"}
 * from it.
 */
public enum Magic {

	/** A request, sent by clients and workers to the job server. */
	REQ(0x00524551),

	/** A response, sent by the job server. */
	RES(0x00524553);

	private final int code;

	Magic(int code) {
		this.code = code;
	}

	/**
	 * The magic as the big-endian integer it is on the wire.
	 * @return the wire code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Looks up a magic by its wire code.
	 * @param code the big-endian integer read from the header
	 * @return the magic, or {@code null} if the code is neither {@code \0REQ} nor {@code \0RES}
	 */
	public static Magic fromCode(int code) {
		if (code == REQ.code) {
			return REQ;
		}
		return (code == RES.code) ? RES : null;
	}

}
