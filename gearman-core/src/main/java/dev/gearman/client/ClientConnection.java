package dev.gearman.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.connection.ManagedConnection;
import dev.gearman.connection.ServerAddress;
import dev.gearman.connection.Transport;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to one job server. Many requests are in flight at once: replies that answer a request
 * (JOB_CREATED, ERROR, STATUS_RES, ECHO_RES, OPTION_RES) come back in request order and are matched to the
 * oldest open request; WORK_* packets are routed by job handle. All state is confined to the channel's event loop.
 */
final class ClientConnection extends ManagedConnection {

	private static final Logger logger = LoggerFactory.getLogger(ClientConnection.class);

	private final @Nullable String clientId;

	/** Called with a submission this connection lost before the server acknowledged it. */
	private final BiConsumer<Submission, ClientConnection> resubmit;

	private final ArrayDeque<Object> awaitingReply = new ArrayDeque<>();

	private final Map<String, List<Submission>> running = new HashMap<>();

	/** A flush is queued on the event loop behind the writes waiting for it. */
	private boolean flushPending;

	ClientConnection(ServerAddress address, Transport transport, ConnectionSettings settings,
			@Nullable String clientId, BiConsumer<Submission, ClientConnection> resubmit) {
		super(address, transport, settings);
		this.clientId = clientId;
		this.resubmit = resubmit;
	}

	@Override
	protected boolean reconnectInBackground() {
		return true;
	}

	@Override
	protected void onConnected(Channel channel) {
		if (this.clientId != null) {
			channel.write(Packet.request(PacketType.SET_CLIENT_ID, Packet.utf8(this.clientId)));
		}
		// ask for WORK_EXCEPTION so workers' exception payloads reach the caller
		this.awaitingReply.add(new CompletableFuture<Packet>());
		channel.writeAndFlush(Packet.request(PacketType.OPTION_REQ, "exceptions"));
	}

	/** Sends a submission; if the channel is gone by then, the submission moves on to another server. */
	void submit(Channel channel, Submission submission) {
		channel.eventLoop().execute(() -> {
			if (!channel.isActive()) {
				this.resubmit.accept(submission, this);
				return;
			}
			if (submission.isDone()) {
				return;
			}
			submission.connection = this;
			this.awaitingReply.add(submission);
			channel.write(submission.packet, channel.voidPromise());
			flushSoon(channel);
		});
	}

	/**
	 * Flushes after the tasks already queued on the event loop: a burst of submissions (a batch, many threads)
	 * then leaves in a few large writes instead of one system call each.
	 */
	private void flushSoon(Channel channel) {
		if (!this.flushPending) {
			this.flushPending = true;
			channel.eventLoop().execute(() -> {
				this.flushPending = false;
				channel.flush();
			});
		}
	}

	/** Sends a request answered by one reply packet (GET_STATUS, GET_STATUS_UNIQUE, ECHO_REQ). */
	CompletableFuture<Packet> query(Channel channel, Packet request) {
		CompletableFuture<Packet> reply = new CompletableFuture<>();
		channel.eventLoop().execute(() -> {
			if (!channel.isActive()) {
				reply.completeExceptionally(new GearmanConnectionException("lost connection to " + this.address));
				return;
			}
			this.awaitingReply.add(reply);
			channel.write(request, channel.voidPromise());
			flushSoon(channel);
		});
		return reply;
	}

	/** Forgets a foreground submission that timed out, so its late result does not linger. */
	void forget(Channel channel, Submission submission) {
		channel.eventLoop().execute(() -> {
			String handle = submission.handle;
			List<Submission> tasks = (handle != null) ? this.running.get(handle) : null;
			if (tasks != null && tasks.remove(submission) && tasks.isEmpty()) {
				this.running.remove(handle);
			}
		});
	}

	@Override
	protected void onPacket(Channel channel, Packet packet) {
		switch (packet.type()) {
			case JOB_CREATED, ERROR, STATUS_RES, STATUS_RES_UNIQUE, ECHO_RES, OPTION_RES -> reply(packet);
			case WORK_DATA, WORK_WARNING, WORK_STATUS, WORK_COMPLETE, WORK_FAIL, WORK_EXCEPTION -> work(packet);
			default -> logger.debug("Ignoring unexpected {} from {}", packet.type(), this.address);
		}
	}

	@SuppressWarnings("unchecked")
	private void reply(Packet packet) {
		Object pending = this.awaitingReply.poll();
		if (pending == null) {
			logger.warn("Unexpected {} from {} with no request waiting", packet, this.address);
			return;
		}
		if (pending instanceof Submission submission) {
			replyToSubmission(submission, packet);
		}
		else if (packet.type() == PacketType.ERROR) {
			((CompletableFuture<Packet>) pending)
				.completeExceptionally(new GearmanServerErrorException("", packet.arg(0), packet.arg(1)));
		}
		else {
			((CompletableFuture<Packet>) pending).complete(packet);
		}
	}

	private void replyToSubmission(Submission submission, Packet packet) {
		if (packet.type() == PacketType.ERROR) {
			submission.fail(new GearmanServerErrorException(submission.request.function(), packet.arg(0),
					packet.arg(1)));
			return;
		}
		if (packet.type() != PacketType.JOB_CREATED) {
			submission.fail(new GearmanConnectionException("job server " + this.address + " answered a submission"
					+ " with " + packet.type()));
			return;
		}
		String handle = packet.arg(0);
		submission.handle = handle;
		if (submission.background) {
			submission.complete(new JobHandle(this.address, handle));
			return;
		}
		if (submission.request.listener() != null) {
			submission.request.listener().onCreated(handle);
		}
		if (!submission.isDone()) {
			this.running.computeIfAbsent(handle, (key) -> new ArrayList<>(1)).add(submission);
		}
	}

	private void work(Packet packet) {
		String handle = packet.arg(0);
		if (packet.type() == PacketType.WORK_FAIL && handle.endsWith("\0")) {
			// gearmand appends a NUL when it turns WORK_EXCEPTION into WORK_FAIL
			handle = handle.substring(0, handle.length() - 1);
		}
		boolean terminal = packet.type() == PacketType.WORK_COMPLETE || packet.type() == PacketType.WORK_FAIL
				|| packet.type() == PacketType.WORK_EXCEPTION;
		List<Submission> tasks = terminal ? this.running.remove(handle) : this.running.get(handle);
		if (tasks == null) {
			return;
		}
		for (Submission task : tasks) {
			deliver(task, handle, packet);
		}
	}

	private static void deliver(Submission task, String handle, Packet packet) {
		JobListener listener = task.request.listener();
		String function = task.request.function();
		switch (packet.type()) {
			case WORK_COMPLETE -> task.complete(packet.data());
			case WORK_FAIL -> task.fail(new GearmanJobFailedException(function, handle));
			case WORK_EXCEPTION -> task.fail(new GearmanWorkerException(function, handle, packet.data()));
			case WORK_DATA -> {
				if (listener != null) {
					listener.onData(packet.data());
				}
			}
			case WORK_WARNING -> {
				if (listener != null) {
					listener.onWarning(packet.data());
				}
			}
			case WORK_STATUS -> {
				if (listener != null) {
					listener.onStatus(parseLong(packet.arg(1)), parseLong(packet.arg(2)));
				}
			}
			default -> {
			}
		}
	}

	static long parseLong(String text) {
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	protected void onDisconnected(Channel channel) {
		List<Object> pending = new ArrayList<>(this.awaitingReply);
		this.awaitingReply.clear();
		for (Object request : pending) {
			if (request instanceof Submission submission) {
				// never acknowledged: the server may not have it, so another server gets it
				this.resubmit.accept(submission, this);
			}
			else {
				((CompletableFuture<Packet>) request).completeExceptionally(
						new GearmanConnectionException("lost connection to job server " + this.address));
			}
		}
		for (List<Submission> tasks : this.running.values()) {
			for (Submission task : tasks) {
				task.fail(new GearmanConnectionException("lost connection to job server " + this.address
						+ " while job " + task.handle + " of function '" + task.request.function() + "' ran"));
			}
		}
		this.running.clear();
	}

}
