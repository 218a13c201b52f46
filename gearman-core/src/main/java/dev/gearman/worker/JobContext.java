package dev.gearman.worker;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * One assigned job, as its handler sees it: what to do, and how to report progress, partial data and warnings
 * to the waiting clients. The send methods may be called from the handler's thread at any time before it
 * returns.
 * <p>
 * A worker builds the context of each job it is assigned. To unit-test a handler without a job server, build one
 * with {@link #builder(String)}; what the handler reports goes to the {@link Reporter} given there.
 */
public final class JobContext {

	private final String handle;

	/** The function name as it came off the wire (UTF-8 bytes held one per char). */
	private final String function;

	/** The unique id as it came off the wire. */
	private final String unique;

	private final byte[] payload;

	private final Reporter reporter;

	private final @Nullable Channel channel;

	/** A job assigned by a job server over {@code channel}; reports go back over it. */
	JobContext(Channel channel, String handle, String function, String unique, byte[] payload) {
		this.channel = channel;
		this.handle = handle;
		this.function = function;
		this.unique = unique;
		this.payload = payload;
		this.reporter = new ChannelReporter(channel, handle);
	}

	private JobContext(Builder builder) {
		this.channel = null;
		this.handle = builder.handle;
		this.function = Packet.utf8(builder.function);
		this.unique = Packet.utf8(builder.unique);
		this.payload = builder.payload;
		this.reporter = builder.reporter;
	}

	/**
	 * Starts building a context outside a worker, e.g. to call a handler in a unit test.
	 * @param function the function name
	 * @return a builder with an empty payload and unique id, the handle {@code H:test:1}, and a reporter that drops
	 * every report
	 */
	public static Builder builder(String function) {
		return new Builder(function);
	}

	/** @return the job handle the server gave */
	public String handle() {
		return this.handle;
	}

	/** @return the function name */
	public String function() {
		return Packet.fromUtf8(this.function);
	}

	/** @return the unique id, empty if the client gave none */
	public String unique() {
		return Packet.fromUtf8(this.unique);
	}

	/** @return the workload; do not modify it */
	public byte[] payload() {
		return this.payload;
	}

	/** @return the workload as UTF-8 text */
	public String payloadAsString() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

	/**
	 * Reports progress (WORK_STATUS).
	 * @param numerator work done
	 * @param denominator work in all
	 */
	public void sendStatus(long numerator, long denominator) {
		this.reporter.status(numerator, denominator);
	}

	/**
	 * Sends a partial result (WORK_DATA).
	 * @param data the data
	 */
	public void sendData(byte[] data) {
		this.reporter.data(data);
	}

	/**
	 * Sends a warning (WORK_WARNING).
	 * @param data the warning
	 */
	public void sendWarning(byte[] data) {
		this.reporter.warning(data);
	}

	/** The connection the job came over; {@code null} for a context built outside a worker. */
	@Nullable Channel channel() {
		return this.channel;
	}

	String rawFunction() {
		return this.function;
	}

	/**
	 * Where a job's reports go: to the job server for a job a worker runs, anywhere a test likes for a context it
	 * built. Called on the handler's thread.
	 */
	public interface Reporter {

		/** Drops every report. */
		Reporter NONE = new Reporter() {
		};

		/**
		 * Progress (WORK_STATUS).
		 * @param numerator work done
		 * @param denominator work in all
		 */
		default void status(long numerator, long denominator) {
		}

		/**
		 * A partial result (WORK_DATA).
		 * @param data the data
		 */
		default void data(byte[] data) {
		}

		/**
		 * A warning (WORK_WARNING).
		 * @param data the warning
		 */
		default void warning(byte[] data) {
		}

	}

	/**
	 * Builds a {@link JobContext} outside a worker.
	 */
	public static final class Builder {

		private final String function;

		private byte[] payload = new byte[0];

		private String unique = "";

		private String handle = "H:test:1";

		private Reporter reporter = Reporter.NONE;

		private Builder(String function) {
			this.function = Objects.requireNonNull(function, "function");
		}

		/**
		 * Sets the workload.
		 * @param payload the bytes
		 * @return this builder
		 */
		public Builder payload(byte[] payload) {
			this.payload = payload.clone();
			return this;
		}

		/**
		 * Sets the workload as UTF-8 text.
		 * @param payload the text
		 * @return this builder
		 */
		public Builder payload(String payload) {
			this.payload = payload.getBytes(StandardCharsets.UTF_8);
			return this;
		}

		/**
		 * Sets the unique id.
		 * @param unique the id, empty for none
		 * @return this builder
		 */
		public Builder unique(String unique) {
			this.unique = unique;
			return this;
		}

		/**
		 * Sets the job handle.
		 * @param handle the handle
		 * @return this builder
		 */
		public Builder handle(String handle) {
			this.handle = handle;
			return this;
		}

		/**
		 * Sets where the handler's reports go.
		 * @param reporter the reporter
		 * @return this builder
		 */
		public Builder reporter(Reporter reporter) {
			this.reporter = reporter;
			return this;
		}

		/**
		 * Builds the context.
		 * @return the context
		 */
		public JobContext build() {
			return new JobContext(this);
		}

	}

	/** Sends reports to the job server over the job's connection. */
	private record ChannelReporter(Channel channel, String handle) implements Reporter {

		@Override
		public void status(long numerator, long denominator) {
			this.channel.writeAndFlush(Packet.request(PacketType.WORK_STATUS, this.handle, Long.toString(numerator),
					Long.toString(denominator)), this.channel.voidPromise());
		}

		@Override
		public void data(byte[] data) {
			this.channel.writeAndFlush(Packet.requestWithData(PacketType.WORK_DATA, data, this.handle),
					this.channel.voidPromise());
		}

		@Override
		public void warning(byte[] data) {
			this.channel.writeAndFlush(Packet.requestWithData(PacketType.WORK_WARNING, data, this.handle),
					this.channel.voidPromise());
		}

	}

}
