package dev.gearman.spring.core;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import dev.gearman.client.JobStatus;
import dev.gearman.spring.observation.GearmanClientObservationConvention;
import dev.gearman.spring.observation.UniqueIdTraceContext;
import io.micrometer.observation.ObservationRegistry;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.operations.OperatorText;
import org.jspecify.annotations.Nullable;

/**
 * Submits Gearman jobs from Spring code, synchronously or asynchronously, with payloads and results converted
 * by a {@link GearmanPayloadConverter} ({@code byte[]}, {@code String}, or JSON). Synchronous calls wait at most
 * the client's timeout ({@code gearman.client.timeout}) and throw the client's exceptions unwrapped, all of them
 * {@link dev.gearman.GearmanException}s: {@link dev.gearman.client.GearmanWorkerException} (the worker raised),
 * {@link dev.gearman.client.GearmanJobFailedException} (the worker failed the job, with its reason),
 * {@link GearmanPayloadConversionException} (a payload did not convert, here or on the worker),
 * {@link dev.gearman.client.GearmanTimeoutException}, {@link dev.gearman.client.GearmanNoWorkerException},
 * {@link dev.gearman.client.GearmanNoServerException}, and the other
 * {@link dev.gearman.client.GearmanServerErrorException}s and {@link dev.gearman.connection.GearmanConnectionException}s.
 * <p>
 * A call given up (it timed out, its future was cancelled, its thread interrupted) leaves no job behind: the job
 * server drops the job if it is still queued (see {@link GearmanClient}). Calls, background submissions and status
 * queries are measured by the {@link JobRecorder}, or observed when an {@link ObservationRegistry} is set.
 * <p>
 * Operators' calls for failed jobs ({@link #deadLetters()}, {@link #history}) go to the servers' admin commands.
 */
public class GearmanTemplate {

	private final GearmanClient client;

	private final GearmanPayloadConverter converter;

	private final ClientInstrumentation instrumentation = new ClientInstrumentation();

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
	 * Sets what records calls, submissions and status queries, for metrics, when no observation registry is set.
	 * @param recorder the recorder
	 */
	public void setRecorder(JobRecorder recorder) {
		this.instrumentation.setRecorder(recorder);
	}

	/**
	 * Observes calls, submissions and status queries (in place of the recorder): timers and, with tracing, client
	 * spans whose trace context a call without a unique id of its own sends as its unique id, so that the worker
	 * continues the trace (see {@link UniqueIdTraceContext}).
	 * @param registry the registry, {@code null} to use the recorder
	 */
	public void setObservationRegistry(@Nullable ObservationRegistry registry) {
		this.instrumentation.setObservationRegistry(registry);
	}

	/**
	 * Replaces the default keys and names of client observations.
	 * @param convention the convention, {@code null} for {@code DefaultGearmanClientObservationConvention}
	 */
	public void setObservationConvention(@Nullable GearmanClientObservationConvention convention) {
		this.instrumentation.setObservationConvention(convention);
	}

	/**
	 * Sets whether observed calls without a unique id send their trace context as the unique id.
	 * @param propagate {@code true} (the default) to send it
	 */
	public void setPropagateTraceContext(boolean propagate) {
		this.instrumentation.setPropagateTraceContext(propagate);
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
		return await(callAsync(createRequest(function, payload).withListener(listener), resultType));
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
		return callAsync(createRequest(function, payload), resultType);
	}

	/**
	 * Submits a prepared request (its own timeout, unique id, priority, listener…), waits and converts its result.
	 * @param <T> the result type
	 * @param request the request, e.g. from {@link #createRequest}
	 * @param resultType the result type, generic ones included ({@code List<Invoice>}); {@code Void} for none
	 * @return the result
	 */
	public <T> T call(JobRequest request, Type resultType) {
		return await(callAsync(request, resultType));
	}

	/**
	 * Submits a prepared request (its own timeout, unique id, priority, listener…) asynchronously and converts its
	 * result; the form typed clients use. Cancelling the future gives the job up.
	 * @param <T> the result type
	 * @param request the request, e.g. from {@link #createRequest}
	 * @param resultType the result type, generic ones included ({@code List<Invoice>})
	 * @return the result, later
	 */
	public <T> CompletableFuture<T> callAsync(JobRequest request, Type resultType) {
		CompletableFuture<byte[]> call = submit(request);
		return Futures.cancelling(call.thenApply((bytes) -> convert(request.function(), bytes, resultType)), call);
	}

	/**
	 * A request for a function, its workload converted as every call's: {@code byte[]} as is, {@code String} in the
	 * configured charset, anything else as JSON. Add priority, unique id, timeout… with its {@code with} methods.
	 * @param function the function
	 * @param payload the workload
	 * @return the request
	 * @throws GearmanPayloadConversionException if the workload cannot be converted
	 */
	public JobRequest createRequest(String function, @Nullable Object payload) {
		try {
			return JobRequest.of(function, this.converter.toBytes(payload));
		}
		catch (RuntimeException ex) {
			throw new GearmanPayloadConversionException(function, null, GearmanPayloadConversionException.Payload.REQUEST,
					(payload != null) ? payload.getClass().getName() : "null", ex);
		}
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
	 * Calls a function once per payload, all in parallel, and waits for every outcome.
	 * @param <T> the result type
	 * @param function the function
	 * @param payloads the workloads
	 * @param resultType the result type
	 * @return every call's result or failure, in payload order ({@link BatchResult#values()} throws if any failed)
	 */
	public <T> BatchResult<T> callAll(String function, List<?> payloads, Class<T> resultType) {
		return callAll(function, payloads, resultType, BatchResult.Mode.ALL);
	}

	/**
	 * Calls a function once per payload, all in parallel.
	 * @param <T> the result type
	 * @param function the function
	 * @param payloads the workloads
	 * @param resultType the result type
	 * @param mode {@link BatchResult.Mode#ALL} to wait for every outcome, {@link BatchResult.Mode#FAIL_FAST} to stop
	 * at the first failure
	 * @return every call's result or failure, in payload order
	 * @throws GearmanBatchException in {@code FAIL_FAST} mode, at the first failure, with the outcomes so far (calls
	 * still running are given up and fail with a {@link CancellationException})
	 */
	public <T> BatchResult<T> callAll(String function, List<?> payloads, Class<T> resultType, BatchResult.Mode mode) {
		List<CompletableFuture<T>> calls = new ArrayList<>(payloads.size());
		for (Object payload : payloads) {
			calls.add(callAsync(createRequest(function, payload), resultType));
		}
		return BatchResult.await(calls, mode);
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
		JobRequest request = createRequest(function, payload).withPriority(priority).withUnique(unique)
			.withRunAt(runAt);
		return await(submitBackgroundAsync(request));
	}

	/**
	 * Submits a prepared background request.
	 * @param request the request, e.g. from {@link #createRequest}
	 * @return the job's handle once the server accepted (and, with a durable store, stored) it
	 */
	public JobHandle submitBackground(JobRequest request) {
		return await(submitBackgroundAsync(request));
	}

	/**
	 * Submits a prepared background request asynchronously.
	 * @param request the request, e.g. from {@link #createRequest}
	 * @return the job's handle once the server accepted (and, with a durable store, stored) it
	 */
	public CompletableFuture<JobHandle> submitBackgroundAsync(JobRequest request) {
		return this.instrumentation.measure(JobRecorder.Kind.SUBMISSION, request.function(),
				(traceUnique) -> this.client.submitBackground(withTraceUnique(request, traceUnique)));
	}

	/**
	 * Submits a background job per payload, all in parallel.
	 * @param function the function
	 * @param payloads the workloads
	 * @return the jobs' handles, in payload order
	 */
	public List<JobHandle> submitAllBackground(String function, List<?> payloads) {
		List<CompletableFuture<JobHandle>> submissions = new ArrayList<>(payloads.size());
		for (Object payload : payloads) {
			submissions.add(submitBackgroundAsync(createRequest(function, payload)));
		}
		List<JobHandle> handles = new ArrayList<>(submissions.size());
		for (CompletableFuture<JobHandle> submission : submissions) {
			handles.add(await(submission));
		}
		return handles;
	}

	/**
	 * The status of a job.
	 * @param job the job
	 * @return its status
	 */
	public JobStatus status(JobHandle job) {
		return await(this.instrumentation.measure(JobRecorder.Kind.STATUS, "handle",
				(traceUnique) -> this.client.getStatus(job)));
	}

	/**
	 * The status of a job by its unique id.
	 * @param unique the unique id
	 * @return its status
	 */
	public JobStatus statusByUnique(String unique) {
		return await(this.instrumentation.measure(JobRecorder.Kind.STATUS, "unique",
				(traceUnique) -> this.client.getStatusByUnique(unique)));
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
		CompletableFuture<byte[]> call = this.instrumentation.measure(JobRecorder.Kind.CALL, request.function(),
				(traceUnique) -> this.client.submit(withTraceUnique(request, traceUnique)));
		CompletableFuture<byte[]> translated = call.handle((result, failure) -> {
			if (failure == null) {
				return result;
			}
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			throw new CompletionException(GearmanPayloadConversionException.fromWorker(cause));
		});
		return Futures.cancelling(translated, call);
	}

	private static JobRequest withTraceUnique(JobRequest request, @Nullable String traceUnique) {
		return (request.unique() == null && traceUnique != null) ? request.withUnique(traceUnique) : request;
	}

	private <T> @Nullable T convert(String function, byte[] bytes, Type type) {
		if (type == Void.class || type == void.class) {
			return null;
		}
		try {
			return this.converter.fromBytes(bytes, type);
		}
		catch (RuntimeException ex) {
			throw new GearmanPayloadConversionException(function, null, GearmanPayloadConversionException.Payload.RESULT,
					type.getTypeName(), ex);
		}
	}

	static <T> T await(CompletableFuture<T> future) {
		return Futures.await(future);
	}

}
