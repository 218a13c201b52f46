package dev.gearman.spring.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import dev.gearman.client.JobStatus;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.operations.OperatorText;
import org.jspecify.annotations.Nullable;

/**
 * Submits Gearman jobs from Spring code, synchronously or asynchronously, with payloads and results converted
 * by a {@link GearmanPayloadConverter} ({@code byte[]}, {@code String}, or JSON). Synchronous calls wait at most
 * the client's timeout ({@code gearman.client.timeout}) and throw the client's exceptions unwrapped
 * ({@link dev.gearman.client.GearmanTimeoutException}, {@link dev.gearman.client.GearmanWorkerException}, …).
 * Operators' calls for failed jobs ({@link #deadLetters()}, {@link #history}) go to the servers' admin commands.
 */
public class GearmanTemplate {

	private final GearmanClient client;

	private final GearmanPayloadConverter converter;

	private JobRecorder recorder = JobRecorder.NONE;

	/**
	 * Creates a template.
	 * @param client the client that talks to the job servers
	 * @param converter payload conversion
	 */
	public GearmanTemplate(GearmanClient client, GearmanPayloadConverter converter) {
		this.client = client;
		this.converter = converter;
	}

	/**
	 * Sets what records calls, for metrics.
	 * @param recorder the recorder
	 */
	public void setRecorder(JobRecorder recorder) {
		this.recorder = recorder;
	}

	/**
	 * The underlying client, for everything the template does not cover.
	 * @return the client
	 */
	public GearmanClient client() {
		return this.client;
	}

	/**
	 * Calls a function and waits for its result.
	 * @param function the function
	 * @param payload the workload
	 * @return the result bytes
	 */
	public byte[] call(String function, byte[] payload) {
		return await(submit(JobRequest.of(function, payload)));
	}

	/**
	 * Calls a function with a text workload and returns its result as text.
	 * @param function the function
	 * @param payload the workload
	 * @return the result
	 */
	public String call(String function, String payload) {
		return call(function, payload, String.class);
	}

	/**
	 * Calls a function, converting the workload and the result.
	 * @param <T> the result type
	 * @param function the function
	 * @param payload the workload: {@code byte[]}, {@code String} or an object written as JSON
	 * @param resultType the result type
	 * @return the result
	 */
	public <T> T call(String function, @Nullable Object payload, Class<T> resultType) {
		return await(callAsync(function, payload, resultType));
	}

	/**
	 * Calls a function with progress reporting.
	 * @param <T> the result type
	 * @param function the function
	 * @param payload the workload
	 * @param resultType the result type
	 * @param listener receives WORK_DATA, WORK_WARNING and WORK_STATUS while the job runs
	 * @return the result
	 */
	public <T> T call(String function, @Nullable Object payload, Class<T> resultType, JobListener listener) {
		JobRequest request = request(function, payload).withListener(listener);
		return await(submit(request).thenApply((bytes) -> this.converter.<T>fromBytes(bytes, resultType)));
	}

	/**
	 * Calls a function asynchronously.
	 * @param <T> the result type
	 * @param function the function
	 * @param payload the workload
	 * @param resultType the result type
	 * @return the result, later
	 */
	public <T> CompletableFuture<T> callAsync(String function, @Nullable Object payload, Class<T> resultType) {
		return submit(request(function, payload))
			.thenApply((bytes) -> this.converter.<T>fromBytes(bytes, resultType));
	}

	/**
	 * Submits a prepared request (its own timeout, unique id, priority, listener…) and waits for its result.
	 * @param request the request
	 * @return the result bytes
	 */
	public byte[] call(JobRequest request) {
		return await(submit(request));
	}

	/**
	 * Submits a prepared request asynchronously.
	 * @param request the request
	 * @return the result bytes, later
	 */
	public CompletableFuture<byte[]> callAsync(JobRequest request) {
		return submit(request);
	}

	/**
	 * Calls a function once per payload, all in parallel, and collects the results in order.
	 * @param <T> the result type
	 * @param function the function
	 * @param payloads the workloads
	 * @param resultType the result type
	 * @return the results
	 */
	public <T> List<T> callAll(String function, List<?> payloads, Class<T> resultType) {
		List<JobRequest> requests = new ArrayList<>(payloads.size());
		for (Object payload : payloads) {
			requests.add(request(function, payload));
		}
		List<CompletableFuture<byte[]>> futures = new ArrayList<>(requests.size());
		for (JobRequest request : requests) {
			futures.add(submit(request));
		}
		List<byte[]> results = new ArrayList<>(futures.size());
		for (CompletableFuture<byte[]> future : futures) {
			results.add(await(future));
		}
		List<T> converted = new ArrayList<>(results.size());
		for (byte[] result : results) {
			converted.add(this.converter.fromBytes(result, resultType));
		}
		return converted;
	}

	/**
	 * Submits a background job at normal priority.
	 * @param function the function
	 * @param payload the workload
	 * @return the job's handle
	 */
	public JobHandle submitBackground(String function, @Nullable Object payload) {
		return submitBackground(function, payload, JobPriority.NORMAL, null, null);
	}

	/**
	 * Submits a background job.
	 * @param function the function
	 * @param payload the workload
	 * @param priority the priority
	 * @param unique the unique id; {@code null} to generate one
	 * @param runAt when the job becomes runnable; {@code null} for now
	 * @return the job's handle
	 */
	public JobHandle submitBackground(String function, @Nullable Object payload, JobPriority priority,
			@Nullable String unique, @Nullable Instant runAt) {
		JobRequest request = request(function, payload).withPriority(priority).withUnique(unique).withRunAt(runAt);
		return await(this.client.submitBackground(request));
	}

	/**
	 * Submits a background job per payload, all in parallel.
	 * @param function the function
	 * @param payloads the workloads
	 * @return the jobs' handles, in payload order
	 */
	public List<JobHandle> submitAllBackground(String function, List<?> payloads) {
		List<JobRequest> requests = new ArrayList<>(payloads.size());
		for (Object payload : payloads) {
			requests.add(request(function, payload));
		}
		return await(this.client.submitAllBackground(requests));
	}

	/**
	 * The status of a job.
	 * @param job the job
	 * @return its status
	 */
	public JobStatus status(JobHandle job) {
		return await(this.client.getStatus(job));
	}

	/**
	 * The status of a job by its unique id.
	 * @param unique the unique id
	 * @return its status
	 */
	public JobStatus statusByUnique(String unique) {
		return await(this.client.getStatusByUnique(unique));
	}

	/**
	 * The dead letters of the job server, when the client talks to exactly one.
	 * @return the operations
	 * @throws IllegalStateException if the client talks to several servers (use {@link #deadLetters(ServerAddress)})
	 */
	public DeadLetterOperations deadLetters() {
		List<ServerAddress> servers = this.client.servers();
		if (servers.size() != 1) {
			throw new IllegalStateException("job servers: " + servers + " (expected: one; name the server with"
					+ " deadLetters(ServerAddress), each server keeps its own dead letters)");
		}
		return deadLetters(servers.get(0));
	}

	/**
	 * The dead letters of one job server.
	 * @param server the server, one of the client's
	 * @return the operations
	 */
	public DeadLetterOperations deadLetters(ServerAddress server) {
		return new DeadLetterOperations(this.client, server);
	}

	/**
	 * What happened to a background job, when its server records history ({@code gearman.server.history.enabled}).
	 * @param job the job
	 * @return its events in the order they happened; empty if none are recorded
	 */
	public List<JobEvent> history(JobHandle job) {
		return events(job.server(), "history handle " + job.handle());
	}

	/**
	 * What happened to the background jobs with a unique id, under any handle (a job gets a new handle when it is
	 * replayed after a restart or requeued), on the server the id goes to.
	 * @param unique the unique id
	 * @return the events in the order they happened
	 */
	public List<JobEvent> historyByUnique(String unique) {
		return events(this.client.serverFor(unique), "history unique " + DeadLetterOperations.word(unique));
	}

	private List<JobEvent> events(ServerAddress server, String command) {
		return await(this.client.adminList(server, command)).stream().map(OperatorText::event).toList();
	}

	private CompletableFuture<byte[]> submit(JobRequest request) {
		JobRecorder.Recording recording = this.recorder.start("client", request.function());
		return this.client.submit(request)
			.whenComplete((result, failure) -> recording.stop(JobRecorder.outcome(failure)));
	}

	private JobRequest request(String function, @Nullable Object payload) {
		return JobRequest.of(function, this.converter.toBytes(payload));
	}

	static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CancellationException("interrupted while waiting for a Gearman job");
		}
		catch (ExecutionException | CompletionException ex) {
			Throwable cause = ex.getCause();
			while (cause instanceof CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
	}

}
