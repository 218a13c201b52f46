package dev.gearman.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 */
public final class GearmanClient implements AutoCloseable {

	private final GearmanClientSettings settings;

	private final Transport transport;

	private final List<ClientConnection> connections;

	private final AtomicInteger rotation = new AtomicInteger();

	/**
	 * Creates a client. Connections are opened on first use.
	 * @param settings the settings
	 */
	public GearmanClient(GearmanClientSettings settings) {
		this.settings = settings;
		this.transport = new Transport("gearman-client", settings.ioThreads());
		List<ClientConnection> list = new ArrayList<>();
		for (ServerAddress address : settings.servers()) {
			list.add(new ClientConnection(address, this.transport, settings.connection(), settings.clientId(),
					this::resubmit));
		}
		this.connections = List.copyOf(list);
	}

	/**
	 * Submits a foreground job and waits (asynchronously) for its result.
	 * @param request the job
	 * @return the result bytes; fails with {@link GearmanJobFailedException}, {@link GearmanWorkerException},
	 * {@link GearmanServerErrorException}, {@link GearmanTimeoutException} or {@link GearmanConnectionException}
	 */
	public CompletableFuture<byte[]> submit(JobRequest request) {
		if (request.runAt() != null) {
			throw new IllegalArgumentException("runAt: only background jobs can be scheduled");
		}
		String unique = (request.unique() != null) ? request.unique() : "";
		return start(new Submission(request, false, unique)).thenApply(byte[].class::cast);
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
		ClientConnection connection = this.connections.get(serverIndex(unique));
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
		for (ClientConnection connection : this.connections) {
			pending.put(connection.address(), echo(connection.address(), token));
		}
		Map<ServerAddress, Boolean> result = new java.util.LinkedHashMap<>();
		for (ClientConnection connection : this.connections) {
			boolean up;
			try {
				up = pending.get(connection.address()).get(timeout.toMillis(), TimeUnit.MILLISECONDS).length == 4;
			}
			catch (Exception ex) {
				up = false;
			}
			result.put(connection.address(), up);
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
		return this.connections.get(serverIndex(unique)).address();
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
		for (ClientConnection connection : this.connections) {
			if (connection.address().equals(server)) {
				return connection;
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
				: Math.floorMod(this.rotation.getAndIncrement(), this.connections.size());
		dispatch(submission, first, null);
		return submission.result;
	}

	private void timedOut(Submission submission, Duration timeout) {
		if (submission.result.completeExceptionally(
				new GearmanTimeoutException(submission.request.function(), submission.handle, timeout))) {
			ClientConnection connection = submission.connection;
			if (connection != null) {
				connection.connect().thenAccept((channel) -> connection.forget(channel, submission));
			}
		}
	}

	private int serverIndex(String unique) {
		return Math.floorMod(unique.hashCode(), this.connections.size());
	}

	/** Tries servers from {@code index} on until one takes the submission. */
	private void dispatch(Submission submission, int index, @Nullable Throwable lastFailure) {
		if (submission.isDone()) {
			return;
		}
		if (submission.attempts >= 2 * this.connections.size()) {
			submission.fail(new GearmanConnectionException("no job server available for function '"
					+ submission.request.function() + "' (tried " + servers() + ")", lastFailure));
			return;
		}
		submission.attempts++;
		ClientConnection connection = this.connections.get(index % this.connections.size());
		connection.connect().whenComplete((Channel channel, @Nullable Throwable failure) -> {
			if (failure != null) {
				dispatch(submission, index + 1, failure);
			}
			else {
				connection.submit(channel, submission);
			}
		});
	}

	private void resubmit(Submission submission, ClientConnection lost) {
		dispatch(submission, this.connections.indexOf(lost) + 1,
				new GearmanConnectionException("lost connection to " + lost.address()));
	}

	/**
	 * Closes every connection. Jobs still waiting fail with a connection exception.
	 */
	@Override
	public void close() {
		for (ClientConnection connection : this.connections) {
			connection.close(Duration.ofSeconds(2));
		}
		this.transport.close();
	}

}
