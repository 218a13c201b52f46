package dev.gearman.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The 42 binary packet types with their wire code and argument layout.
 * <p>
 * The layout is the one gearmand and libgearman parse with, which is not always what the protocol text says:
 * with {@link #hasData()} the payload is {@link #argc()} NUL-terminated arguments followed by an opaque blob
 * that runs to the end of the payload; without it the last argument is not NUL-terminated and runs to the end.
 * {@link #SUBMIT_REDUCE_JOB} really carries four NUL-terminated arguments (the fourth, the aggregator, is always
 * empty).
 */
public enum PacketType {

	CAN_DO(1, 1, false),
	CANT_DO(2, 1, false),
	RESET_ABILITIES(3, 0, false),
	PRE_SLEEP(4, 0, false),
	UNUSED(5, 0, false),
	NOOP(6, 0, false),
	SUBMIT_JOB(7, 2, true),
	JOB_CREATED(8, 1, false),
	GRAB_JOB(9, 0, false),
	NO_JOB(10, 0, false),
	JOB_ASSIGN(11, 2, true),
	WORK_STATUS(12, 3, false),
	WORK_COMPLETE(13, 1, true),
	WORK_FAIL(14, 1, false),
	GET_STATUS(15, 1, false),
	ECHO_REQ(16, 0, true),
	ECHO_RES(17, 0, true),
	SUBMIT_JOB_BG(18, 2, true),
	ERROR(19, 2, false),
	STATUS_RES(20, 5, false),
	SUBMIT_JOB_HIGH(21, 2, true),
	SET_CLIENT_ID(22, 1, false),
	CAN_DO_TIMEOUT(23, 2, false),
	ALL_YOURS(24, 0, false),
	WORK_EXCEPTION(25, 1, true),
	OPTION_REQ(26, 1, false),
	OPTION_RES(27, 1, false),
	WORK_DATA(28, 1, true),
	WORK_WARNING(29, 1, true),
	GRAB_JOB_UNIQ(30, 0, false),
	JOB_ASSIGN_UNIQ(31, 3, true),
	SUBMIT_JOB_HIGH_BG(32, 2, true),
	SUBMIT_JOB_LOW(33, 2, true),
	SUBMIT_JOB_LOW_BG(34, 2, true),
	SUBMIT_JOB_SCHED(35, 7, true),
	SUBMIT_JOB_EPOCH(36, 3, true),
	SUBMIT_REDUCE_JOB(37, 4, true),
	SUBMIT_REDUCE_JOB_BACKGROUND(38, 4, true),
	GRAB_JOB_ALL(39, 0, false),
	JOB_ASSIGN_ALL(40, 4, true),
	GET_STATUS_UNIQUE(41, 1, false),
	STATUS_RES_UNIQUE(42, 6, false);

	private static final PacketType[] BY_CODE = new PacketType[43];

	static {
		for (PacketType type : values()) {
			BY_CODE[type.code] = type;
		}
	}

	private final int code;

	private final int argc;

	private final boolean hasData;

	PacketType(int code, int argc, boolean hasData) {
		this.code = code;
		this.argc = argc;
		this.hasData = hasData;
	}

	/**
	 * The wire code of this type.
	 * @return the code, 1 to 42
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The number of string arguments.
	 * @return the argument count, not counting the data blob
	 */
	public int argc() {
		return this.argc;
	}

	/**
	 * Whether an opaque data blob follows the NUL-terminated arguments.
	 * @return {@code true} if the packet carries data
	 */
	public boolean hasData() {
		return this.hasData;
	}

	/**
	 * Looks up a type by its wire code.
	 * @param code the code read from the header
	 * @return the type, or {@code null} for 0 and for codes above 42
	 */
	public static @Nullable PacketType fromCode(long code) {
		return (code > 0 && code < BY_CODE.length) ? BY_CODE[(int) code] : null;
	}

}
