package dev.gearman.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.connection.ServerAddress;
import dev.gearman.connection.Transport;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * A Gearman client: submits jobs to one or more job servers and returns {@link CompletableFuture}s.
 * <p>
 * Jobs with a unique id go to the server the id hashes to (so that coalescing works across clients); others
 * rotate over the servers. A server that is down is skipped, and a submission whose connection drops before the
 * server acknowledged it moves on to the next server. A foreground job already running on a lost server fails at
 * once with a {@link GearmanConnectionException}. Thread-safe; futures complete on network threads, so callbacks
 * on them must not block.
 * <p>
 * A foreground job nobody waits for any more does not run later for nobody: when its call times out or its future
 * is cancelled, the connection it was submitted on is retired (it takes no new request and closes once the other
 * calls on it have ended), and a job server drops a queued job whose last client has gone. A job that is already
 * running runs to its end; its result is discarded. So a caller that retries after a timeout may still see the job
 * run twice (at least once, not exactly once): give such jobs a unique id, and a retry joins the job still known to
 * the server instead of starting another. At most {@value #MAX_RETIRING_CONNECTIONS} connections per server are
 * retiring at once; a job abandoned beyond that is given up once one of them has closed.
 */
public final class GearmanClient implements AutoCloseable {

	/** Most connections per server that are retired (because a job on them was abandoned) but still open. */
	public static final int MAX_RETIRING_CONNECTIONS = 4;

	private final GearmanClientSettings settings;

	private final Transport transport;

	private final List<ServerConnections> servers;

	private final AtomicInteger rotation = new AtomicInteger();

	/**
	 * Creates a client. Connections are opened on first use.
	 * @param settings the settings
	 */
	public GearmanClient(GearmanClientSettings settings) {
		this.settings = settings;
		this.transport = new Transport("gearman-client", settings.ioThreads());
		ClientConnection.Dispatch dispatch = new Dispatch();
		List<ServerConnections> list = new ArrayList<>();
		for (ServerAddress address : settings.servers()) {
			list.add(new ServerConnections(list.size(), address, (owner) -> new ClientConnection(owner,
					this.transport, settings.connection(), settings.clientId(), settings.failIfNoWorker(), dispatch)));
		}
		this.servers = List.copyOf(list);
	}

	/**
	 * Submits a foreground job and waits (asynchronously) for its result. Cancelling the returned future gives the
	 * job up as a timeout does (see above).
	 * @param request the job
	 * @return the result bytes; fails with {@link GearmanJobFailedException}, {@link GearmanWorkerException},
	 * {@link GearmanServerErrorException} (and its {@link GearmanNoWorkerException}), {@link GearmanTimeoutException}
	 * or {@link GearmanConnectionException} (and its {@link GearmanNoServerException})
	 */
	public CompletableFuture<byte[]> submit(JobRequest request) {
		if (request.runAt() != null) {
			throw new IllegalArgumentException("runAt: only background jobs can be scheduled");
		}
		String unique = (request.unique() != null) ? request.unique() : "";
		Submission submission = new Submission(request, false, unique);
		CompletableFuture<byte[]> result = start(submission).thenApply(byte[].class::cast);
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				abandon(submission, new CancellationException("call of function '" + request.function()
						+ "' cancelled"));
			}
		});
		return result;
	}

	/**
	 * Submits a foreground job with a UTF-8 text workload and result.
	 * @param function the function
	 * @param payload the workload
	 * @return the result as UTF-8 text
	 */
	public CompletableFuture<String> submit(String function, String payload) {
		return submit(JobRequest.of(function, payload))
			.thenApply((bytes) -> new String(bytes, StandardCharsets.UTF_8));
	}

	/**
	 * Submits a background job. Without a unique id one is generated, as libgearman does, so that persistent
	 * queues (keyed by function and unique id) keep every job.
	 * @param request the job
	 * @return the job's handle once the server accepted (and, with a durable store, stored) it
	 */
	public CompletableFuture<JobHandle> submitBackground(JobRequest request) {
		String unique = (request.unique() != null) ? request.unique() : UUID.randomUUID().toString();
		return start(new Submission(request, true, unique)).thenApply(JobHandle.class::cast);
	}

	/**
	 * Submits many foreground jobs in parallel and collects their results in order: the seeds' addTask and
	 * runTasks, the building block of map/reduce fan-out.
	 * @param requests the jobs
	 * @return the results in request order; fails with the first failure
	 */
	public CompletableFuture<List<byte[]>> submitAll(List<JobRequest> requests) {
		List<CompletableFuture<byte[]>> futures = new ArrayList<>(requests.size());
		for (JobRequest request : requests) {
			futures.add(submit(request));
		}
		return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			List<byte[]> results = new ArrayList<>(futures.size());
			for (CompletableFuture<byte[]> future : futures) {
				results.add(future.join());
			}
			return results;
		});
	}

	/**
	 * Submits many background jobs in parallel.
	 * @param requests the jobs
	 * @return their handles in request order
	 */
	public CompletableFuture<List<JobHandle>> submitAllBackground(List<JobRequest> requests) {
		List<CompletableFuture<JobHandle>> futures = new ArrayList<>(requests.size());
		for (JobRequest request : requests) {
			futures.add(submitBackground(request));
		}
		return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			List<JobHandle> handles = new ArrayList<>(futures.size());
			for (CompletableFuture<JobHandle> future : futures) {
				handles.add(future.join());
			}
			return handles;
		});
	}

	/**
	 * Asks the server that holds a job for its status (GET_STATUS).
	 * @param job the job
	 * @return its status
	 */
	public CompletableFuture<JobStatus> getStatus(JobHandle job) {
		ClientConnection connection = connectionFor(job.server());
		return connection.connect()
			.thenCompose((channel) -> connection.query(channel,
					Packet.request(PacketType.GET_STATUS, job.handle())))
			.thenApply((reply) -> new JobStatus(reply.arg(0), "1".equals(reply.arg(1)), "1".equals(reply.arg(2)),
					ClientConnection.parseLong(reply.arg(3)), ClientConnection.parseLong(reply.arg(4)), -1));
	}

	/**
	 * Asks for the status of a job by its unique id (GET_STATUS_UNIQUE), on the server the id hashes to.
	 * @param unique the unique id
	 * @return its status, with the number of waiting foreground clients
	 */
	public CompletableFuture<JobStatus> getStatusByUnique(String unique) {
		ClientConnection connection = this.servers.get(serverIndex(unique)).current();
		return connection.connect()
			.thenCompose((channel) -> connection.query(channel,
					Packet.request(PacketType.GET_STATUS_UNIQUE, Packet.utf8(unique))))
			.thenApply((reply) -> new JobStatus(Packet.fromUtf8(reply.arg(0)), "1".equals(reply.arg(1)),
					"1".equals(reply.arg(2)), ClientConnection.parseLong(reply.arg(3)),
					ClientConnection.parseLong(reply.arg(4)), (int) ClientConnection.parseLong(reply.arg(5))));
	}

	/**
	 * Sends ECHO_REQ to one server and returns what it echoed; a cheap liveness probe.
	 * @param server the server, one of the configured ones
	 * @param data the bytes to echo
	 * @return the echoed bytes
	 */
	public CompletableFuture<byte[]> echo(ServerAddress server, byte[] data) {
		ClientConnection connection = connectionFor(server);
		return connection.connect()
			.thenCompose((channel) -> connection.query(channel, Packet.requestWithData(PacketType.ECHO_REQ, data)))
			.thenApply(Packet::data);
	}

	/**
	 * Pings every configured server with an ECHO round trip.
	 * @param timeout how long to wait for each
	 * @return per server, whether it answered in time
	 */
	public Map<ServerAddress, Boolean> ping(Duration timeout) {
		Map<ServerAddress, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
		byte[] token = "ping".getBytes(StandardCharsets.US_ASCII);
		for (ServerConnections server : this.servers) {
			pending.put(server.address(), echo(server.address(), token));
		}
		Map<ServerAddress, Boolean> result = new java.util.LinkedHashMap<>();
		for (ServerConnections server : this.servers) {
			boolean up;
			try {
				up = pending.get(server.address()).get(timeout.toMillis(), TimeUnit.MILLISECONDS).length == 4;
			}
			catch (Exception ex) {
				up = false;
			}
			result.put(server.address(), up);
		}
		return result;
	}

	/**
	 * Sends an admin text command to one server, as {@code gearadmin} does (on a connection of its own), and
	 * returns its one-line reply: {@code OK …} and the like.
	 * @param server the server, one of the configured ones
	 * @param command the command, e.g. {@code dead requeue 12}
	 * @return the reply line; fails with an {@link dev.gearman.server.operations.OperationFailedException} if the
	 * server answered {@code ERR}, with a {@link GearmanConnectionException} if it cannot be reached or does not
	 * answer within the client's timeout (30 s without one)
	 */
	public CompletableFuture<String> admin(ServerAddress server, String command) {
		return AdminExchange.run(this.transport, connectionFor(server).address(),
				this.settings.connection().connectTimeout(), adminTimeout(), command, false)
			.thenApply((lines) -> lines.get(0));
	}

	/**
	 * Sends an admin text command whose reply is a list ({@code status}, {@code dead list …}) to one server.
	 * @param server the server, one of the configured ones
	 * @param command the command
	 * @return the lines of the list, without the closing dot; fails as {@link #admin}
	 */
	public CompletableFuture<List<String>> adminList(ServerAddress server, String command) {
		return AdminExchange.run(this.transport, connectionFor(server).address(),
				this.settings.connection().connectTimeout(), adminTimeout(), command, true);
	}

	/**
	 * The server that jobs with a unique id go to: where their status, dead letters and history are.
	 * @param unique the unique id
	 * @return the server
	 */
	public ServerAddress serverFor(String unique) {
		return this.servers.get(serverIndex(unique)).address();
	}

	private Duration adminTimeout() {
		return (this.settings.defaultTimeout() != null) ? this.settings.defaultTimeout() : Duration.ofSeconds(30);
	}

	/**
	 * The configured servers.
	 * @return the addresses
	 */
	public List<ServerAddress> servers() {
		return this.settings.servers();
	}

	private ClientConnection connectionFor(ServerAddress server) {
		for (ServerConnections connections : this.servers) {
			if (connections.address().equals(server)) {
				return connections.current();
			}
		}
		throw new IllegalArgumentException("server: " + server + " (expected: one of " + servers() + ")");
	}

	private CompletableFuture<Object> start(Submission submission) {
		Duration timeout = (submission.request.timeout() != null) ? submission.request.timeout()
				: this.settings.defaultTimeout();
		if (timeout != null) {
			submission.timeout = this.transport.group().schedule(() -> timedOut(submission, timeout),
					timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		String unique = submission.request.unique();
		int first = (unique != null && !unique.isEmpty()) ? serverIndex(unique)
				: Math.floorMod(this.rotation.getAndIncrement(), this.servers.size());
		dispatch(submission, first, null);
		return submission.result;
	}

	private void timedOut(Submission submission, Duration timeout) {
		abandon(submission, new GearmanTimeoutException(submission.request.function(), submission.handle, timeout));
	}

	/** Ends a call nobody waits for any more; a foreground job it may have left on a server is dropped there. */
	private void abandon(Submission submission, Throwable cause) {
		submission.cancelTimeout();
		if (submission.result.completeExceptionally(cause) || submission.result.isCancelled()) {
			ClientConnection connection = submission.connection;
			if (connection != null && !submission.background) {
				connection.abandon(submission);
			}
		}
	}

	private int serverIndex(String unique) {
		return Math.floorMod(unique.hashCode(), this.servers.size());
	}

	/** Tries servers from {@code index} on until one takes the submission. */
	private void dispatch(Submission submission, int index, @Nullable Throwable lastFailure) {
		if (submission.isDone()) {
			return;
		}
		if (submission.attempts >= 2 * this.servers.size()) {
			submission.fail(new GearmanNoServerException("no job server available for function '"
					+ submission.request.function() + "' (tried " + servers() + ")", submission.request.function(),
					lastFailure));
			return;
		}
		submission.attempts++;
		ClientConnection connection = this.servers.get(index % this.servers.size()).current();
		connection.connect().whenComplete((Channel channel, @Nullable Throwable failure) -> {
			if (failure != null) {
				dispatch(submission, index + 1, failure);
			}
			else {
				connection.submit(channel, submission);
			}
		});
	}

	/**
	 * Closes every connection. Jobs still waiting fail with a connection exception.
	 */
	@Override
	public void close() {
		for (ServerConnections server : this.servers) {
			server.close(Duration.ofSeconds(2));
		}
		this.transport.close();
	}

	/** Moves submissions between servers and connections. */
	private final class Dispatch implements ClientConnection.Dispatch {

		@Override
		public void resubmit(Submission submission, ClientConnection connection, boolean sameServer) {
			int index = connection.owner().index();
			dispatch(submission, sameServer ? index : index + 1,
					new GearmanConnectionException("lost connection to " + connection.address()));
		}

		@Override
		public void noWorker(Submission submission, ClientConnection connection, GearmanNoWorkerException failure) {
			// another server may have a worker for it (one that is just reconnecting to this one, say)
			submission.noWorkerAnswers++;
			if (submission.noWorkerAnswers < GearmanClient.this.servers.size()) {
				dispatch(submission, connection.owner().index() + 1, failure);
			}
			else {
				submission.fail(failure);
			}
		}

	}

}
