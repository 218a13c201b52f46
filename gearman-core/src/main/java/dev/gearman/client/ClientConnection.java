package dev.gearman.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.connection.ManagedConnection;
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
 * <p>
 * A connection on which a foreground job was abandoned is retired by its {@link ServerConnections}: it takes no new
 * request and closes once nothing waits on it any more, which tells the server to drop the job.
 */
final class ClientConnection extends ManagedConnection {

	private static final Logger logger = LoggerFactory.getLogger(ClientConnection.class);

	/** The OPTION_REQ name of our job server's fail-fast option for functions without a worker. */
	static final String FAIL_IF_NO_WORKER = "fail-if-no-worker";

	/** The longest failure reason kept from a WORK_WARNING, in bytes. */
	static final int MAX_REASON_BYTES = 4096;

	private final ServerConnections owner;

	private final @Nullable String clientId;

	private final boolean failIfNoWorker;

	private final Dispatch dispatch;

	private final ArrayDeque<Object> awaitingReply = new ArrayDeque<>();

	private final Map<String, List<Submission>> running = new HashMap<>();

	private volatile @Nullable Channel channel;

	/** A flush is queued on the event loop behind the writes waiting for it. */
	private boolean flushPending;

	/** Takes no new request; closes once idle. */
	private boolean retiring;

	ClientConnection(ServerConnections owner, Transport transport, ConnectionSettings settings,
			@Nullable String clientId, boolean failIfNoWorker, Dispatch dispatch) {
		super(owner.address(), transport, settings);
		this.owner = owner;
		this.clientId = clientId;
		this.failIfNoWorker = failIfNoWorker;
		this.dispatch = dispatch;
	}

	ServerConnections owner() {
		return this.owner;
	}

	@Override
	protected boolean reconnectInBackground() {
		return true;
	}

	@Override
	protected void onConnected(Channel channel) {
		this.channel = channel;
		if (this.clientId != null) {
			channel.write(Packet.request(PacketType.SET_CLIENT_ID, Packet.utf8(this.clientId)));
		}
		// ask for WORK_EXCEPTION so workers' exception payloads reach the caller
		this.awaitingReply.add(new CompletableFuture<Packet>());
		channel.write(Packet.request(PacketType.OPTION_REQ, "exceptions"));
		if (this.failIfNoWorker) {
			// before any submission: the server applies options in order
			CompletableFuture<Packet> answer = new CompletableFuture<>();
			answer.whenComplete((packet, refused) -> {
				if (refused != null) {
					this.owner.failIfNoWorkerRefused(refused);
				}
			});
			this.awaitingReply.add(answer);
			channel.write(Packet.request(PacketType.OPTION_REQ, FAIL_IF_NO_WORKER));
		}
		channel.flush();
	}

	/**
	 * Sends a submission; if the channel is gone by then, the submission moves on to another server, and if this
	 * connection is retiring, to the server's current connection.
	 */
	void submit(Channel channel, Submission submission) {
		channel.eventLoop().execute(() -> {
			if (!channel.isActive() || this.retiring) {
				this.dispatch.resubmit(submission, this, this.retiring);
				return;
			}
			if (submission.isDone()) {
				return;
			}
			submission.connection = this;
			this.awaitingReply.add(submission);
			channel.write(submission.packet, channel.voidPromise());
			flushSoon(channel);
			if (submission.isDone() && !submission.background) {
				// abandoned while it was being sent, before the abandoning thread could see this connection
				this.owner.abandoned(this);
			}
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

	/**
	 * Gives up a foreground submission whose caller stopped waiting (timeout, cancel): forgets it, and if the job may
	 * still be on the server with nobody else of ours waiting, has this connection retired so the server drops it.
	 */
	void abandon(Submission submission) {
		Channel ch = this.channel;
		if (ch == null) {
			// not connected: the server forgot this connection's interest when it was lost
			return;
		}
		ch.eventLoop().execute(() -> {
			if (ch != this.channel) {
				return;
			}
			String handle = submission.handle;
			List<Submission> tasks = (handle != null) ? this.running.get(handle) : null;
			boolean waiting = (tasks != null) ? tasks.remove(submission) : this.awaitingReply.contains(submission);
			if (tasks != null && tasks.isEmpty()) {
				this.running.remove(handle);
			}
			if (waiting) {
				this.owner.abandoned(this);
			}
			closeIfIdle();
		});
	}

	/** Stops taking requests and closes once nothing waits on this connection any more. */
	void retire() {
		Channel ch = this.channel;
		if (ch == null) {
			closeWithoutWaiting();
			this.owner.retired(this);
			return;
		}
		ch.eventLoop().execute(() -> {
			this.retiring = true;
			closeIfIdle();
		});
	}

	private void closeIfIdle() {
		if (this.retiring && this.awaitingReply.isEmpty() && this.running.isEmpty() && !isClosed()) {
			closeWithoutWaiting();
			this.owner.retired(this);
		}
	}

	@Override
	protected void onPacket(Channel channel, Packet packet) {
		switch (packet.type()) {
			case JOB_CREATED, ERROR, STATUS_RES, STATUS_RES_UNIQUE, ECHO_RES, OPTION_RES -> reply(packet);
			case WORK_DATA, WORK_WARNING, WORK_STATUS, WORK_COMPLETE, WORK_FAIL, WORK_EXCEPTION -> work(packet);
			default -> logger.debug("Ignoring unexpected {} from {}", packet.type(), this.address);
		}
		closeIfIdle();
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
			String function = submission.request.function();
			if (GearmanNoWorkerException.CODE.equals(packet.arg(0))) {
				this.dispatch.noWorker(submission, this, new GearmanNoWorkerException(function, packet.arg(1)));
				return;
			}
			submission.fail(new GearmanServerErrorException(function, packet.arg(0), packet.arg(1)));
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
		else {
			// given up before (or while) its JOB_CREATED came: the job exists and nobody here waits for it
			this.owner.abandoned(this);
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
			case WORK_FAIL -> task.fail(new GearmanJobFailedException(function, handle, reason(task.lastWarning)));
			case WORK_EXCEPTION -> task.fail(new GearmanWorkerException(function, handle, packet.data()));
			case WORK_DATA -> {
				task.lastWarning = null;
				if (listener != null) {
					listener.onData(packet.data());
				}
			}
			case WORK_WARNING -> {
				// the reason, if WORK_FAIL comes next (see FailJobException)
				task.lastWarning = packet.data();
				if (listener != null) {
					listener.onWarning(packet.data());
				}
			}
			case WORK_STATUS -> {
				task.lastWarning = null;
				if (listener != null) {
					listener.onStatus(parseLong(packet.arg(1)), parseLong(packet.arg(2)));
				}
			}
			default -> {
			}
		}
	}

	private static @Nullable String reason(byte @Nullable [] warning) {
		if (warning == null || warning.length == 0) {
			return null;
		}
		return new String(warning, 0, Math.min(warning.length, MAX_REASON_BYTES), StandardCharsets.UTF_8);
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
		if (this.channel == channel) {
			this.channel = null;
		}
		List<Object> pending = new ArrayList<>(this.awaitingReply);
		this.awaitingReply.clear();
		for (Object request : pending) {
			if (request instanceof Submission submission) {
				// never acknowledged: the server may not have it, so another server gets it
				this.dispatch.resubmit(submission, this, false);
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
		if (this.retiring) {
			this.owner.retired(this);
		}
	}

	/**
	 * Where a connection sends the submissions it cannot complete itself.
	 */
	interface Dispatch {

		/**
		 * A submission this connection could not send, or lost before the server acknowledged it.
		 * @param submission the submission
		 * @param connection this connection
		 * @param sameServer whether to send it to the same server's current connection (this one is retiring)
		 * rather than to the next server
		 */
		void resubmit(Submission submission, ClientConnection connection, boolean sameServer);

		/**
		 * The server has no worker for the submission's function.
		 * @param submission the submission
		 * @param connection this connection
		 * @param failure what to fail the call with if no other server is left to try
		 */
		void noWorker(Submission submission, ClientConnection connection, GearmanNoWorkerException failure);

	}

}
