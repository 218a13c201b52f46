package dev.gearman.worker;

import java.nio.charset.StandardCharsets;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.channel.Channel;

/**
 * One assigned job, as its handler sees it: what to do, and how to report progress, partial data and warnings
 * to the waiting clients. The send methods may be called from the handler's thread at any time before it
 * returns.
 */
public final class JobContext {

	private final Channel channel;

	private final String handle;

	private final String function;

	private final String unique;

	private final byte[] payload;

	JobContext(Channel channel, String handle, String function, String unique, byte[] payload) {
		this.channel = channel;
		this.handle = handle;
		this.function = function;
		this.unique = unique;
		this.payload = payload;
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
		this.channel.writeAndFlush(Packet.request(PacketType.WORK_STATUS, this.handle, Long.toString(numerator),
				Long.toString(denominator)), this.channel.voidPromise());
	}

	/**
	 * Sends a partial result (WORK_DATA).
	 * @param data the data
	 */
	public void sendData(byte[] data) {
		this.channel.writeAndFlush(Packet.requestWithData(PacketType.WORK_DATA, data, this.handle),
				this.channel.voidPromise());
	}

	/**
	 * Sends a warning (WORK_WARNING).
	 * @param data the warning
	 */
	public void sendWarning(byte[] data) {
		this.channel.writeAndFlush(Packet.requestWithData(PacketType.WORK_WARNING, data, this.handle),
				this.channel.voidPromise());
	}

	Channel channel() {
		return this.channel;
	}

	String rawFunction() {
		return this.function;
	}

}
